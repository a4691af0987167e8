package sandbox

import (
	"mime"
	"net/http"
	"strings"
)

// assertionType is the client_assertion_type of private_key_jwt.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// epicClientError is Epic's answer to every client failure: no hint which
// check failed. That silence is what the doctor has to reason around.
func epicClientError(w http.ResponseWriter, status int) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":null}`))
}

// handleEpicToken is an Epic-like token endpoint: client_credentials with
// private_key_jwt only.
func (s *Server) handleEpicToken(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	if r.Method != http.MethodPost {
		h.Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, "application/json", map[string]any{"error": "invalid_request", "error_description": nil})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		writeJSON(w, http.StatusBadRequest, "application/json", map[string]any{"error": "invalid_request", "error_description": nil})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, "application/json", map[string]any{"error": "invalid_request", "error_description": nil})
		return
	}
	f := r.PostForm
	if gt := f.Get("grant_type"); gt != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, "application/json", map[string]any{"error": "unsupported_grant_type", "error_description": nil})
		return
	}
	if r.Header.Get("Authorization") != "" || f.Get("client_assertion_type") != assertionType || f.Get("client_assertion") == "" {
		// Basic auth, a secret in the body or a missing assertion: Epic's
		// backend apps authenticate with a signed JWT only.
		s.noteRefusal(&refusal{RefusedMalformed, "no private_key_jwt client assertion"})
		epicClientError(w, http.StatusUnauthorized)
		return
	}
	now := s.now()
	client := s.epicClientID()
	if ref := s.verifyAssertion(f.Get("client_assertion"), client, s.tokenURL(), s.algs(), now); ref != nil {
		s.noteRefusal(ref)
		epicClientError(w, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	granted, oe := grantScopes(f.Get("scope"), s.creds.registered, client)
	if oe != nil {
		writeJSON(w, http.StatusBadRequest, "application/json", map[string]any{"error": "invalid_scope", "error_description": nil})
		return
	}
	g := newGrant(Tenant, client, granted, "", now)
	g.expires = now.Add(epicTokenLifetime)
	tok, err := s.issueAccessTokenLocked(g, client, now)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, "application/json", map[string]any{"error": "server_error", "error_description": nil})
		return
	}
	writeJSON(w, http.StatusOK, "application/json;charset=UTF-8", map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int(epicTokenLifetime.Seconds()), "scope": strings.Join(granted, " "),
	})
}
