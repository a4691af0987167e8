package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
	d := startWizard(t, w, ui.Options{})

	d.waitFor("Diagnosis jwt-key-unknown")
	d.key("enter")
	d.waitFor("Record")
	for range 5 {
		d.key("enter")
	}
	d.waitFor("Rotate the key")
	d.key("enter")
	d.waitFor("Uploaded the public key?")
	jwks, _ := filepath.Glob(filepath.Join(filepath.Dir(oldKey), "*.jwks.json"))
	if len(jwks) != 1 {
		t.Fatalf("%d public key files beside the old key", len(jwks))
	}
	if !strings.Contains(d.seen.String(), "Upload this public key: ") {
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
	d.key("q")
	sess := d.final().Session()
	if !sess.Written() {
		t.Fatal("the session did not write")
	}
	kid := strings.TrimSuffix(filepath.Base(jwks[0]), ".jwks.json")
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
	newKey := filepath.Join(filepath.Dir(oldKey), kid+".pem")
	assertNoSecret(t, srv, d.seen.String())
	assertNoKeyMaterial(t, []string{oldKey, newKey}, d.seen.String())
	if regexp.MustCompile(`waiting for the server to accept the new key: \d+m\d+s left · attempt \d`).FindString(d.seen.String()) == "" {
		t.Error("Step 4 showed no countdown")
	}
}
