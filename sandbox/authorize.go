package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Lifetimes of the provider flow's server-side state.
const (
	codeLifetime    = 2 * time.Minute  // authorization codes are short-lived and single-use
	consentLifetime = 10 * time.Minute // a sign-in page left open longer starts over
)

// The sandbox's provider login, as in Cerner's public sandbox.
const (
	portalUser     = "portal"
	portalPassword = "portal"
)

// authRequest is an authorize request waiting for the user's sign-in and consent.
type authRequest struct {
	nonce       string // OpenID Connect nonce, echoed in the id_token
	redirectURI string
	state       string
	challenge   string
	scopes      []string // granted, in request order
	expires     time.Time
}

func (a *authRequest) wantsPatient() bool { return slices.Contains(a.scopes, "launch/patient") }

// authCode is an issued authorization code.
type authCode struct {
	nonce       string
	clientID    string
	redirectURI string
	challenge   string
	scopes      []string
	patient     string
	expires     time.Time
	used        bool
	tokens      []string // issued from this code; revoked if the code is replayed
}

// pkceChallenge matches an S256 challenge: base64url of 32 bytes.
var pkceChallenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// pkceVerifier is RFC 7636 4.1's code_verifier.
var pkceVerifier = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// handleAuthorize is the provider persona's authorize endpoint: GET (or POST, as
// "authorize-post" advertises) starts a request; a POST with request_id is the consent form.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.authorizeFatal(w, "the request could not be parsed")
		return
	}
	if r.Method == http.MethodPost && r.PostForm.Has("request_id") {
		s.handleConsent(w, r)
		return
	}
	p := r.Form
	if p.Get("client_id") != ProviderClientID {
		s.authorizeFatal(w, "client_id "+strconvQuote(p.Get("client_id"))+" is not a registered provider application")
		return
	}
	if p.Get("redirect_uri") != s.opts.ProviderRedirectURI {
		// Never redirect to an unregistered URI (RFC 6749 4.1.2.1): explain on the page instead.
		s.authorizeFatal(w, "redirect_uri "+strconvQuote(p.Get("redirect_uri"))+" does not match the registered "+
			strconvQuote(s.opts.ProviderRedirectURI)+" (the match is exact, trailing slash included)")
		return
	}
	req, oe := s.validateAuthorize(p)
	if oe != nil {
		s.redirectError(w, r, p.Get("redirect_uri"), p.Get("state"), *oe)
		return
	}
	if s.opts.AutoApprove {
		patient := ""
		if req.wantsPatient() {
			patient = TestPatientID
		}
		s.redirectCode(w, r, req, patient)
		return
	}
	id := randomToken(18)
	s.mu.Lock()
	s.requests[id] = req
	s.mu.Unlock()
	s.renderConsent(w, id, req, "")
}

func (s *Server) validateAuthorize(p url.Values) (*authRequest, *oauthError) {
	bad := func(code, urn, desc string) *oauthError {
		return &oauthError{code: code, urn: "grant:" + urn, description: desc, client: ProviderClientID}
	}
	switch {
	case p.Get("response_type") != "code":
		return nil, bad("unsupported_response_type", "unsupported-response-type", "response_type must be code")
	case p.Get("state") == "":
		return nil, bad("invalid_request", "missing-state", "state is required")
	case strings.TrimSuffix(p.Get("aud"), "/") != s.fhirBase():
		return nil, bad("invalid_request", "invalid-aud", "aud must be the FHIR base URL "+s.fhirBase())
	case p.Get("code_challenge") == "":
		return nil, bad("invalid_request", "pkce:missing-code-challenge", "code_challenge is required (PKCE)")
	case p.Get("code_challenge_method") != "S256":
		return nil, bad("invalid_request", "pkce:unsupported-code-challenge-method", "code_challenge_method must be S256")
	case !pkceChallenge.MatchString(p.Get("code_challenge")):
		return nil, bad("invalid_request", "pkce:invalid-code-challenge", "code_challenge must be 43 base64url characters")
	}
	requested := strings.Fields(p.Get("scope"))
	if slices.Contains(requested, "launch") {
		if p.Get("launch") == "" {
			return nil, bad("invalid_request", "launch:code-required", "the launch scope needs the launch parameter of an EHR launch")
		}
		return nil, bad("invalid_request", "launch:code-invalid", "the launch code is not valid")
	}
	registered := make(map[string]bool, len(providerRegistered))
	for _, sc := range providerRegistered {
		registered[sc] = true
	}
	granted, oe := grantScopes(p.Get("scope"), registered, ProviderClientID)
	if oe != nil {
		return nil, bad(oe.code, strings.TrimPrefix(oe.urn, "token:"), oe.description)
	}
	return &authRequest{
		redirectURI: p.Get("redirect_uri"),
		state:       p.Get("state"),
		challenge:   p.Get("code_challenge"),
		nonce:       p.Get("nonce"),
		scopes:      granted,
		expires:     s.now().Add(consentLifetime),
	}, nil
}

// handleConsent receives the sign-in and consent form.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	id := r.PostForm.Get("request_id")
	s.mu.Lock()
	req := s.requests[id]
	if req != nil && !s.now().Before(req.expires) {
		delete(s.requests, id)
		req = nil
	}
	s.mu.Unlock()
	if req == nil {
		s.authorizeFatal(w, "this sign-in page has expired or was already used; start again from the application")
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		s.forgetRequest(id)
		s.redirectError(w, r, req.redirectURI, req.state, oauthError{code: "access_denied", urn: "grant:access-denied",
			description: "the user denied the request", client: ProviderClientID})
		return
	}
	user, pass := r.PostForm.Get("username"), r.PostForm.Get("password")
	if subtle.ConstantTimeCompare([]byte(user+"\x00"+pass), []byte(portalUser+"\x00"+portalPassword)) != 1 {
		s.renderConsent(w, id, req, "Sign-in failed: use the sandbox login portal / portal.")
		return
	}
	patient := ""
	if req.wantsPatient() {
		patient = r.PostForm.Get("patient")
		if patient == "" || s.data.get("Patient", patient) == nil {
			s.forgetRequest(id)
			s.redirectError(w, r, req.redirectURI, req.state, oauthError{code: "invalid_request", urn: "grant:missing-patient",
				description: "launch/patient was requested but no patient was selected", client: ProviderClientID})
			return
		}
	}
	s.forgetRequest(id)
	s.redirectCode(w, r, req, patient)
}

func (s *Server) forgetRequest(id string) {
	s.mu.Lock()
	delete(s.requests, id)
	s.mu.Unlock()
}

func (s *Server) redirectCode(w http.ResponseWriter, r *http.Request, req *authRequest, patient string) {
	code := randomToken(32)
	s.mu.Lock()
	s.codes[code] = &authCode{
		clientID: ProviderClientID, redirectURI: req.redirectURI, challenge: req.challenge, nonce: req.nonce,
		scopes: req.scopes, patient: patient, expires: s.now().Add(codeLifetime),
	}
	s.mu.Unlock()
	redirect(w, r, req.redirectURI, url.Values{"code": {code}, "state": {req.state}})
}

// redirectError sends an authorize error back to the client, as Cerner does once the
// client and redirect URI are trusted.
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, redirectURI, state string, e oauthError) {
	v := url.Values{
		"error":     {e.code},
		"error_uri": {s.errorURI(e.urn, newUUID(), e.client, Tenant)},
	}
	if e.description != "" {
		v.Set("error_description", e.description)
	}
	if state != "" {
		v.Set("state", state)
	}
	redirect(w, r, redirectURI, v)
}

func redirect(w http.ResponseWriter, r *http.Request, target string, params url.Values) {
	u, err := url.Parse(target)
	if err != nil {
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (s *Server) authorizeFatal(w http.ResponseWriter, msg string) {
	renderHTML(w, http.StatusBadRequest, authorizeErrorTmpl, msg)
}

// exchangeCode is the token endpoint's authorization_code grant for the
// provider app: public (client_id in the body, PKCE only) unless
// Options.ConfidentialProvider, when it must authenticate with Basic
// client_id:client_secret or a client assertion.
func (s *Server) exchangeCode(r *http.Request, tenant string) (*tokenResponse, *oauthError) {
	f := r.PostForm
	authenticated, oe := s.authenticateProvider(r)
	if oe != nil {
		return nil, oe
	}
	if f.Get("client_assertion") != "" || f.Get("client_assertion_type") != "" {
		// A confidential provider app that signs JWTs (private_key_jwt).
		if f.Get("client_assertion_type") != assertionType {
			return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_request", urn: "token:client-assertion:invalid-type",
				description: "client_assertion_type must be " + assertionType}
		}
		if ref := s.verifyAssertion(f.Get("client_assertion"), ProviderClientID, s.tokenURL(), s.algs(), s.now()); ref != nil {
			s.noteRefusal(ref)
			return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "client-assertion:jwt-bearer:invalid-signature", client: ProviderClientID}
		}
		authenticated = ProviderClientID
	}
	if s.providerSecret != "" && authenticated == "" {
		// RFC 6749 3.2.1: a confidential client authenticates at the token endpoint.
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-authorization-header",
			client: f.Get("client_id"), description: "the provider app is confidential: authenticate with Basic client_id:client_secret"}
	}
	client := f.Get("client_id")
	if client == "" {
		client = authenticated // RFC 6749 2.3.1: Basic names the client; the body need not repeat it
	}
	if authenticated != "" && client != authenticated {
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-client-credentials", client: client,
			description: "client_id in the body differs from the authenticated client"}
	}
	switch client {
	case ProviderClientID:
	case "":
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_request", urn: "token:invalid-request",
			description: "a public client sends client_id in the body"}
	case s.systemClientID():
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-client-credentials", client: client}
	default:
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:unknown-client", client: client}
	}
	invalidCode := &oauthError{status: http.StatusBadRequest, code: "invalid_grant", urn: "token:code-invalid-or-expired", client: client}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	c := s.codes[f.Get("code")]
	switch {
	case c == nil:
		return nil, invalidCode
	case c.used:
		// RFC 6749 4.1.2: a replayed code revokes what it already produced.
		for _, tok := range c.tokens {
			if g := s.grants[tok]; g != nil {
				g.revoked = true
			}
		}
		return nil, invalidCode
	case !now.Before(c.expires) || c.clientID != client:
		return nil, invalidCode
	}
	c.used = true // one attempt per code, even a failed one
	if f.Get("redirect_uri") != c.redirectURI {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_grant", urn: "token:redirect-uri-mismatch", client: client,
			description: "redirect_uri differs from the one of the authorize request"}
	}
	if tenant != Tenant {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_grant", urn: "token:invalid-tenant", client: client}
	}
	verifier := f.Get("code_verifier")
	if verifier == "" {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_request", urn: "token:pkce:missing-code-verifier", client: client,
			description: "code_verifier is required"}
	}
	sum := sha256.Sum256([]byte(verifier))
	if !pkceVerifier.MatchString(verifier) ||
		subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(c.challenge)) != 1 {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_grant", urn: "token:pkce:invalid-code-verifier", client: client,
			description: "code_verifier does not match the code_challenge"}
	}

	g := newGrant(tenant, client, c.scopes, c.patient, now)
	tok, err := s.issueAccessTokenLocked(g, PractitionerID, now)
	if err != nil {
		return nil, &oauthError{status: http.StatusInternalServerError, code: "server_error", urn: "token:server-error", client: client}
	}
	c.tokens = append(c.tokens, tok)
	resp := &tokenResponse{AccessToken: tok, Scope: g.scope, TokenType: "Bearer", ExpiresIn: int(tokenLifetime.Seconds()), Patient: c.patient}
	if c.patient != "" {
		banner := true
		resp.NeedPatientBanner = &banner
	}
	if slices.Contains(c.scopes, "openid") {
		if resp.IDToken, err = s.idToken(client, c.scopes, c.nonce, now); err != nil {
			return nil, &oauthError{status: http.StatusInternalServerError, code: "server_error", urn: "token:server-error", client: client}
		}
	}
	return resp, nil
}

// idToken is the OpenID Connect token of the signed-in provider.
func (s *Server) idToken(client string, scopes []string, nonce string, now time.Time) (string, error) {
	claims := map[string]any{
		"iss":                s.issuer() + "tenants/" + Tenant + "/oidc/idsps/" + Tenant + "/",
		"sub":                PractitionerID,
		"aud":                client,
		"exp":                now.Add(tokenLifetime).Unix(),
		"iat":                now.Unix(),
		"jti":                newUUID(),
		"preferred_username": portalUser,
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if slices.Contains(scopes, "fhirUser") {
		claims["fhirUser"] = s.fhirBase() + "/Practitioner/" + PractitionerID
	}
	if slices.Contains(scopes, "profile") || slices.Contains(scopes, "fhirUser") {
		claims["name"] = "Provider Sandbox"
	}
	return s.signer.sign(claims)
}
