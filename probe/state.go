package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// state is what checks share during one run: options, the HTTP client, a
// log of every request (for the clock check and the benchmarks) and the
// values that must be scrubbed from every result. Results of dependencies
// are read through dep, which the runner fills only after they finish.
type state struct {
	opts   Options
	client *http.Client
	dep    func(id string) *CheckResult

	keyLoad keyLoad

	// words replaces the placeholders of texts with the tenant's words
	// (words.go), built once.
	wordsOnce sync.Once
	words     *strings.Replacer

	mu       sync.Mutex
	requests []requestRecord
	secrets  []string
}

// requestRecord is one HTTP exchange, as the clock check and benchmarks see it.
type requestRecord struct {
	Host    string
	Latency time.Duration
	Local   time.Time // local clock (Options.Now) when the answer arrived
	Date    time.Time // the server's Date header, zero when absent
}

// response is an answer read in full (up to maxBody).
type response struct {
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool
	Latency   time.Duration
	// Declared is the Content-Length the server announced, -1 when none.
	Declared int64
	// Redirects lists the redirects followed to get here, oldest first:
	// "307 → https://host/path". Empty when the answer came from req.URL.
	Redirects []string
	// FinalURL is where the answer came from (req.URL without redirects).
	FinalURL *url.URL
	// Notes describe earlier answers to the same request (a 503 retried)
	// or why one was not retried: evidence lines.
	Notes []string
	// shared is the shared fetch this answer is a copy of (nil when the
	// run fetched it alone): decodeJSON decodes its body once.
	shared *sharedAnswer
}

// evidence is the answer's notes followed by lines, in a new slice.
func (r *response) evidence(lines ...string) []string {
	return append(slices.Clone(r.Notes), lines...)
}

// do sends req with our User-Agent and reads the answer. Failures are
// *exchangeError, which say how far the exchange got and under which
// timeout.
func (s *state) do(req *http.Request) (*response, error) {
	resp, rec, has, err := s.exchange(req)
	if has {
		s.logRequest(rec)
	}
	return resp, err
}

// exchange is do without the request log: it returns the log entry (has
// is false when no answer arrived) for the caller to record, since a
// shared fetch is recorded by every tenant it answers.
func (s *state) exchange(req *http.Request) (*response, requestRecord, bool, error) {
	req.Header.Set("User-Agent", "fhirdoctor/"+s.opts.Version)
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, requestRecord{}, false, &exchangeError{host: req.URL.Host, timeout: s.opts.Timeout, declared: -1, err: err}
	}
	defer resp.Body.Close()
	body, truncated, err := readBody(resp.Body)
	lat := time.Since(start)
	rec := requestRecord{Host: req.URL.Host, Latency: lat, Local: s.opts.Now()}
	if d, perr := http.ParseTime(resp.Header.Get("Date")); perr == nil {
		rec.Date = d
	}
	if err != nil {
		return nil, rec, true, &exchangeError{host: req.URL.Host, timeout: s.opts.Timeout, status: resp.StatusCode,
			declared: resp.ContentLength, received: len(body), err: err}
	}
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated, Latency: lat,
		Declared: resp.ContentLength, Redirects: redirectChain(resp), FinalURL: resp.Request.URL}, rec, true, nil
}

func (s *state) logRequest(rec requestRecord) {
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
}

// redirectChain lists the redirects that led to resp, oldest first. Each
// redirected request carries the response that caused it.
func redirectChain(resp *http.Response) []string {
	var chain []string
	for r := resp.Request; r != nil && r.Response != nil; r = r.Response.Request {
		chain = append([]string{fmt.Sprintf("%d → %s", r.Response.StatusCode, r.URL.Redacted())}, chain...)
	}
	return chain
}

// get is a GET with an Accept header and, when token is non-empty, a Bearer
// token (refused over plain http to a non-loopback host).
func (s *state) get(ctx context.Context, rawURL, accept, token string) (*response, *http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("building request for %s: %w", rawURL, err)
	}
	if token != "" {
		if err := credentialsAllowed(req.URL); err != nil {
			return nil, req, err
		}
	}
	build := func() (*http.Request, error) {
		r := req.Clone(ctx)
		r.Header.Set("Accept", accept)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		return r, nil
	}
	return s.send(ctx, build)
}

func (s *state) addSecret(v string) {
	if len(v) < 4 {
		return // too short to scrub without mangling ordinary text
	}
	s.mu.Lock()
	s.secrets = append(s.secrets, v)
	s.mu.Unlock()
}

// scrub removes every registered secret from a result: the last line of
// defence should a server echo a credential back.
func (s *state) scrub(r Result) Result {
	s.mu.Lock()
	secrets := append([]string(nil), s.secrets...)
	s.mu.Unlock()
	rep := func(t string) string {
		for _, v := range secrets {
			t = strings.ReplaceAll(t, v, "[REDACTED]")
		}
		return t
	}
	r.Summary, r.Remedy = rep(r.Summary), rep(r.Remedy)
	ev := make([]string, len(r.Evidence))
	for i, e := range r.Evidence {
		ev[i] = rep(e)
	}
	r.Evidence = ev
	r.HTTP = scrubExchange(r.HTTP, rep)
	return r
}

func (s *state) requestLog() []requestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]requestRecord(nil), s.requests...)
}

// transportFailure classifies an error from client.Do: what happened, in a
// sentence, and the cause it points to.
func transportFailure(err error, host string) (TokenClass, CauseID, string) {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.Is(err, ErrInsecureTransport):
		return TokenRefused, CauseConfigInvalid, err.Error()
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		return TokenTimeout, CauseServerOutage, timeoutText(err, host)
	case errors.Is(err, context.Canceled):
		return TokenTimeout, "", "cancelled"
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid), errors.As(err, &certErr):
		return TokenTLS, CauseTLS, "TLS verification failed for " + host + ": " + tlsErrorText(err)
	case errors.As(err, &dnsErr):
		return TokenNetwork, CauseNetwork, "cannot resolve " + dnsErr.Name + ": " + dnsErr.Err
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return TokenNetwork, CauseNetwork, "cannot connect to " + host + ": " + opErr.Err.Error()
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		return TokenNetwork, CauseNetwork, "the proxy refused the connection to " + host + ": " + opErr.Err.Error()
	}
	if text, cause, ok := describeBroken(err, host); ok {
		switch cause {
		case CauseTLS:
			return TokenTLS, cause, text
		case CauseServerOutage:
			return TokenMalformed, cause, text
		}
		return TokenNetwork, cause, text
	}
	return TokenNetwork, CauseNetwork, "request to " + host + " failed: " + stripURLs(err.Error())
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// stripURLs drops the `Post "https://..."` prefix url.Error adds: the URL is
// already in the evidence.
func stripURLs(msg string) string {
	if i := strings.LastIndex(msg, "\": "); i >= 0 {
		return msg[i+3:]
	}
	return msg
}

// hostOf returns u's host for messages, or the raw text when it does not parse.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}
