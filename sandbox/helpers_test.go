package sandbox

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// start runs a sandbox for the test and closes it at the end.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.SlowDelay == 0 {
		opts.SlowDelay = 10 * time.Millisecond
	}
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start(%+v): %v", opts.Scenario, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// client trusts the sandbox CA and, like a browser playing the user, never follows redirects.
func client(s *Server) *http.Client {
	return &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 30 * time.Second,
	}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// tokenFields matches token values in a body, so failure messages never print one.
var tokenFields = regexp.MustCompile(`"(access_token|id_token|refresh_token|client_secret)":\s*"[^"]*"`)

// String is the body with tokens and secrets masked, for failure messages.
func (r reply) String() string {
	return tokenFields.ReplaceAllString(string(r.body), `"$1": "***"`)
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d: body is not JSON: %v\n%.300s", r.status, err, r)
	}
	return m
}

func do(t *testing.T, c *http.Client, req *http.Request) reply {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func get(t *testing.T, s *Server, rawURL, token string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/fhir+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, client(s), req)
}

func postForm(t *testing.T, s *Server, rawURL string, form url.Values, authorization string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return do(t, client(s), req)
}

// basic is client_secret_basic per RFC 6749 2.3.1: form-encode, then base64.
func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func rawBasic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

// requestToken asks for a client_credentials token with the given secret and scopes.
func requestToken(t *testing.T, s *Server, secret, scopes string) reply {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scopes}}
	return postForm(t, s, s.Info().TokenURL, form, basic(s.ClientID(), secret))
}

// systemToken returns a working access token for the configured scopes.
func systemToken(t *testing.T, s *Server) string {
	t.Helper()
	r := requestToken(t, s, configured(t, s).Tenants["default"].Cerner.SystemApp.ClientSecret, ConfiguredScopes)
	if r.status != http.StatusOK {
		t.Fatalf("token: status %d: %s", r.status, r)
	}
	return r.json(t)["access_token"].(string)
}

type configFile struct {
	Tenants map[string]struct {
		Cerner struct {
			FHIRBaseURL   string `yaml:"fhir_base_url"`
			TestPatientID string `yaml:"test_patient_id"`
			SystemApp     struct {
				ClientID     string `yaml:"client_id"`
				ClientSecret string `yaml:"client_secret"`
				TokenURL     string `yaml:"token_url"`
				Scopes       string `yaml:"scopes"`
			} `yaml:"system_app"`
			ProviderApp struct {
				ClientID         string `yaml:"client_id"`
				ClientSecret     string `yaml:"client_secret"`
				TokenURL         string `yaml:"token_url"`
				AuthorizationURL string `yaml:"authorization_url"`
				RedirectURI      string `yaml:"redirect_uri"`
				Scopes           string `yaml:"scopes"`
			} `yaml:"provider_app"`
		} `yaml:"cerner"`
	} `yaml:"tenants"`
}

func configured(t *testing.T, s *Server) configFile {
	t.Helper()
	var c configFile
	if err := yaml.Unmarshal(s.ConfigYAML(), &c); err != nil {
		t.Fatalf("config.yaml does not parse: %v", err)
	}
	return c
}

// urnOf extracts the URN from a Cerner error_uri.
func urnOf(t *testing.T, errorURI string) string {
	t.Helper()
	u, err := url.Parse(errorURI)
	if err != nil {
		t.Fatalf("error_uri %q: %v", errorURI, err)
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/errors/"), "/instances/")
	if len(parts) != 2 {
		t.Fatalf("error_uri %q lacks /errors/{urn}/instances/{id}", errorURI)
	}
	return parts[0]
}
