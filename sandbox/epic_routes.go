package sandbox

import (
	"net/http"
)

// epicRoutes is the Epic-like host: the FHIR base under
// /interconnect-fhir-oauth/api/FHIR/R4 and the token endpoint under
// /interconnect-fhir-oauth/oauth2. The FHIR handlers are the Cerner ones:
// they read the tenant from the path, which Epic's URLs do not carry, so it
// is set here.
func (s *Server) epicRoutes() http.Handler {
	const base = epicPrefix + "/api/FHIR/R4"
	tenant := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			r.SetPathValue("tenant", Tenant)
			h(w, r)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc(epicPrefix+"/oauth2/token", s.handleEpicToken)
	mux.HandleFunc("GET "+epicPrefix+"/api/epic/2019/Security/Public/jwks", s.handleJWKS)
	mux.HandleFunc(base+"/.well-known/smart-configuration", tenant(s.handleSmartConfiguration))
	mux.HandleFunc(base+"/metadata", tenant(s.handleMetadata))
	mux.HandleFunc(base+"/{type}", tenant(s.handleSearch))
	mux.HandleFunc(base+"/{type}/{id}", tenant(s.handleRead))
	return mux
}
