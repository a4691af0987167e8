package probe

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// maxBody caps every response body we read: a misbehaving proxy must not
// make the probe eat memory.
const maxBody = 1 << 20

// ErrInsecureTransport is returned when a credential would travel over plain
// http to a host that is not loopback.
var ErrInsecureTransport = errors.New("refusing to send credentials over plain http to a non-loopback host")

// NewHTTPClient returns the client every probe request goes through: TLS
// verification always on, roots from Options (plus --cacert and
// SSL_CERT_FILE), proxies from the environment, timeouts on dial, TLS
// handshake and response headers, a cap on response headers, and a redirect policy that never carries
// Authorization to another host. The overall bound is the request context.
func NewHTTPClient(opts Options) (*http.Client, error) {
	opts = opts.withDefaults()
	tlsConf, err := tlsConfig(opts)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   16,
		// A custom TLSClientConfig and DialContext turn HTTP/2 off unless
		// this is set: h2-only servers exist (and a Cerner edge may be one).
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}, nil
}

// tlsConfig builds the verification roots. There is deliberately no way to
// turn verification off: a TLS-inspecting proxy is handled with --cacert.
func tlsConfig(opts Options) (*tls.Config, error) {
	pool := opts.RootCAs
	if pool == nil {
		sys, err := x509.SystemCertPool()
		if err != nil || sys == nil {
			sys = x509.NewCertPool()
		}
		pool = sys
	} else {
		pool = pool.Clone()
	}
	extra := []struct{ path, from string }{{opts.CAFile, "--cacert"}}
	if opts.RootCAs != nil {
		// Go's system pool already is SSL_CERT_FILE when it is set; a pool
		// handed in (the demo's sandbox CA) is not, so add it there only.
		// Parsing a 150-certificate bundle per request costs real time when
		// fifty tenants are probed at once.
		extra = append(extra, struct{ path, from string }{os.Getenv("SSL_CERT_FILE"), "SSL_CERT_FILE"})
	}
	for _, f := range extra {
		if f.path == "" {
			continue
		}
		pem, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("reading CA file %s (%s): %w", f.path, f.from, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s (%s) holds no PEM certificate", f.path, f.from)
		}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// checkRedirect drops Authorization whenever a redirect leaves the original
// host or downgrades to plain http, so a token or Basic value never reaches
// a server it was not meant for.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("stopped after %d redirects", len(via))
	}
	first := via[0].URL
	if !strings.EqualFold(req.URL.Host, first.Host) || (first.Scheme == "https" && req.URL.Scheme != "https") {
		req.Header.Del("Authorization")
	}
	return nil
}

// credentialsAllowed says whether a secret or token may be sent to u: https
// anywhere, plain http only to a loopback address.
func credentialsAllowed(u *url.URL) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%w: %s (use https)", ErrInsecureTransport, u.Redacted())
	}
	return fmt.Errorf("%w: unsupported scheme %q in %s", ErrInsecureTransport, u.Scheme, u.Redacted())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readBody reads at most maxBody bytes and says whether it stopped there.
func readBody(r io.Reader) (body []byte, truncated bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, maxBody+1))
	if len(body) > maxBody {
		return body[:maxBody], true, err
	}
	return body, false, err
}
