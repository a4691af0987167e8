package jwtauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Keys are generated at run time: no private key lives in the repo.
func rsaKey(t testing.TB, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecKey(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pemOf(typ string, der []byte, headers map[string]string) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der, Headers: headers})
}

func writeFile(t *testing.T, name string, data []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadKey(t *testing.T) {
	r2048 := rsaKey(t, 2048)
	p384 := ecKey(t, elliptic.P384())
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	sec1, err := x509.MarshalECPrivateKey(p384)
	if err != nil {
		t.Fatal(err)
	}
	p256sec1, _ := x509.MarshalECPrivateKey(ecKey(t, elliptic.P256()))
	tmpl := &x509.Certificate{SerialNumber: big1(), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &r2048.PublicKey, r2048)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&r2048.PublicKey)

	tests := []struct {
		name    string
		data    []byte
		mode    os.FileMode
		alg     string
		problem KeyProblem
		msg     string // a fragment of the error or warning
	}{
		{name: "PKCS#1 RSA", data: pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(r2048), nil), mode: 0o600, alg: RS384},
		{name: "PKCS#8 RSA", data: pemOf("PRIVATE KEY", pkcs8(r2048), nil), mode: 0o600, alg: RS384},
		{name: "SEC1 P-384", data: pemOf("EC PRIVATE KEY", sec1, nil), mode: 0o600, alg: ES384},
		{name: "PKCS#8 P-384 after EC PARAMETERS", data: append(pemOf("EC PARAMETERS", []byte{6, 5, 43, 129, 4, 0, 34}, nil), pemOf("PRIVATE KEY", pkcs8(p384), nil)...), mode: 0o600, alg: ES384},
		{name: "world-readable is a warning", data: pemOf("PRIVATE KEY", pkcs8(r2048), nil), mode: 0o644, alg: RS384, msg: "mode 0644: other users can read the private key"},
		{name: "1024-bit RSA", data: pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey(t, 1024)), nil), mode: 0o600, problem: KeyTooShort, msg: "is a 1024-bit RSA key; SMART Backend Services (and Epic) need at least 2048 bits"},
		{name: "P-256", data: pemOf("EC PRIVATE KEY", p256sec1, nil), mode: 0o600, problem: KeyWrongCurve, msg: "is an EC key on P-256; ES384 signs with P-384 only"},
		{name: "PKCS#8 encrypted", data: pemOf("ENCRYPTED PRIVATE KEY", []byte{48, 3, 2, 1, 0}, nil), mode: 0o600, problem: KeyEncrypted, msg: "is an encrypted (passphrase-protected) private key"},
		{name: "legacy encrypted", data: pemOf("RSA PRIVATE KEY", []byte{1, 2, 3}, map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00112233445566778899AABBCCDDEEFF"}), mode: 0o600, problem: KeyEncrypted, msg: "openssl pkey -in"},
		{name: "certificate", data: pemOf("CERTIFICATE", certDER, nil), mode: 0o600, problem: KeyCertificate, msg: "holds a certificate (the public half you upload), not the private key"},
		{name: "public key", data: pemOf("PUBLIC KEY", pubDER, nil), mode: 0o600, problem: KeyPublicOnly, msg: "holds a public key, not the private key"},
		{name: "not PEM", data: []byte("client_secret: hunter2\n"), mode: 0o600, problem: KeyNotPEM, msg: "is not a PEM private key"},
		{name: "damaged", data: pemOf("PRIVATE KEY", []byte{48, 1, 1}, nil), mode: 0o600, problem: KeyMalformed, msg: "the PRIVATE KEY block does not parse"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "key.pem", tc.data, tc.mode)
			k, warns, err := LoadKey(p)
			if tc.problem != "" {
				var ke *KeyError
				if !errors.As(err, &ke) || ke.Problem != tc.problem || !errors.Is(err, ErrKeyUnusable) {
					t.Fatalf("err = %v, want problem %s", err, tc.problem)
				}
				if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), p) {
					t.Errorf("message %q lacks %q or the path", err, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Alg != tc.alg {
				t.Errorf("alg = %s, want %s", k.Alg, tc.alg)
			}
			if tc.msg != "" && (len(warns) != 1 || !strings.Contains(warns[0], tc.msg)) {
				t.Errorf("warnings = %q, want %q", warns, tc.msg)
			}
			if tc.msg == "" && len(warns) != 0 {
				t.Errorf("unexpected warnings %q", warns)
			}
			if len(k.ScrubValues()) == 0 {
				t.Error("no scrub values for the PEM body")
			}
			for _, line := range k.ScrubValues() {
				if !strings.Contains(string(tc.data), line) {
					t.Errorf("scrub value %.10s… is not a line of the file", line)
				}
			}
		})
	}
}

func TestLoadKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, _, err := LoadKey(filepath.Join(dir, "absent.pem"))
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Problem != KeyMissing || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
	_, _, err = LoadKey(dir)
	if !errors.As(err, &ke) || ke.Problem != KeyUnreadable || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	if os.Geteuid() != 0 { // root reads anything
		p := writeFile(t, "locked.pem", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey(t, 2048)), nil), 0o000)
		_, _, err = LoadKey(p)
		if !errors.As(err, &ke) || ke.Problem != KeyUnreadable || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("unreadable: %v", err)
		}
	}
}

func TestKeyNeverPrintsMaterial(t *testing.T) {
	k, err := FromSigner(rsaKey(t, 2048), "k.pem")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{k.String(), k.GoString()} {
		if s != "RSA 2048 (RS384)" && s != "jwtauth.Key{RSA 2048 (RS384)}" {
			t.Errorf("printed %q", s)
		}
	}
}
