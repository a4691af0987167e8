package probe

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// appCredential is what the system app authenticates with: its secret, or
// its private key and kid. fail is the result to return when there is none
// usable.
func (s *state) appCredential() (credential, *Result) {
	app := s.opts.Tenant.Cerner.SystemApp
	if !s.jwtApp() {
		return secretCredential(app.ClientSecret), nil
	}
	if app.ClientID == "" || app.TokenURL == "" || app.KeyID == "" {
		return credential{}, &Result{Status: StatusFail, Summary: "client_id, key_id or token_url is missing",
			Remedy: "Fill in the system app's client_id, key_id and token_url in the config (step 3).", Facts: &Facts{Cause: CauseConfigInvalid}}
	}
	key, _, err := s.clientKey()
	if err != nil {
		f := &Facts{Cause: CausePrivateKeyUnreadable}
		var ke *jwtauth.KeyError
		if errors.As(err, &ke) {
			f.Class = string(ke.Problem)
		}
		return credential{}, &Result{Status: StatusFail, Summary: "cannot sign the client assertion: " + err.Error(), Facts: f,
			Remedy: "Fix private_key_path (see the key check), or make a new key pair with `fhirdoctor rotate --new-key`."}
	}
	return credential{key: key, kid: app.KeyID}, nil
}

// checkTokenJWT requests a token with a signed client assertion. It does
// not wait for discovery or the JWKS check: signing is local, and the
// request runs while they do.
func checkTokenJWT(ctx context.Context, s *state) Result {
	app := s.opts.Tenant.Cerner.SystemApp
	cred, fail := s.appCredential()
	if fail != nil {
		return *fail
	}
	at := s.requestToken(ctx, app.ClientID, cred, app.Scopes, encodingForm)
	a := at.answer
	r := Result{Summary: a.Summary, Remedy: a.Remedy}
	r.Evidence = append(r.Evidence, fmt.Sprintf("client_id %s, private_key_jwt: %s, kid %s, thumbprint %s; scopes %q",
		app.ClientID, cred.key, app.KeyID, cred.key.Thumbprint(), strings.Join(app.Scopes, " ")))
	r.Evidence = append(r.Evidence, at.assertion...)
	if at.curl != "" {
		r.Evidence = append(r.Evidence, "rerun: "+at.curl)
	}
	r.Evidence = append(r.Evidence, a.Evidence...)
	switch a.Class {
	case TokenInvalidClient, TokenUnauthorized:
		// The answer rarely says which part of the assertion failed (Epic's
		// never does): the key, jwks, discovery and clock checks decide,
		// in the diagnosis.
		at.facts.Cause = ""
		r.Summary = a.Summary + ": the signed assertion was refused"
		if a.URN.Code == "" {
			r.Summary += " (no reason given)"
		}
		r.Remedy = "The server refused the client assertion. The key, jwks and discovery checks and the clock tell which part it objected to; see the diagnosis."
	}
	return tokenResult(r, at, app.Scopes)
}
