package sandbox

import (
	"net/http"
)

// handleSmartConfiguration serves {fhir_base}/.well-known/smart-configuration, no auth.
func (s *Server) handleSmartConfiguration(w http.ResponseWriter, r *http.Request) {
	if !s.knownTenant(w, r) {
		return
	}
	doc := map[string]any{
		"issuer":                                s.issuer(),
		"authorization_endpoint":                s.authorizeURL(),
		"token_endpoint":                        s.tokenURL(),
		"revocation_endpoint":                   s.revokeURL(),
		"introspection_endpoint":                s.introspectURL(),
		"management_endpoint":                   s.manageURL(),
		"jwks_uri":                              s.jwksURL(),
		"token_endpoint_auth_methods_supported": s.authMethods(),
		"token_endpoint_auth_signing_alg_values_supported": s.algs(),
		"grant_types_supported":                            []string{"authorization_code", "client_credentials"},
		"response_types_supported":                         []string{"code"},
		"code_challenge_methods_supported":                 []string{"S256"},
		"scopes_supported":                                 scopesSupported(),
		"capabilities": []string{
			"launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric",
			"client-confidential-asymmetric", "sso-openid-connect", "context-banner", "context-style",
			"context-ehr-patient", "context-ehr-encounter", "context-standalone-patient",
			"permission-offline", "permission-online", "permission-patient", "permission-user",
			"permission-v1", "permission-v2", "authorize-post",
		},
	}
	writeJSON(w, http.StatusOK, "application/json", doc)
}

// authMethods are the client authentication methods discovery advertises:
// Epic's backend apps sign JWTs only.
func (s *Server) authMethods() []string {
	if s.epic() {
		return []string{"private_key_jwt"}
	}
	return []string{"client_secret_basic", "private_key_jwt"}
}

// handleMetadata serves the CapabilityStatement of the secure FHIR host, no auth.
func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if !s.knownTenant(w, r) {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeOutcome(w, http.StatusMethodNotAllowed, "not-supported", "metadata is read with GET")
		return
	}
	uri := func(name, value string) map[string]string { return map[string]string{"url": name, "valueUri": value} }
	var resources []map[string]any
	for _, rt := range servedTypes {
		var params []map[string]string
		for _, p := range searchParams[rt] {
			params = append(params, map[string]string{"name": p, "type": "token"})
		}
		res := map[string]any{
			"type":        rt,
			"interaction": []map[string]string{{"code": "read"}},
		}
		if len(params) > 0 {
			res["interaction"] = []map[string]string{{"code": "read"}, {"code": "search-type"}}
			res["searchParam"] = params
		}
		resources = append(resources, res)
	}
	cs := map[string]any{
		"resourceType": "CapabilityStatement",
		"id":           "sandbox-" + Tenant,
		"name":         "Fhirdoctor_Sandbox_Capability_Statement",
		"status":       "active",
		"date":         "2026-01-01T00:00:00Z",
		"publisher":    "fhirdoctor sandbox (imitating Oracle Health)",
		"kind":         "instance",
		"software":     map[string]string{"name": "fhirdoctor sandbox", "version": "1"},
		"implementation": map[string]string{
			"description": "fhirdoctor sandbox FHIR R4 (secure)",
			"url":         s.fhirBase(),
		},
		"fhirVersion": "4.0.1",
		"format":      []string{"json"},
		"rest": []map[string]any{{
			"mode": "server",
			"security": map[string]any{
				"extension": []map[string]any{{
					"url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
					"extension": []map[string]string{
						uri("token", s.tokenURL()),
						uri("authorize", s.authorizeURL()),
						uri("revoke", s.revokeURL()),
						uri("manage", s.manageURL()),
						uri("introspect", s.introspectURL()),
					},
				}},
				"service": []map[string]any{{
					"coding": []map[string]string{{
						"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
						"code":   "SMART-on-FHIR",
					}},
					"text": "OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)",
				}},
			},
			"resource": resources,
		}},
	}
	writeJSON(w, http.StatusOK, fhirJSON, cs)
}

// handleJWKS publishes the key that signs access and id tokens.
func (s *Server) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"keys": []map[string]string{s.signer.jwk()}})
}

// handleErrorPage is where error_uri points: a page naming the URN and the correlation id.
func (s *Server) handleErrorPage(w http.ResponseWriter, r *http.Request) {
	renderHTML(w, http.StatusOK, errorPageTmpl, map[string]string{
		"URN":         r.PathValue("urn"),
		"Correlation": r.PathValue("corr"),
		"Client":      r.URL.Query().Get("client"),
		"Tenant":      r.URL.Query().Get("tenant"),
	})
}

// handleRevoke accepts RFC 7009 revocation of a token this server issued.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cerner-Correlation-Id", newUUID())
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	if g := s.grants[r.PostForm.Get("token")]; g != nil {
		g.revoked = true
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK) // RFC 7009 2.2: unknown tokens are not an error
}

// knownTenant answers 404 for a FHIR base of another tenant.
func (s *Server) knownTenant(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("tenant") == Tenant {
		return true
	}
	writeOutcome(w, http.StatusNotFound, "not-found", "unknown tenant "+r.PathValue("tenant"))
	return false
}
