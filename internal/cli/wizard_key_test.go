package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// TestWizardRotatesKey drives the real wizard through a JWT app's key
// rotation against the Epic-like sandbox: Option A "Rotate the key", Step 3
// shows the public key to upload (the test uploads it through the console,
// as a user would in the portal), Step 4 waits until the server accepts it,
// then the write, and Step 5 verifies with the new key. The old key file
// stays; no frame holds key material or a JWT.
func TestWizardRotatesKey(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown", Propagation: -1})
	info := srv.Info()
	oldKey := srv.EpicKeyPath()
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
	d := startWizard(t, srv, w, ui.Options{})
	d.toKeyUpload()
	jwks, _ := filepath.Glob(filepath.Join(filepath.Dir(oldKey), "*.jwks.json"))
	if len(jwks) != 1 {
		t.Fatalf("%d public key files beside the old key", len(jwks))
	}
	if !strings.Contains(d.everything(), "Upload this public key: ") {
		t.Error("Step 3 does not say what to upload")
	}
	// Uploaded in the wizard's eyes, not yet on the server: Step 4 waits.
	d.key("y")
	d.waitFor("waiting for the server to accept the new key")
	registerJWKS(t, srv, jwks[0])
	d.waitFor("Write these changes?")
	d.key("w")
	d.waitFor("Wrote")
	d.key("enter")
	d.waitFor("passed")
	d.key("enter")
	d.waitFor("remains")
	// "Run after writing" runs against the key write: a command that
	// prints both key files shows fingerprints, never a PEM line.
	kid := strings.TrimSuffix(filepath.Base(jwks[0]), ".jwks.json")
	newKey := filepath.Join(filepath.Dir(oldKey), kid+".pem")
	d.waitFor("Run a command now")
	d.key("y")
	d.waitFor("Runs with sh -c")
	d.paste("cat '" + newKey + "' '" + oldKey + "'; echo after-key-ok")
	d.key("enter")
	d.waitFor("now?")
	d.key("y")
	d.waitFor("exit 0 in")
	d.key("q")
	sess := d.final().Session()
	if !sess.Written() {
		t.Fatal("the session did not write")
	}
	for _, want := range []string{"after-key-ok", "it signs with the new key (kid " + kid + ") only then"} {
		if !strings.Contains(d.everything(), want) {
			t.Errorf("the wizard never showed %q", want)
		}
	}
	if r := strings.Join(sess.Remaining, "\n"); !strings.Contains(r, "retire the old key "+oldKey) {
		t.Errorf("what remains does not name the old key:\n%s", r)
	}
	f, err := config.Load(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, _ := f.Tenant("")
	if app := tenant.Cerner.SystemApp; app.KeyID != kid || filepath.Base(app.PrivateKeyPath) != kid+".pem" {
		t.Fatalf("config key_id %q path %q, want %s", app.KeyID, app.PrivateKeyPath, kid)
	}
	if _, err := os.Stat(oldKey); err != nil {
		t.Fatalf("the old key file is gone: %v", err)
	}
	assertNoSecret(t, srv, d.everything())
	assertNoKeyMaterial(t, []string{oldKey, newKey}, d.everything())
	if regexp.MustCompile(`waiting for the server to accept the new key: \d+m\d+s left · attempt \d`).FindString(d.everything()) == "" {
		t.Error("Step 4 showed no countdown")
	}
}

// wizardScreen quits the wizard and returns its last screen as plain text,
// with what changes between runs masked (paths, kids, thumbprints, times).
func wizardScreen(t *testing.T, d *wizardDriver) string {
	t.Helper()
	// Wide enough that the resume command does not wrap where a random
	// temporary path decides.
	d.tm.Send(tea.WindowSizeMsg{Width: 400, Height: 60})
	if err := d.tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := d.final()
	var b strings.Builder
	pw := &colorprofile.Writer{Forward: &b, Profile: colorprofile.NoTTY}
	_, _ = pw.WriteString(fm.View().Content)
	s := regexp.MustCompile(`/tmp/\S*`).ReplaceAllString(normalizeJWT(b.String()), "$$TMP")
	s = regexp.MustCompile(`\d{8}-[A-Za-z0-9_-]{8}`).ReplaceAllString(s, "KID")
	s = regexp.MustCompile(`(?i)(thumbprint\s+)[A-Za-z0-9_-]{43}`).ReplaceAllString(s, "${1}THUMBPRINT")
	s = regexp.MustCompile(`after \d+ attempts?`).ReplaceAllString(s, "after N attempts")
	s = regexp.MustCompile(`\d+m\d+s left`).ReplaceAllString(s, "D left")
	return regexp.MustCompile(` {2,}`).ReplaceAllString(normalizeReport(s, "/nonexistent"), "  ")
}

// toKeyOptions takes the wizard from Diagnose to Step 2's options for a
// JWT app refused for its key.
func (d *wizardDriver) toKeyOptions() {
	d.t.Helper()
	d.waitFor("Diagnosis jwt-key-unknown")
	d.key("enter")
	d.waitFor("When did you upload this key?") // a key cause: Step 1 asks it
	for range 6 {
		d.key("enter")
	}
	d.waitFor("Rotate the key")
}

// toKeyUpload takes the wizard from Diagnose to Step 3 of a key rotation.
func (d *wizardDriver) toKeyUpload() {
	d.t.Helper()
	d.toKeyOptions()
	d.key("enter")
	d.waitFor("Uploaded the public key?")
}

// TestWizardKeyScreens pins Step 3 (the public key to upload) and Step 4
// when the server never accepted the key within the wait: nothing
// written, the files kept, the command that resumes.
func TestWizardKeyScreens(t *testing.T) {
	t.Run("step3-upload", func(t *testing.T) {
		srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown"})
		w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
		d := startWizard(t, srv, w, ui.Options{})
		d.toKeyUpload()
		golden(t, "wizard-key-step3.txt", wizardScreen(t, d))
	})
	t.Run("step4-not-accepted", func(t *testing.T) {
		srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown"})
		before, _ := os.ReadFile(srv.Info().ConfigFile)
		w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
		w.keyWait = 100 * time.Millisecond
		d := startWizard(t, srv, w, ui.Options{})
		d.toKeyUpload()
		d.key("y")
		d.waitFor("Not accepted yet")
		screen := wizardScreen(t, d)
		if after, _ := os.ReadFile(srv.Info().ConfigFile); string(after) != string(before) {
			t.Error("the config changed although the key was never accepted")
		}
		if !strings.Contains(screen, "fhirdoctor rotate --adopt-key $TMP") {
			t.Errorf("no resume command:\n%s", screen)
		}
		assertNoKeyMaterial(t, []string{srv.EpicKeyPath()}, d.everything())
		golden(t, "wizard-key-step4-not-accepted.txt", screen)
	})
}

// TestWizardNewAppForJWT is Option B for a JWT app: the app was replaced in
// the portal, Step 3 asks the new app's client ID and makes the key to
// upload to it, Step 4 waits until the new app accepts the key, and the
// write puts client_id and the key in the config; Step 5 passes.
func TestWizardNewAppForJWT(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Propagation: -1})
	info := srv.Info()
	newID := srv.NewEpicApp()
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
	d := startWizard(t, srv, w, ui.Options{})
	d.toKeyOptions()
	d.key("down")
	d.key("enter")
	d.waitFor("New app's client ID")
	d.paste(sandbox.EpicClientID)
	d.key("enter")
	d.waitFor("Option B is a new app") // the configured app's id is refused
	for range len(sandbox.EpicClientID) {
		d.key("backspace")
	}
	// Typed, not pasted: c, o, s and q are shortcuts elsewhere on this
	// screen, and must reach the field while it has the focus.
	d.typeText("cosq")
	d.waitFor("cosq")
	for range 4 {
		d.key("backspace")
	}
	d.typeText(newID)
	d.key("enter")
	d.waitFor("Uploaded the public key?")
	jwks, _ := filepath.Glob(filepath.Join(filepath.Dir(srv.EpicKeyPath()), "*.jwks.json"))
	if len(jwks) != 1 {
		t.Fatalf("%d public key files", len(jwks))
	}
	registerJWKS(t, srv, jwks[0])
	d.key("y")
	d.waitFor("Write these changes?")
	d.key("w")
	d.waitFor("Wrote")
	d.key("enter")
	d.waitFor("passed")
	d.key("q")
	sess := d.final().Session()
	if !sess.Written() || sess.NewClientID != newID {
		t.Fatalf("written %v, new client id %q", sess.Written(), sess.NewClientID)
	}
	f, err := config.Load(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, _ := f.Tenant("")
	kid := strings.TrimSuffix(filepath.Base(jwks[0]), ".jwks.json")
	if app := tenant.Cerner.SystemApp; app.ClientID != newID || app.KeyID != kid {
		t.Fatalf("config client_id %q key_id %q; want %q %q", app.ClientID, app.KeyID, newID, kid)
	}
	if latest := sess.Latest(); latest == nil || latest.Diagnosis.Top != "ok" {
		t.Errorf("Step 5 did not pass with the new app: %+v", latest)
	}
	assertNoKeyMaterial(t, []string{srv.EpicKeyPath(), strings.TrimSuffix(jwks[0], ".jwks.json") + ".pem"}, d.everything())
}
