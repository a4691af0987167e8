package probe

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// requestTokenJWT sends one client_credentials request authenticated with
// a freshly signed assertion (private_key_jwt): a new jti every call, so a
// retry is never a replay. The assertion is registered as a secret before
// anything can print it; the evidence shows its decoded header and claims,
// never the signature.
func (s *state) requestTokenJWT(ctx context.Context, clientID string, cred credential, scopes []string) tokenAttempt {
	tokenURL := s.opts.Tenant.Cerner.SystemApp.TokenURL
	var at tokenAttempt
	at.facts.Requested = scopes
	req := jwtauth.Request{ClientID: clientID, KeyID: cred.kid, TokenURL: tokenURL}
	a, err := cred.key.Sign(req, s.opts.Now())
	if err != nil {
		at.answer = tokenAnswer{Class: TokenRefused, Cause: CauseConfigInvalid, Summary: err.Error(),
			Remedy: "Fill in client_id, key_id and an absolute token_url (step 3)."}
		at.facts.Cause, at.facts.Class = CauseConfigInvalid, string(TokenRefused)
		return at
	}
	raw := a.Value.Reveal()
	s.addSecret(raw)
	s.addSecret(url.QueryEscape(raw))
	httpReq, shown, err := clientCredentialsRequest(ctx, tokenURL, scopes, url.Values{
		"client_assertion_type": {jwtauth.AssertionType},
		"client_assertion":      {raw},
	})
	if err != nil {
		class, cause, text := transportFailure(err, hostOf(tokenURL))
		if cause == CauseNetwork {
			cause = CauseConfigInvalid
		}
		at.answer = tokenAnswer{Class: class, Cause: cause, Summary: text, Remedy: "Use an https token_url (only loopback may use plain http)."}
		at.facts.Cause, at.facts.Class = cause, string(class)
		return at
	}
	at.curl = CurlLine(httpReq, shown) + ` --data-urlencode 'client_assertion_type=` + jwtauth.AssertionType +
		`' --data-urlencode "client_assertion=$FHIRDOCTOR_CLIENT_ASSERTION"`
	// A retry after a 503 (send) must not replay the assertion: servers
	// refuse a jti they have seen. build signs a new one for every attempt
	// after the first; the evidence shows the one that decided.
	sent := false
	build := func() (*http.Request, error) {
		if !sent {
			sent = true
			return httpReq, nil
		}
		a2, err := cred.key.Sign(req, s.opts.Now())
		if err != nil {
			return nil, err
		}
		raw2 := a2.Value.Reveal()
		s.addSecret(raw2)
		s.addSecret(url.QueryEscape(raw2))
		r, _, err := clientCredentialsRequest(ctx, tokenURL, scopes, url.Values{
			"client_assertion_type": {jwtauth.AssertionType},
			"client_assertion":      {raw2},
		})
		if err == nil {
			raw, a = raw2, a2
		}
		return r, err
	}
	s.sendToken(ctx, build, &at, scopes)
	at.assertion = assertionEvidence(raw, req, a)
	return at
}

// assertionEvidence is the redacted view of the assertion that was sent.
func assertionEvidence(raw string, req jwtauth.Request, a jwtauth.Assertion) []string {
	v, err := jwtauth.Decode(raw)
	if err != nil {
		return []string{"assertion: could not decode what was signed: " + err.Error()}
	}
	out := []string{fmt.Sprintf("assertion: private_key_jwt, %s with kid %s, fresh jti, valid until %s", a.Alg, a.KeyID, a.Expiry.UTC().Format("15:04:05Z"))}
	return append(out, v.Lines(req)...)
}
