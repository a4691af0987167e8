package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestProviderRoundTripWithKey: a confidential provider app that signs a
// client assertion for the code exchange. Registered, the round trip
// passes with the assertion's decoded view in the evidence; unregistered,
// the exchange is refused and says so.
func TestProviderRoundTripWithKey(t *testing.T) {
	for _, tc := range []struct {
		name     string
		register bool
		status   Status
		want     string
	}{
		{"registered", true, StatusPass, "signed client_assertion (private_key_jwt, kid provider-key-1)"},
		{"not registered", false, StatusFail, "invalid-signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, opts := startSandbox(t, sandbox.Options{AutoApprove: true, ProviderRedirectURI: freeRedirect(t), Propagation: -1}, 10*time.Second)
			key, err := jwtauth.Generate(jwtauth.ES384)
			if err != nil {
				t.Fatal(err)
			}
			files, err := key.WriteFiles(t.TempDir(), "provider-key-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			app := *opts.Tenant.Cerner.ProviderApp
			app.PrivateKeyPath, app.KeyID = files.Private, "provider-key-1"
			opts.Tenant.Cerner.ProviderApp = &app
			if tc.register {
				srv.RegisterKeys([]jose.JSONWebKey{key.PublicJWK("provider-key-1")})
			}
			b := newBrowser(t, srv)
			out := ProviderRoundTrip(context.Background(), opts, ProviderOptions{OpenURL: b.open})
			text := out.Summary + "\n" + strings.Join(out.Evidence, "\n")
			if out.Status != tc.status || !strings.Contains(text, tc.want) {
				t.Fatalf("status %s, want %s with %q\n%s", out.Status, tc.status, tc.want, text)
			}
			assertProviderNoLeak(t, srv, out)
		})
	}
}
