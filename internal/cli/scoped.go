package cli

import (
	"fmt"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// checkScoped validates the parts of the tenant a command touches
// (docs/config.md, "scoped validation"): their errors refuse the command,
// and everything else is printed once as a warning.
func (g *globals) checkScoped(io *IOStreams, f *config.File, tenant string, parts config.Part, doing string) error {
	findings := f.ValidateFor(tenant, parts)
	for _, x := range findings {
		fmt.Fprintln(io.Err, x.String())
	}
	if config.HasErrors(findings) {
		return fmt.Errorf("%s is invalid for %s: fix the errors above first (fhirdoctor config validate lists every finding)", f.Path(), doing)
	}
	return nil
}

// savedPaths lists the files a write replaced, for the audit line.
func savedPaths(rs []config.SaveResult) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Path)
	}
	return out
}

// sourceOr names where a secret lives, or the config file for a value
// without a recorded source.
func sourceOr(src config.Source, path string) string {
	if s := src.String(); s != "" {
		return s
	}
	return path
}
