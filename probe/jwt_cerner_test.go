package probe

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestCernerSystemAccountJWT: an Oracle Health system account that signs
// JWTs. Registered, the probe passes; unregistered, Cerner's URN
// (invalid-signature) is the evidence, and the secret is not suspected.
func TestCernerSystemAccountJWT(t *testing.T) {
	for _, tc := range []struct {
		name     string
		register bool
		top      CauseID
		evidence string
	}{
		{"registered", true, CauseOK, "assertion header: alg ES384"},
		{"not registered", false, CauseJWTKeyUnknown, "client-assertion:jwt-bearer:invalid-signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := sandbox.Start(sandbox.Options{Dir: t.TempDir(), Propagation: -1})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			dir := t.TempDir()
			key, err := jwtauth.Generate(jwtauth.ES384)
			if err != nil {
				t.Fatal(err)
			}
			files, err := key.WriteFiles(dir, "oh-key-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if tc.register {
				srv.RegisterKeys([]jose.JSONWebKey{key.PublicJWK("oh-key-1")})
			}
			info := srv.Info()
			cfg := fmt.Sprintf("tenants:\n  oh:\n    ehr:\n      vendor: cerner\n      base_url: %q\n      system_app:\n        client_id: %q\n        private_key_path: %q\n        key_id: oh-key-1\n        token_url: %q\n        scopes: %q\n",
				info.FHIRBaseURL, srv.ClientID(), files.Private, info.TokenURL, sandbox.ConfiguredScopes)
			path := filepath.Join(dir, "config.yaml")
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			tenant, err := f.Tenant("")
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Tenant: tenant, ConfigPath: path, Findings: f.Validate(), RootCAs: srv.CertPool(), Timeout: 5 * time.Second, Version: "test"}
			rep, err := Run(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			text := reportText(rep)
			if rep.Diagnosis.Top != tc.top {
				t.Fatalf("top %s, want %s\n%s", rep.Diagnosis.Top, tc.top, text)
			}
			if !strings.Contains(text, tc.evidence) {
				t.Errorf("report lacks %q\n%s", tc.evidence, text)
			}
			for _, c := range rep.Diagnosis.Causes {
				if c.ID == CauseSecretInvalid && c.Verdict != VerdictRuledOut {
					t.Errorf("secret-invalid is %s for a JWT app", c.Verdict)
				}
			}
		})
	}
}
