package sandbox

import (
	"bytes"
	"fmt"
	"strconv"
)

// renderConfig writes a commented config in the backend's layout whose credentials
// match the scenario: the valid secret, or in secret-rotated the one that stopped working.
func (s *Server) renderConfig() []byte {
	q := strconv.Quote // a Go quoted string of valid UTF-8 is a valid YAML double-quoted scalar
	var b bytes.Buffer
	fmt.Fprintf(&b, `# fhirdoctor sandbox configuration (scenario: %s)
# Every credential here is FAKE and works only against this sandbox while it runs.
# Use it with: fhirdoctor probe --config %s --cacert %s
# Code Console (regenerate the secret): %s
tenants:
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
      # Provider app (authorization code + PKCE, public client).
      provider_app:
        client_id: %s
        authorization_url: %s
        redirect_uri: %s
        scopes: %s
`, s.scenario.Name, s.configFile(), s.caFile(), s.consoleURL(),
		q(s.fhirBase()), q(TestPatientID),
		q(SystemClientID), q(s.creds.configured), q(s.tokenURL()), q(ConfiguredScopes),
		q(ProviderClientID), q(s.authorizeURL()), q(s.opts.ProviderRedirectURI), q(ProviderScopes))
	return b.Bytes()
}
