package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// TestWizardAfterWriteAgainstSandbox: the demo's layout (a staging copy of
// the config beside it) through the real wizard. The Summary offers the
// stale staging place, writing it tests and saves it with a backup and an
// audit line beside it; Run after writing runs a command that sees the
// tenant, and its result reaches the session; no frame holds a secret.
func TestWizardAfterWriteAgainstSandbox(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated", OtherEnvironments: []string{"staging"}})
	info := srv.Info()
	staging := filepath.Join(filepath.Dir(info.ConfigFile), ".settings.staging", "config.yaml")
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
	d := startWizard(t, srv, w, ui.Options{})

	d.toStep3()
	_, newSecret := srv.Regenerate()
	d.writeAndVerify(newSecret + "\n")
	d.waitFor("Update these stale places too?")
	d.key("x")
	d.key("enter")
	d.waitFor("Run a command now")
	d.key("y")
	d.waitFor("Runs with sh -c")
	d.paste(`echo "tenant=$FHIRDOCTOR_TENANT"; exit 5`)
	d.key("enter")
	d.waitFor("now?")
	d.key("y")
	d.waitFor("exit 5 in")
	d.key("enter")
	d.waitFor("Save the report?")
	d.key("q")
	sess := d.final().Session()

	assertNoSecret(t, srv, d.everything())
	if !strings.Contains(d.everything(), "tenant=default") {
		t.Error("the command's output never showed the tenant")
	}
	if len(sess.Then) != 1 || sess.Then[0].ExitCode != 5 || sess.Then[0].OK() {
		t.Errorf("session's commands = %+v", sess.Then)
	}
	if err := wizardOutcome(sess); exitCode(err) != 8 {
		t.Errorf("the wizard's exit code = %d, want 8 (a command after the write failed)", exitCode(err))
	}
	f, err := config.Load(staging)
	if err != nil {
		t.Fatal(err)
	}
	ten, err := f.Tenant("default")
	if err != nil {
		t.Fatal(err)
	}
	if ten.Cerner.SystemApp.ClientSecret.Reveal() != newSecret {
		t.Errorf("staging holds %s, want the new secret", ten.Cerner.SystemApp.ClientSecret.Fingerprint())
	}
	if b, _ := filepath.Glob(staging + ".bak.*"); len(b) != 1 {
		t.Errorf("staging backups: %v", b)
	}
	audit, err := os.ReadFile(filepath.Join(filepath.Dir(staging), config.AuditFileName))
	if err != nil || !strings.Contains(string(audit), `"action":"rotate --also"`) || !strings.Contains(string(audit), `"verification":"passed"`) {
		t.Errorf("staging's audit log: %v", err)
	}
	assertNoSecret(t, srv, string(audit))
	main, err := os.ReadFile(filepath.Join(filepath.Dir(info.ConfigFile), config.AuditFileName))
	if err != nil || !strings.Contains(string(main), `"action":"then"`) || !strings.Contains(string(main), `"exit_status":5`) {
		t.Errorf("the audit log lacks the command: %v", err)
	}
}

// TestAccessibleRunAfterWriting: the line prompts reach the same step, run
// the command once confirmed, print its scrubbed output and save its
// result in the report.
func TestAccessibleRunAfterWriting(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"})
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(k string) string {
		if k == "FHIRDOCTOR_THEN" {
			return `while IFS= read -r l; do echo "$l"; done < "$FHIRDOCTOR_CONFIG"`
		}
		return ""
	}})
	_, newSecret := srv.Regenerate()
	reportPath := filepath.Join(t.TempDir(), "report.md")
	input := strings.Join([]string{
		"", "", "", "", "", "", // Diagnose, the checklist left unknown
		"",        // Step 1: continue
		"a",       // Option A
		"",        // Step 2: continue
		"",        // keep the client id
		newSecret, // the new secret
		"",        // Step 3: continue
		"y",       // write
		"",        // Step 4: continue
		"",        // Step 5: continue
		"y",       // run a command after writing
		"",        // keep the suggested command
		"y",       // run it
		"",        // back to the summary
		"y",       // save the report
	}, "\n") + "\n"
	var out strings.Builder
	s, err := ui.RunAccessible(t.Context(), w.deps(), ui.Options{ReportPath: reportPath}, strings.NewReader(input), &out)
	assertNoSecret(t, srv, out.String())
	if err != nil {
		t.Fatalf("accessible flow: %v", err)
	}
	if len(s.Then) != 1 || !s.Then[0].OK() {
		t.Fatalf("commands run: %+v\n%s", s.Then, out.String())
	}
	if !strings.Contains(out.String(), "client_secret: \""+config.Fingerprint(newSecret)) {
		t.Error("the transcript lacks the command's scrubbed output")
	}
	rep, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, srv, string(rep))
	if !strings.Contains(string(rep), "## After the write") {
		t.Error("the report lacks After the write")
	}
}
