package report

import (
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// An Epic tenant is never sent to Cerner's console, and a sandbox console
// (the demo's) replaces the vendor's URL.
func TestInputConsole(t *testing.T) {
	in := Input{}
	in.Tenant.Vendor = "epic"
	if got := in.console().URL; got != "https://fhir.epic.com/Developer/Apps" {
		t.Errorf("epic tenant's console = %q", got)
	}
	in.ConsoleURL = "http://127.0.0.1:1/console"
	if got := in.console(); got.URL != in.ConsoleURL || got.Name != "Epic on FHIR" {
		t.Errorf("with a sandbox console = %+v", got)
	}
}

// Each cause marks the plan from its evidence: which steps apply is the
// point of the plan (docs/design.md, "The action plan").
func TestPlanJWTCauses(t *testing.T) {
	epic := probe.ConsoleFor("epic")
	tests := []struct {
		top     probe.CauseID
		applies string // steps 1..5, x = applies
		mention string // a note must say this
		next    string // NextAction must say this
	}{
		{probe.CauseJWTKeyUnknown, "xxxxx", "Epic on FHIR", "rotate --new-key"},
		{probe.CauseJWTKeyMismatch, "xxxxx", "upload this key's public half", "https://fhir.epic.com/Developer/Apps"},
		{probe.CauseJWTAlgUnsupported, "xxxxx", "RS384 or ES384", "--alg ES384"},
		{probe.CauseJWTKeyPropagating, "x..x.", "keep the one already uploaded", "--adopt-key"},
		{probe.CauseJWKSUnreachable, "x.xxx", "JWK Set", "jwks_url"},
		{probe.CausePrivateKeyUnreadable, "..xxx", "private_key_path", "private_key_path"},
		{probe.CauseSecretInvalid, "xxxxx", "regenerate the secret", "Open the Cerner Code Console (https://code-console.cerner.com/)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.top), func(t *testing.T) {
			con := epic
			if tt.top == probe.CauseSecretInvalid {
				con = probe.ConsoleFor("cerner")
			}
			var got strings.Builder
			var notes []string
			for _, s := range Plan(tt.top, con) {
				if s.Note == "" {
					t.Errorf("step %d has no note", s.Step)
				}
				if strings.Contains(s.Note, "not until") {
					t.Errorf("step %d falls back to the generic %q", s.Step, s.Note)
				}
				got.WriteByte(".x"[b2i(s.Applies)])
				notes = append(notes, s.Note)
			}
			if got.String() != tt.applies {
				t.Errorf("applies = %s, want %s", got.String(), tt.applies)
			}
			if all := strings.Join(notes, "\n"); !strings.Contains(all, tt.mention) {
				t.Errorf("no note mentions %q:\n%s", tt.mention, all)
			}
			next := NextAction(tt.top, con)
			if !strings.Contains(next, tt.next) || strings.Contains(next, "probe -v") {
				t.Errorf("NextAction = %q, want it to mention %q", next, tt.next)
			}
			if tt.top != probe.CauseSecretInvalid && strings.Contains(next, "cerner") {
				t.Errorf("NextAction for an Epic tenant names Cerner: %q", next)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
