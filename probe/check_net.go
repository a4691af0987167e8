package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// endpoint is a host the probe talks to and the role it plays.
type endpoint struct {
	role string // "auth", "fhir" or "auth+fhir"
	u    *url.URL
}

// endpoints returns the auth host and the FHIR host, merged when equal.
func (s *state) endpoints() ([]endpoint, error) {
	var eps []endpoint
	for _, e := range []struct{ role, raw string }{
		{"auth", s.opts.Tenant.Cerner.SystemApp.TokenURL},
		{"fhir", s.opts.Tenant.Cerner.FHIRBaseURL},
	} {
		u, err := url.Parse(e.raw)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("%s URL %q is not an absolute URL", e.role, e.raw)
		}
		merged := false
		for i := range eps {
			if strings.EqualFold(eps[i].u.Host, u.Host) && eps[i].u.Scheme == u.Scheme {
				eps[i].role += "+" + e.role
				merged = true
			}
		}
		if !merged {
			eps = append(eps, endpoint{e.role, u})
		}
	}
	return eps, nil
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "http" {
		return "80"
	}
	return "443"
}

// checkDNS resolves each host and times it. Behind a proxy the proxy
// resolves, so a local failure is only a warning there.
func checkDNS(ctx context.Context, s *state) Result {
	eps, err := s.endpoints()
	if err != nil {
		return Result{Status: StatusFail, Summary: err.Error(), Remedy: "Fix the URLs in the config (fhirdoctor config validate).", Facts: &Facts{Cause: CauseConfigInvalid}}
	}
	r := Result{Status: StatusPass}
	var failed []string
	for _, ep := range eps {
		host := ep.u.Hostname()
		proxied := proxyFor(ep.u) != nil
		addrs, took, err := s.lookup(ctx, host)
		if err != nil {
			if proxied {
				r.Evidence = append(r.Evidence, fmt.Sprintf("%s (%s): not resolvable locally (%v); the proxy resolves it", host, ep.role, dnsReason(err)))
				r.Status = StatusWarn
				continue
			}
			failed = append(failed, host)
			r.Evidence = append(r.Evidence, fmt.Sprintf("%s (%s): %s after %s", host, ep.role, dnsReason(err), ms(took)))
			continue
		}
		var ips []string
		for _, a := range addrs {
			ips = append(ips, a.IP.String())
		}
		r.Evidence = append(r.Evidence, fmt.Sprintf("%s (%s) → %s in %s", host, ep.role, strings.Join(ips, ", "), ms(took)))
	}
	if len(failed) > 0 {
		r.Status = StatusFail
		r.Summary = "cannot resolve " + strings.Join(failed, ", ")
		r.Remedy = "Check the host names in the config, your DNS and VPN; `dig " + failed[0] + "` shows what your resolver says."
		r.Facts = &Facts{Cause: CauseNetwork, Class: string(TokenNetwork)}
		return r
	}
	r.Summary = fmt.Sprintf("%d host(s) resolved", len(eps))
	return r
}

func dnsReason(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		if de.IsNotFound {
			return "no such host"
		}
		if de.IsTimeout {
			return "DNS timeout"
		}
		return de.Err
	}
	return err.Error()
}

// checkTLS connects to each host (through the proxy the environment names),
// handshakes with verification and reports version, chain, expiry and SNI.
func checkTLS(ctx context.Context, s *state) Result {
	eps, err := s.endpoints()
	if err != nil {
		return Result{Status: StatusFail, Summary: err.Error(), Facts: &Facts{Cause: CauseConfigInvalid}}
	}
	conf, err := s.tlsConfig()
	if err != nil {
		return Result{Status: StatusFail, Summary: err.Error(), Remedy: "Fix --cacert / SSL_CERT_FILE.", Facts: &Facts{Cause: CauseConfigInvalid}}
	}
	r := Result{Status: StatusPass}
	worst := Facts{}
	var problems []string
	for _, ep := range eps {
		lines, facts, problem := s.tlsOnce(ctx, conf, ep)
		r.Evidence = append(r.Evidence, lines...)
		if problem != "" {
			problems = append(problems, problem)
			if worst.Cause == "" || facts.Cause == CauseTLS {
				worst = facts
			}
		}
	}
	switch {
	case len(problems) > 0 && worst.Cause != "":
		r.Status = StatusFail
		r.Summary = strings.Join(problems, "; ")
		r.Facts = &worst
		if worst.Cause == CauseTLS {
			r.Remedy = tlsRemedy(worst.Class)
		} else {
			r.Remedy = "Check connectivity to the host (VPN, firewall, proxy settings HTTPS_PROXY/NO_PROXY)."
		}
	case len(problems) > 0:
		r.Status = StatusWarn
		r.Summary = strings.Join(problems, "; ")
		r.Remedy = "Renew or replace the certificate before it expires."
	default:
		r.Summary = fmt.Sprintf("%d host(s): verified", len(eps))
	}
	return r
}

func tlsRemedy(class string) string {
	switch class {
	case "unknown-authority":
		return "A TLS-inspecting proxy (corporate firewall, antivirus) may be re-signing traffic: get its CA certificate and pass --cacert FILE (or SSL_CERT_FILE). There is no switch to turn verification off."
	case "expired":
		return "The server's certificate has expired (or the local clock is wrong: see the clock check)."
	case "wrong-host":
		return "The certificate is for another host: check the host in the config, or a proxy answering for it."
	case "old-version":
		return "TLS 1.0 and 1.1 are deprecated (RFC 8996) and fhirdoctor refuses them, with no switch to allow them: the server, or a proxy in between that terminates TLS, must offer TLS 1.2 or later. Tell its operator."
	}
	return "Check the TLS path to the host (proxy, --cacert)."
}

// probeTLS handshakes with one endpoint. problem is "" when all is well; a
// problem with facts.Cause "" is a warning (a certificate close to expiry).
func probeTLS(ctx context.Context, s *state, conf *tls.Config, ep endpoint) (lines []string, facts Facts, problem string) {
	host := ep.u.Hostname()
	addr := net.JoinHostPort(host, port(ep.u))
	proxy := proxyFor(ep.u)
	via := "direct"
	if proxy != nil {
		via = "via proxy " + proxy.Redacted()
	}
	if ep.u.Scheme != "https" {
		return []string{fmt.Sprintf("%s (%s): plain http (%s), allowed for loopback only", addr, ep.role, via)}, facts, ""
	}
	start := time.Now()
	raw, err := dialVia(ctx, s.opts.Timeout, proxy, addr)
	if err != nil {
		_, cause, text := transportFailure(err, addr)
		return []string{fmt.Sprintf("%s (%s): TCP connect failed %s: %s", addr, ep.role, via, text)},
			Facts{Cause: cause, Class: string(TokenNetwork)}, "cannot connect to " + addr
	}
	defer raw.Close()
	tcp := time.Since(start)
	c := conf.Clone()
	c.ServerName = host
	// Offer what the HTTP client offers, so an h2-only server answers here as it does there.
	c.NextProtos = []string{"h2", "http/1.1"}
	conn := tls.Client(raw, c)
	hctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if err := conn.HandshakeContext(hctx); err != nil {
		class, text := tlsErrorClass(err)
		if class == "" && isVersionAlert(err) {
			class, text = "old-version", "the server accepts neither TLS 1.2 nor TLS 1.3"
			if v, ok := legacyVersion(hctx, s, conf, proxy, addr, host); ok {
				text = fmt.Sprintf("server offers only %s; fhirdoctor requires TLS 1.2 or later", tls.VersionName(v))
			}
		}
		if class == "" {
			_, cause, t := transportFailure(err, addr)
			return []string{fmt.Sprintf("%s (%s): TLS handshake failed %s: %s", addr, ep.role, via, t)},
				Facts{Cause: cause, Class: string(TokenNetwork)}, "TLS handshake with " + addr + " failed"
		}
		return []string{fmt.Sprintf("%s (%s): SNI %s, %s: %s", addr, ep.role, host, via, text)},
			Facts{Cause: CauseTLS, Class: class}, text
	}
	st := conn.ConnectionState()
	leaf := st.PeerCertificates[0]
	days := int(time.Until(leaf.NotAfter).Hours() / 24)
	alpn := "ALPN " + st.NegotiatedProtocol
	if st.NegotiatedProtocol == "" {
		alpn = "no ALPN"
	}
	lines = append(lines, fmt.Sprintf("%s (%s): %s, %s, SNI %s, chain verified (issuer %q), expires in %d days, connect %s, %s",
		addr, ep.role, tls.VersionName(st.Version), alpn, host, leaf.Issuer.CommonName, days, ms(tcp), via))
	if days < 14 {
		problem = fmt.Sprintf("certificate of %s expires in %d days", host, days)
	}
	return lines, facts, problem
}

// tlsErrorClass names a verification failure: unknown authority, expired,
// wrong host. class is "" for errors that are not about the certificate.
func tlsErrorClass(err error) (class, text string) {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknownCA):
		issuer := ""
		if unknownCA.Cert != nil {
			issuer = unknownCA.Cert.Issuer.String()
		}
		return "unknown-authority", fmt.Sprintf("certificate signed by an unknown authority (issuer %q): a TLS-inspecting proxy?", issuer)
	case errors.As(err, &hostErr):
		var names []string
		if c := hostErr.Certificate; c != nil {
			names = append(names, c.DNSNames...)
			for _, ip := range c.IPAddresses {
				names = append(names, ip.String())
			}
		}
		return "wrong-host", fmt.Sprintf("certificate is for the wrong host: it names %s, not %s", orNone(strings.Join(names, ", ")), hostErr.Host)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		when := ""
		if invalid.Cert != nil {
			when = " on " + invalid.Cert.NotAfter.UTC().Format(time.DateOnly)
		}
		return "expired", "certificate expired" + when
	case errors.As(err, &invalid):
		return "invalid-certificate", "certificate rejected: " + invalid.Error()
	}
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) {
		return "invalid-certificate", "certificate rejected: " + ve.Err.Error()
	}
	return "", ""
}

func tlsErrorText(err error) string {
	if _, text := tlsErrorClass(err); text != "" {
		return text
	}
	return err.Error()
}

func proxyFor(u *url.URL) *url.URL {
	p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
	if err != nil {
		return nil
	}
	return p
}

// dialVia opens a TCP connection to addr, tunnelled through an HTTP CONNECT
// proxy when one applies, as the transport itself would.
func dialVia(ctx context.Context, timeout time.Duration, proxy *url.URL, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout}
	if proxy == nil {
		return d.DialContext(ctx, "tcp", addr)
	}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(proxy.Hostname(), port(proxy)))
	if err != nil {
		return nil, fmt.Errorf("connecting to proxy %s: %w", proxy.Redacted(), err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: http.Header{}}
	if u := proxy.User; u != nil {
		pw, _ := u.Password()
		req.SetBasicAuth(u.Username(), pw)
	}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("CONNECT via proxy %s: %w", proxy.Redacted(), err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("CONNECT via proxy %s: %w", proxy.Redacted(), err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, fmt.Errorf("proxy %s refused CONNECT %s: %s", proxy.Redacted(), addr, resp.Status)
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, nil
}

func ms(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// isVersionAlert says whether a handshake failed because the server accepts
// none of the TLS versions offered.
func isVersionAlert(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "remote error" && strings.Contains(opErr.Err.Error(), "protocol version")
}

// legacyVersion finds out which obsolete version (TLS 1.0 or 1.1) a server
// that refused TLS 1.2+ offers, with a second handshake that verifies the
// certificate as usual and sends nothing else.
func legacyVersion(ctx context.Context, s *state, conf *tls.Config, proxy *url.URL, addr, host string) (uint16, bool) {
	raw, err := dialVia(ctx, s.opts.Timeout, proxy, addr)
	if err != nil {
		return 0, false
	}
	defer raw.Close()
	c := conf.Clone()
	c.ServerName = host
	// TLS 1.0 and 1.1 are offered only to name what the server speaks; no request follows.
	c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	conn := tls.Client(raw, c)
	if err := conn.HandshakeContext(ctx); err != nil {
		return 0, false
	}
	return conn.ConnectionState().Version, true
}
