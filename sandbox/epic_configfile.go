package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// renderEpicConfig writes a commented config with one vendor-agnostic
// (`ehr:`) tenant whose system app authenticates with the key the sandbox
// generated beside the config.
func (s *Server) renderEpicConfig() []byte {
	q := strconv.Quote
	var b bytes.Buffer
	fmt.Fprintf(&b, `# fhirdoctor sandbox configuration (vendor: epic, scenario: %s)
# Every credential here is FAKE and works only against this sandbox while it runs.
# Use it with: fhirdoctor probe --config %s --cacert %s
# Registered public keys: GET/POST %s/jwks
tenants:
  default:
    ehr:
      vendor: epic
      base_url: %s
      patients: [%s]
      # SMART Backend Services: a signed JWT (private_key_jwt) instead of a secret.
      system_app:
        client_id: %s
        # Absolute here; a relative path starts at the backend root.
        private_key_path: %s
        key_id: %s
        token_url: %s
        scopes: %s
        # Where the app publishes its public keys (the JWK Set URL registration).
        jwks_url: %s
`, s.scenario.Name, s.configFile(), s.caFile(), s.consoleURL(),
		q(s.fhirBase()), q(TestPatientID),
		q(EpicClientID), q(s.epicState.keyPath), q(EpicKeyID), q(s.tokenURL()), q(ConfiguredScopes), q(s.epicState.jwksURL))
	return b.Bytes()
}

// writeEpicConfig writes the Epic config, 0600 like every sandbox config
// (os.WriteFile keeps the mode of an existing file, hence the Chmod).
func (s *Server) writeEpicConfig() error {
	s.config = s.renderEpicConfig()
	if err := os.WriteFile(s.configFile(), s.config, 0o600); err != nil {
		return fmt.Errorf("sandbox: write config.yaml: %w", err)
	}
	if err := os.Chmod(s.configFile(), 0o600); err != nil {
		return fmt.Errorf("sandbox: restrict config.yaml: %w", err)
	}
	return nil
}
