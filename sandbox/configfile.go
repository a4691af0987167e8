package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Config shapes the sandbox can write (Options.ConfigShape): the three
// layouts the backend reads, described in fhirdoctor's docs/config.md.
const (
	ShapeCurrent = "current" // cerner: with system_app: and provider_app:
	ShapeLegacy  = "legacy"  // flat cerner: {base_url, client_id, client_secret, token_url, scopes}
	ShapeEHR     = "ehr"     // ehr: {vendor, base_url, patients, system_app, provider_app}
)

// Where the sandbox puts the system app's secret (Options.SecretIn).
const (
	SecretInYAML   = "yaml"   // a literal in config.yaml
	SecretInDotenv = "dotenv" // ${CERNER_CLIENT_SECRET} in config.yaml, the value in .env beside it
)

// ConfigShapes and SecretPlaces list the accepted values, for flags.
var (
	ConfigShapes = []string{ShapeCurrent, ShapeLegacy, ShapeEHR}
	SecretPlaces = []string{SecretInYAML, SecretInDotenv}
)

// SecretVar is the variable the config's placeholder names with SecretInDotenv.
const SecretVar = "CERNER_CLIENT_SECRET"

func validShape(shape, in string) error {
	switch shape {
	case "", ShapeCurrent, ShapeLegacy, ShapeEHR:
	default:
		return fmt.Errorf("sandbox: unknown config shape %q (want current, legacy or ehr)", shape)
	}
	switch in {
	case "", SecretInYAML, SecretInDotenv:
	default:
		return fmt.Errorf("sandbox: unknown secret place %q (want yaml or dotenv)", in)
	}
	return nil
}

// renderConfig writes a commented config in the backend's layout whose credentials
// match the scenario: the valid secret, or in secret-rotated the one that stopped working.
func (s *Server) renderConfig() []byte {
	q := strconv.Quote // a Go quoted string of valid UTF-8 is a valid YAML double-quoted scalar
	secret := q(s.creds.configured)
	if s.opts.SecretIn == SecretInDotenv {
		secret = `"${` + SecretVar + `}"   # resolved from the environment, then .env`
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `# fhirdoctor sandbox configuration (scenario: %s)
# Every credential here is FAKE and works only against this sandbox while it runs.
# Use it with: fhirdoctor probe --config %s --cacert %s
# Code Console (regenerate the secret): %s
`, s.scenario.Name, s.configFile(), s.caFile(), s.consoleURL())
	switch s.opts.ConfigShape {
	case ShapeLegacy:
		fmt.Fprintf(&b, `server: {port: 8080}   # the backend's own settings: fhirdoctor ignores them
tenants:
  default:
    # The legacy flat shape: the system app's keys directly under cerner:.
    cerner:
      base_url: %s
      client_id: %s
      client_secret: %s
      token_url: %s
      scopes: %s
`, q(s.fhirBase()), q(SystemClientID), secret, q(s.tokenURL()), q(ConfiguredScopes))
	case ShapeEHR:
		fmt.Fprintf(&b, `tenants:
  default:
    # The vendor-agnostic shape.
    ehr:
      vendor: cerner
      base_url: %s
      patients: [%s]   # SMART, Nancy
      system_app:
        client_id: %s
        client_secret: %s
        token_url: %s
        scopes: %s
      provider_app:
        client_id: %s
%s        authorization_url: %s
        redirect_uri: %s
        scopes: %s
    pubsub: {topic: fhir-events}   # the backend's own settings: fhirdoctor ignores them
`, q(s.fhirBase()), q(TestPatientID),
			q(SystemClientID), secret, q(s.tokenURL()), q(ConfiguredScopes),
			q(ProviderClientID), s.providerAuthLines(), q(s.authorizeURL()), q(s.opts.ProviderRedirectURI), q(ProviderScopes))
	default:
		fmt.Fprintf(&b, `tenants:
  default:
    cerner:
      # FHIR R4 base of the tenant; optional, derived from token_url when absent.
      fhir_base_url: %s
      # SMART, Nancy.
      test_patient_id: %s
      # System account (client_credentials, Basic auth).
      system_app:
        client_id: %s
        client_secret: %s
        token_url: %s
        scopes: %s
      # Provider app (authorization code + PKCE, %s client).
      provider_app:
        client_id: %s
%s        authorization_url: %s
        redirect_uri: %s
        scopes: %s
`, q(s.fhirBase()), q(TestPatientID),
			q(SystemClientID), secret, q(s.tokenURL()), q(ConfiguredScopes),
			s.providerKind(), q(ProviderClientID), s.providerAuthLines(), q(s.authorizeURL()), q(s.opts.ProviderRedirectURI), q(ProviderScopes))
	}
	return b.Bytes()
}

// providerKind names the provider app's client type for the config's comment.
func (s *Server) providerKind() string {
	if s.providerSecret != "" {
		return "confidential"
	}
	return "public"
}

// providerAuthLines are the provider_app's client_secret and token_url
// lines of a confidential provider app (Options.ConfidentialProvider), at
// the indentation of its other keys; "" for a public one. The secret is a
// literal whatever Options.SecretIn says: SecretIn is about the system app.
func (s *Server) providerAuthLines() string {
	if s.providerSecret == "" {
		return ""
	}
	q := strconv.Quote
	return "        client_secret: " + q(s.providerSecret) + "   # confidential: Basic auth at the code exchange\n" +
		"        token_url: " + q(s.tokenURL()) + "\n"
}

// renderDotenv is the .env file beside the config when the secret lives
// there: comments, an unrelated variable and an `export ` prefix, as real
// ones have, so that an edit must keep them.
func (s *Server) renderDotenv() []byte {
	return fmt.Appendf(nil, `# fhirdoctor sandbox secrets (scenario: %s); FAKE, valid only against this sandbox
LOG_LEVEL=debug
# the system app's client secret
export %s='%s'
`, s.scenario.Name, SecretVar, s.creds.configured)
}

// dotenvFile is where the .env file goes: the backend root, which for a
// config outside a .settings.<env>/ folder is the config's own folder.
func (s *Server) dotenvFile() string { return filepath.Join(s.dir, ".env") }

// writeConfigFiles writes config.yaml and, with SecretInDotenv, .env, both
// 0600 since they hold a secret (os.WriteFile keeps the mode of an
// existing file, hence the Chmod).
func (s *Server) writeConfigFiles() error {
	s.config = s.renderConfig()
	files := []struct {
		path string
		data []byte
	}{{s.configFile(), s.config}}
	if s.opts.SecretIn == SecretInDotenv {
		files = append(files, struct {
			path string
			data []byte
		}{s.dotenvFile(), s.renderDotenv()})
	}
	for _, f := range files {
		if err := os.WriteFile(f.path, f.data, 0o600); err != nil {
			return fmt.Errorf("sandbox: write %s: %w", filepath.Base(f.path), err)
		}
		if err := os.Chmod(f.path, 0o600); err != nil {
			return fmt.Errorf("sandbox: restrict %s: %w", filepath.Base(f.path), err)
		}
	}
	return nil
}

func (s *Server) envFileInfo() string {
	if s.opts.SecretIn == SecretInDotenv {
		return s.dotenvFile()
	}
	return ""
}
