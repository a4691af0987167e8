package sandbox

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/goccy/go-yaml"
)

// fakeClock is the sandbox's injected clock: tests move it, never sleep.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// assertion is what a client signs; zero fields take the valid value.
type assertion struct {
	alg      jose.SignatureAlgorithm
	kid, aud string
	iss      string
	iat      time.Time
	life     time.Duration
	jti      string
}

func sign(t *testing.T, key crypto.Signer, a assertion) string {
	t.Helper()
	if a.alg == "" {
		a.alg = jose.RS384
		if _, ok := key.(*ecdsa.PrivateKey); ok {
			a.alg = jose.ES384
		}
	}
	if a.kid == "" {
		a.kid = EpicKeyID
	}
	if a.iss == "" {
		a.iss = EpicClientID
	}
	if a.life == 0 {
		a.life = 4 * time.Minute
	}
	if a.jti == "" {
		a.jti = randomToken(16)
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", a.kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: a.alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := jwt.Claims{Issuer: a.iss, Subject: a.iss, Audience: jwt.Audience{a.aud}, ID: a.jti,
		IssuedAt: jwt.NewNumericDate(a.iat), Expiry: jwt.NewNumericDate(a.iat.Add(a.life))}
	raw, err := jwt.Signed(signer).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func loadKey(t *testing.T, path string) crypto.Signer {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(crypto.Signer)
}

func assertionForm(raw string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "scope": {ConfiguredScopes},
		"client_assertion_type": {assertionType}, "client_assertion": {raw}}
}

const epicBlank = `{"error":"invalid_client","error_description":null}`

func startEpic(t *testing.T, scenario string, clock *fakeClock) *Server {
	t.Helper()
	return start(t, Options{Vendor: VendorEpic, Scenario: scenario, Now: clock.now})
}

func lastRefusal(s *Server) string {
	r := s.Refusals()
	if len(r) == 0 {
		return ""
	}
	return r[len(r)-1]
}

func TestEpicScenarios(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		status   int
		refusal  string
	}{
		{"jwt-healthy", 200, ""},
		{"jwt-key-unknown", 400, RefusedUnknownKey},
		{"jwt-key-mismatch", 400, RefusedSignature},
		{"jwt-alg-unsupported", 400, RefusedAlg},
		{"jwt-key-propagating", 400, RefusedPropagating},
		{"jwks-unreachable", 400, RefusedJWKSFetch},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			clock := newFakeClock()
			s := startEpic(t, tc.scenario, clock)
			key := loadKey(t, s.EpicKeyPath())
			r := postForm(t, s, s.Info().TokenURL, assertionForm(sign(t, key, assertion{aud: s.Info().TokenURL, iat: clock.now()})), "")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s (refusals %q)", r.status, tc.status, r, s.Refusals())
			}
			if tc.refusal == "" {
				tok := r.json(t)["access_token"].(string)
				if got := get(t, s, s.Info().FHIRBaseURL+"/Patient/"+TestPatientID, tok); got.status != 200 {
					t.Errorf("Patient read with the Epic token: %d %s", got.status, got)
				}
				return
			}
			if string(bytes.TrimSpace(r.body)) != epicBlank {
				t.Errorf("body %s, want Epic's blank invalid_client", r.body)
			}
			if !strings.HasPrefix(lastRefusal(s), tc.refusal) {
				t.Errorf("refusal %q, want %s", lastRefusal(s), tc.refusal)
			}
		})
	}
}

func TestEpicPropagationFollowsTheInjectedClock(t *testing.T) {
	clock := newFakeClock()
	s := startEpic(t, "jwt-key-propagating", clock)
	key := loadKey(t, s.EpicKeyPath())
	try := func() int {
		return postForm(t, s, s.Info().TokenURL, assertionForm(sign(t, key, assertion{aud: s.Info().TokenURL, iat: clock.now()})), "").status
	}
	if got := try(); got != 400 {
		t.Fatalf("just registered: %d", got)
	}
	clock.advance(DefaultPropagation - time.Second)
	if got := try(); got != 400 {
		t.Fatalf("a second early: %d", got)
	}
	clock.advance(time.Second)
	if got := try(); got != 200 {
		t.Fatalf("after propagation: %d (%q)", got, s.Refusals())
	}
}

// TestEpicRefusesBadAssertions: each mistake a client can make is refused
// with Epic's blank answer, and the sandbox knows which check caught it.
func TestEpicRefusesBadAssertions(t *testing.T) {
	clock := newFakeClock()
	s := startEpic(t, "jwt-healthy", clock)
	key := loadKey(t, s.EpicKeyPath())
	tokenURL := s.Info().TokenURL
	now := clock.now()
	replayed := sign(t, key, assertion{aud: tokenURL, iat: now, jti: "once"})
	if r := postForm(t, s, tokenURL, assertionForm(replayed), ""); r.status != 200 {
		t.Fatalf("first use: %d", r.status)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for _, tc := range []struct {
		name    string
		raw     string
		refusal string
	}{
		{"wrong aud", sign(t, key, assertion{aud: s.Info().FHIRBaseURL, iat: now}), RefusedAudience},
		{"aud with a trailing slash", sign(t, key, assertion{aud: tokenURL + "/", iat: now}), RefusedAudience},
		{"expired", sign(t, key, assertion{aud: tokenURL, iat: now.Add(-10 * time.Minute)}), RefusedExpiry},
		{"exp 10 minutes ahead", sign(t, key, assertion{aud: tokenURL, iat: now, life: 10 * time.Minute}), RefusedExpiry},
		{"replayed jti", replayed, RefusedReplay},
		{"RS256 instead of RS384", sign(t, key, assertion{aud: tokenURL, iat: now, alg: jose.RS256}), RefusedAlg},
		{"another key under the kid", sign(t, other, assertion{aud: tokenURL, iat: now}), RefusedSignature},
		{"unknown kid", sign(t, key, assertion{aud: tokenURL, iat: now, kid: "nope"}), RefusedUnknownKey},
		{"another client", sign(t, key, assertion{aud: tokenURL, iat: now, iss: "someone-else"}), RefusedClient},
		{"garbage", "not-a-jwt", RefusedMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := postForm(t, s, tokenURL, assertionForm(tc.raw), "")
			if r.status != 400 || string(bytes.TrimSpace(r.body)) != epicBlank {
				t.Fatalf("%d %s", r.status, r)
			}
			if !strings.HasPrefix(lastRefusal(s), tc.refusal) {
				t.Errorf("refusal %q, want %s", lastRefusal(s), tc.refusal)
			}
		})
	}
	t.Run("Basic auth", func(t *testing.T) {
		r := postForm(t, s, tokenURL, url.Values{"grant_type": {"client_credentials"}}, basic(EpicClientID, "secret"))
		if r.status != 401 || string(bytes.TrimSpace(r.body)) != epicBlank {
			t.Fatalf("%d %s", r.status, r)
		}
	})
}

func TestEpicConsoleJWKS(t *testing.T) {
	clock := newFakeClock()
	s := startEpic(t, "jwt-key-unknown", clock)
	c := &http.Client{}
	jwksURL := s.Info().ConsoleURL + "/jwks"
	read := func() []map[string]any {
		r := do(t, c, mustRequest(t, http.MethodGet, jwksURL, ""))
		var doc struct{ Keys []map[string]any }
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Keys
	}
	before := read()
	if len(before) != 1 || before[0]["kid"] != epicOldKeyID || before[0]["registered_at"] == "" || before[0]["d"] != nil {
		t.Fatalf("registered set %v", before)
	}
	key := loadKey(t, s.EpicKeyPath())
	mine, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: EpicKeyID, Algorithm: "RS384", Use: "sig"}}})
	var set map[string]any
	_ = json.Unmarshal(mine, &set)
	combined, _ := json.Marshal(map[string]any{"keys": []any{before[0], set["keys"].([]any)[0]}})
	clock.advance(time.Minute)
	r := do(t, c, mustRequest(t, http.MethodPost, jwksURL, string(combined)))
	if r.status != 200 {
		t.Fatalf("POST jwks: %d %s", r.status, r.body)
	}
	after := read()
	if len(after) != 2 || after[0]["registered_at"] != before[0]["registered_at"] {
		t.Fatalf("the old key must keep its time: %v", after)
	}
	if at, ok := s.RegisteredAt(EpicKeyID); !ok || !at.Equal(clock.now()) {
		t.Errorf("new key registered at %v, want now", at)
	}
	try := func() int {
		return postForm(t, s, s.Info().TokenURL, assertionForm(sign(t, key, assertion{aud: s.Info().TokenURL, iat: clock.now()})), "").status
	}
	if got := try(); got != 400 || !strings.HasPrefix(lastRefusal(s), RefusedPropagating) {
		t.Fatalf("fresh key: %d %q", got, lastRefusal(s))
	}
	clock.advance(DefaultPropagation)
	if got := try(); got != 200 {
		t.Fatalf("after propagation: %d", got)
	}
	// A private key is refused.
	priv, _ := json.Marshal(jose.JSONWebKey{Key: key, KeyID: "leak"})
	if r := do(t, c, mustRequest(t, http.MethodPost, jwksURL, `{"keys":[`+string(priv)+`]}`)); r.status != 400 || !strings.Contains(string(r.body), "private key material") {
		t.Errorf("private JWK: %d %s", r.status, r.body)
	}
}

func TestEpicDiscoveryAndConfig(t *testing.T) {
	clock := newFakeClock()
	for _, tc := range []struct {
		scenario string
		algs     []any
	}{{"jwt-healthy", []any{"RS384", "ES384"}}, {"jwt-alg-unsupported", []any{"RS384"}}} {
		s := startEpic(t, tc.scenario, clock)
		info := s.Info()
		if !strings.HasSuffix(info.FHIRBaseURL, "/api/FHIR/R4") || !strings.HasSuffix(info.TokenURL, "/oauth2/token") || info.Vendor != "epic" {
			t.Errorf("info %+v", info)
		}
		d := get(t, s, info.FHIRBaseURL+"/.well-known/smart-configuration", "").json(t)
		if m := d["token_endpoint_auth_methods_supported"].([]any); len(m) != 1 || m[0] != "private_key_jwt" {
			t.Errorf("auth methods %v", m)
		}
		if a := d["token_endpoint_auth_signing_alg_values_supported"].([]any); len(a) != len(tc.algs) {
			t.Errorf("%s: algs %v", tc.scenario, a)
		}
		if d["token_endpoint"] != info.TokenURL {
			t.Errorf("token_endpoint %v", d["token_endpoint"])
		}
		var cfg struct {
			Tenants map[string]struct {
				EHR struct {
					Vendor    string `yaml:"vendor"`
					BaseURL   string `yaml:"base_url"`
					SystemApp struct {
						ClientID       string `yaml:"client_id"`
						PrivateKeyPath string `yaml:"private_key_path"`
						KeyID          string `yaml:"key_id"`
						TokenURL       string `yaml:"token_url"`
						JWKSURL        string `yaml:"jwks_url"`
					} `yaml:"system_app"`
				} `yaml:"ehr"`
			} `yaml:"tenants"`
		}
		if err := yaml.Unmarshal(s.ConfigYAML(), &cfg); err != nil {
			t.Fatal(err)
		}
		e := cfg.Tenants["default"].EHR
		if e.Vendor != "epic" || e.BaseURL != info.FHIRBaseURL || e.SystemApp.PrivateKeyPath != s.EpicKeyPath() || e.SystemApp.KeyID != EpicKeyID ||
			e.SystemApp.TokenURL != info.TokenURL || e.SystemApp.ClientID != EpicClientID || e.SystemApp.JWKSURL != info.ConsoleURL+"/jwks" {
			t.Errorf("config %+v", e)
		}
		if st, err := os.Stat(s.EpicKeyPath()); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("key file mode %v %v", st.Mode(), err)
		}
		if strings.Contains(string(s.ConfigYAML()), "PRIVATE KEY") {
			t.Error("the config holds key material")
		}
	}
	if _, err := Start(Options{Vendor: "allscripts"}); err == nil {
		t.Error("unknown vendor started")
	}
	if _, err := Start(Options{Vendor: VendorEpic, Scenario: "secret-rotated"}); err == nil {
		t.Error("a Cerner scenario started on Epic")
	}
}

// TestCernerPrivateKeyJWT: an Oracle Health system account with a
// registered key authenticates with a signed JWT; failures carry URNs.
func TestCernerPrivateKeyJWT(t *testing.T) {
	clock := newFakeClock()
	s := start(t, Options{Now: clock.now, Propagation: -1})
	key, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	s.RegisterKeys([]jose.JSONWebKey{{Key: key.Public(), KeyID: "k1", Algorithm: "ES384", Use: "sig"}})
	tokenURL := s.Info().TokenURL
	ok := sign(t, key, assertion{aud: tokenURL, iat: clock.now(), kid: "k1", iss: SystemClientID})
	if r := postForm(t, s, tokenURL, assertionForm(ok), ""); r.status != 200 {
		t.Fatalf("registered key: %d %s", r.status, r)
	}
	bad := sign(t, key, assertion{aud: tokenURL, iat: clock.now(), kid: "k2", iss: SystemClientID})
	r := postForm(t, s, tokenURL, assertionForm(bad), "")
	if r.status != 401 || !strings.Contains(r.json(t)["error_uri"].(string), "jwt-bearer%3Ainvalid-signature") {
		t.Errorf("unknown kid: %d %s", r.status, r)
	}
	asBearer := sign(t, key, assertion{aud: tokenURL, iat: clock.now(), kid: "k1", iss: SystemClientID})
	if r := postForm(t, s, tokenURL, assertionForm(asBearer), "Bearer "+asBearer); r.status != 401 || !strings.Contains(r.json(t)["error_uri"].(string), "invalid-authorization-header") {
		t.Errorf("JWT as Bearer: %d %s", r.status, r)
	}
}

func TestEpicConsolePage(t *testing.T) {
	s := startEpic(t, "jwt-healthy", newFakeClock())
	page := do(t, &http.Client{}, mustRequest(t, http.MethodGet, s.Info().ConsoleURL, ""))
	for _, want := range []string{epicAppName, EpicClientID, EpicKeyID, "Upload public keys", "/console/jwks"} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("console page lacks %q", want)
		}
	}
	if strings.Contains(string(page.body), "PRIVATE KEY") || strings.Contains(string(page.body), `"d"`) {
		t.Error("the console page shows private material")
	}
}

// TestEpicNewApp: the console's "create a new app" replaces the backend
// app: the old client id is refused from then on, the new one has no key
// until one is uploaded, and with one it gets a token.
func TestEpicNewApp(t *testing.T) {
	clock := newFakeClock()
	s := startEpic(t, "jwt-healthy", clock)
	key := loadKey(t, s.EpicKeyPath())
	tokenURL := s.Info().TokenURL
	try := func(client string) int {
		return postForm(t, s, tokenURL, assertionForm(sign(t, key, assertion{iss: client, aud: tokenURL, iat: clock.now()})), "").status
	}
	if got := try(EpicClientID); got != 200 {
		t.Fatalf("before: %d %s", got, lastRefusal(s))
	}
	r := do(t, &http.Client{}, mustRequest(t, http.MethodPost, s.Info().ConsoleURL+"/new-app", ""))
	var app struct {
		ClientID string `json:"client_id"`
	}
	if err := json.Unmarshal(r.body, &app); r.status != 200 || err != nil || app.ClientID == "" || app.ClientID == EpicClientID {
		t.Fatalf("new-app: %d %s", r.status, r.body)
	}
	if got := try(EpicClientID); got != 400 || !strings.HasPrefix(lastRefusal(s), RefusedClient) {
		t.Errorf("the old app still works: %d %q", got, lastRefusal(s))
	}
	if got := try(app.ClientID); got != 400 || !strings.HasPrefix(lastRefusal(s), RefusedUnknownKey) {
		t.Errorf("the new app has a key before any upload: %d %q", got, lastRefusal(s))
	}
	mine, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: EpicKeyID, Algorithm: "RS384", Use: "sig"}}})
	if r := do(t, &http.Client{}, mustRequest(t, http.MethodPost, s.Info().ConsoleURL+"/jwks", string(mine))); r.status != 200 {
		t.Fatalf("POST jwks: %d %s", r.status, r.body)
	}
	clock.advance(DefaultPropagation)
	if got := try(app.ClientID); got != 200 {
		t.Errorf("the new app with its key: %d %q", got, lastRefusal(s))
	}
	if page := do(t, &http.Client{}, mustRequest(t, http.MethodGet, s.Info().ConsoleURL, "")); !strings.Contains(string(page.body), app.ClientID) {
		t.Error("the console page does not show the new client id")
	}
}
