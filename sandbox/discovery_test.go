package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestDiscovery(t *testing.T) {
	for _, scenario := range []string{"healthy", "access-denied", "fhir-insufficient-scope"} {
		t.Run(scenario, func(t *testing.T) {
			s := start(t, Options{Scenario: scenario})
			r := get(t, s, s.Info().FHIRBaseURL+"/.well-known/smart-configuration", "")
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			d := r.json(t)
			for _, field := range []string{"issuer", "authorization_endpoint", "token_endpoint", "revocation_endpoint",
				"introspection_endpoint", "jwks_uri", "token_endpoint_auth_methods_supported",
				"token_endpoint_auth_signing_alg_values_supported", "grant_types_supported",
				"code_challenge_methods_supported", "scopes_supported", "capabilities"} {
				if d[field] == nil {
					t.Errorf("discovery lacks %s", field)
				}
			}
			if d["token_endpoint"] != s.Info().TokenURL || d["authorization_endpoint"] != s.Info().AuthorizeURL {
				t.Errorf("endpoints %v %v disagree with Info", d["token_endpoint"], d["authorization_endpoint"])
			}
			scopes := strs(d["scopes_supported"])
			for _, want := range []string{"system/Patient.read", "system/Patient.rs", "system/Binary.read", "launch/patient", "openid"} {
				if !slices.Contains(scopes, want) {
					t.Errorf("scopes_supported lacks %s", want)
				}
			}
			if slices.Contains(scopes, "system/Composition.read") {
				t.Errorf("scopes_supported lists system/Composition.read")
			}
			if !slices.Equal(strs(d["code_challenge_methods_supported"]), []string{"S256"}) ||
				!slices.Contains(strs(d["token_endpoint_auth_methods_supported"]), "client_secret_basic") {
				t.Errorf("auth methods: %v %v", d["code_challenge_methods_supported"], d["token_endpoint_auth_methods_supported"])
			}
		})
	}
}

func TestDerivedFHIRBase(t *testing.T) {
	s := start(t, Options{})
	// config derives the FHIR base from tenants/{t}/hosts/{host}: it must land on ours.
	tok := s.Info().TokenURL
	host := tok[strings.Index(tok, "/hosts/")+len("/hosts/"):]
	host = host[:strings.IndexByte(host, '/')]
	if got := "https://" + host + "/r4/" + Tenant; got != s.Info().FHIRBaseURL {
		t.Errorf("derived %s, want %s", got, s.Info().FHIRBaseURL)
	}
}

func TestMetadata(t *testing.T) {
	s := start(t, Options{})
	r := get(t, s, s.Info().FHIRBaseURL+"/metadata", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/fhir+json") {
		t.Fatalf("status %d, type %s", r.status, r.header.Get("Content-Type"))
	}
	cs := r.json(t)
	if cs["resourceType"] != "CapabilityStatement" || cs["fhirVersion"] != "4.0.1" {
		t.Errorf("resourceType %v fhirVersion %v", cs["resourceType"], cs["fhirVersion"])
	}
	rest := cs["rest"].([]any)[0].(map[string]any)
	ext := rest["security"].(map[string]any)["extension"].([]any)[0].(map[string]any)
	if ext["url"] != "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris" {
		t.Fatalf("first security extension is %v", ext["url"])
	}
	uris := map[string]string{}
	for _, e := range ext["extension"].([]any) {
		m := e.(map[string]any)
		uris[m["url"].(string)] = m["valueUri"].(string)
	}
	for _, name := range []string{"token", "authorize", "revoke", "manage", "introspect"} {
		if uris[name] == "" {
			t.Errorf("oauth-uris lacks %s", name)
		}
	}
	if uris["token"] != s.Info().TokenURL {
		t.Errorf("oauth-uris token %s, want %s", uris["token"], s.Info().TokenURL)
	}
}

func TestOutageAndOtherTenant(t *testing.T) {
	s := start(t, Options{Scenario: "outage"})
	for _, path := range []string{"/.well-known/smart-configuration", "/metadata", "/Patient/12724066"} {
		r := get(t, s, s.Info().FHIRBaseURL+path, "")
		if r.status != http.StatusServiceUnavailable || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", path, r.status, r.header.Get("Content-Type"))
		}
	}
	h := start(t, Options{})
	other := strings.Replace(h.Info().FHIRBaseURL, Tenant, "00000000-0000-0000-0000-000000000000", 1)
	if r := get(t, h, other+"/metadata", ""); r.status != http.StatusNotFound {
		t.Errorf("metadata of another tenant: %d", r.status)
	}
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
