package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFHIRReads(t *testing.T) {
	s := start(t, Options{})
	tok := systemToken(t, s)
	base := s.Info().FHIRBaseURL
	tests := []struct {
		name   string
		path   string
		status int
		want   string // substring of the body
	}{
		{"patient Nancy", "/Patient/12724066", 200, `"family": "SMART"`},
		{"patient Joe", "/Patient/12724067", 200, `"text": "SMART, Joe"`},
		{"unknown patient", "/Patient/1", 404, `"not-found"`},
		{"observations", "/Observation?patient=12724066&_count=1", 200, `"relation": "next"`},
		{"observations by subject", "/Observation?subject=Patient/12724067", 200, `"M-197198611"`},
		{"observation without patient", "/Observation?_count=1", 400, `"required"`},
		{"encounters", "/Encounter?patient=12724066&_count=1", 200, `"searchset"`},
		{"encounter without patient", "/Encounter", 400, `requires one of`},
		{"documents", "/DocumentReference?patient=12724066&_count=1", 200, `/Binary/XR-197198634`},
		{"document without patient", "/DocumentReference?_count=5", 400, `"OperationOutcome"`},
		{"binary", "/Binary/XR-197198634", 200, `"contentType": "text/html"`},
		{"unknown search parameter", "/Observation?patient=12724066&colour=red", 400, `unknown search parameter`},
		{"bad _count", "/Observation?patient=12724066&_count=zero", 400, `_count`},
		{"unsupported type", "/Composition?patient=12724066", 404, `not supported`},
		{"not granted", "/Practitioner/" + PractitionerID, 403, `"forbidden"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, s, base+tt.path, tok)
			if r.status != tt.status || !strings.Contains(string(r.body), tt.want) {
				t.Fatalf("status %d (want %d), body lacks %q:\n%.400s", r.status, tt.status, tt.want, r)
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "application/fhir+json") {
				t.Errorf("Content-Type %s", r.header.Get("Content-Type"))
			}
		})
	}
	t.Run("next link works", func(t *testing.T) {
		first := get(t, s, base+"/Observation?patient=12724066&_count=1", tok).json(t)
		var next string
		for _, l := range first["link"].([]any) {
			if m := l.(map[string]any); m["relation"] == "next" {
				next = m["url"].(string)
			}
		}
		second := get(t, s, next, tok).json(t)
		a := first["entry"].([]any)[0].(map[string]any)["fullUrl"]
		b := second["entry"].([]any)[0].(map[string]any)["fullUrl"]
		if a == b {
			t.Errorf("next page repeats %v", a)
		}
	})
	t.Run("binary raw", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, base+"/Binary/XR-197198634", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "text/html")
		r := do(t, client(s), req)
		if r.status != 200 || !strings.Contains(string(r.body), "Progress Note") {
			t.Errorf("raw binary: %d %.100s", r.status, r)
		}
	})
}

func TestFHIRAuthErrors(t *testing.T) {
	s := start(t, Options{})
	base := s.Info().FHIRBaseURL
	tok := systemToken(t, s)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"system/Patient.read system/Binary.read"}}
	r := postForm(t, s, s.Info().TokenURL, form, basic(SystemClientID, fakeSecret(1)))
	patientOnly := r.json(t)["access_token"].(string)
	other := strings.Replace(base, Tenant, "00000000-0000-0000-0000-000000000000", 1)

	tests := []struct {
		name, url, token string
		status           int
		challenge        string
	}{
		{"missing token", base + "/Patient/12724066", "", 401, `error="invalid_token"`},
		{"unknown token", base + "/Patient/12724066", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln", 401, `error="invalid_token"`},
		{"other tenant", other + "/Patient/12724066", tok, 401, `error="invalid_token"`},
		{"scope missing", base + "/Observation?patient=12724066", patientOnly, 403, `error="insufficient_scope"`},
		{"binary needs DocumentReference too", base + "/Binary/XR-197198634", patientOnly, 403, `error="insufficient_scope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, s, tt.url, tt.token)
			if r.status != tt.status || !strings.Contains(r.header.Get("WWW-Authenticate"), tt.challenge) {
				t.Errorf("status %d (want %d), WWW-Authenticate %q", r.status, tt.status, r.header.Get("WWW-Authenticate"))
			}
			if r.json(t)["resourceType"] != "OperationOutcome" {
				t.Errorf("body is not an OperationOutcome: %s", r)
			}
			if !strings.Contains(r.header.Get("WWW-Authenticate"), `realm="`) {
				t.Errorf("no realm in %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("expired token", func(t *testing.T) {
		s.offset.Add(int64(tokenLifetime + time.Second))
		defer s.offset.Add(-int64(tokenLifetime + time.Second))
		r := get(t, s, base+"/Patient/12724066", tok)
		if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), "expired") {
			t.Errorf("expired: %d %q", r.status, r.header.Get("WWW-Authenticate"))
		}
	})
}

func TestScenarioFHIRInsufficientScope(t *testing.T) {
	s := start(t, Options{Scenario: "fhir-insufficient-scope"})
	r := get(t, s, s.Info().FHIRBaseURL+"/Patient/12724066", systemToken(t, s))
	if r.status != 403 || !strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) ||
		r.json(t)["resourceType"] != "OperationOutcome" {
		t.Errorf("status %d, WWW-Authenticate %q", r.status, r.header.Get("WWW-Authenticate"))
	}
}

func TestIntrospectAndRevoke(t *testing.T) {
	s := start(t, Options{})
	tok := systemToken(t, s)
	introspect := func() map[string]any {
		return postForm(t, s, "https://"+s.host+"/tokeninfo", url.Values{"token": {tok}}, "").json(t)
	}
	if got := introspect(); got["active"] != true || got["scope"] != ConfiguredScopes || got["client_id"] != SystemClientID {
		t.Errorf("introspection of a live token: %v", got)
	}
	if r := postForm(t, s, s.Info().TokenURL+"/revoke", url.Values{"token": {tok}}, ""); r.status != 200 {
		t.Fatalf("revoke: %d", r.status)
	}
	if got := introspect(); got["active"] != false {
		t.Errorf("revoked token still active: %v", got)
	}
	if r := get(t, s, s.Info().FHIRBaseURL+"/Patient/12724066", tok); r.status != 401 {
		t.Errorf("revoked token reads: %d", r.status)
	}
	if r := get(t, s, strings.TrimSuffix(s.authorizeURL(), "/personas/provider/authorize")+"/authorizations", ""); r.status != 200 {
		t.Errorf("manage page: %d", r.status)
	}
}
