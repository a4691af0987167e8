package sandbox

import (
	"encoding/json"
	"net/http"
)

// tlsRoutes is the authorization server and the FHIR host, which share one host:port.
func (s *Server) tlsRoutes() http.Handler {
	if s.epic() {
		return s.epicRoutes()
	}
	const oauth = "/tenants/{tenant}/protocols/oauth2/profiles/smart-v1"
	const hostsOAuth = "/tenants/{tenant}/hosts/{host}/protocols/oauth2/profiles/smart-v1"
	mux := http.NewServeMux()
	mux.HandleFunc(hostsOAuth+"/token", s.handleToken)
	mux.HandleFunc(oauth+"/token", s.handleToken) // the older documented form
	mux.HandleFunc(hostsOAuth+"/token/revoke", s.handleRevoke)
	mux.HandleFunc(oauth+"/token/revoke", s.handleRevoke)
	mux.HandleFunc(oauth+"/personas/provider/authorize", s.handleAuthorize)
	mux.HandleFunc("GET "+oauth+"/authorizations", s.handleManage)
	mux.HandleFunc("/tokeninfo", s.handleIntrospect)
	mux.HandleFunc("GET /jwk", s.handleJWKS)
	mux.HandleFunc("GET /errors/{urn}/instances/{corr}", s.handleErrorPage)
	mux.HandleFunc("/r4/{tenant}/.well-known/smart-configuration", s.handleSmartConfiguration)
	mux.HandleFunc("/r4/{tenant}/metadata", s.handleMetadata)
	mux.HandleFunc("/r4/{tenant}/{type}", s.handleSearch)
	mux.HandleFunc("/r4/{tenant}/{type}/{id}", s.handleRead)
	return mux
}

// consoleRoutes is the simulated Code Console, on its own plain-HTTP loopback listener.
func (s *Server) consoleRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /console", s.handleConsole)
	mux.HandleFunc("POST /console/regenerate", s.handleRegenerate)
	mux.HandleFunc("GET /console/jwks", s.handleGetJWKS)
	mux.HandleFunc("POST /console/jwks", s.handlePostJWKS)
	mux.HandleFunc("POST /console/new-app", s.handleNewApp)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console", http.StatusFound)
	})
	return mux
}

// jsonText renders a stored value for substring matching in searches.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
