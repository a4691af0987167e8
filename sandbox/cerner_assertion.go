package sandbox

import (
	"net/http"
)

// cernerAssertion authenticates an Oracle Health system account with a
// signed JWT (private_key_jwt) against the keys registered in the console.
// Unlike Epic, Cerner says which part failed through the error_uri URN.
func (s *Server) cernerAssertion(r *http.Request, tenant string) (*tokenResponse, *oauthError) {
	f := r.PostForm
	if f.Get("client_assertion_type") != assertionType {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_request", urn: "token:client-assertion:invalid-type",
			description: "client_assertion_type must be " + assertionType}
	}
	if r.Header.Get("Authorization") != "" {
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-authorization-header",
			description: "send the client assertion in the body, not an Authorization header"}
	}
	now := s.now()
	system := s.systemClientID()
	if ref := s.verifyAssertion(f.Get("client_assertion"), system, s.tokenURL(), s.algs(), now); ref != nil {
		s.noteRefusal(ref)
		urn, client := "client-assertion:jwt-bearer:invalid-signature", system
		switch ref.kind {
		case RefusedClient:
			urn, client = "token:unknown-client", ""
		case RefusedAudience, RefusedExpiry, RefusedReplay, RefusedMalformed:
			// Inferred: Cerner documents only invalid-signature for JWTs;
			// a claim failure needs a code of its own to be told apart.
			urn = "client-assertion:jwt-bearer:invalid-claims"
		}
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: urn, client: client}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grantSystemLocked(r, tenant, system)
}
