package probe

import (
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// assertNoPlaceholder fails when a text still holds a placeholder that
// finish should have replaced.
func assertNoPlaceholder(t *testing.T, text string) {
	t.Helper()
	for _, w := range []string{wordConsole, wordProviderApp} {
		if strings.Contains(text, w) {
			t.Errorf("a text keeps %s:\n%s", w, text)
		}
	}
}

// A text written for every tenant reads in the tenant's own words: its
// vendor's console, and its provider app's key path in its config's shape.
func TestLocalize(t *testing.T) {
	ehrWithProvider := `tenants:
  epic-prod:
    ehr:
      vendor: Epic
      base_url: https://fhir.example.org/api/FHIR/R4
      system_app:
        client_id: epic-client-1
        private_key_path: keys/app.pem
        key_id: k1
        token_url: https://fhir.example.org/oauth2/token
      provider_app:
        client_id: epic-provider-1
        authorization_url: https://fhir.example.org/oauth2/authorize
        redirect_uri: http://127.0.0.1:8400/callback
        scopes: openid fhirUser launch/patient
`
	legacy := "tenants:\n  default:\n    cerner:\n      client_id: c1\n      client_secret: FAKE-secret-1\n      token_url: https://authorization.cerner.com/tenants/t/hosts/h/protocols/oauth2/profiles/smart-v1/token\n      fhir_base_url: https://fhir-ehr-code.cerner.com/r4/t\n"
	tests := []struct {
		name, yaml, console, provider string
	}{
		{"ehr shape, Epic, provider app", ehrWithProvider, "Epic on FHIR", "ehr.provider_app"},
		{"cerner shape, no provider app", legacy, "the Cerner Code Console", "cerner.provider_app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := config.Parse("config.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			ten, err := f.Tenant("")
			if err != nil {
				t.Fatal(err)
			}
			s := &state{opts: Options{Tenant: ten}}
			r := s.finish(Result{Summary: "in {console}", Remedy: "Fix {provider_app}.redirect_uri in {console}.", Evidence: []string{"{provider_app}"}})
			if r.Summary != "in "+tt.console || r.Remedy != "Fix "+tt.provider+".redirect_uri in "+tt.console+"." || r.Evidence[0] != tt.provider {
				t.Errorf("got %q / %q / %q", r.Summary, r.Remedy, r.Evidence)
			}
		})
	}
}
