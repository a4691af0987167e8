package sandbox

import (
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxFormBytes bounds a token request body; real ones are a few hundred bytes.
const maxFormBytes = 64 << 10

// tokenResponse is the success body, fields in Cerner's order.
type tokenResponse struct {
	AccessToken       string `json:"access_token"`
	Scope             string `json:"scope"`
	TokenType         string `json:"token_type"`
	ExpiresIn         int    `json:"expires_in"`
	IDToken           string `json:"id_token,omitempty"`
	Patient           string `json:"patient,omitempty"`
	NeedPatientBanner *bool  `json:"need_patient_banner,omitempty"`
	SmartStyleURL     string `json:"smart_style_url,omitempty"`
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if s.scenario.edgeBlock {
		// What a WAF or IP allow-list answers before the OAuth server sees the request.
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("Access denied"))
		return
	}
	corr := newUUID()
	h := w.Header()
	h.Set("Cerner-Correlation-Id", corr)
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	tenant := r.PathValue("tenant")
	fail := func(e oauthError) { s.writeOAuthError(w, corr, tenant, e) }

	if r.Method != http.MethodPost {
		h.Set("Allow", http.MethodPost)
		fail(oauthError{status: http.StatusMethodNotAllowed, code: "invalid_request", urn: "token:invalid-request",
			description: "the token endpoint accepts POST only"})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		fail(oauthError{status: http.StatusBadRequest, code: "invalid_request", urn: "token:invalid-request",
			description: "the body must be application/x-www-form-urlencoded"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		fail(oauthError{status: http.StatusBadRequest, code: "invalid_request", urn: "token:invalid-request",
			description: "the form body could not be parsed"})
		return
	}
	var (
		resp *tokenResponse
		oe   *oauthError
	)
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "client_credentials":
		resp, oe = s.clientCredentials(r, tenant)
	case "authorization_code":
		resp, oe = s.exchangeCode(r, tenant)
	case "":
		oe = &oauthError{status: http.StatusBadRequest, code: "invalid_request", urn: "token:invalid-request",
			description: "grant_type is required"}
	default:
		oe = &oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type", urn: "token:unsupported-grant-type",
			description: "grant_type " + gt + " is not supported"}
	}
	if oe != nil {
		fail(*oe)
		return
	}
	writeJSON(w, http.StatusOK, "application/json;charset=UTF-8", resp)
}

var errBadAuthorization = errors.New("malformed Authorization header")

// basicCredentials reads client_secret_basic. Per RFC 6749 2.3.1 the id and secret are
// form-encoded before base64; Options.RawBasic imitates servers that skip the decoding.
func (s *Server) basicCredentials(r *http.Request) (id, secret string, err error) {
	scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", "", errBadAuthorization
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(value))
	if err != nil {
		return "", "", errBadAuthorization
	}
	id, secret, ok = strings.Cut(string(raw), ":")
	if !ok || id == "" {
		return "", "", errBadAuthorization
	}
	if s.opts.RawBasic {
		return id, secret, nil
	}
	if id, err = url.QueryUnescape(id); err != nil {
		return "", "", errBadAuthorization
	}
	if secret, err = url.QueryUnescape(secret); err != nil {
		return "", "", errBadAuthorization
	}
	return id, secret, nil
}

func (s *Server) clientCredentials(r *http.Request, tenant string) (*tokenResponse, *oauthError) {
	if r.PostForm.Get("client_assertion_type") != "" || r.PostForm.Get("client_assertion") != "" {
		return s.cernerAssertion(r, tenant)
	}
	id, secret, err := s.basicCredentials(r)
	if err != nil {
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-authorization-header",
			description: "the Authorization header is not valid Basic client credentials"}
	}
	badCreds := &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:invalid-client-credentials", client: id}
	switch id {
	case s.systemClientID():
	case ProviderClientID:
		return nil, badCreds // a public client has no secret to present
	default:
		return nil, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", urn: "token:unknown-client", client: id}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.creds.secretMatches(secret) {
		return nil, badCreds
	}
	return s.grantSystemLocked(r, tenant, id)
}

// grantSystemLocked issues a system token to an authenticated client: the
// tenant and scope checks both client authentication methods share. Call
// with s.mu held.
func (s *Server) grantSystemLocked(r *http.Request, tenant, id string) (*tokenResponse, *oauthError) {
	if tenant != Tenant || s.scenario.invalidTenant {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_grant", urn: "token:invalid-tenant", client: id}
	}
	granted, oe := grantScopes(r.PostForm.Get("scope"), s.creds.registered, id)
	if oe != nil {
		return nil, oe
	}
	now := s.now()
	tok, err := s.issueAccessTokenLocked(newGrant(tenant, id, granted, "", now), id, now)
	if err != nil {
		return nil, &oauthError{status: http.StatusInternalServerError, code: "server_error", urn: "token:server-error", client: id}
	}
	return &tokenResponse{AccessToken: tok, Scope: strings.Join(granted, " "), TokenType: "Bearer", ExpiresIn: int(tokenLifetime.Seconds())}, nil
}

// grantScopes keeps the requested scopes the app has registered. An unknown, malformed or
// wildcard scope refuses the whole request; nothing left to grant is empty-scopes.
func grantScopes(requested string, registered map[string]bool, client string) ([]string, *oauthError) {
	var granted []string
	seen := make(map[string]bool)
	for _, sc := range strings.Fields(requested) {
		if err := checkSupported(sc); err != nil {
			return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_scope", urn: "token:invalid-scope",
				description: sc + ": " + err.Error(), client: client}
		}
		if seen[sc] {
			continue
		}
		seen[sc] = true
		if registeredCovers(registered, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_scope", urn: "token:empty-scopes",
			description: "none of the requested scopes is registered for this client", client: client}
	}
	return granted, nil
}
