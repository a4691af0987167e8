package probe

import (
	"context"
	"crypto/tls"
	"net/http"
	"sync"
)

// SharedClient is one HTTP client for several runs (`probe --all-tenants`).
// It is built by NewSharedClient only, so it always has the protections of
// NewHTTPClient: verified TLS, timeouts, header cap, redirect policy.
type SharedClient struct {
	client *http.Client

	// tlsMu guards tls: one TLS inspection per endpoint for the whole run.
	// Tenants on the same host would otherwise each make the same
	// handshake, which is most of the CPU of a many-tenant run.
	tlsMu sync.Mutex
	tls   map[string]*tlsInspection
}

// sharedConnsPerHost bounds the connections a shared run opens per host.
const sharedConnsPerHost = 8

// tlsInspection is the shared outcome of probeTLS for one endpoint.
type tlsInspection struct {
	once    sync.Once
	lines   []string
	facts   Facts
	problem string
}

// NewSharedClient builds the client from opts' roots and timeout; the
// tenant in opts does not matter. Close it when every run is done.
func NewSharedClient(opts Options) (*SharedClient, error) {
	c, err := NewHTTPClient(opts)
	if err != nil {
		return nil, err
	}
	if tr, ok := c.Transport.(*http.Transport); ok {
		// Hundreds of tenants start at once; without a cap each of their
		// first requests dials and handshakes its own connection before
		// HTTP/2 keeps one. For HTTP/2 the cap bounds dials in flight, not
		// the streams; an HTTP/1.1-only host gets this many connections.
		tr.MaxConnsPerHost = sharedConnsPerHost
	}
	return &SharedClient{client: c}, nil
}

// Close drops the idle connections.
func (s *SharedClient) Close() { s.client.CloseIdleConnections() }

// tlsOnce inspects ep's TLS once per shared run (once per call without a
// SharedClient). A cancelled or timed-out inspection is not shared: the
// next tenant tries again.
func (s *state) tlsOnce(ctx context.Context, conf *tls.Config, ep endpoint) ([]string, Facts, string) {
	sh := s.opts.Shared
	if sh == nil {
		return probeTLS(ctx, s, conf, ep)
	}
	key := ep.u.Scheme + "://" + ep.u.Host + " " + ep.role
	sh.tlsMu.Lock()
	if sh.tls == nil {
		sh.tls = make(map[string]*tlsInspection)
	}
	in := sh.tls[key]
	if in == nil {
		in = &tlsInspection{}
		sh.tls[key] = in
	}
	sh.tlsMu.Unlock()
	ran := false
	in.once.Do(func() {
		ran = true
		in.lines, in.facts, in.problem = probeTLS(ctx, s, conf, ep)
	})
	if ran && ctx.Err() != nil {
		sh.tlsMu.Lock()
		delete(sh.tls, key)
		sh.tlsMu.Unlock()
	}
	return in.lines, in.facts, in.problem
}
