package sandbox

import (
	"net/http"
	"strings"
)

// handleIntrospect is the introspection endpoint (RFC 7662): POST token=..., or a GET
// carrying the token as Bearer. Unknown, revoked and expired tokens are just inactive.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Cerner-Correlation-Id", newUUID())
	var tok string
	switch r.Method {
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "the form body could not be parsed", http.StatusBadRequest)
			return
		}
		tok = r.PostForm.Get("token")
	case http.MethodGet:
		if scheme, v, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			tok = strings.TrimSpace(v)
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	g := s.grants[tok]
	active := g != nil && !g.revoked && s.now().Before(g.expires)
	var body map[string]any
	if active {
		body = map[string]any{"active": true, "scope": g.scope, "client_id": g.clientID, "token_type": "Bearer",
			"exp": g.expires.Unix(), "aud": s.fhirBase(), "iss": s.issuer(), "tenant": g.tenant}
		if g.patient != "" {
			body["patient"] = g.patient
		}
	} else {
		body = map[string]any{"active": false}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, "application/json;charset=UTF-8", body)
}

// handleManage stands in for the page where a user reviews the apps they authorized.
func (s *Server) handleManage(w http.ResponseWriter, _ *http.Request) {
	renderHTML(w, http.StatusOK, managePageTmpl, providerName)
}
