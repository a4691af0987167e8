package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"net/http"
	"time"
)

// WrongHostName is the only name the certificate of HostileCertWrongHost holds.
const WrongHostName = "fhir.wrong-host.example"

// hostileLeaf returns the certificate the TLS listener presents: the authority's leaf,
// or a broken variant in the certificate modes.
func (a *authority) hostileLeaf(mode string, now time.Time) (tls.Certificate, error) {
	loopback := func(t *x509.Certificate) {
		t.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		t.DNSNames = []string{"localhost"}
	}
	switch mode {
	case HostileCertWrongHost:
		return signLeaf(a.ca, a.caKey, now.Add(-time.Hour), now.Add(leafValidity-time.Hour), func(t *x509.Certificate) {
			t.Subject.CommonName = WrongHostName
			t.DNSNames = []string{WrongHostName}
		})
	case HostileCertExpired:
		return signLeaf(a.ca, a.caKey, now.Add(-400*24*time.Hour), now.Add(-30*24*time.Hour), loopback)
	case HostileCertUntrusted:
		ca, key, err := newCA(now, "Untrusted Inspection CA (FAKE)")
		if err != nil {
			return tls.Certificate{}, err
		}
		return signLeaf(ca, key, now.Add(-time.Hour), now.Add(leafValidity-time.Hour), loopback)
	}
	return a.leaf, nil
}

// newCA is a self-signed CA that nothing trusts.
func newCA(now time.Time, name string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"fhirdoctor sandbox"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(leafValidity + 24*time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("self-sign CA: %w", err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parse CA: %w", err)
	}
	return ca, key, nil
}

// signLeaf issues a server certificate valid from notBefore to notAfter; names sets
// what it is for. The chain it returns holds the CA, as servers commonly send it.
func signLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, notBefore, notAfter time.Time, names func(*x509.Certificate)) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "127.0.0.1", Organization: []string{"fhirdoctor sandbox"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	names(tmpl)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("sign server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse server certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

// tlsServerConfig is the TLS listener's configuration: TLS 1.2+ normally, TLS 1.0 and
// nothing else in HostileTLS10.
func (s *Server) tlsServerConfig(leaf tls.Certificate) *tls.Config {
	c := &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12}
	if s.opts.Hostile == HostileTLS10 {
		c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
	}
	return c
}

// protocols is what the TLS listener speaks: HTTP/1.1 and h2 normally; h2 alone in
// HostileH2Only (clients that offer only http/1.1 fail the handshake, clients that offer
// no ALPN are hung up on); HTTP/1.1 alone in HostileReset, whose RST needs a hijack, and
// in HostileHugeHeader, where HTTP/2 would turn the oversized header into a connection
// error rather than the response a client must refuse.
func (s *Server) protocols() *http.Protocols {
	p := new(http.Protocols)
	switch s.opts.Hostile {
	case HostileH2Only:
		p.SetHTTP2(true)
	case HostileReset, HostileHugeHeader, HostileTLS10: // HTTP/2 needs TLS 1.2
		p.SetHTTP1(true)
	default:
		p.SetHTTP1(true)
		p.SetHTTP2(true)
	}
	return p
}

// LeafCertificate is the certificate the TLS listener presents (a broken one in the
// certificate hostile modes), for tests that check how it is described.
func (s *Server) LeafCertificate() *x509.Certificate {
	return s.hostile.leaf
}
