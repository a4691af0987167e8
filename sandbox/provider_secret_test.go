package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestConfidentialProvider: with Options.ConfidentialProvider the code
// exchange requires Basic client_id:client_secret with the secret the
// generated config carries.
func TestConfidentialProvider(t *testing.T) {
	s := start(t, Options{AutoApprove: true, ConfidentialProvider: true})
	app := configured(t, s).Tenants["default"].Cerner.ProviderApp
	if !strings.HasPrefix(app.ClientSecret, "FAKE-sandbox-provider-secret-") || app.TokenURL != s.Info().TokenURL {
		t.Fatalf("config provider_app: client_secret has no FAKE-sandbox-provider-secret- prefix or token_url %q, want %q", app.TokenURL, s.Info().TokenURL)
	}
	if !slices.Contains(s.Secrets(), app.ClientSecret) {
		t.Fatal("Secrets() lacks the provider app's secret: leak checks would miss it")
	}
	if !strings.Contains(string(s.ConfigYAML()), "confidential client") {
		t.Error("the config's comment still calls the provider app public")
	}
	tests := []struct {
		name          string
		authorization string
		bodyClientID  string
		wantStatus    int
		wantURN       string
	}{
		{name: "right secret", authorization: basic(ProviderClientID, app.ClientSecret), wantStatus: http.StatusOK},
		{name: "right secret, client_id in the body too", authorization: basic(ProviderClientID, app.ClientSecret), bodyClientID: ProviderClientID, wantStatus: http.StatusOK},
		{name: "wrong secret", authorization: basic(ProviderClientID, app.ClientSecret+"x"), wantStatus: http.StatusUnauthorized, wantURN: "token:invalid-client-credentials"},
		{name: "empty secret", authorization: basic(ProviderClientID, ""), wantStatus: http.StatusUnauthorized, wantURN: "token:invalid-client-credentials"},
		{name: "system secret", authorization: basic(ProviderClientID, s.Secrets()[0]), wantStatus: http.StatusUnauthorized, wantURN: "token:invalid-client-credentials"},
		{name: "no authentication (public client)", bodyClientID: ProviderClientID, wantStatus: http.StatusUnauthorized, wantURN: "token:invalid-authorization-header"},
		{name: "malformed header", authorization: "Basic !!", wantStatus: http.StatusUnauthorized, wantURN: "token:invalid-authorization-header"},
		{name: "body names another client", authorization: basic(ProviderClientID, app.ClientSecret), bodyClientID: SystemClientID, wantStatus: http.StatusUnauthorized, wantURN: "token:invalid-client-credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verifier := oauth2.GenerateVerifier()
			q := authorize(t, s, authorizeParams(s, verifier))
			form := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
				"redirect_uri": {DefaultProviderRedirectURI}, "code_verifier": {verifier}}
			if tt.bodyClientID != "" {
				form.Set("client_id", tt.bodyClientID)
			}
			r := postForm(t, s, s.Info().TokenURL, form, tt.authorization)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.wantStatus, r)
			}
			if tt.wantURN == "" {
				if tok, _ := r.json(t)["access_token"].(string); tok == "" {
					t.Error("no access_token")
				}
				return
			}
			body := r.json(t)
			if body["error"] != "invalid_client" || !strings.HasSuffix(urnOf(t, body["error_uri"].(string)), ":"+tt.wantURN) {
				t.Errorf("error %v, error_uri %v; want invalid_client with %s", body["error"], body["error_uri"], tt.wantURN)
			}
			if r.header.Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate")
			}
			if strings.Contains(r.String(), app.ClientSecret) {
				t.Error("the refusal echoes the secret")
			}
		})
	}
}

func TestConfidentialProviderShapes(t *testing.T) {
	s := start(t, Options{ConfidentialProvider: true, ConfigShape: ShapeEHR})
	if y := string(s.ConfigYAML()); !strings.Contains(y, "client_secret: \"FAKE-sandbox-provider-secret-") {
		t.Errorf("the ehr shape's provider_app lacks the secret:\n%s", y)
	}
	for _, o := range []Options{{ConfidentialProvider: true, ConfigShape: ShapeLegacy}, {ConfidentialProvider: true, Vendor: VendorEpic}} {
		if srv, err := Start(o); err == nil {
			srv.Close()
			t.Errorf("Start(%+v) accepted a confidential provider app where the config has no provider_app", o)
		}
	}
}

// A public provider app (the default) still refuses Basic at the exchange.
func TestPublicProviderRefusesBasic(t *testing.T) {
	s := start(t, Options{AutoApprove: true})
	if strings.Contains(string(s.ConfigYAML()), "provider-secret") {
		t.Fatal("a public provider app got a secret")
	}
	verifier := oauth2.GenerateVerifier()
	q := authorize(t, s, authorizeParams(s, verifier))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
		"redirect_uri": {DefaultProviderRedirectURI}, "code_verifier": {verifier}}
	if r := postForm(t, s, s.Info().TokenURL, form, basic(ProviderClientID, "anything")); r.status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401: %.300s", r.status, r)
	}
}
