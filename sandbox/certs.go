package sandbox

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net"
	"time"
)

// leafValidity is the longest lifetime browsers accept for a public leaf; the sandbox
// imitates a public certificate rather than an exotic one.
const leafValidity = 397 * 24 * time.Hour

// authority is the per-run CA and the server certificate it signed.
type authority struct {
	caPEM []byte
	pool  *x509.CertPool
	leaf  tls.Certificate
	// The CA itself, kept so hostile modes can sign variant leaves.
	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
}

// newAuthority creates a fresh ECDSA P-256 CA and a leaf for loopback plus extraHost
// (the listen host when it is neither loopback nor unspecified).
func newAuthority(now time.Time, extraHost string) (*authority, error) {
	ca, caKey, err := newCA(now, "fhirdoctor sandbox CA (FAKE)")
	if err != nil {
		return nil, err
	}
	leaf, err := signLeaf(ca, caKey, now.Add(-time.Hour), now.Add(leafValidity-time.Hour), func(c *x509.Certificate) {
		c.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		c.DNSNames = []string{"localhost"}
		if extraHost == "" {
			return
		}
		if ip := net.ParseIP(extraHost); ip != nil {
			c.IPAddresses = append(c.IPAddresses, ip)
		} else {
			c.DNSNames = append(c.DNSNames, extraHost)
		}
	})
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &authority{
		caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
		pool:  pool,
		leaf:  leaf,
		ca:    ca,
		caKey: caKey,
	}, nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+ crashes instead).
		panic(err)
	}
	return n
}
