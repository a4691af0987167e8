package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestConsoleRegenerate(t *testing.T) {
	s := start(t, Options{Scenario: "secret-rotated"})
	cfg := configured(t, s).Tenants["default"].Cerner.SystemApp
	c := &http.Client{} // plain HTTP: the console needs no CA

	page := do(t, c, mustRequest(t, http.MethodGet, s.Info().ConsoleURL, ""))
	for _, want := range []string{systemAppName, SystemClientID, Tenant, "Active", "system/Patient.read", "Regenerate"} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("console page lacks %q", want)
		}
	}
	for _, secret := range s.Secrets() {
		if strings.Contains(string(page.body), secret) {
			t.Errorf("console page shows a secret before regenerating")
		}
	}
	if r := requestToken(t, s, cfg.ClientSecret, cfg.Scopes); r.status != 401 {
		t.Fatalf("configured secret of secret-rotated: %d", r.status)
	}

	r := do(t, c, mustRequest(t, http.MethodPost, s.Info().ConsoleURL+"/regenerate", ""))
	var got struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(r.body, &got); err != nil || r.status != 200 {
		t.Fatalf("regenerate: %d %v", r.status, err)
	}
	if got.ClientID != SystemClientID || got.ClientSecret == "" || got.ClientSecret == cfg.ClientSecret {
		t.Fatalf("regenerate answered %s and a secret equal to the old one: %v", got.ClientID, got.ClientSecret == cfg.ClientSecret)
	}
	if r := requestToken(t, s, got.ClientSecret, cfg.Scopes); r.status != 200 {
		t.Errorf("new secret refused: %d", r.status)
	}

	// A second regeneration retires the first new secret too.
	_, newer := s.Regenerate()
	if r := requestToken(t, s, got.ClientSecret, cfg.Scopes); r.status != 401 {
		t.Errorf("superseded secret still works: %d", r.status)
	}
	if r := requestToken(t, s, newer, cfg.Scopes); r.status != 200 {
		t.Errorf("newest secret refused: %d", r.status)
	}
	all := s.Secrets()
	for _, want := range []string{cfg.ClientSecret, got.ClientSecret, newer} {
		if !strings.Contains(strings.Join(all, "\n"), want) {
			t.Errorf("Secrets() misses one")
		}
	}

	t.Run("html form fallback", func(t *testing.T) {
		req := mustRequest(t, http.MethodPost, s.Info().ConsoleURL+"/regenerate", "")
		req.Header.Set("Accept", "text/html")
		r := do(t, c, req)
		last := s.Secrets()[len(s.Secrets())-1]
		if r.status != 200 || !strings.Contains(string(r.body), last) {
			t.Errorf("HTML regenerate: %d, page lacks the new secret", r.status)
		}
	})
	t.Run("cross-origin refused", func(t *testing.T) {
		before := len(s.Secrets())
		req := mustRequest(t, http.MethodPost, s.Info().ConsoleURL+"/regenerate", "")
		req.Header.Set("Origin", "https://evil.example")
		if r := do(t, c, req); r.status != http.StatusForbidden || len(s.Secrets()) != before {
			t.Errorf("cross-origin regenerate: %d", r.status)
		}
	})
}

func TestDeterministicCredentials(t *testing.T) {
	a := start(t, Options{})
	b := start(t, Options{})
	if a.Secrets()[0] != b.Secrets()[0] || a.ClientID() != b.ClientID() {
		t.Errorf("credentials differ between runs")
	}
	_, x := a.Regenerate()
	_, y := b.Regenerate()
	if x != y || !strings.HasPrefix(x, "FAKE-") {
		t.Errorf("regenerated secrets are not a deterministic FAKE sequence")
	}
	for _, secret := range append(a.Secrets(), fakeSecret(99)) {
		if strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" || len(secret) < 30 {
			t.Errorf("secret %d chars outside [A-Za-z0-9-_] or too short", len(secret))
		}
	}
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestConsoleNewSystemApp: "create a new app" in the Cerner-like console
// replaces the system app: the old client id is unknown from then on
// (Cerner's unknown-client URN), the new pair gets a token with the same
// scopes, and the console shows the new id.
func TestConsoleNewSystemApp(t *testing.T) {
	s := start(t, Options{})
	cfg := configured(t, s).Tenants["default"].Cerner.SystemApp
	r := do(t, &http.Client{}, mustRequest(t, http.MethodPost, s.Info().ConsoleURL+"/new-app", ""))
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(r.body, &app); r.status != 200 || err != nil || app.ClientID == SystemClientID || app.ClientSecret == "" {
		t.Fatalf("new-app: %d %v", r.status, err)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {cfg.Scopes}}
	if old := postForm(t, s, s.Info().TokenURL, form, basic(SystemClientID, cfg.ClientSecret)); old.status != 401 || !strings.Contains(string(old.body), "unknown-client") {
		t.Errorf("the old app: %d %s", old.status, old.body)
	}
	if got := postForm(t, s, s.Info().TokenURL, form, basic(app.ClientID, app.ClientSecret)); got.status != 200 {
		t.Errorf("the new app: %d %s", got.status, got.body)
	}
	if page := do(t, &http.Client{}, mustRequest(t, http.MethodGet, s.Info().ConsoleURL, "")); !strings.Contains(string(page.body), app.ClientID) {
		t.Error("the console page does not show the new client id")
	}
	if !slices.Contains(s.Secrets(), app.ClientSecret) {
		t.Error("Secrets() misses the new app's secret: leak scans would not look for it")
	}
}
