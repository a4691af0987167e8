package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// uploadSandbox is the Epic-like sandbox's jwt-key-propagating scenario as
// a user with a portal-uploaded key sees it: no jwks_url, so nothing but
// the user can say when the key was registered. The sandbox, the probe and
// the wizard share one stopped clock: the key stays unsynced however long
// the test takes, and "20m ago" means the same instant to all three.
func uploadSandbox(t *testing.T) (*sandbox.Server, *wizardBackend) {
	t.Helper()
	now := time.Now().Truncate(time.Second)
	clock := func() time.Time { return now }
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-propagating", Now: clock})
	path := srv.Info().ConfigFile
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	noJWKS := regexp.MustCompile(`(?m)^\s*jwks_url:.*\n`).ReplaceAll(b, nil)
	if len(noJWKS) == len(b) {
		t.Fatal("the sandbox's config has no jwks_url to remove")
	}
	if err := os.WriteFile(path, noJWKS, 0o600); err != nil {
		t.Fatal(err)
	}
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
	w.now = clock
	return srv, w
}

// TestWizardUploadAnswerMovesDiagnosis: against the real sandbox, a key
// refused with Epic's silent invalid_client is first jwt-key-unknown
// (propagation only possible); Step 1's answer "20m ago" reruns the
// diagnosis with it as evidence and jwt-key-propagating becomes the top
// cause, in the wizard and in the saved report, with the answer as typed.
// "earlier" and "unknown" leave the diagnosis as it was.
func TestWizardUploadAnswerMovesDiagnosis(t *testing.T) {
	for _, tc := range []struct {
		answer string
		top    probe.CauseID
	}{
		{"20m ago", probe.CauseJWTKeyPropagating},
		{"earlier", probe.CauseJWTKeyUnknown},
		{"", probe.CauseJWTKeyUnknown},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			srv, w := uploadSandbox(t)
			d := startWizard(t, srv, w, ui.Options{})
			d.waitFor("Diagnosis jwt-key-unknown")
			d.key("enter")
			d.waitFor("When did you upload this key?")
			for range 5 {
				d.key("enter")
			}
			d.tm.Type(tc.answer)
			d.key("enter")
			if tc.top == probe.CauseJWTKeyPropagating {
				d.waitFor("Diagnosis jwt-key-propagating")
				d.key("enter")
			}
			d.waitFor("Rotate the key")
			if err := d.tm.Quit(); err != nil {
				t.Fatal(err)
			}
			sess := d.final().Session()
			if got := sess.Diagnosis.Diagnosis.Top; got != tc.top {
				t.Fatalf("top %s, want %s", got, tc.top)
			}
			prop := cause(sess.Diagnosis, probe.CauseJWTKeyPropagating)
			want := map[probe.CauseID]probe.Verdict{probe.CauseJWTKeyPropagating: probe.VerdictLikely, probe.CauseJWTKeyUnknown: probe.VerdictPossible}[tc.top]
			if prop.Verdict != want {
				t.Errorf("jwt-key-propagating %s, want %s", prop.Verdict, want)
			}
			evidence := strings.Join(prop.Evidence, "\n")
			if tc.top == probe.CauseJWTKeyPropagating && !strings.Contains(evidence, "you uploaded the key ~20 minutes ago (your answer in the wizard)") {
				t.Errorf("propagation's evidence:\n%s", evidence)
			}
			last := sess.Checklist[len(sess.Checklist)-1]
			wantAnswer := tc.answer
			if wantAnswer == "" {
				wantAnswer = "unknown"
			}
			if last.Question != "When did you upload this key?" || last.Answer != wantAnswer {
				t.Errorf("checklist ends with %q: %q, want the answer %q", last.Question, last.Answer, wantAnswer)
			}
			report := filepath.Join(t.TempDir(), "report.md")
			if err := w.saveReport(report, sess); err != nil {
				t.Fatal(err)
			}
			md, _ := os.ReadFile(report)
			for _, want := range []string{"When did you upload this key?", wantAnswer, "Top cause `" + string(tc.top) + "`"} {
				if !strings.Contains(string(md), want) {
					t.Errorf("the report lacks %q", want)
				}
			}
			assertNoKeyMaterial(t, []string{srv.EpicKeyPath()}, d.everything(), string(md))
		})
	}
}

func cause(r *probe.Report, id probe.CauseID) probe.Cause {
	for _, c := range r.Diagnosis.Causes {
		if c.ID == id {
			return c
		}
	}
	return probe.Cause{}
}

// TestWizardUploadAnswerAccessible: the accessible mode asks the same
// field as a line prompt, and the answer moves the diagnosis the same way.
func TestWizardUploadAnswerAccessible(t *testing.T) {
	srv, w := uploadSandbox(t)
	input := strings.Join([]string{
		"",                 // Diagnose: continue
		"", "", "", "", "", // the checklist left unknown
		"20m ago", // When did you upload this key?
		"q",       // What next? quit
	}, "\n") + "\n"
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sess, err := ui.RunAccessible(ctx, w.deps(), ui.Options{}, strings.NewReader(input), &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"When did you upload this key? 20m ago, 14:05", "Diagnosed again with your answer:",
		"Diagnosis jwt-key-propagating", "you uploaded the key ~20 minutes ago (your answer in the wizard)"} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}
	if got := sess.Diagnosis.Diagnosis.Top; got != probe.CauseJWTKeyPropagating {
		t.Errorf("top %s", got)
	}
	assertNoKeyMaterial(t, []string{srv.EpicKeyPath()}, text)
}
