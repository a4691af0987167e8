package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
)

// urnPrefix starts every URN of Cerner's authorization server errors.
const urnPrefix = "urn:cerner:error:authorization-server:oauth2:"

// oauthError is one refusal of the authorization server.
type oauthError struct {
	status      int
	code        string // the RFC 6749 error code
	urn         string // after urnPrefix, e.g. "token:invalid-client-credentials"
	description string
	client      string // client id to echo in error_uri; "" = unknown
}

// errorURI is Cerner's error_uri: the URN, the correlation id, the client and the tenant.
func (s *Server) errorURI(urn, correlationID, client, tenant string) string {
	if client == "" {
		client = "unknown"
	}
	return "https://" + s.host + "/errors/" + url.QueryEscape(urnPrefix+urn) + "/instances/" + correlationID +
		"?client=" + url.QueryEscape(client) + "&tenant=" + url.QueryEscape(tenant)
}

// writeOAuthError answers a token request with Cerner's error JSON. The caller has set the
// correlation and cache headers.
func (s *Server) writeOAuthError(w http.ResponseWriter, correlationID, tenant string, e oauthError) {
	body := struct {
		Error       string `json:"error"`
		Description string `json:"error_description,omitempty"`
		URI         string `json:"error_uri"`
	}{e.code, e.description, s.errorURI(e.urn, correlationID, e.client, tenant)}
	if e.status == http.StatusUnauthorized {
		// RFC 6749 5.2: invalid_client after client authentication is a 401 with a challenge.
		w.Header().Set("WWW-Authenticate", `Basic realm="`+s.host+`"`)
	}
	writeJSON(w, e.status, "application/json;charset=UTF-8", body)
}

// writeJSON encodes without HTML escaping so URLs read as Cerner sends them (& not \u0026).
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
