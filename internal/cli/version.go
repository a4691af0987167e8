package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

// Release builds set these with -ldflags (see .goreleaser.yaml):
//
//	-X github.com/fhirdoctor/fhirdoctor/internal/cli.version=v1.2.3
//	-X github.com/fhirdoctor/fhirdoctor/internal/cli.commit=<full sha>
//	-X github.com/fhirdoctor/fhirdoctor/internal/cli.date=<RFC 3339>
//
// `go install ...@v1.2.3` and plain `go build` fill what they can from the
// module's build info instead.
var (
	version = ""
	commit  = ""
	date    = ""
)

func versionString() string {
	if version != "" {
		return version
	}
	return buildVersion()
}

// buildVersion is the module version from the build info, read once:
// debug.ReadBuildInfo parses it anew on every call, and `probe
// --all-tenants` asks once per tenant.
var buildVersion = sync.OnceValue(func() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
})

// buildSetting reads a setting the go command stamped into the binary
// (vcs.revision, vcs.time), "" when absent.
func buildSetting(key string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

func commitString() string {
	c := commit
	if c == "" {
		c = buildSetting("vcs.revision")
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return c
}

func dateString() string {
	if date != "" {
		return date
	}
	return buildSetting("vcs.time")
}

// versionLine is what `--version` and `version` print after the name:
// "v1.2.3 (commit 0123456789ab, built 2026-01-02T03:04:05Z)".
func versionLine() string {
	var extra []string
	if c := commitString(); c != "" {
		extra = append(extra, "commit "+c)
	}
	if d := dateString(); d != "" {
		extra = append(extra, "built "+d)
	}
	if len(extra) == 0 {
		return versionString()
	}
	return versionString() + " (" + strings.Join(extra, ", ") + ")"
}

func newVersionCmd(io *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(io.Out, "fhirdoctor %s %s %s/%s\n", versionLine(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
