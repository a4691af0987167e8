package probe

import (
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// Texts written once for every tenant name the tenant's own console and
// YAML keys through these placeholders; finish puts the tenant's words in.
// An Epic tenant is sent to Epic on FHIR, and a tenant in the `ehr:` shape
// is told `ehr.provider_app.redirect_uri`, not the `cerner:` path
// (docs/design.md, "Causes and the action plan"; docs/config.md).
const (
	wordConsole     = "{console}"      // the vendor's console: "the Cerner Code Console"
	wordProviderApp = "{provider_app}" // the provider app's key path: "cerner.provider_app"
)

// tenantWords replaces the placeholders for t.
func tenantWords(t config.Tenant) *strings.Replacer {
	return strings.NewReplacer(wordConsole, ConsoleFor(t.Vendor).Name, wordProviderApp, providerAppPath(t))
}

// providerAppPath is where t's provider app is (or goes) in its config.
func providerAppPath(t config.Tenant) string {
	if p := t.Cerner.ProviderApp; p != nil {
		return strings.Join(p.Key(""), ".")
	}
	return strings.Join(t.Cerner.Key("provider_app"), ".")
}

// localize puts the tenant's words in a result's texts.
func (s *state) localize(r Result) Result {
	s.wordsOnce.Do(func() { s.words = tenantWords(s.opts.Tenant) })
	w := s.words
	r.Summary, r.Remedy = w.Replace(r.Summary), w.Replace(r.Remedy)
	if len(r.Evidence) > 0 {
		ev := make([]string, len(r.Evidence))
		for i, e := range r.Evidence {
			ev[i] = w.Replace(e)
		}
		r.Evidence = ev
	}
	return r
}

// finish is the last step of every result: the tenant's words in, then
// every registered secret out.
func (s *state) finish(r Result) Result { return s.scrub(s.localize(r)) }
