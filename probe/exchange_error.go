package probe

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// exchangeError is a failed HTTP exchange with what is known of how far it got, so that
// the message can say "stalled after 1 byte" or "reset mid-response" rather than echo a
// socket error.
type exchangeError struct {
	host     string
	timeout  time.Duration // the per-check --timeout in force
	status   int           // 0 when no response headers arrived
	declared int64         // Content-Length, -1 when unknown
	received int           // body bytes read before the failure
	err      error
}

func (e *exchangeError) Error() string {
	if e.status == 0 {
		return fmt.Sprintf("%s: %v", e.host, e.err)
	}
	return fmt.Sprintf("reading the answer from %s (HTTP %d, %s): %v", e.host, e.status, e.progress(), e.err)
}

func (e *exchangeError) Unwrap() error { return e.err }

// progress says how much of the body arrived: "1000 of 65536 bytes received".
func (e *exchangeError) progress() string {
	if e.declared >= 0 {
		return fmt.Sprintf("%d of %d body bytes received", e.received, e.declared)
	}
	return fmt.Sprintf("%d body bytes received", e.received)
}

// maxHeaderBytes caps response headers: Cerner's are a few KiB; Go's default (10 MB)
// would let a hostile server or proxy make us buffer that much per answer.
const maxHeaderBytes = 256 << 10

// errHeadersTooLarge is what the transport says when a server exceeds maxHeaderBytes.
// net/http has no sentinel for it (HTTP/1.1: "server response headers exceeded N bytes",
// HTTP/2: "response header list larger than advertised limit"), so the text is matched.
func isHeadersTooLarge(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "server response headers exceeded") || strings.Contains(msg, "header list larger than advertised limit")
}

// describeBroken names the ways a server breaks an exchange that are not timeouts, TLS
// or DNS: reset, premature close, oversized headers. ok is false for anything else.
func describeBroken(err error, host string) (text string, cause CauseID, ok bool) {
	var xe *exchangeError
	midResponse := ""
	if errors.As(err, &xe) && xe.status != 0 {
		midResponse = fmt.Sprintf(" mid-response (HTTP %d, %s)", xe.status, xe.progress())
	}
	switch {
	case isHeadersTooLarge(err):
		return fmt.Sprintf("the answer from %s has more than %d KiB of headers: fhirdoctor stopped reading (a broken server or proxy)", host, maxHeaderBytes>>10), CauseServerOutage, true
	case strings.Contains(err.Error(), "connection error: PROTOCOL_ERROR"):
		return fmt.Sprintf("the HTTP/2 connection to %s broke with PROTOCOL_ERROR: the server sent what HTTP/2 forbids or fhirdoctor refuses (e.g. more than %d KiB of headers)", host, maxHeaderBytes>>10), CauseServerOutage, true
	case errors.Is(err, syscall.ECONNRESET):
		if midResponse == "" {
			midResponse = " before an answer arrived"
		}
		return fmt.Sprintf("the connection to %s was reset (TCP RST)%s: the server or a middlebox (firewall, proxy, load balancer) aborted it", host, midResponse), CauseNetwork, true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		if midResponse == "" {
			midResponse = " before an answer arrived"
		}
		return fmt.Sprintf("the connection to %s closed%s", host, midResponse), CauseNetwork, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("%s refused the connection (nothing listens on that port)", host), CauseNetwork, true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "remote error" {
		// A TLS alert from the server: the handshake itself failed.
		return fmt.Sprintf("the TLS handshake with %s failed: the server answered %q", host, opErr.Err.Error()) + alertHint(opErr.Err.Error()), CauseTLS, true
	}
	if strings.Contains(err.Error(), "tls: no application protocol") {
		return fmt.Sprintf("the TLS handshake with %s failed: no common application protocol (ALPN h2 / http/1.1)", host), CauseTLS, true
	}
	return "", "", false
}

// alertHint explains the TLS alerts a probe meets in practice.
func alertHint(alert string) string {
	switch {
	case strings.Contains(alert, "protocol version"):
		return ": it accepts no TLS version fhirdoctor speaks (1.2 or 1.3); see the tls check for what it offers"
	case strings.Contains(alert, "handshake failure"):
		return ": no cipher suite or parameter in common"
	case strings.Contains(alert, "certificate required"), strings.Contains(alert, "bad certificate"):
		return ": it wants a client certificate (mutual TLS)"
	}
	return ""
}

// timeoutText names the timeout when the failure carries it, and how far the exchange got.
func timeoutText(err error, host string) string {
	var xe *exchangeError
	if !errors.As(err, &xe) {
		return "no answer from " + host + " in time"
	}
	limit := ""
	if xe.timeout > 0 {
		limit = fmt.Sprintf(" (--timeout %s)", xe.timeout)
	}
	if xe.status == 0 {
		return "no answer from " + host + " in time" + limit
	}
	return fmt.Sprintf("the answer from %s stalled: HTTP %d and %s, then not complete in time%s", host, xe.status, xe.progress(), limit)
}
