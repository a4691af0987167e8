package afterwrite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
)

func tenantYAML(name, id, secret string) string {
	return "  " + name + ":\n    cerner:\n      system_app:\n        client_id: " + id + "\n        client_secret: " + secret +
		"\n        token_url: https://auth.example/tenants/t/hosts/h/protocols/oauth2/profiles/smart-v1/token\n"
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCompute lays out a backend root with three environments and checks
// each place's status.
func TestCompute(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, ".settings.dev", "config.yaml")
	writeFile(t, dev, "tenants:\n"+tenantYAML("default", "app-1", "FAKE-new")+tenantYAML("clinic-north", "app-1", "FAKE-old")+
		tenantYAML("other-app", "app-9", "FAKE-x")+tenantYAML("shared", "app-1", "FAKE-new"))
	writeFile(t, filepath.Join(root, ".settings.staging", "config.yaml"), "tenants:\n"+tenantYAML("default", "app-1", "FAKE-older"))
	writeFile(t, filepath.Join(root, ".settings.prod", "config.yaml"), "tenants: [unclosed\n")
	writeFile(t, filepath.Join(root, ".settings.qa", "config.yaml"), "tenants:\n"+tenantYAML("default", "app-0", "FAKE-old"))
	// Secrets that live elsewhere: the process environment (by hand) and a
	// .env line (fhirdoctor can write it).
	writeFile(t, filepath.Join(root, ".settings.uat", "config.yaml"), "tenants:\n"+tenantYAML("default", "app-1", "${UAT_SECRET}"))
	writeFile(t, filepath.Join(root, ".settings.demo", "config.yaml"), "tenants:\n"+tenantYAML("default", "app-1", "${DEMO_SECRET}"))
	writeFile(t, filepath.Join(root, ".env.demo"), "# demo\nDEMO_SECRET=FAKE-old\n")
	load := func(path string) (*config.File, error) {
		f, err := config.Load(path)
		if err != nil {
			return nil, err
		}
		env := config.EnvironmentFor(path, "")
		env.LookupEnv = func(k string) (string, bool) { v, ok := map[string]string{"UAT_SECRET": "FAKE-uat"}[k]; return v, ok }
		f.SetEnvironment(env)
		return f, nil
	}

	r := Compute(Written{
		Config: dev, Env: "dev", Tenant: "default", OldClientID: "app-0", ClientID: "app-1",
		OldSecret: config.NewSecret("FAKE-old"), Secret: config.NewSecret("FAKE-new"),
		TokenLifetime: 570 * time.Second, OldKeyFile: "/keys/old.pem", Load: load,
		Getenv: func(k string) string {
			return map[string]string{"CERNER_CLIENT_SECRET": "FAKE-env", "CERNER_CLIENT_ID": "app-1"}[k]
		},
	})
	got := map[string]PlaceStatus{}
	for _, p := range r.Places {
		got[p.Env+"/"+p.Tenant] = p.Status
	}
	want := map[string]PlaceStatus{"dev/clinic-north": Stale, "dev/shared": Updated, "staging/default": Stale, "qa/default": OldApp,
		"uat/default": Stale, "demo/default": Stale}
	if len(got) != len(want) {
		t.Errorf("places = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	var also []string
	for _, p := range r.Stale() {
		also = append(also, p.Also+"="+p.Source)
	}
	if got, want := strings.Join(also, " "), "clinic-north=config.yaml:12 demo=.env.demo:2 (DEMO_SECRET) staging=config.yaml:6"; got != want {
		t.Errorf("writable stale places = %q, want %q", got, want)
	}
	if len(r.Unreadable) != 1 || !strings.Contains(r.Unreadable[0], ".settings.prod") {
		t.Errorf("unreadable = %q", r.Unreadable)
	}
	text := strings.Join(r.Lines(), "\n")
	for _, w := range []string{"up to 9m30s", "by hand: environment (UAT_SECRET) (tenant default of", "retire the old key /keys/old.pem", "environment (CERNER_CLIENT_SECRET): holds sha256:", "CI variables"} {
		if !strings.Contains(text, w) {
			t.Errorf("lines lack %q:\n%s", w, text)
		}
	}
	for _, s := range []string{"FAKE-new", "FAKE-old", "FAKE-older", "FAKE-env", "FAKE-x", "FAKE-uat"} {
		if strings.Contains(text, s) {
			t.Errorf("lines hold a secret")
		}
		found := false
		for _, k := range r.Secrets() {
			found = found || k.Reveal() == s
		}
		if !found {
			t.Errorf("Secrets() lacks one the scrubber needs")
		}
	}
}

func jwtTenantYAML(name, id, keyPath, kid string) string {
	return "  " + name + ":\n    cerner:\n      system_app:\n        client_id: " + id + "\n        private_key_path: " + keyPath +
		"\n        key_id: " + kid + "\n        token_url: https://auth.example/tenants/t/hosts/h/protocols/oauth2/profiles/smart-v1/token\n"
}

// TestComputeKeyRotation: after a JWT app's key rotation, another tenant of
// the same app on the old kid is stale and told the exact --adopt-key
// command (it is not offered as an --also place: that writes secrets); one
// already on the new kid is updated; the backend is told to restart to
// sign with the new key, not that a cached token will fail.
func TestComputeKeyRotation(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, ".settings.dev", "config.yaml")
	writeFile(t, dev, "tenants:\n"+jwtTenantYAML("default", "app-1", "keys/new.pem", "kid-new")+
		jwtTenantYAML("north", "app-1", "keys/old.pem", "kid-old")+jwtTenantYAML("south", "app-1", "keys/new.pem", "kid-new"))
	r := Compute(Written{
		Config: dev, Env: "dev", Tenant: "default", OldClientID: "app-1", ClientID: "app-1",
		KeyID: "kid-new", NewKeyFile: "/backend/keys/new key.pem", OldKeyFile: "/backend/keys/old.pem",
	})
	got := map[string]Place{}
	for _, p := range r.Places {
		got[p.Tenant] = p
	}
	north, south := got["north"], got["south"]
	if north.Status != Stale || south.Status != Updated {
		t.Fatalf("north %s, south %s; want stale and updated", north.Status, south.Status)
	}
	wantAdopt := "fhirdoctor rotate --adopt-key '/backend/keys/new key.pem' --kid kid-new --config " + dev + " --tenant north"
	if north.Adopt != wantAdopt || north.Also != "" {
		t.Errorf("north adopt %q also %q; want %q and no --also", north.Adopt, north.Also, wantAdopt)
	}
	if len(r.Stale()) != 0 {
		t.Errorf("a key rotation offers places to update as secrets: %+v", r.Stale())
	}
	lines := strings.Join(r.Lines(), "\n")
	for _, want := range []string{"it signs with the new key (kid kid-new) only then", "✗ stale    dev, tenant north: another key, key kid-old", wantAdopt, "retire the old key /backend/keys/old.pem"} {
		if !strings.Contains(lines, want) {
			t.Errorf("lines lack %q:\n%s", want, lines)
		}
	}
	if strings.Contains(lines, "cached before the regeneration") {
		t.Errorf("a key rotation is told about a regenerated secret:\n%s", lines)
	}
}
