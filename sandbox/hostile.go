package sandbox

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrUnknownHostile is returned by Start for a hostile mode that HostileModes does not list.
var ErrUnknownHostile = errors.New("unknown sandbox hostile mode")

// Hostile modes: a broken or malicious server the probes must survive with a clear
// message, in bounded time and memory. They are not Cerner scenarios (docs/design.md lists
// those) but attacks and breakages, selected with Options.Hostile by tests.
const (
	HostileHugeBody      = "huge-body"           // token and discovery stream a 4 GiB body
	HostileTrickle       = "trickle"             // token and discovery: headers, then one byte per TrickleInterval
	HostileRedirect      = "redirect-other-host" // token endpoint redirects to a second listener (another port)
	HostileInvalidJSON   = "invalid-json"        // token and discovery: 200 application/json, truncated
	HostileJSONBomb      = "json-bomb"           // token and discovery: 10^6 '['
	HostileHugeHeader    = "huge-header"         // token and discovery: 2 MiB of response headers
	HostileCertWrongHost = "cert-wrong-host"     // certificate from the trusted CA for another host name
	HostileCertExpired   = "cert-expired"        // certificate from the trusted CA, expired 30 days ago
	HostileCertUntrusted = "cert-untrusted"      // certificate from a second CA that CertPool and ca.pem do not hold
	HostileReset         = "reset"               // token and discovery: part of the body, then a TCP RST
	HostileH2Only        = "h2-only"             // ALPN h2 only: HTTP/1.1 clients are refused
	HostileTLS10         = "tls1.0-only"         // the TLS host speaks TLS 1.0 and nothing newer
	HostileBlip503       = "blip-503"            // every path answers its first request 503 (Retry-After: 1), then works
)

// HostileMode names one hostile behaviour.
type HostileMode struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

var hostileModes = []HostileMode{
	{HostileHugeBody, "token endpoint and discovery answer 200 with a 4 GiB body, generated on the fly"},
	{HostileTrickle, "token endpoint and discovery send headers, then the body one byte per Options.TrickleInterval (default 1s)"},
	{HostileRedirect, "token endpoint redirects (Options.RedirectStatus, default 307) to the same path on a second TLS listener"},
	{HostileInvalidJSON, "token endpoint and discovery answer 200 application/json with truncated JSON"},
	{HostileJSONBomb, "token endpoint and discovery answer 200 application/json made of 1,000,000 '['"},
	{HostileHugeHeader, "token endpoint and discovery answer with 2 MiB of headers (HTTP/1.1 only)"},
	{HostileCertWrongHost, "the TLS certificate, from the trusted CA, names another host"},
	{HostileCertExpired, "the TLS certificate, from the trusted CA, expired 30 days ago"},
	{HostileCertUntrusted, "the TLS certificate comes from a second CA, absent from CertPool and ca.pem"},
	{HostileReset, "token endpoint and discovery send part of the body, then reset the connection (RST; HTTP/1.1 only)"},
	{HostileH2Only, "the TLS host offers ALPN h2 only and refuses HTTP/1.1"},
	{HostileTLS10, "the TLS host speaks TLS 1.0 only"},
	{HostileBlip503, "every path of the TLS host answers its first request 503 Service Unavailable with Retry-After: 1, then works: a passing blip, not an outage"},
}

// HostileModes lists every hostile mode.
func HostileModes() []HostileMode { return append([]HostileMode(nil), hostileModes...) }

func lookupHostile(name string) error {
	if name == "" {
		return nil
	}
	names := make([]string, len(hostileModes))
	for i, m := range hostileModes {
		if m.Name == name {
			return nil
		}
		names[i] = m.Name
	}
	return fmt.Errorf("%w %q: choose one of %s", ErrUnknownHostile, name, strings.Join(names, ", "))
}

// defaultTrickleInterval is "a byte a second": far slower than any --timeout worth using.
const defaultTrickleInterval = time.Second

// hostileState is what the hostile modes keep while the server runs.
type hostileState struct {
	leaf      *x509.Certificate // what the TLS listener presents
	otherHost string            // host:port of the redirect target listener
	otherReqs atomic.Int64      // requests the redirect target received
	otherAuth atomic.Int64      // ... of which carried an Authorization header
	blipped   sync.Map          // HostileBlip503: paths that already answered 503
}

// OtherHostRequests reports what the redirect target of HostileRedirect received: every
// request, and how many carried an Authorization header (a client leaking credentials).
func (s *Server) OtherHostRequests() (total, withAuthorization int) {
	return int(s.hostile.otherReqs.Load()), int(s.hostile.otherAuth.Load())
}

// OtherHost is the host:port that HostileRedirect redirects the token endpoint to; "" in
// other modes.
func (s *Server) OtherHost() string { return s.hostile.otherHost }

// hostileTarget says whether a hostile body mode applies to this request: the token
// endpoint and discovery, the two answers every probe reads first.
func hostileTarget(r *http.Request) bool {
	p := r.URL.Path
	return strings.HasSuffix(p, "/token") || strings.HasSuffix(p, "/.well-known/smart-configuration")
}

// hostileMiddleware answers the token endpoint and discovery the hostile way; every other
// request, and every request in modes that act on TLS, goes to next.
func (s *Server) hostileMiddleware(next http.Handler) http.Handler {
	var answer func(http.ResponseWriter, *http.Request)
	switch s.opts.Hostile {
	case HostileHugeBody:
		answer = s.writeHugeBody
	case HostileTrickle:
		answer = s.writeTrickle
	case HostileInvalidJSON:
		answer = writeInvalidJSON
	case HostileJSONBomb:
		answer = writeJSONBomb
	case HostileHugeHeader:
		answer = writeHugeHeader
	case HostileReset:
		answer = writeReset
	case HostileRedirect:
		answer = s.writeRedirect
	case HostileBlip503:
		return s.blip(next)
	default:
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostileTarget(r) || (s.opts.Hostile == HostileRedirect && !strings.HasSuffix(r.URL.Path, "/token")) {
			next.ServeHTTP(w, r)
			return
		}
		answer(w, r)
	})
}
