package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
)

// newProviderSecret is the confidential provider app's secret
// (Options.ConfidentialProvider): random per start, like the tokens, so
// nothing can depend on its value but the generated config.
func newProviderSecret() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sandbox: generate the provider app's secret: %w", err)
	}
	return "FAKE-sandbox-provider-secret-" + hex.EncodeToString(b), nil
}

// providerSecretMatches compares in constant time. The secret never changes
// after Start, so no lock is needed.
func (s *Server) providerSecretMatches(got string) bool {
	return s.providerSecret != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.providerSecret)) == 1
}

// authenticateProvider is client authentication at the authorization_code
// exchange. With a Basic header it returns the authenticated client id; a
// public provider app must send none, a confidential one (RFC 6749 2.3.1)
// must send client_id:client_secret. Without a header it returns "" and
// no error: the caller decides whether that (a public client, or one
// sending a client assertion) is acceptable.
func (s *Server) authenticateProvider(r *http.Request) (client string, oe *oauthError) {
	if r.Header.Get("Authorization") == "" {
		return "", nil
	}
	id, secret, headerErr := s.basicCredentials(r)
	switch {
	case headerErr != nil:
		return "", &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-authorization-header",
			description: "the Authorization header is not valid Basic client credentials"}
	case id == ProviderClientID && s.providerSecret != "":
		if !s.providerSecretMatches(secret) {
			return "", &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-client-credentials", client: id}
		}
		return id, nil
	case id == ProviderClientID: // a public client has no secret; Cerner refuses Basic for it
		return "", &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-client-credentials", client: id}
	case id == s.systemClientID():
		return "", &oauthError{status: http.StatusBadRequest, code: "unauthorized_client", urn: "token:unauthorized-grant-type", client: id,
			description: "this client may not use the authorization_code grant"}
	default:
		return "", &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:unknown-client", client: id}
	}
}
