package probe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// TestRetryResignsJWTAssertion: a token request retried after a 503 carries
// a newly signed assertion (another jti), never the first one replayed. The
// server is a real TLS server that answers 503 once and records each jti.
func TestRetryResignsJWTAssertion(t *testing.T) {
	var mu sync.Mutex
	var jtis []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("form: %v", err)
		}
		parts := strings.Split(r.PostForm.Get("client_assertion"), ".")
		var claims struct {
			JTI string `json:"jti"`
		}
		if len(parts) == 3 {
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			_ = json.Unmarshal(payload, &claims)
		}
		mu.Lock()
		jtis = append(jtis, claims.JTI)
		first := len(jtis) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"FAKE-token-value","token_type":"Bearer","expires_in":300,"scope":"system/Patient.read"}`))
	}))
	defer srv.Close()

	key, err := jwtauth.Generate(jwtauth.ES384)
	if err != nil {
		t.Fatal(err)
	}
	tenant := config.Tenant{Name: "t", Cerner: config.Cerner{SystemApp: config.SystemApp{
		ClientID: "client", TokenURL: srv.URL + "/token", Scopes: []string{"system/Patient.read"}, KeyID: "k1"}}}
	opts := Options{Tenant: tenant, RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs, Timeout: 10 * time.Second}.withDefaults()
	client, err := NewHTTPClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	s := &state{opts: opts, client: client}
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	at := s.requestToken(ctx, "client", credential{key: key, kid: "k1"}, tenant.Cerner.SystemApp.Scopes, encodingForm)
	if at.answer.Class != TokenOK {
		t.Fatalf("token after the retry: %s (%s)", at.answer.Class, at.answer.Summary)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(jtis) != 2 || jtis[0] == "" || jtis[0] == jtis[1] {
		t.Fatalf("jti per attempt %q: want two different ones (the retry must sign anew)", jtis)
	}
	if !strings.Contains(strings.Join(at.answer.Evidence, "\n"), "first answer: HTTP 503") {
		t.Errorf("evidence does not show the first answer: %q", at.answer.Evidence)
	}
}
