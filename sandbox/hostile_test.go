package sandbox

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHostileUnknownMode(t *testing.T) {
	_, err := Start(Options{Hostile: "gentle"})
	if !errors.Is(err, ErrUnknownHostile) || !strings.Contains(err.Error(), HostileTrickle) {
		t.Fatalf("Start with an unknown hostile mode: %v", err)
	}
}

// hostileClient is a plain client that trusts the sandbox CA; tweak adjusts its transport.
func hostileClient(s *Server, tweak func(*http.Transport)) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:        &tls.Config{RootCAs: s.CertPool()},
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: 16 << 20,
	}
	if tweak != nil {
		tweak(tr)
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

func discoveryURL(s *Server) string { return s.fhirBase() + "/.well-known/smart-configuration" }

// TestHostileModesMisbehave checks that each mode does what it promises to a plain Go
// client, and leaves the other endpoints healthy.
func TestHostileModesMisbehave(t *testing.T) {
	tests := []struct {
		mode  string
		opts  Options
		tweak func(*http.Transport)
		check func(t *testing.T, s *Server, c *http.Client)
	}{
		{mode: HostileHugeBody, check: func(t *testing.T, s *Server, c *http.Client) {
			resp := mustGet(t, c, discoveryURL(s))
			defer resp.Body.Close()
			if resp.ContentLength != hugeBodySize {
				t.Fatalf("Content-Length %d, want %d", resp.ContentLength, hugeBodySize)
			}
			// Far more than any cap, far less than the whole: it keeps coming.
			if n, err := io.CopyN(io.Discard, resp.Body, 16<<20); err != nil {
				t.Fatalf("read %d bytes of the huge body: %v", n, err)
			}
		}},
		{mode: HostileTrickle, opts: Options{TrickleInterval: time.Millisecond}, check: func(t *testing.T, s *Server, c *http.Client) {
			resp := mustGet(t, c, discoveryURL(s))
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil || !json.Valid(body) {
				t.Fatalf("trickled body %q: %v", body, err)
			}
		}},
		{mode: HostileInvalidJSON, check: func(t *testing.T, s *Server, c *http.Client) {
			body := readAll(t, c, discoveryURL(s))
			if json.Valid(body) || !bytes.HasPrefix(body, []byte("{")) {
				t.Fatalf("want truncated JSON, got %q", body)
			}
		}},
		{mode: HostileJSONBomb, check: func(t *testing.T, s *Server, c *http.Client) {
			body := readAll(t, c, discoveryURL(s))
			if len(body) != jsonBombDepth || bytes.Count(body, []byte("[")) != jsonBombDepth {
				t.Fatalf("want %d '[', got %d bytes", jsonBombDepth, len(body))
			}
		}},
		{mode: HostileHugeHeader, check: func(t *testing.T, s *Server, c *http.Client) {
			resp := mustGet(t, c, discoveryURL(s))
			resp.Body.Close()
			size := 0
			for k, vs := range resp.Header {
				for _, v := range vs {
					size += len(k) + len(v)
				}
			}
			if size < hugeHeaderBytes || resp.ProtoMajor != 1 {
				t.Fatalf("%d header bytes over %s, want at least %d over HTTP/1.1", size, resp.Proto, hugeHeaderBytes)
			}
		}},
		{mode: HostileReset, check: func(t *testing.T, s *Server, c *http.Client) {
			resp, err := c.Get(discoveryURL(s))
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("want a connection reset, got %v", err)
			}
		}},
		{mode: HostileRedirect, check: func(t *testing.T, s *Server, c *http.Client) {
			// Go's default policy keeps Authorization for the same host name on another
			// port: the target must see it, or it could not catch a leaking client.
			req, _ := http.NewRequest(http.MethodPost, s.tokenURL(), strings.NewReader("grant_type=client_credentials"))
			req.Header.Set("Authorization", "Basic RkFLRTpGQUtF")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			total, withAuth := s.OtherHostRequests()
			if resp.StatusCode != http.StatusUnauthorized || total != 1 || withAuth != 1 || resp.Request.URL.Host != s.OtherHost() {
				t.Fatalf("status %d from %s, other host saw %d request(s), %d with Authorization", resp.StatusCode, resp.Request.URL.Host, total, withAuth)
			}
		}},
		{mode: HostileH2Only, check: func(t *testing.T, s *Server, c *http.Client) {
			resp := mustGet(t, c, discoveryURL(s))
			resp.Body.Close()
			if resp.ProtoMajor != 2 {
				t.Fatalf("served %s, want HTTP/2", resp.Proto)
			}
			h1 := hostileClient(s, func(tr *http.Transport) {
				tr.ForceAttemptHTTP2 = false
				tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
			})
			if resp, err := h1.Get(discoveryURL(s)); err == nil {
				resp.Body.Close()
				t.Fatalf("an HTTP/1.1-only client got %s", resp.Status)
			}
		}},
		{mode: HostileTLS10, tweak: func(tr *http.Transport) { tr.TLSClientConfig.MinVersion = tls.VersionTLS10 }, check: func(t *testing.T, s *Server, c *http.Client) {
			resp := mustGet(t, c, discoveryURL(s))
			resp.Body.Close()
			if resp.TLS.Version != tls.VersionTLS10 {
				t.Fatalf("negotiated %s, want TLS 1.0", tls.VersionName(resp.TLS.Version))
			}
			if resp, err := hostileClient(s, nil).Get(discoveryURL(s)); err == nil {
				resp.Body.Close()
				t.Fatal("a TLS 1.2+ client connected to the TLS 1.0 server")
			}
		}},
		{mode: HostileCertWrongHost, check: func(t *testing.T, s *Server, c *http.Client) {
			var want x509.HostnameError
			if err := getErr(c, discoveryURL(s)); !errors.As(err, &want) {
				t.Fatalf("want a host name error, got %v", err)
			}
		}},
		{mode: HostileCertExpired, check: func(t *testing.T, s *Server, c *http.Client) {
			var want x509.CertificateInvalidError
			if err := getErr(c, discoveryURL(s)); !errors.As(err, &want) || want.Reason != x509.Expired {
				t.Fatalf("want an expired certificate, got %v", err)
			}
			if !s.LeafCertificate().NotAfter.Before(time.Now()) {
				t.Fatal("LeafCertificate is not the expired one")
			}
		}},
		{mode: HostileBlip503, check: func(t *testing.T, s *Server, c *http.Client) {
			for i, want := range []int{503, 200, 200} {
				resp := mustGet(t, c, discoveryURL(s))
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Fatalf("discovery request %d: %d, want %d", i+1, resp.StatusCode, want)
				}
				if want == 503 && resp.Header.Get("Retry-After") != "1" {
					t.Fatalf("the blip's Retry-After is %q, want 1", resp.Header.Get("Retry-After"))
				}
			}
			// Every path blips once: metadata's first answer is a 503 too
			// (the check below reads its second).
			resp := mustGet(t, c, s.fhirBase()+"/metadata")
			resp.Body.Close()
			if resp.StatusCode != 503 {
				t.Fatalf("metadata's first answer: %d, want 503", resp.StatusCode)
			}
		}},
		{mode: HostileCertUntrusted, check: func(t *testing.T, s *Server, c *http.Client) {
			var want x509.UnknownAuthorityError
			if err := getErr(c, discoveryURL(s)); !errors.As(err, &want) {
				t.Fatalf("want an unknown authority, got %v", err)
			}
		}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.mode] = true
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			opts.Hostile = tt.mode
			s := start(t, opts)
			c := hostileClient(s, tt.tweak)
			tt.check(t, s, c)
			if strings.HasPrefix(tt.mode, "cert-") {
				return
			}
			// Everything but the token endpoint and discovery stays healthy.
			body := readAll(t, c, s.fhirBase()+"/metadata")
			if !bytes.Contains(body, []byte(`"CapabilityStatement"`)) {
				t.Fatalf("metadata in mode %s: %.200q", tt.mode, body)
			}
		})
	}
	for _, m := range HostileModes() {
		if !covered[m.Name] {
			t.Errorf("hostile mode %s has no test", m.Name)
		}
	}
}

func mustGet(t *testing.T, c *http.Client, u string) *http.Response {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp
}

func readAll(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	resp := mustGet(t, c, u)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return body
}

func getErr(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err == nil {
		resp.Body.Close()
	}
	return err
}
