package jwtauth

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// The signing algorithms SMART Backend Services names: every client must be
// able to sign with both, a server accepts at least one.
const (
	RS384 = "RS384"
	ES384 = "ES384"
)

// MinRSABits is the smallest RSA key accepted: SMART and Epic ask for 2048.
const MinRSABits = 2048

// ErrKeyUnusable is wrapped by every *KeyError: the key file cannot sign an
// assertion (a config error, exit 1).
var ErrKeyUnusable = errors.New("private key unusable")

// KeyProblem says what is wrong with a key file, for the diagnosis.
type KeyProblem string

const (
	KeyMissing     KeyProblem = "missing"
	KeyUnreadable  KeyProblem = "unreadable"
	KeyNotPEM      KeyProblem = "not-pem"
	KeyEncrypted   KeyProblem = "encrypted"
	KeyCertificate KeyProblem = "certificate"
	KeyPublicOnly  KeyProblem = "public-key"
	KeyTooShort    KeyProblem = "too-short"
	KeyWrongCurve  KeyProblem = "wrong-curve"
	KeyUnsupported KeyProblem = "unsupported"
	KeyMalformed   KeyProblem = "malformed"
)

// KeyError is a key file that cannot sign. Its message names the file and
// says what to do; it never holds key material.
type KeyError struct {
	Path    string
	Problem KeyProblem
	Msg     string
}

func (e *KeyError) Error() string { return e.Msg }
func (e *KeyError) Unwrap() error { return ErrKeyUnusable }

// Key is a usable private key. Its fields never hold key material in a
// printable form: formatting a Key prints its description.
type Key struct {
	Path   string
	Alg    string // RS384 or ES384
	Bits   int    // RSA modulus size, or the curve size
	Mode   fs.FileMode
	signer crypto.Signer
	// pemBody holds the base64 lines of the file's key block, so callers
	// can scrub them from any output (they are the secret, as written).
	pemBody []string
}

// String describes the key without material: "RSA 3072 (RS384)".
func (k *Key) String() string {
	if k == nil {
		return "(no key)"
	}
	if k.Alg == ES384 {
		return "EC P-384 (ES384)"
	}
	return fmt.Sprintf("RSA %d (RS384)", k.Bits)
}

// GoString keeps %#v from reaching the private key.
func (k *Key) GoString() string { return "jwtauth.Key{" + k.String() + "}" }

// Public is the key's public half.
func (k *Key) Public() crypto.PublicKey { return k.signer.Public() }

// ScrubValues are strings no output may contain: each base64 line of the
// PEM block the key came from. A line is 64 characters of key material, far
// too specific to appear by chance.
func (k *Key) ScrubValues() []string { return append([]string(nil), k.pemBody...) }

// Thumbprint is the RFC 7638 SHA-256 thumbprint of the public key,
// base64url: what tells two keys apart on screen.
func (k *Key) Thumbprint() string { return thumbprint(k.Public()) }

func thumbprint(pub crypto.PublicKey) string {
	jwk := jose.JSONWebKey{Key: pub}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "(no thumbprint)"
	}
	return b64(sum)
}

// LoadKey reads a PEM private key (PKCS#1, PKCS#8 or SEC1) and checks that it
// can sign a SMART assertion. Warnings are things worth fixing that do not
// stop it from working (a mode wider than 0600: containers mount keys 0440
// or 0644, so that is never a refusal).
func LoadKey(path string) (*Key, []string, error) {
	fail := func(p KeyProblem, format string, args ...any) (*Key, []string, error) {
		return nil, nil, &KeyError{Path: path, Problem: p, Msg: fmt.Sprintf(format, args...)}
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(KeyMissing, "private key file %s does not exist: check private_key_path (relative paths start at the backend root), or make a key with `fhirdoctor rotate --new-key`", path)
	case err != nil:
		return fail(KeyUnreadable, "cannot read private key file %s: %s", path, errText(err))
	case st.IsDir():
		return fail(KeyUnreadable, "private_key_path %s is a directory, not a key file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fail(KeyUnreadable, "cannot read private key file %s: %s (run as the user the backend runs as, or give that user read access)", path, errText(err))
	}
	k, err := ParseKeyPEM(data, path)
	if err != nil {
		return nil, nil, err
	}
	k.Mode = st.Mode().Perm()
	var warnings []string
	if k.Mode&0o077 != 0 {
		warnings = append(warnings, fmt.Sprintf("%s is mode %04o: other users can read the private key; chmod 600 it (a container mounting it 0440 or 0644 for the backend's user is fine)", path, k.Mode))
	}
	return k, warnings, nil
}

// errText is the reason of a file error without the path (we print ours).
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ParseKeyPEM parses PEM data; name is the file name used in messages. It
// is what LoadKey and the fuzz target share.
func ParseKeyPEM(data []byte, name string) (*Key, error) {
	fail := func(p KeyProblem, format string, args ...any) (*Key, error) {
		return nil, &KeyError{Path: name, Problem: p, Msg: fmt.Sprintf(format, args...)}
	}
	rest := data
	var sawCert, sawPublic bool
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch {
		case block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED"):
			return fail(KeyEncrypted, "%s is an encrypted (passphrase-protected) private key; the backend signs without a passphrase, so it needs the key unencrypted: `openssl pkey -in %s -out new.pem` asks for the passphrase once, then chmod 600 new.pem", name, name)
		case block.Type == "CERTIFICATE" || block.Type == "TRUSTED CERTIFICATE":
			sawCert = true
			continue
		case block.Type == "PUBLIC KEY" || block.Type == "RSA PUBLIC KEY":
			sawPublic = true
			continue
		case block.Type == "EC PARAMETERS":
			continue // openssl ecparam -genkey writes these before the key
		case strings.HasSuffix(block.Type, "PRIVATE KEY"):
			k, err := parsePrivateBlock(block, name)
			if err != nil {
				return nil, err
			}
			k.Path = name
			k.pemBody = pemLines(block.Bytes)
			return k, nil
		}
	}
	switch {
	case sawCert:
		return fail(KeyCertificate, "%s holds a certificate (the public half you upload), not the private key: private_key_path must point at the private key file (a PEM block named PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)", name)
	case sawPublic:
		return fail(KeyPublicOnly, "%s holds a public key, not the private key: private_key_path must point at the private key file (a PEM block named PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)", name)
	}
	return fail(KeyNotPEM, "%s is not a PEM private key (no PEM block named PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)", name)
}

func parsePrivateBlock(block *pem.Block, name string) (*Key, error) {
	fail := func(p KeyProblem, format string, args ...any) (*Key, error) {
		return nil, &KeyError{Path: name, Problem: p, Msg: fmt.Sprintf(format, args...)}
	}
	var parsed any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		parsed, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return fail(KeyUnsupported, "%s holds a %q block; use an RSA (2048 bits or more) or EC P-384 key in PKCS#8, PKCS#1 or SEC1 PEM", name, block.Type)
	}
	if err != nil {
		return fail(KeyMalformed, "%s: the %s block does not parse (%s); the file is damaged or not what its header says", name, block.Type, parseErrText(err))
	}
	return FromSigner(parsed, name)
}

// parseErrText keeps x509's reason but never bytes of the input.
func parseErrText(err error) string {
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return msg
}

// FromSigner checks a parsed private key against the SMART rules.
func FromSigner(parsed any, name string) (*Key, error) {
	fail := func(p KeyProblem, format string, args ...any) (*Key, error) {
		return nil, &KeyError{Path: name, Problem: p, Msg: fmt.Sprintf(format, args...)}
	}
	switch k := parsed.(type) {
	case *rsa.PrivateKey:
		bits := k.N.BitLen()
		if bits < MinRSABits {
			return fail(KeyTooShort, "%s is a %d-bit RSA key; SMART Backend Services (and Epic) need at least %d bits: make a new key with `fhirdoctor rotate --new-key`", name, bits, MinRSABits)
		}
		return &Key{Path: name, Alg: RS384, Bits: bits, signer: k}, nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P384() {
			return fail(KeyWrongCurve, "%s is an EC key on %s; ES384 signs with P-384 only: make a new key with `fhirdoctor rotate --new-key --alg ES384`", name, k.Curve.Params().Name)
		}
		return &Key{Path: name, Alg: ES384, Bits: 384, signer: k}, nil
	}
	return fail(KeyUnsupported, "%s holds a %s key; SMART Backend Services signs with RSA (RS384) or EC P-384 (ES384)", name, keyKind(parsed))
}

func keyKind(k any) string {
	switch k.(type) {
	case ed25519.PrivateKey:
		return "Ed25519"
	case *ecdh.PrivateKey:
		return "X25519"
	}
	return fmt.Sprintf("%T", k)
}

// pemLines splits DER into the 64-character base64 lines PEM writes.
func pemLines(der []byte) []string {
	enc := pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: der})
	var out []string
	for _, l := range strings.Split(string(enc), "\n") {
		if l == "" || strings.HasPrefix(l, "-----") {
			continue
		}
		if len(l) >= 16 {
			out = append(out, l)
		}
	}
	return out
}
