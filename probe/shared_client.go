package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
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

	// conf is the TLS configuration of the client, for the TLS check's own
	// handshakes: building it reads --cacert and clones the system pool,
	// which per tenant was a twentieth of a 500-tenant run's CPU.
	conf *tls.Config
	// caFile and roots are what conf was built from: a tenant whose
	// options name other roots builds its own.
	caFile string
	roots  *x509.CertPool

	// fetches are the credential-free GETs every tenant of a URL shares
	// (getPublic), dns the host lookups (checkDNS), keys the private key
	// files (clientKey): per URL, host and path once per run.
	fetches flights[*sharedAnswer]
	dns     flights[dnsAnswer]
	keys    flights[keyLoadResult]
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
	conf, err := tlsConfig(opts.withDefaults())
	if err != nil {
		return nil, err
	}
	return &SharedClient{client: c, conf: conf, caFile: opts.CAFile, roots: opts.RootCAs}, nil
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

// tlsConfig is tlsConfig(s.opts), built once per shared run.
func (s *state) tlsConfig() (*tls.Config, error) {
	if sh := s.opts.Shared; sh != nil && sh.caFile == s.opts.CAFile && sh.roots == s.opts.RootCAs {
		return sh.conf, nil
	}
	return tlsConfig(s.opts)
}

// dnsAnswer is one host's lookup, as checkDNS reports it.
type dnsAnswer struct {
	addrs []net.IPAddr
	took  time.Duration
	err   error
}

// lookup resolves host, once per shared run (the answer is copied, so no
// tenant's evidence aliases another's).
func (s *state) lookup(ctx context.Context, host string) ([]net.IPAddr, time.Duration, error) {
	resolve := func() dnsAnswer {
		start := time.Now()
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		return dnsAnswer{addrs: addrs, took: time.Since(start), err: err}
	}
	sh := s.opts.Shared
	if sh == nil {
		a := resolve()
		return a.addrs, a.took, a.err
	}
	a, ok := sh.dns.do(ctx, host, func() (dnsAnswer, bool) {
		a := resolve()
		return a, a.err == nil || ctx.Err() == nil
	})
	if !ok {
		a = resolve()
	}
	return slices.Clone(a.addrs), a.took, a.err
}
