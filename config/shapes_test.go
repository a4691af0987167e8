package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The three shapes of docs/config.md, each as the backend would read it.
const (
	shapeCurrentYAML = `# current shape
gcp: {project: p}          # the backend's own keys: ignored, kept
tenants:
  a:
    cerner:
      base_url: https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d
      patients: ["12742400", "12724066"]
      system_app:
        client_id: 11111111-2222-4333-8444-555555555555
        client_secret: %SECRET%
        token_url: https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token
        scopes: system/Patient.read system/Observation.read
      provider_app:
        client_id: 66666666-7777-4888-9999-000000000000
        client_secret: FAKE-provider-secret
        authorization_url: https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/protocols/oauth2/profiles/smart-v1/personas/provider/authorize
        token_url: https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/protocols/oauth2/profiles/smart-v1/token
        redirect_uri: https://portal.example.com/callback
        scopes: launch openid fhirUser user/Patient.read
    pubsub: {topic: t}
`
	shapeLegacyYAML = `tenants:
  a:
    cerner:
      base_url: https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d
      client_id: 11111111-2222-4333-8444-555555555555
      client_secret: %SECRET%
      token_url: https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token
      scopes: system/Patient.read system/Observation.read
`
	shapeEHRYAML = `tenants:
  a:
    ehr:
      vendor: Epic
      base_url: https://fhir.example.org/api/FHIR/R4
      patients: [erXuFYUfucBZaryVksYEcMg3]
      system_app:
        client_id: epic-client-1
        private_key_path: keys/app.pem
        key_id: k1
        token_url: https://fhir.example.org/oauth2/token
        jwks_url: https://app.example.org/.well-known/jwks.json
        scopes: system/Patient.read
`
)

func TestShapes(t *testing.T) {
	type want struct {
		shape                 Shape
		vendor, base, patient string
		secretKey             string
		auth                  AuthMethod
		source                string // the secret's Source().String()
		provider              bool
	}
	tests := []struct {
		name   string
		yaml   string
		secret string            // %SECRET% in yaml
		env    map[string]string // process environment
		dotenv map[string]string // file name -> content, in the backend root
		want   want
	}{
		{name: "current literal", yaml: shapeCurrentYAML, secret: "FAKE-literal-secret",
			want: want{ShapeCurrent, "cerner", "https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d", "12742400", "cerner.system_app.client_secret", AuthClientSecret, "config.yaml:10", true}},
		{name: "current from .env", yaml: shapeCurrentYAML, secret: "${CERNER_CLIENT_SECRET}",
			dotenv: map[string]string{".env": "# secrets\nexport CERNER_CLIENT_SECRET='FAKE-dotenv-secret' # rotated\n"},
			want:   want{ShapeCurrent, "cerner", "https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d", "12742400", "cerner.system_app.client_secret", AuthClientSecret, ".env:2 (CERNER_CLIENT_SECRET)", true}},
		{name: "legacy from environment", yaml: shapeLegacyYAML, secret: "$CERNER_CLIENT_SECRET",
			env:    map[string]string{"CERNER_CLIENT_SECRET": "FAKE-env-secret"},
			dotenv: map[string]string{".env": "CERNER_CLIENT_SECRET=FAKE-shadowed\n"},
			want:   want{ShapeLegacy, "cerner", "https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d", DefaultTestPatientID, "cerner.client_secret", AuthClientSecret, "environment (CERNER_CLIENT_SECRET)", false}},
		{name: "legacy env-specific .env first", yaml: shapeLegacyYAML, secret: "'${S}'",
			dotenv: map[string]string{".env": "S=FAKE-generic\n", ".env.dev": "\nS=FAKE-dev\n", ".env.dev.local": "OTHER=1\n"},
			want:   want{ShapeLegacy, "cerner", "https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d", DefaultTestPatientID, "cerner.client_secret", AuthClientSecret, ".env.dev:2 (S)", false}},
		{name: "literal with a dollar", yaml: shapeLegacyYAML, secret: "'ab$CD'",
			want: want{ShapeLegacy, "cerner", "https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d", DefaultTestPatientID, "cerner.client_secret", AuthClientSecret, "config.yaml:6", false}},
		{name: "ehr jwt", yaml: shapeEHRYAML,
			want: want{ShapeEHR, "epic", "https://fhir.example.org/api/FHIR/R4", "erXuFYUfucBZaryVksYEcMg3", "ehr.system_app.client_secret", AuthPrivateKeyJWT, "", false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, ".settings.dev")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := writeTemp(t, dir, strings.ReplaceAll(tc.yaml, "%SECRET%", tc.secret))
			for name, content := range tc.dotenv {
				if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.MkdirAll(filepath.Join(root, "keys"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "keys", "app.pem"), []byte("not checked here"), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			env := EnvironmentFor(path, "")
			env.LookupEnv = func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			f.SetEnvironment(env)
			if fs := f.Validate(); HasErrors(fs) {
				t.Fatalf("Validate: %v", fs)
			}
			ten, err := f.Tenant("")
			if err != nil {
				t.Fatal(err)
			}
			c := ten.Cerner
			got := want{ten.Shape, ten.Vendor, c.FHIRBaseURL, c.TestPatientID, dotted(c.SystemApp.Key("client_secret")),
				c.SystemApp.AuthMethod(), c.SystemApp.ClientSecret.Source().String(), c.ProviderApp != nil}
			if got != tc.want {
				t.Errorf("tenant:\n got %+v\nwant %+v", got, tc.want)
			}
			if c.FHIRBaseDerived {
				t.Errorf("base derived, want read from base_url")
			}
			if tc.want.auth == AuthPrivateKeyJWT {
				if c.SystemApp.PrivateKeyPath != filepath.Join(root, "keys", "app.pem") || c.SystemApp.KeyID != "k1" || c.SystemApp.JWKSURL == "" {
					t.Errorf("jwt app: %+v", c.SystemApp)
				}
			}
			if p := c.ProviderApp; p != nil {
				if !p.Confidential() || p.TokenURL == "" || p.ClientSecret.Source().String() != "config.yaml:15" || dotted(p.Key("client_secret")) != "cerner.provider_app.client_secret" {
					t.Errorf("provider app: confidential=%v token_url=%q source=%s", p.Confidential(), p.TokenURL, p.ClientSecret.Source())
				}
			}
		})
	}
}

func TestPlaceholderUnresolved(t *testing.T) {
	root := t.TempDir()
	path := writeTemp(t, root, strings.ReplaceAll(shapeLegacyYAML, "%SECRET%", `"${CERNER_CLIENT_SECRET}"`))
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	env := EnvironmentFor(path, "staging")
	env.LookupEnv = func(string) (string, bool) { return "", false }
	f.SetEnvironment(env)
	fs := f.ValidateTenant("a")
	want := "cerner.client_secret` is ${CERNER_CLIENT_SECRET}, but CERNER_CLIENT_SECRET is not set: looked in the process environment, then .env.staging.local (absent), .env.staging (absent), .env.local (absent), .env (absent) in " + root
	if len(fs) != 1 || fs[0].Severity != SeverityError || !strings.Contains(fs[0].Message, want) || fs[0].Pos.Line != 6 {
		t.Fatalf("findings: %v\nwant one error containing %q", fs, want)
	}
	ten, _ := f.Tenant("a")
	if s := ten.Cerner.SystemApp.ClientSecret; !s.IsZero() || s.Source().Kind != SourceUnresolved {
		t.Errorf("secret %v from %v, want empty and unresolved", s, s.Source())
	}
}

func TestBaseURLAlias(t *testing.T) {
	y := strings.Replace(strings.ReplaceAll(shapeLegacyYAML, "%SECRET%", "x"), "      client_id:", "      fhir_base_url: https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d/other\n      client_id:", 1)
	f := mustParse(t, y)
	fs := f.Validate()
	if len(fs) != 1 || fs[0].Severity != SeverityWarning || !strings.Contains(fs[0].Message, "`cerner.base_url` (line 4) and its alias `cerner.fhir_base_url` (line 5) differ") {
		t.Fatalf("findings: %v", fs)
	}
	ten, _ := f.Tenant("")
	if !strings.HasSuffix(ten.Cerner.FHIRBaseURL, "583d") {
		t.Errorf("base = %s, want base_url's", ten.Cerner.FHIRBaseURL)
	}
}

func TestShapePrecedence(t *testing.T) {
	y := "tenants:\n  a:\n    cerner:\n      client_id: old\n      system_app:\n        client_id: new\n    ehr:\n      vendor: epic\n      system_app:\n        client_id: newest\n"
	f := mustParse(t, y)
	ten, err := f.Tenant("")
	if err != nil {
		t.Fatal(err)
	}
	if ten.Shape != ShapeEHR || ten.Cerner.SystemApp.ClientID != "newest" {
		t.Errorf("shape %v client %q, want ehr's", ten.Shape, ten.Cerner.SystemApp.ClientID)
	}
	f = mustParse(t, "tenants:\n  a:\n    cerner:\n      client_id: old\n      system_app:\n        client_id: new\n")
	ten, _ = f.Tenant("")
	if ten.Shape != ShapeCurrent || ten.Cerner.SystemApp.ClientID != "new" {
		t.Errorf("shape %v client %q, want system_app's", ten.Shape, ten.Cerner.SystemApp.ClientID)
	}
	var warned bool
	for _, fd := range f.Validate() {
		warned = warned || (fd.Severity == SeverityWarning && strings.Contains(fd.Message, "`cerner.client_id` is ignored"))
	}
	if !warned {
		t.Errorf("no warning for the shadowed flat key: %v", f.Validate())
	}
}
