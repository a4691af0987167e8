package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestScenarioTokenOutcomes(t *testing.T) {
	tests := []struct {
		scenario  string
		status    int
		errorCode string // "" for success or non-JSON answers
		urn       string
		scope     string // granted scope on success
		plainBody string // a non-OAuth body
	}{
		{scenario: "healthy", status: 200, scope: ConfiguredScopes},
		{scenario: "secret-rotated", status: 401, errorCode: "invalid_client", urn: "token:invalid-client-credentials"},
		{scenario: "access-denied", status: 403, plainBody: "Access denied"},
		{scenario: "empty-scopes", status: 400, errorCode: "invalid_scope", urn: "token:empty-scopes"},
		{scenario: "partial-scopes", status: 200, scope: "system/Patient.read system/Observation.read system/Encounter.read"},
		{scenario: "invalid-tenant", status: 400, errorCode: "invalid_grant", urn: "token:invalid-tenant"},
		{scenario: "fhir-insufficient-scope", status: 200, scope: ConfiguredScopes},
		{scenario: "outage", status: 503, plainBody: "Service Unavailable"},
		{scenario: "clock-skew", status: 200, scope: ConfiguredScopes},
		{scenario: "slow", status: 200, scope: ConfiguredScopes},
	}
	if len(tests) != len(Scenarios()) {
		t.Fatalf("table covers %d scenarios, Scenarios() has %d", len(tests), len(Scenarios()))
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			s := start(t, Options{Scenario: tt.scenario})
			cfg := configured(t, s).Tenants["default"].Cerner.SystemApp
			r := requestToken(t, s, cfg.ClientSecret, cfg.Scopes)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r)
			}
			corr := r.header.Get("Cerner-Correlation-Id")
			switch {
			case tt.plainBody != "":
				if !strings.Contains(string(r.body), tt.plainBody) || strings.Contains(r.header.Get("Content-Type"), "json") {
					t.Errorf("want a non-JSON body with %q, got %s: %q", tt.plainBody, r.header.Get("Content-Type"), r)
				}
				if corr != "" {
					t.Errorf("Cerner-Correlation-Id %q on a response the OAuth server never made", corr)
				}
				return
			case corr == "":
				t.Errorf("no Cerner-Correlation-Id")
			}
			if r.header.Get("Cache-Control") != "no-store" || r.header.Get("Pragma") != "no-cache" {
				t.Errorf("cache headers: %v", r.header)
			}
			body := r.json(t)
			if tt.errorCode != "" {
				if body["error"] != tt.errorCode {
					t.Errorf("error %v, want %s", body["error"], tt.errorCode)
				}
				uri, _ := body["error_uri"].(string)
				if got := urnOf(t, uri); got != urnPrefix+tt.urn {
					t.Errorf("URN %q, want %q", got, urnPrefix+tt.urn)
				}
				if !strings.Contains(uri, "/instances/"+corr+"?") || !strings.Contains(uri, "tenant="+Tenant) {
					t.Errorf("error_uri %q lacks the correlation id or tenant", uri)
				}
				if (r.status == 401) != (r.header.Get("WWW-Authenticate") != "") {
					t.Errorf("WWW-Authenticate %q on status %d", r.header.Get("WWW-Authenticate"), r.status)
				}
				return
			}
			if body["scope"] != tt.scope || body["token_type"] != "Bearer" || body["expires_in"] != float64(570) {
				t.Errorf("token response: scope %v, token_type %v, expires_in %v", body["scope"], body["token_type"], body["expires_in"])
			}
			tok, _ := body["access_token"].(string)
			if strings.Count(tok, ".") != 2 {
				t.Errorf("access token is not JWT-shaped")
			}
			if issued := s.IssuedTokens(); len(issued) != 1 || issued[0] != tok {
				t.Errorf("IssuedTokens does not list the token")
			}
		})
	}
}

func TestTokenRequestErrors(t *testing.T) {
	s := start(t, Options{})
	secret := configured(t, s).Tenants["default"].Cerner.SystemApp.ClientSecret
	good := url.Values{"grant_type": {"client_credentials"}, "scope": {"system/Patient.read"}}
	with := func(k, v string) url.Values {
		f := url.Values{"grant_type": {"client_credentials"}, "scope": {"system/Patient.read"}}
		f.Set(k, v)
		return f
	}
	tests := []struct {
		name   string
		form   url.Values
		auth   string
		status int
		code   string
		urn    string
		client string
	}{
		{"no authorization", good, "", 401, "invalid_client", "invalid-authorization-header", "unknown"},
		{"bearer instead of basic", good, "Bearer eyJhbGciOi.eyJ.sig", 401, "invalid_client", "invalid-authorization-header", "unknown"},
		{"base64 broken by a space", good, basic(SystemClientID, secret)[:60] + " " + basic(SystemClientID, secret)[60:], 401, "invalid_client", "invalid-authorization-header", "unknown"},
		{"no colon", good, "Basic " + "Zm9vYmFy", 401, "invalid_client", "invalid-authorization-header", "unknown"},
		{"wrong secret", good, basic(SystemClientID, "FAKE-wrong"), 401, "invalid_client", "invalid-client-credentials", SystemClientID},
		{"unknown client", good, basic("00000000-0000-4000-8000-00000000dead", secret), 401, "invalid_client", "unknown-client", "00000000-0000-4000-8000-00000000dead"},
		{"public client with basic", good, basic(ProviderClientID, "x"), 401, "invalid_client", "invalid-client-credentials", ProviderClientID},
		{"composition not supported", with("scope", "system/Patient.read system/Composition.read"), basic(SystemClientID, secret), 400, "invalid_scope", "invalid-scope", SystemClientID},
		{"wildcard", with("scope", "system/*.read"), basic(SystemClientID, secret), 400, "invalid_scope", "invalid-scope", SystemClientID},
		{"write scope", with("scope", "system/Patient.write"), basic(SystemClientID, secret), 400, "invalid_scope", "invalid-scope", SystemClientID},
		{"no scope", with("scope", ""), basic(SystemClientID, secret), 400, "invalid_scope", "empty-scopes", SystemClientID},
		{"unregistered only", with("scope", "system/Immunization.read"), basic(SystemClientID, secret), 400, "invalid_scope", "empty-scopes", SystemClientID},
		{"missing grant type", with("grant_type", ""), basic(SystemClientID, secret), 400, "invalid_request", "invalid-request", "unknown"},
		{"password grant", with("grant_type", "password"), basic(SystemClientID, secret), 400, "unsupported_grant_type", "unsupported-grant-type", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postForm(t, s, s.Info().TokenURL, tt.form, tt.auth)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r)
			}
			body := r.json(t)
			if body["error"] != tt.code {
				t.Errorf("error %v, want %s", body["error"], tt.code)
			}
			uri := body["error_uri"].(string)
			if got := urnOf(t, uri); got != urnPrefix+"token:"+tt.urn {
				t.Errorf("URN %s, want token:%s", got, tt.urn)
			}
			if !strings.Contains(uri, "client="+url.QueryEscape(tt.client)+"&") {
				t.Errorf("error_uri %s, want client=%s", uri, tt.client)
			}
			if tt.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("401 without WWW-Authenticate: Basic")
			}
		})
	}
	if n := len(s.IssuedTokens()); n != 0 {
		t.Errorf("%d tokens issued by refused requests", n)
	}
}

func TestTokenEndpointProtocol(t *testing.T) {
	s := start(t, Options{})
	t.Run("GET refused", func(t *testing.T) {
		r := get(t, s, s.Info().TokenURL, "")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
			t.Errorf("GET token: %d Allow=%q", r.status, r.header.Get("Allow"))
		}
	})
	t.Run("older URL form", func(t *testing.T) {
		old := strings.Replace(s.Info().TokenURL, "/hosts/"+s.host, "", 1)
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"system/Patient.rs"}}
		r := postForm(t, s, old, form, basic(SystemClientID, fakeSecret(1)))
		if r.status != 200 || r.json(t)["scope"] != "system/Patient.rs" {
			t.Errorf("older form with a v2 scope: %d %s", r.status, r)
		}
	})
	t.Run("other tenant in the URL", func(t *testing.T) {
		other := strings.ReplaceAll(s.Info().TokenURL, Tenant, "00000000-0000-0000-0000-000000000000")
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"system/Patient.read"}}
		r := postForm(t, s, other, form, basic(SystemClientID, fakeSecret(1)))
		if r.status != 400 || urnOf(t, r.json(t)["error_uri"].(string)) != urnPrefix+"token:invalid-tenant" {
			t.Errorf("other tenant: %d %s", r.status, r)
		}
	})
}

// TestBasicEncoding: a secret with reserved characters works only in the encoding the
// server expects, which is what the probe's token.encoding check measures.
func TestBasicEncoding(t *testing.T) {
	const secret = "FAKE+secret/with=reserved:chars%"
	tests := []struct {
		name     string
		rawBasic bool
		auth     string
		status   int
	}{
		{"RFC server, form-encoded", false, basic(SystemClientID, secret), 200},
		{"RFC server, raw", false, rawBasic(SystemClientID, secret), 401},
		{"raw server, raw", true, rawBasic(SystemClientID, secret), 200},
		{"raw server, form-encoded", true, basic(SystemClientID, secret), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Options{ClientSecret: secret, RawBasic: tt.rawBasic})
			if got := configured(t, s).Tenants["default"].Cerner.SystemApp.ClientSecret; got != secret {
				t.Fatalf("config secret does not read back as the override")
			}
			form := url.Values{"grant_type": {"client_credentials"}, "scope": {"system/Patient.read"}}
			if r := postForm(t, s, s.Info().TokenURL, form, tt.auth); r.status != tt.status {
				t.Errorf("status %d, want %d: %s", r.status, tt.status, r)
			}
		})
	}
}

func TestUnknownScenario(t *testing.T) {
	_, err := Start(Options{Scenario: "nope"})
	if !errors.Is(err, ErrUnknownScenario) || !strings.Contains(err.Error(), "secret-rotated") {
		t.Errorf("err = %v, want ErrUnknownScenario listing the names", err)
	}
}
