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

	r := Compute(Written{
		Config: dev, Tenant: "default", OldClientID: "app-0", ClientID: "app-1",
		OldSecret: config.NewSecret("FAKE-old"), Secret: config.NewSecret("FAKE-new"),
		TokenLifetime: 570 * time.Second, OldKeyFile: "/keys/old.pem",
		Getenv: func(k string) string {
			return map[string]string{"CERNER_CLIENT_SECRET": "FAKE-env", "CERNER_CLIENT_ID": "app-1"}[k]
		},
	})
	got := map[string]PlaceStatus{}
	for _, p := range r.Places {
		got[p.Env+"/"+p.Tenant] = p.Status
	}
	want := map[string]PlaceStatus{"dev/clinic-north": Stale, "dev/shared": Updated, "staging/default": Stale, "qa/default": OldApp}
	if len(got) != len(want) {
		t.Errorf("places = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	stale := r.Stale()
	if len(stale) != 2 || stale[0].Also != "clinic-north" || !stale[0].OldSecret || stale[1].Also != "staging" || stale[1].OldSecret {
		t.Errorf("stale = %+v", stale)
	}
	if len(r.Unreadable) != 1 || !strings.Contains(r.Unreadable[0], ".settings.prod") {
		t.Errorf("unreadable = %q", r.Unreadable)
	}
	text := strings.Join(r.Lines(), "\n")
	for _, w := range []string{"up to 9m30s", "retire the old key /keys/old.pem", "environment (CERNER_CLIENT_SECRET): holds sha256:", "CI variables"} {
		if !strings.Contains(text, w) {
			t.Errorf("lines lack %q:\n%s", w, text)
		}
	}
	for _, s := range []string{"FAKE-new", "FAKE-old", "FAKE-older", "FAKE-env", "FAKE-x"} {
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
