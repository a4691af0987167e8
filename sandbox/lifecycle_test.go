package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestCloseFreesEverything(t *testing.T) {
	s, err := Start(Options{Scenario: "slow", SlowDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	info := s.Info()
	tlsAddr := s.host
	consoleAddr := s.console

	// A request parked in the slow wait must end when the server closes.
	done := make(chan error, 1)
	go func() {
		_, err := client(s).Get(info.FHIRBaseURL + "/metadata")
		done <- err
	}()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; err == nil {
		t.Errorf("the parked request got an answer after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for _, addr := range []string{tlsAddr, consoleAddr} {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections", addr)
		}
	}
	if _, err := os.Stat(filepath.Dir(info.CAFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary directory survives Close: %v", err)
	}
}

func TestFilesInDir(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Options{Dir: dir})
	info := s.Info()
	if info.CAFile != filepath.Join(dir, "ca.pem") || info.ConfigFile != filepath.Join(dir, "config.yaml") {
		t.Fatalf("files at %s and %s", info.CAFile, info.ConfigFile)
	}
	st, err := os.Stat(info.ConfigFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config.yaml mode %v, %v", st.Mode(), err)
	}
	written, _ := os.ReadFile(info.ConfigFile)
	if !bytes.Equal(written, s.ConfigYAML()) {
		t.Errorf("ConfigYAML differs from the file")
	}

	// The CA file alone is enough for a client (what --cacert does).
	caPEM, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(caPEM)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !ca.IsCA {
		t.Fatalf("ca.pem: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		u := strings.Replace(info.FHIRBaseURL, "127.0.0.1", host, 1) + "/metadata"
		resp, err := c.Get(u)
		if err != nil {
			t.Errorf("%s: %v", host, err)
			continue
		}
		leaf := resp.TLS.PeerCertificates[0]
		resp.Body.Close()
		if days := leaf.NotAfter.Sub(leaf.NotBefore).Hours() / 24; days < 390 || days > 398 {
			t.Errorf("leaf valid %.0f days", days)
		}
	}
	s.Close()
	if _, err := os.Stat(info.ConfigFile); err != nil {
		t.Errorf("Close removed a caller's directory: %v", err)
	}
}

func TestConfigGolden(t *testing.T) {
	for _, scenario := range []string{"healthy", "secret-rotated"} {
		t.Run(scenario, func(t *testing.T) {
			dir := t.TempDir()
			s := start(t, Options{Scenario: scenario, Dir: dir})
			got := string(s.ConfigYAML())
			got = strings.ReplaceAll(got, dir, "DIR")
			got = strings.ReplaceAll(got, s.host, "HOST:PORT")
			got = strings.ReplaceAll(got, s.console, "CONSOLE:PORT")
			golden := filepath.Join("testdata", "config-"+scenario+".yaml")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./sandbox -run TestConfigGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("config differs from %s:\n%s", golden, got)
			}
			c := configured(t, s).Tenants["default"].Cerner
			if c.FHIRBaseURL != s.Info().FHIRBaseURL || c.SystemApp.TokenURL != s.Info().TokenURL ||
				c.ProviderApp.AuthorizationURL != s.Info().AuthorizeURL || c.TestPatientID != TestPatientID {
				t.Errorf("config URLs disagree with Info: %+v", c)
			}
		})
	}
}

func TestInfoJSON(t *testing.T) {
	s := start(t, Options{Scenario: "clock-skew"})
	b, _ := json.Marshal(s.Info())
	var m map[string]string
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"fhir_base_url", "token_url", "authorize_url", "console_url", "ca_file", "config_file", "scenario", "vendor"} {
		if m[k] == "" {
			t.Errorf("Info JSON lacks %s: %s", k, b)
		}
	}
	if m["scenario"] != "clock-skew" || !strings.HasPrefix(m["console_url"], "http://127.0.0.1:") {
		t.Errorf("Info %s", b)
	}
	if len(m) != 8 || m["vendor"] != "cerner" {
		t.Errorf("Info has %d fields (vendor %q), docs/design.md lists 8", len(m), m["vendor"])
	}
}

func TestClockSkew(t *testing.T) {
	for _, tt := range []struct {
		scenario string
		skewed   bool
	}{{"healthy", false}, {"clock-skew", true}} {
		t.Run(tt.scenario, func(t *testing.T) {
			s := start(t, Options{Scenario: tt.scenario})
			r := get(t, s, s.Info().FHIRBaseURL+"/metadata", "")
			date, err := http.ParseTime(r.header.Get("Date"))
			if err != nil {
				t.Fatalf("Date %q: %v", r.header.Get("Date"), err)
			}
			skew := time.Until(date)
			if got := skew > 9*time.Minute && skew < 11*time.Minute; got != tt.skewed {
				t.Errorf("Date is %v from now", skew.Round(time.Second))
			}
		})
	}
}

func TestSlow(t *testing.T) {
	t.Run("client gives up", func(t *testing.T) {
		s := start(t, Options{Scenario: "slow", SlowDelay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Info().FHIRBaseURL+"/metadata", nil)
		if _, err := client(s).Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want the client's deadline", err)
		}
	})
	t.Run("answers after the delay", func(t *testing.T) {
		s := start(t, Options{Scenario: "slow", SlowDelay: time.Millisecond, Latency: time.Millisecond})
		if r := get(t, s, s.Info().FHIRBaseURL+"/metadata", ""); r.status != 200 {
			t.Errorf("status %d", r.status)
		}
	})
}

// syncBuffer is a log writer that the race detector accepts.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestLogHoldsNoSecrets(t *testing.T) {
	var log syncBuffer
	s := start(t, Options{Log: &log, AutoApprove: true})
	tok := systemToken(t, s)
	get(t, s, s.Info().FHIRBaseURL+"/Patient/12724066", tok)
	requestToken(t, s, "FAKE-wrong-secret", ConfiguredScopes)
	do(t, &http.Client{}, mustRequest(t, http.MethodPost, s.Info().ConsoleURL+"/regenerate", ""))
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	code := authorize(t, s, authorizeParams(s, verifier)).Get("code")
	exchange(t, s, code, verifier)
	out := log.String()
	if !strings.Contains(out, "/Patient/12724066 200") {
		t.Errorf("log lacks the request line:\n%s", out)
	}
	for _, secret := range append(append(s.Secrets(), s.IssuedTokens()...), "FAKE-wrong-secret", code) {
		if strings.Contains(out, secret) {
			t.Errorf("log contains a secret or token")
		}
	}
}

func TestListenAddresses(t *testing.T) {
	tests := []struct {
		addr     string
		wantHost string
	}{
		{"", "127.0.0.1"},
		{"127.0.0.1:0", "127.0.0.1"},
		{"localhost:0", "localhost"},
		{"[::1]:0", "::1"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			s, err := Start(Options{Addr: tt.addr})
			if err != nil {
				if strings.Contains(tt.addr, "::1") {
					t.Skipf("no IPv6 loopback here: %v", err)
				}
				t.Fatal(err)
			}
			defer s.Close()
			host, _, _ := net.SplitHostPort(s.host)
			if host != tt.wantHost {
				t.Errorf("URL host %s, want %s", host, tt.wantHost)
			}
			if r := get(t, s, s.Info().FHIRBaseURL+"/metadata", ""); r.status != 200 {
				t.Errorf("metadata over %s: %d", s.host, r.status)
			}
		})
	}
	if _, err := Start(Options{Addr: "127.0.0.1:notaport"}); err == nil || !strings.Contains(err.Error(), "127.0.0.1:notaport") {
		t.Errorf("bad address: %v", err)
	}
}
