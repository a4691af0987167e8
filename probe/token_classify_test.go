package probe

import (
	"net/http"
	"strings"
	"testing"
)

const fakeAccessToken = "FAKE-ACCESS-TOKEN-eyJhbGciOiJSUzI1NiJ9.payload.sig"

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func errJSON(err, urn string) string {
	return `{"error":"` + err + `","error_uri":"https://authorization.cerner.com/errors/` + urn + `/instances/3b3f1a2c-0000-4000-8000-000000000001?client=FAKE-CLIENT&tenant=ec2458f2-1e24-41c8-b71b-0e701af7583d"}`
}

func TestClassifyTokenResponse(t *testing.T) {
	jsonH := hdr("Content-Type", "application/json;charset=utf-8", "Cerner-Correlation-Id", "corr-123", "Cache-Control", "no-store")
	tests := []struct {
		name      string
		status    int
		h         http.Header
		body      string
		class     TokenClass
		cause     CauseID
		urn       string
		expiresIn int
		warnings  int
		inSummary string
		corr      string
	}{
		{"success numeric expires_in", 200, jsonH,
			`{"access_token":"` + fakeAccessToken + `","token_type":"Bearer","expires_in":570,"scope":"system/Patient.read system/Observation.read"}`,
			TokenOK, "", "", 570, 0, "expires in 570 s", "corr-123"},
		{"success string expires_in, lowercase bearer", 200, jsonH,
			`{"access_token":"` + fakeAccessToken + `","token_type":"bearer","expires_in":"570","scope":"system/Patient.read"}`,
			TokenOK, "", "", 570, 0, "token issued", "corr-123"},
		{"success without no-store, scope or token_type", 200, hdr("Content-Type", "application/json"),
			`{"access_token":"` + fakeAccessToken + `","expires_in":300}`,
			TokenOK, "", "", 300, 3, "token issued", ""},
		{"empty access token", 200, jsonH, `{"access_token":"","token_type":"Bearer"}`, TokenMalformed, "", "", 0, 0, "empty access_token", "corr-123"},
		{"invalid client credentials", 401, jsonH,
			errJSON("invalid_client", "urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials"),
			TokenInvalidClient, CauseSecretInvalid, "invalid-client-credentials", 0, 0, "client secret is wrong", "corr-123"},
		{"invalid client, URN percent-encoded, correlation from instance", 401, hdr("Content-Type", "application/json"),
			errJSON("invalid_client", "urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header"),
			TokenInvalidClient, CauseSecretInvalid, "invalid-authorization-header", 0, 0, "malformed", "3b3f1a2c-0000-4000-8000-000000000001"},
		{"unknown client", 401, jsonH, errJSON("invalid_client", "urn:cerner:error:authorization-server:oauth2:token:unknown-client"),
			TokenInvalidClient, CauseClientUnknown, "unknown-client", 0, 0, "no client with this id", "corr-123"},
		{"terminated client", 401, jsonH, errJSON("invalid_client", "urn:cerner:error:authorization-server:oauth2:token:terminated-client"),
			TokenInvalidClient, CauseClientUnknown, "terminated-client", 0, 0, "terminated", "corr-123"},
		{"unauthorized for tenant", 401, jsonH, errJSON("invalid_client", "urn:cerner:error:authorization-server:oauth2:token:unauthorized-client-for-tenant"),
			TokenInvalidClient, CauseTenantMismatch, "unauthorized-client-for-tenant", 0, 0, "not enabled for this tenant", "corr-123"},
		{"denied by server", 401, jsonH, errJSON("invalid_client", "urn:cerner:error:authorization-server:oauth2:token:denied-by-server"),
			TokenInvalidClient, CauseClientUnknown, "denied-by-server", 0, 0, "denies", "corr-123"},
		{"tenant terminated", 400, jsonH, errJSON("invalid_grant", "urn:cerner:error:authorization-server:oauth2:token:tenant-terminated"),
			TokenOAuthError, CauseTenantMismatch, "tenant-terminated", 0, 0, "tenant is terminated", "corr-123"},
		{"invalid tenant", 400, jsonH, errJSON("invalid_grant", "urn:cerner:error:authorization-server:oauth2:token:invalid-tenant"),
			TokenInvalidTenant, CauseTenantMismatch, "invalid-tenant", 0, 0, "tenant in the token URL", "corr-123"},
		{"empty scopes", 400, jsonH, errJSON("invalid_scope", "urn:cerner:error:authorization-server:oauth2:token:empty-scopes"),
			TokenEmptyScopes, CauseScopeNotGranted, "empty-scopes", 0, 0, "none of the requested scopes", "corr-123"},
		{"invalid_scope without URN", 400, jsonH, `{"error":"invalid_scope"}`, TokenInvalidScope, CauseScopeNotGranted, "", 0, 0, "invalid_scope", "corr-123"},
		{"invalid_client without URN", 401, jsonH, `{"error":"invalid_client"}`, TokenInvalidClient, CauseSecretInvalid, "", 0, 0, "invalid_client", "corr-123"},
		{"edge 403 text/plain", 403, hdr("Content-Type", "text/plain"), "Access denied", TokenEdgeDenied, CauseEdgeBlock, "", 0, 0, `"Access denied"`, ""},
		{"edge 403 HTML", 403, hdr("Content-Type", "text/html"), "<html><head><title>Access Denied</title></head><body>Reference #18.abc</body></html>",
			TokenEdgeDenied, CauseEdgeBlock, "", 0, 0, `HTML "Access Denied"`, ""},
		{"edge 403 empty", 403, hdr(), "", TokenEdgeDenied, CauseEdgeBlock, "", 0, 0, "empty body", ""},
		{"503 outage", 503, hdr("Content-Type", "text/html"), "<html><title>503 Service Unavailable</title></html>", TokenServerError, CauseServerOutage, "", 0, 0, "503", ""},
		{"500 with OAuth JSON", 500, jsonH, `{"error":"server_error"}`, TokenOAuthError, CauseServerOutage, "", 0, 0, "server_error", "corr-123"},
		{"429", 429, hdr("Retry-After", "5"), "", TokenRateLimited, CauseServerOutage, "", 0, 0, "429", ""},
		{"404 not a token endpoint", 404, hdr("Content-Type", "text/html"), "<html>nope</html>", TokenNotFound, CauseConfigInvalid, "", 0, 0, "not a token endpoint", ""},
		{"200 HTML login page", 200, hdr("Content-Type", "text/html"), "<!DOCTYPE html><html><title>Sign in</title></html>", TokenHTMLPage, CauseConfigInvalid, "", 0, 0, "HTML", ""},
		{"401 plain", 401, hdr("Content-Type", "text/plain"), "Unauthorized", TokenUnauthorized, CauseSecretInvalid, "", 0, 0, "401", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := classifyTokenResponse(tt.status, tt.h, []byte(tt.body))
			if a.Class != tt.class || a.Cause != tt.cause {
				t.Fatalf("class, cause = %s, %q; want %s, %q (summary %q)", a.Class, a.Cause, tt.class, tt.cause, a.Summary)
			}
			if a.URN.Code != tt.urn {
				t.Errorf("URN code = %q, want %q", a.URN.Code, tt.urn)
			}
			if a.ExpiresIn != tt.expiresIn {
				t.Errorf("ExpiresIn = %d, want %d", a.ExpiresIn, tt.expiresIn)
			}
			if len(a.Warnings) != tt.warnings {
				t.Errorf("warnings = %q, want %d", a.Warnings, tt.warnings)
			}
			if !strings.Contains(a.Summary, tt.inSummary) {
				t.Errorf("summary %q lacks %q", a.Summary, tt.inSummary)
			}
			if a.CorrelationID != tt.corr {
				t.Errorf("correlation id = %q, want %q", a.CorrelationID, tt.corr)
			}
			if tt.class != TokenOK && a.Remedy == "" {
				t.Error("a refusal without a remedy")
			}
			assertNoToken(t, a)
		})
	}
}

func assertNoToken(t *testing.T, a tokenAnswer) {
	t.Helper()
	if a.accessToken == "" {
		return
	}
	for _, s := range append([]string{a.Summary, a.Remedy}, append(a.Evidence, a.Warnings...)...) {
		if strings.Contains(s, a.accessToken) {
			t.Fatalf("access token printed in %q", s)
		}
	}
}

func FuzzClassifyTokenResponse(f *testing.F) {
	f.Add(200, "application/json", `{"access_token":"`+fakeAccessToken+`","token_type":"Bearer","expires_in":570,"scope":"a b"}`)
	f.Add(200, "application/json", `{"access_token":"x-FAKE-token","expires_in":"1e400"}`)
	f.Add(401, "application/json", errJSON("invalid_client", "urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials"))
	f.Add(403, "text/plain", "Access denied")
	f.Add(503, "text/html", "<html><title>\x00bad</title>")
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		a := classifyTokenResponse(status, hdr("Content-Type", ct), []byte(body))
		if a.Class == "" {
			t.Fatal("no class")
		}
		if (a.Class == TokenOK) != (a.Cause == "") && a.Class != TokenMalformed {
			t.Fatalf("class %s with cause %q", a.Class, a.Cause)
		}
		if len(a.accessToken) >= 6 {
			assertNoToken(t, a)
		}
		for _, e := range a.Evidence {
			if strings.ContainsAny(e, "\n\r") {
				t.Fatalf("evidence line holds a newline: %q", e)
			}
		}
	})
}

func TestParseExpiresIn(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"570", 570, true}, {`"570"`, 570, true}, {`" 570 "`, 570, true}, {"570.0", 570, true},
		{"null", 0, false}, {"", 0, false}, {`"soon"`, 0, false}, {"1e400", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseExpiresIn([]byte(tt.in))
			if got != tt.want || ok != tt.ok {
				t.Fatalf("parseExpiresIn(%s) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
