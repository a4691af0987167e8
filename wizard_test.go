package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// frames keeps every byte the program wrote, to scan all of them.
type frames struct {
	mu  sync.Mutex
	all bytes.Buffer
}

func (f *frames) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.all.Write(p)
}

func (f *frames) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.all.String()
}

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

	tm := teatest.NewTestModel(t, ui.New(w.deps(), ui.Options{NoColor: true}),
		// Tall enough that the diagnosis is on screen without scrolling.
		teatest.WithInitialTermSize(100, 60),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	seen := &frames{}
	out := io2tee(tm.Output(), seen)
	waitFor := func(s string) { t.Helper(); waitScreen(t, out, s) }
	key := func(k string) {
		switch k {
		case "enter":
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		default:
			tm.Send(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
		}
	}

	waitFor("Diagnosis")
	key("enter")
	waitFor("Record")
	key("enter")
	waitFor("Regenerate")
	key("enter")
	waitFor("echoed")
	_, newSecret := srv.Regenerate()
	tm.Send(tea.PasteMsg{Content: "\"" + newSecret + "\"\n"})
	key("enter")
	waitFor("Write")
	key("w")
	waitFor("backup")
	key("enter")
	waitFor("passed")
	key("enter")
	waitFor("remains")
	key("q")
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(60*time.Second)).(ui.Model)
	if !ok {
		t.Fatal("final model is not a ui.Model")
	}
	sess := fm.Session()
	if passed, ran := ui.Passed(sess.Verify); ran == 0 || passed != ran {
		t.Errorf("verification: %d of %d checks passed", passed, ran)
	}
	if !sess.Written || sess.FingerprintNew != config.Fingerprint(newSecret) {
		t.Errorf("session: written=%v new fingerprint %s", sess.Written, sess.FingerprintNew)
	}

	assertNoSecret(t, srv, seen.String())
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
