package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// DefaultRSABits is what rotate makes unless told otherwise: above the
// 2048 minimum with room to last.
const DefaultRSABits = 3072

// Generate makes a new key pair for alg (RS384: RSA 3072; ES384: P-384).
func Generate(alg string) (*Key, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case RS384, "":
		priv, err = rsa.GenerateKey(rand.Reader, DefaultRSABits)
	case ES384:
		priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		return nil, fmt.Errorf("--alg %s: choose RS384 or ES384", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("generating a key: %w", err)
	}
	k, err := FromSigner(priv, "(new key)")
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("encoding the new key: %w", err)
	}
	k.pemBody = pemLines(der)
	return k, nil
}

// DefaultKeyID is a date stamp and a short thumbprint: sortable, and
// different for every key.
func DefaultKeyID(k *Key, now time.Time) string {
	tp := k.Thumbprint()
	if len(tp) > 8 {
		tp = tp[:8]
	}
	return now.UTC().Format("20060102") + "-" + tp
}

var kidRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)

// KeyFiles are the files WriteFiles made.
type KeyFiles struct {
	Private, JWKS, Certificate string
}

// WriteFiles writes <dir>/<kid>.pem (0600, never over an existing file),
// <kid>.jwks.json (the public JWK Set to upload) and <kid>.cert.pem (a
// self-signed certificate for portals that want one). On an error, the
// files it made are removed.
func (k *Key) WriteFiles(dir, kid string, now time.Time) (KeyFiles, error) {
	if !kidRE.MatchString(kid) {
		return KeyFiles{}, fmt.Errorf("kid %q: use letters, digits, '.', '_' and '-' only (it names the files)", kid)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return KeyFiles{}, fmt.Errorf("creating --key-dir %s: %w", dir, err)
	}
	f := KeyFiles{
		Private:     filepath.Join(dir, kid+".pem"),
		JWKS:        filepath.Join(dir, kid+".jwks.json"),
		Certificate: filepath.Join(dir, kid+".cert.pem"),
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return KeyFiles{}, fmt.Errorf("encoding the key: %w", err)
	}
	jwks, err := JWKS(k.PublicJWK(kid))
	if err != nil {
		return KeyFiles{}, err
	}
	cert, err := k.selfSigned(kid, now)
	if err != nil {
		return KeyFiles{}, err
	}
	var made []string
	undo := func(err error) (KeyFiles, error) {
		for _, p := range made {
			_ = os.Remove(p)
		}
		return KeyFiles{}, err
	}
	for _, w := range []struct {
		path string
		mode fs.FileMode
		data []byte
	}{
		{f.Private, 0o600, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})},
		{f.JWKS, 0o644, jwks},
		{f.Certificate, 0o644, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert})},
	} {
		if err := writeNew(w.path, w.mode, w.data); err != nil {
			return undo(err)
		}
		made = append(made, w.path)
	}
	k.Path = f.Private
	return f, nil
}

// writeNew creates path with mode and data, refusing to replace a file.
func writeNew(path string, mode fs.FileMode, data []byte) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: refusing to overwrite a key file (pick another --kid or --key-dir)", path)
	}
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := fh.Write(data); err != nil {
		_ = fh.Close()
		_ = os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := fh.Sync(); err != nil {
		_ = fh.Close()
		_ = os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := fh.Close(); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// selfSigned is a certificate for the public key, valid for two years:
// portals such as Epic's take a certificate rather than a JWK.
func (k *Key) selfSigned(kid string, now time.Time) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "fhirdoctor client key " + kid},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(2, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k.signer)
	if err != nil {
		return nil, fmt.Errorf("self-signing a certificate: %w", err)
	}
	return der, nil
}
