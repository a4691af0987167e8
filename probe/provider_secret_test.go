package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

var providerSecretLine = regexp.MustCompile(`(?m)^(\s+client_secret: )"(FAKE-sandbox-provider-secret-[0-9a-f]+)"(.*)\n`)

// confidentialSandbox starts a sandbox whose provider app is confidential
// and loads its generated config after edit rewrote the provider app's
// client_secret line (nil keeps it), as a user's config would be.
func confidentialSandbox(t *testing.T, edit func(line []string) string) (*sandbox.Server, Options, string) {
	t.Helper()
	srv, opts := startSandbox(t, sandbox.Options{AutoApprove: true, ConfidentialProvider: true, ProviderRedirectURI: freeRedirect(t)}, 10*time.Second)
	yaml := string(srv.ConfigYAML())
	m := providerSecretLine.FindStringSubmatch(yaml)
	if m == nil {
		t.Fatal("the confidential sandbox's config has no provider_app client_secret line")
	}
	secret := m[2]
	if edit != nil {
		yaml = strings.Replace(yaml, m[0], edit(m), 1)
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := config.Load(path)
		if err != nil {
			t.Fatalf("config.Load: %v", err)
		}
		tenant, err := f.Tenant("")
		if err != nil {
			t.Fatal(err)
		}
		opts.Tenant, opts.ConfigPath, opts.Findings = tenant, path, f.Validate()
	}
	return srv, opts, secret
}

// assertNoSecretInOutcome is assertProviderNoLeak plus every secret the
// sandbox knows (the provider app's among them) and the extra values.
func assertNoSecretInOutcome(t *testing.T, srv *sandbox.Server, out ProviderOutcome, extra ...string) {
	t.Helper()
	assertProviderNoLeak(t, srv, out, extra...)
	dump, _ := json.Marshal(out)
	text := string(dump) + fmt.Sprintf("%+v %v", out, out)
	for _, s := range append(srv.Secrets(), extra...) {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("outcome leaks a secret (fingerprint %s)", config.Fingerprint(s))
		}
	}
}

func TestProviderRoundTripConfidential(t *testing.T) {
	const wrong = "FAKE-wrong-provider-secret-0000"
	tests := []struct {
		name      string
		edit      func(m []string) string
		status    Status
		class     ProviderClass
		cause     CauseID
		want      []string
		wantPrint func(secret string) string // a fingerprint the text must show
	}{
		{name: "right secret", status: StatusPass, class: ProviderOK,
			want:      []string{"Basic client_id " + sandbox.ProviderClientID, "(confidential client)", "Patient/12724066: SMART, Nancy"},
			wantPrint: config.Fingerprint},
		{name: "wrong secret", edit: func(m []string) string { return m[1] + `"` + wrong + `"` + m[3] + "\n" },
			status: StatusFail, class: ProviderClientRejected, cause: CauseSecretInvalid,
			want: []string{"refused the provider app's client secret (cerner.provider_app.client_secret, sha256:", "invalid-client-credentials",
				"Copy the provider app's current secret from the Cerner Code Console into cerner.provider_app.client_secret"},
			wantPrint: func(string) string { return config.Fingerprint(wrong) }},
		{name: "public app against a confidential one", edit: func([]string) string { return "" },
			status: StatusFail, class: ProviderClientRejected, cause: CauseClientUnknown,
			want: []string{"invalid_client", "registered as confidential, but the config has no cerner.provider_app.client_secret",
				"no Authorization header (public client)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, opts, secret := confidentialSandbox(t, tt.edit)
			if tt.edit == nil && opts.Tenant.Cerner.ProviderApp.AuthMethod() != config.AuthClientSecret {
				t.Fatalf("the loaded provider app authenticates with %q, want client_secret", opts.Tenant.Cerner.ProviderApp.AuthMethod())
			}
			b := newBrowser(t, srv)
			out := ProviderRoundTrip(context.Background(), opts, ProviderOptions{OpenURL: b.open})
			text := out.Summary + "\n" + strings.Join(out.Evidence, "\n") + "\n" + out.Remedy
			if out.Status != tt.status || out.Class != tt.class || out.Cause != tt.cause {
				t.Fatalf("got %s/%s/%q, want %s/%s/%q:\n%s", out.Status, out.Class, out.Cause, tt.status, tt.class, tt.cause, text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("outcome lacks %q:\n%s", w, text)
				}
			}
			if tt.wantPrint != nil && !strings.Contains(text, tt.wantPrint(secret)) {
				t.Errorf("outcome lacks the secret's fingerprint %s:\n%s", tt.wantPrint(secret), text)
			}
			b.mu.Lock()
			seen := append([]string(nil), b.seen...)
			b.mu.Unlock()
			assertNoSecretInOutcome(t, srv, out, append(seen, wrong, secret)...)
		})
	}
}

func TestClientAuthRefusal(t *testing.T) {
	const urn = "https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3A"
	secretApp := &config.ProviderApp{ClientID: "c", ClientSecret: config.NewSecret("FAKE-unit-secret")}
	keyApp := &config.ProviderApp{ClientID: "c", PrivateKeyPath: "/k.pem", KeyID: "k1"}
	public := &config.ProviderApp{ClientID: "c"}
	tests := []struct {
		name          string
		app           *config.ProviderApp
		code, uri     string
		ok            bool
		cause         CauseID
		want, notWant string
	}{
		{"wrong secret", secretApp, "invalid_client", urn + "invalid-client-credentials/instances/x", true, CauseSecretInvalid, "cerner.provider_app.client_secret, sha256:", "FAKE-unit-secret"},
		{"secret, no error_uri", secretApp, "invalid_client", "", true, CauseSecretInvalid, "client secret", ""},
		{"secret, unknown client", secretApp, "invalid_client", urn + "unknown-client/instances/x", false, "", "", ""},
		{"secret, other error", secretApp, "invalid_grant", "", false, "", "", ""},
		{"public, authentication wanted", public, "invalid_client", urn + "invalid-authorization-header/instances/x", true, CauseClientUnknown, "registered as confidential", ""},
		{"public, bare invalid_client", public, "invalid_client", "", false, "", "", ""},
		{"public, Basic refused", public, "invalid_client", urn + "invalid-client-credentials/instances/x", false, "", "", ""},
		{"private_key_jwt", keyApp, "invalid_client", urn + "invalid-client-credentials/instances/x", false, "", "", ""},
		{"no app", nil, "invalid_client", "", false, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := clientAuthRefusal(tt.app, tt.code, tt.uri)
			if ok != tt.ok || a.cause != tt.cause {
				t.Fatalf("got ok=%v cause %q, want ok=%v cause %q (%s)", ok, a.cause, tt.ok, tt.cause, a.summary)
			}
			text := a.summary + " " + a.remedy
			if !strings.Contains(text, tt.want) || (tt.notWant != "" && strings.Contains(text, tt.notWant)) {
				t.Errorf("text %q: want %q, never %q", text, tt.want, tt.notWant)
			}
		})
	}
}
