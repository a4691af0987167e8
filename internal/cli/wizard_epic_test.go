package cli

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// TestWizardDiagnosesEpic: the wizard's Diagnose screen, wired as main
// wires it, shows the same top cause for every --vendor epic scenario as
// probe --json and the report do; each screen is a golden (100x60, no
// colour), with ports, timings, thumbprints and times masked.
func TestWizardDiagnosesEpic(t *testing.T) {
	for _, tc := range []struct{ scenario, top string }{
		{"jwt-healthy", "No problem found"},
		{"jwt-key-unknown", "Diagnosis jwt-key-unknown"},
		{"jwt-key-mismatch", "Diagnosis jwt-key-mismatch"},
		{"jwt-alg-unsupported", "Diagnosis jwt-alg-unsupported"},
		{"jwt-key-propagating", "Diagnosis jwt-key-propagating"},
		{"jwks-unreachable", "Diagnosis jwks-unreachable"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: tc.scenario})
			w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
			// Wide and tall: every check's summary and every cause line
			// whole, whatever the durations' widths.
			d := startWizardSized(t, srv, w, ui.Options{}, 240, 80)
			d.waitFor(tc.top) // the final verdict, not a check still running
			if err := d.tm.Quit(); err != nil {
				t.Fatal(err)
			}
			fm := d.final()
			var b bytes.Buffer
			pw := &colorprofile.Writer{Forward: &b, Profile: colorprofile.NoTTY}
			_, _ = pw.WriteString(fm.View().Content)
			screen := b.String()
			assertNoSecret(t, srv, d.everything(), screen)
			assertNoKeyMaterial(t, []string{srv.EpicKeyPath()}, d.everything())
			if !strings.Contains(screen, tc.top) {
				t.Errorf("the final screen lacks %q", tc.top)
			}
			// Temporary paths are cut to the screen's width at a place that
			// depends on their random part.
			screen = regexp.MustCompile(`/tmp/\S*`).ReplaceAllString(normalizeJWT(screen), "$$TMP")
			// Columns are padded to the width of durations that vary.
			screen = regexp.MustCompile(` {2,}`).ReplaceAllString(normalizeReport(screen, "/nonexistent"), "  ")
			golden(t, "wizard-epic-"+tc.scenario+".txt", screen)
		})
	}
}
