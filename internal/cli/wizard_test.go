package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/report"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// TestWizardAgainstSandbox drives the real wizard, wired as main wires it,
// through the whole rotation against the sandbox over TLS: the secret is
// pasted, tested, written; the file changes in the secret's line only, the
// backup and the audit line exist, and no frame ever held the secret.
func TestWizardAgainstSandbox(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"})
	info := srv.Info()
	before, err := os.ReadFile(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})

	d := startWizard(t, srv, w, ui.Options{})

	d.toStep3()
	_, newSecret := srv.Regenerate()
	d.writeAndVerify("\"" + newSecret + "\"\n")
	d.waitFor("remains")
	d.key("q")
	sess := d.final().Session()
	if c := report.Count(sess.After.Checks); c.Ran() == 0 || c.Passed() != c.Ran() {
		t.Errorf("verification: %s", report.PassedLine(c))
	}
	if !sess.Written() || sess.NewFingerprint != config.Fingerprint(newSecret) {
		t.Errorf("session: written=%v new fingerprint %s", sess.Written(), sess.NewFingerprint)
	}

	assertNoSecret(t, srv, d.everything())
	after, err := os.ReadFile(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	assertOneValueChanged(t, before, after)
	if !strings.Contains(string(after), newSecret) {
		t.Error("the config does not hold the new secret")
	}
	if b, _ := filepath.Glob(info.ConfigFile + ".bak.*"); len(b) != 1 {
		t.Errorf("backups: %v", b)
	}
	audit, err := os.ReadFile(filepath.Join(filepath.Dir(info.ConfigFile), config.AuditFileName))
	if err != nil || !strings.Contains(string(audit), `"verification":"passed"`) {
		t.Errorf("audit log: %v %s", err, audit)
	}
	assertNoSecret(t, srv, string(audit))
}

// TestAccessibleAgainstSandbox runs --accessible's line prompts, wired as
// the command wires them, through the whole rotation against the sandbox:
// worded and lettered answers, invalid ones asked again, the secret piped
// (the no-terminal fallback). Every answer lands in the saved report as
// given, and the file holds the new secret.
func TestAccessibleAgainstSandbox(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"})
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
	_, newSecret := srv.Regenerate()
	reportPath := filepath.Join(t.TempDir(), "report.md")
	input := strings.Join([]string{
		"",                      // Diagnose: continue
		"yes",                   // still listed
		"n",                     // not active
		"31/12/2026",            // not YYYY-MM-DD: asked again
		"2026-12-31",            // expiry
		"maybe",                 // not an answer: asked again
		"unknown",               // scopes
		"y",                     // rotated
		"",                      // Step 1: continue
		"3",                     // no third option: asked again
		"a",                     // Option A
		"",                      // Step 2: continue
		"",                      // keep the client id
		"'" + newSecret + "'\r", // pasted with quotes and a CR
		"",                      // Step 3: continue
		"sure",                  // not yes or no: asked again
		"yes",                   // write
		"",                      // Step 4: continue
		"",                      // Step 5: continue
		"n",                     // no command to run after writing
		"y",                     // save the report
	}, "\n") + "\n"
	var out bytes.Buffer
	s, err := ui.RunAccessible(context.Background(), w.deps(), ui.Options{ReportPath: reportPath}, strings.NewReader(input), &out)
	assertNoSecret(t, srv, out.String())
	if err != nil {
		t.Fatalf("accessible flow: %v", err)
	}
	if !s.Written() || s.NewFingerprint != config.Fingerprint(newSecret) {
		t.Fatalf("session: written=%v new fingerprint %s", s.Written(), s.NewFingerprint)
	}
	if c := report.Count(s.After.Checks); c.Ran() == 0 || c.Passed() != c.Ran() {
		t.Errorf("verification: %s", report.PassedLine(c))
	}
	for _, asked := range []string{"type a date as YYYY-MM-DD", "Not an answer here: type yes, no or unknown", "Not an answer here: type a number, or a or b", "invalid input"} {
		if n := strings.Count(out.String(), asked); n != 1 {
			t.Errorf("%q said %d times, want once: an invalid answer must be asked again", asked, n)
		}
	}
	md, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, srv, string(md))
	for _, a := range []string{"still listed? **yes**", `"Active"? **no**`, "expire? **2026-12-31**", "still granted? **unknown**", "been rotated? **yes**"} {
		if !strings.Contains(string(md), a) {
			t.Errorf("the report lacks the answer %q", a)
		}
	}
}

// TestWizardExitCodes: the end of input at an accessible prompt is an
// interruption (130); q exits with the diagnosis' code (docs/wizard.md,
// "Exit codes").
func TestWizardExitCodes(t *testing.T) {
	for _, tc := range []struct {
		scenario, stdin string
		want            int
	}{
		{"secret-rotated", "", 130},
		{"secret-rotated", "\n", 130},
		{"secret-rotated", "q\n", 3},
		{"healthy", "quit\n", 0},
	} {
		if _, _, code := runCLI(t, nil, tc.stdin, "demo", "--accessible", "--scenario", tc.scenario); code != tc.want {
			t.Errorf("demo --accessible --scenario %s with %q: exit %d, want %d", tc.scenario, tc.stdin, code, tc.want)
		}
	}
}

// TestWizardNewSystemApp is Option B end to end: the app was replaced in
// the console (the old client id is unknown), Step 2 starts on Option B,
// Step 3 takes the new client id and secret, Step 4 tests and writes both,
// and Step 5 passes with them.
func TestWizardNewSystemApp(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	info := srv.Info()
	newID, newSecret := srv.NewSystemApp()
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
	d := startWizard(t, srv, w, ui.Options{})

	d.waitFor("Diagnosis client-unknown")
	d.key("enter")
	d.waitFor("Record")
	for range 5 {
		d.key("enter")
	}
	d.waitFor("› Option B") // the app is gone: a new secret cannot help
	d.key("enter")
	d.waitFor("echoed")
	d.paste(newID)
	d.key("enter")
	d.writeAndVerify(newSecret)
	d.waitFor("remains")
	d.key("q")
	sess := d.final().Session()
	if !sess.Written() || sess.NewClientID != newID || sess.Option != "B" {
		t.Fatalf("written %v, client id %q, option %q", sess.Written(), sess.NewClientID, sess.Option)
	}
	if latest := sess.Latest(); latest == nil || latest.Diagnosis.Top != "ok" {
		t.Errorf("Step 5 with the new app: %+v", latest)
	}
	f, err := config.Load(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, _ := f.Tenant("")
	if app := tenant.Cerner.SystemApp; app.ClientID != newID || !app.ClientSecret.Equal(config.NewSecret(newSecret)) {
		t.Errorf("config client_id %q, secret %s", app.ClientID, app.ClientSecret.Fingerprint())
	}
	assertNoSecret(t, srv, d.everything())
}
