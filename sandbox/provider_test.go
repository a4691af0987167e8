package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// authorizeParams is a correct standalone-launch request for the sandbox's provider app.
func authorizeParams(s *Server, verifier string) url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {ProviderClientID},
		"redirect_uri":          {DefaultProviderRedirectURI},
		"scope":                 {ProviderScopes},
		"state":                 {"state-" + verifier[:8]},
		"aud":                   {s.Info().FHIRBaseURL},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(verifier)},
		"code_challenge_method": {"S256"},
	}
}

// authorize plays the browser: it follows nothing and returns the redirect's query.
func authorize(t *testing.T, s *Server, p url.Values) url.Values {
	t.Helper()
	r := get(t, s, s.Info().AuthorizeURL+"?"+p.Encode(), "")
	if r.status != http.StatusFound {
		t.Fatalf("authorize: status %d, want a redirect: %.300s", r.status, r)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Scheme+"://"+loc.Host+loc.Path != DefaultProviderRedirectURI {
		t.Fatalf("redirected to %q, want %s", r.header.Get("Location"), DefaultProviderRedirectURI)
	}
	return loc.Query()
}

func exchange(t *testing.T, s *Server, code, verifier string) reply {
	t.Helper()
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {DefaultProviderRedirectURI},
		"client_id":     {ProviderClientID},
		"code_verifier": {verifier},
	}
	return postForm(t, s, s.Info().TokenURL, form, "")
}

func TestProviderFlow(t *testing.T) {
	s := start(t, Options{AutoApprove: true})
	verifier := oauth2.GenerateVerifier()
	p := authorizeParams(s, verifier)
	q := authorize(t, s, p)
	if q.Get("state") != p.Get("state") || q.Get("code") == "" {
		t.Fatalf("redirect query %v", q)
	}
	r := exchange(t, s, q.Get("code"), verifier)
	if r.status != 200 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("exchange: %d %s", r.status, r)
	}
	body := r.json(t)
	if body["patient"] != TestPatientID || body["token_type"] != "Bearer" || body["expires_in"] != float64(570) || body["scope"] != ProviderScopes {
		t.Errorf("token response: patient %v, token_type %v, expires_in %v, scope %v", body["patient"], body["token_type"], body["expires_in"], body["scope"])
	}
	claims := verifyJWT(t, s, body["id_token"].(string))
	if claims["fhirUser"] != s.Info().FHIRBaseURL+"/Practitioner/"+PractitionerID || claims["aud"] != ProviderClientID ||
		claims["sub"] != PractitionerID || !strings.HasPrefix(claims["iss"].(string), "https://") {
		t.Errorf("id_token claims %v", claims)
	}
	tok := body["access_token"].(string)
	verifyJWT(t, s, tok)
	if r := get(t, s, s.Info().FHIRBaseURL+"/Patient/"+TestPatientID, tok); r.status != 200 {
		t.Errorf("read of the launch patient: %d", r.status)
	}
	if r := get(t, s, s.Info().FHIRBaseURL+"/Patient/12724067", tok); r.status != 403 {
		t.Errorf("read of another patient with patient scopes: %d, want 403", r.status)
	}
	if r := get(t, s, s.Info().FHIRBaseURL+"/Observation?patient=12724067", tok); r.status != 403 {
		t.Errorf("search of another patient with patient scopes: %d, want 403", r.status)
	}

	t.Run("reused code", func(t *testing.T) {
		r := exchange(t, s, q.Get("code"), verifier)
		if r.status != 400 || r.json(t)["error"] != "invalid_grant" ||
			urnOf(t, r.json(t)["error_uri"].(string)) != urnPrefix+"token:code-invalid-or-expired" {
			t.Fatalf("reuse: %d %s", r.status, r)
		}
		if r := get(t, s, s.Info().FHIRBaseURL+"/Patient/"+TestPatientID, tok); r.status != 401 {
			t.Errorf("token of a replayed code still works: %d", r.status)
		}
	})
}

// TestRFC7636AppendixB runs the RFC's S256 test vector through the server.
func TestRFC7636AppendixB(t *testing.T) {
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	sum := sha256.Sum256([]byte(verifier))
	if got := base64.RawURLEncoding.EncodeToString(sum[:]); got != challenge {
		t.Fatalf("S256(verifier) = %s", got)
	}
	s := start(t, Options{AutoApprove: true})
	p := authorizeParams(s, verifier)
	p.Set("code_challenge", challenge)
	if r := exchange(t, s, authorize(t, s, p).Get("code"), verifier); r.status != 200 {
		t.Errorf("appendix B pair refused: %d %s", r.status, r)
	}
}

func TestProviderExchangeErrors(t *testing.T) {
	s := start(t, Options{AutoApprove: true})
	tests := []struct {
		name   string
		mutate func(form url.Values) string // returns an Authorization header
		before func()
		after  func()
		status int
		code   string
		urn    string
	}{
		{name: "wrong verifier", mutate: func(f url.Values) string { f.Set("code_verifier", oauth2.GenerateVerifier()); return "" },
			status: 400, code: "invalid_grant", urn: "token:pkce:invalid-code-verifier"},
		{name: "no verifier", mutate: func(f url.Values) string { f.Del("code_verifier"); return "" },
			status: 400, code: "invalid_request", urn: "token:pkce:missing-code-verifier"},
		{name: "basic for a public client", mutate: func(f url.Values) string { return basic(ProviderClientID, "FAKE") },
			status: 401, code: "invalid_client", urn: "token:invalid-client-credentials"},
		{name: "other redirect", mutate: func(f url.Values) string { f.Set("redirect_uri", DefaultProviderRedirectURI+"/"); return "" },
			status: 400, code: "invalid_grant", urn: "token:redirect-uri-mismatch"},
		{name: "unknown code", mutate: func(f url.Values) string { f.Set("code", "nope"); return "" },
			status: 400, code: "invalid_grant", urn: "token:code-invalid-or-expired"},
		{name: "expired code", mutate: func(url.Values) string { return "" },
			before: func() { s.offset.Add(int64(codeLifetime)) }, after: func() { s.offset.Add(-int64(codeLifetime)) },
			status: 400, code: "invalid_grant", urn: "token:code-invalid-or-expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verifier := oauth2.GenerateVerifier()
			code := authorize(t, s, authorizeParams(s, verifier)).Get("code")
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {DefaultProviderRedirectURI},
				"client_id": {ProviderClientID}, "code_verifier": {verifier}}
			auth := tt.mutate(form)
			if tt.before != nil {
				tt.before()
				defer tt.after()
			}
			r := postForm(t, s, s.Info().TokenURL, form, auth)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r)
			}
			body := r.json(t)
			if body["error"] != tt.code || urnOf(t, body["error_uri"].(string)) != urnPrefix+tt.urn {
				t.Errorf("error %v %v, want %s %s", body["error"], body["error_uri"], tt.code, tt.urn)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	s := start(t, Options{AutoApprove: true})
	verifier := oauth2.GenerateVerifier()
	redirected := []struct {
		name, key, value string
		code, urn        string
	}{
		{"launch without launch code", "scope", "launch openid patient/Patient.read", "invalid_request", "grant:launch:code-required"},
		{"no aud", "aud", "", "invalid_request", "grant:invalid-aud"},
		{"aud of another server", "aud", "https://fhir-ehr-code.cerner.com/r4/" + Tenant, "invalid_request", "grant:invalid-aud"},
		{"no code_challenge", "code_challenge", "", "invalid_request", "grant:pkce:missing-code-challenge"},
		{"plain PKCE", "code_challenge_method", "plain", "invalid_request", "grant:pkce:unsupported-code-challenge-method"},
		{"no state", "state", "", "invalid_request", "grant:missing-state"},
		{"token response type", "response_type", "token", "unsupported_response_type", "grant:unsupported-response-type"},
		{"unsupported scope", "scope", "openid system/Composition.read", "invalid_scope", "grant:invalid-scope"},
		{"unregistered scopes", "scope", "user/Condition.read", "invalid_scope", "grant:empty-scopes"},
	}
	for _, tt := range redirected {
		t.Run(tt.name, func(t *testing.T) {
			p := authorizeParams(s, verifier)
			p.Set(tt.key, tt.value)
			q := authorize(t, s, p)
			if q.Get("code") != "" || q.Get("error") != tt.code || urnOf(t, q.Get("error_uri")) != urnPrefix+tt.urn {
				t.Errorf("redirect query %v, want error %s URN %s", q, tt.code, tt.urn)
			}
			if q.Get("state") != p.Get("state") {
				t.Errorf("state %q not echoed", p.Get("state"))
			}
		})
	}
	for _, tt := range []struct{ name, key, value string }{
		{"unknown client", "client_id", "00000000-0000-4000-8000-00000000dead"},
		{"system client", "client_id", SystemClientID},
		{"redirect with trailing slash", "redirect_uri", DefaultProviderRedirectURI + "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := authorizeParams(s, verifier)
			p.Set(tt.key, tt.value)
			r := get(t, s, s.Info().AuthorizeURL+"?"+p.Encode(), "")
			if r.status != http.StatusBadRequest || r.header.Get("Location") != "" {
				t.Errorf("status %d Location %q: an untrusted request must not redirect", r.status, r.header.Get("Location"))
			}
		})
	}
}

var requestIDField = regexp.MustCompile(`name="request_id" value="([^"]+)"`)

// TestConsentPage signs in and consents the way a user clicks through the page.
func TestConsentPage(t *testing.T) {
	s := start(t, Options{})
	tests := []struct {
		name     string
		form     url.Values
		status   int
		wantCode bool
		patient  string
		errCode  string
	}{
		{"approve another patient", url.Values{"username": {"portal"}, "password": {"portal"}, "decision": {"approve"}, "patient": {"12724067"}}, 302, true, "12724067", ""},
		{"deny", url.Values{"username": {"portal"}, "password": {"portal"}, "decision": {"deny"}}, 302, false, "", "access_denied"},
		{"no patient chosen", url.Values{"username": {"portal"}, "password": {"portal"}, "decision": {"approve"}, "patient": {""}}, 302, false, "", "invalid_request"},
		{"wrong password", url.Values{"username": {"portal"}, "password": {"nope"}, "decision": {"approve"}}, 200, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verifier := oauth2.GenerateVerifier()
			page := get(t, s, s.Info().AuthorizeURL+"?"+authorizeParams(s, verifier).Encode(), "")
			m := requestIDField.FindSubmatch(page.body)
			if page.status != 200 || m == nil || !strings.Contains(string(page.body), "patient/Patient.read") {
				t.Fatalf("consent page: %d %.300s", page.status, page)
			}
			tt.form.Set("request_id", string(m[1]))
			r := postForm(t, s, s.Info().AuthorizeURL, tt.form, "")
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r)
			}
			if tt.status == 200 {
				if !strings.Contains(string(r.body), "Sign-in failed") {
					t.Errorf("wrong password page lacks the message")
				}
				return
			}
			loc, _ := url.Parse(r.header.Get("Location"))
			q := loc.Query()
			if q.Get("error") != tt.errCode || (q.Get("code") != "") != tt.wantCode {
				t.Fatalf("redirect %v", q)
			}
			if tt.wantCode {
				body := exchange(t, s, q.Get("code"), verifier).json(t)
				if body["patient"] != tt.patient {
					t.Errorf("patient %v, want %s", body["patient"], tt.patient)
				}
			}
			// The page's request is single-use.
			if r := postForm(t, s, s.Info().AuthorizeURL, tt.form, ""); r.status != 400 {
				t.Errorf("second submission: %d", r.status)
			}
		})
	}
}

// verifyJWT checks an ES256 token against the published key and returns its claims.
func verifyJWT(t *testing.T, s *Server, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT")
	}
	keys := get(t, s, "https://"+s.host+"/jwk", "").json(t)["keys"].([]any)
	k := keys[0].(map[string]any)
	x, _ := base64.RawURLEncoding.DecodeString(k["x"].(string))
	y, _ := base64.RawURLEncoding.DecodeString(k["y"].(string))
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		t.Fatalf("jwk: %v", err)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Fatalf("signature does not verify")
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("claims: %v", err)
	}
	if exp, _ := claims["exp"].(float64); time.Unix(int64(exp), 0).Before(time.Now()) {
		t.Errorf("token already expired")
	}
	return claims
}
