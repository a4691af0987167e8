package cli

import (
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

	d := startWizard(t, w, ui.Options{})

	d.waitFor("Diagnosis")
	d.key("enter")
	d.waitFor("Record")
	d.key("enter")
	d.waitFor("Regenerate")
	d.key("enter")
	d.waitFor("echoed")
	_, newSecret := srv.Regenerate()
	d.paste("\"" + newSecret + "\"\n")
	d.key("enter")
	d.waitFor("Write")
	d.key("w")
	d.waitFor("backup")
	d.key("enter")
	d.waitFor("passed")
	d.key("enter")
	d.waitFor("remains")
	d.key("q")
	sess := d.final().Session()
	if c := report.Count(sess.After.Checks); c.Ran() == 0 || c.Passed() != c.Ran() {
		t.Errorf("verification: %s", report.PassedLine(c))
	}
	if !sess.Written() || sess.NewFingerprint != config.Fingerprint(newSecret) {
		t.Errorf("session: written=%v new fingerprint %s", sess.Written(), sess.NewFingerprint)
	}

	assertNoSecret(t, srv, d.seen.String())
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
