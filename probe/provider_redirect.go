package probe

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ErrRedirectNotLoopback is returned (wrapped) when a provider app's
// redirect_uri is not one fhirdoctor can listen on: the round trip needs the
// browser to come back to this machine.
var ErrRedirectNotLoopback = errors.New("redirect_uri is not a loopback http URL with a port")

// loopbackRedirect is a redirect_uri fhirdoctor can serve: where to listen
// and which path the authorization server will call.
type loopbackRedirect struct {
	raw   string   // exactly as registered: it is sent back byte for byte
	host  string   // 127.0.0.1, [::1] or localhost, as written
	port  string   // always explicit
	path  string   // "/" when empty
	addrs []string // host:port to listen on
}

// parseLoopbackRedirect accepts http://127.0.0.1:PORT/..., http://[::1]:PORT/...
// and http://localhost:PORT/... and explains anything else: an https or
// remote redirect belongs to a deployed app whose server receives the code,
// so a tool on this machine cannot complete the flow for it.
func parseLoopbackRedirect(raw string) (loopbackRedirect, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return loopbackRedirect{}, fmt.Errorf("%w: %q is not an absolute URL", ErrRedirectNotLoopback, raw)
	}
	host := u.Hostname()
	if !isLoopback(host) {
		return loopbackRedirect{}, fmt.Errorf("%w: %s sends the browser to %s, not to this machine; register a loopback redirect such as http://127.0.0.1:8765/callback on the app to test it here", ErrRedirectNotLoopback, raw, host)
	}
	if u.Scheme != "http" {
		return loopbackRedirect{}, fmt.Errorf("%w: %s uses %s; a loopback redirect is plain http (RFC 8252 7.3), since no certificate exists for 127.0.0.1", ErrRedirectNotLoopback, raw, u.Scheme)
	}
	port := u.Port()
	if n, perr := strconv.Atoi(port); perr != nil || n <= 0 || n > 65535 {
		return loopbackRedirect{}, fmt.Errorf("%w: %s has no explicit port; register one such as http://%s:8765%s", ErrRedirectNotLoopback, raw, u.Host, u.EscapedPath())
	}
	if u.Fragment != "" {
		return loopbackRedirect{}, fmt.Errorf("%w: %s has a fragment, which RFC 6749 3.1.2 forbids", ErrRedirectNotLoopback, raw)
	}
	r := loopbackRedirect{raw: raw, host: u.Hostname(), port: port, path: u.EscapedPath()}
	if r.path == "" {
		r.path = "/"
	}
	if strings.EqualFold(host, "localhost") {
		// The browser may resolve localhost to either family.
		r.addrs = []string{net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("::1", port)}
	} else {
		r.addrs = []string{net.JoinHostPort(host, port)}
	}
	return r, nil
}

// base is scheme://host:port of the redirect, for the start link.
func (r loopbackRedirect) base() string {
	return "http://" + net.JoinHostPort(r.host, r.port)
}
