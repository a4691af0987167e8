package probe

import (
	"strings"
	"testing"
)

func TestDecodeErrorURI(t *testing.T) {
	tests := []struct {
		name, in string
		want     errorURI
		ok       bool
	}{
		{"cerner form", "https://authorization.cerner.com/errors/urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials/instances/abc-123?client=FAKE-ID&tenant=t1",
			errorURI{URN: "urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials", Code: "invalid-client-credentials", Instance: "abc-123", Client: "FAKE-ID", Tenant: "t1"}, true},
		{"percent-encoded URN", "https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Aempty-scopes/instances/i-9",
			errorURI{URN: "urn:cerner:error:authorization-server:oauth2:token:empty-scopes", Code: "empty-scopes", Instance: "i-9"}, true},
		{"client unknown", "https://authorization.cerner.com/errors/urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header/instances/x?client=unknown",
			errorURI{URN: "urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header", Code: "invalid-authorization-header", Instance: "x", Client: "unknown"}, true},
		{"bare URN", "urn:cerner:error:authorization-server:oauth2:token:invalid-tenant",
			errorURI{URN: "urn:cerner:error:authorization-server:oauth2:token:invalid-tenant", Code: "invalid-tenant"}, true},
		{"jwt bearer", "https://authorization.cerner.com/errors/urn:cerner:error:authorization-server:oauth2:client-assertion:jwt-bearer:invalid-signature/instances/1",
			errorURI{URN: "urn:cerner:error:authorization-server:oauth2:client-assertion:jwt-bearer:invalid-signature", Code: "invalid-signature", Instance: "1"}, true},
		{"no URN", "https://example.com/help", errorURI{}, false},
		{"empty", "", errorURI{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decodeErrorURI(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("decodeErrorURI = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzDecodeErrorURI(f *testing.F) {
	f.Add("https://authorization.cerner.com/errors/urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials/instances/abc?client=c&tenant=t")
	f.Add("https://a/errors/urn%3Ax%3Ay/instances/%zz")
	f.Add("urn:")
	f.Add("::::/errors//instances/")
	f.Fuzz(func(t *testing.T, in string) {
		e, ok := decodeErrorURI(in)
		if !ok {
			return
		}
		if e.Code == "" || !strings.HasSuffix(e.URN, e.Code) || strings.Contains(e.Code, ":") {
			t.Fatalf("inconsistent decode of %q: %+v", in, e)
		}
		if !strings.HasPrefix(strings.ToLower(e.URN), "urn:") {
			t.Fatalf("URN %q does not start with urn:", e.URN)
		}
	})
}
