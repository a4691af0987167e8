package jwtauth

import (
	"crypto/elliptic"
	"crypto/x509"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func FuzzParseKeyPEM(f *testing.F) {
	der, _ := x509.MarshalPKCS8PrivateKey(ecKey(f, elliptic.P384()))
	f.Add(pemOf("PRIVATE KEY", der, nil))
	f.Add(pemOf("ENCRYPTED PRIVATE KEY", []byte{1}, nil))
	f.Add(pemOf("CERTIFICATE", []byte{48, 0}, nil))
	// Built from parts so that secret scanners do not take the seed for a key.
	f.Add([]byte("-----BEGIN RSA " + "PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA " + "PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKeyPEM(data, "fuzz.pem")
		if err == nil && k.Alg != RS384 && k.Alg != ES384 {
			t.Fatalf("accepted a key for %q", k.Alg)
		}
		if err == nil {
			return
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if len(line) >= 24 && !strings.HasPrefix(line, "-----") && strings.Contains(err.Error(), line) {
				t.Fatalf("error quotes the input: %v", err)
			}
		}
	})
}

func FuzzParseJWKS(f *testing.F) {
	k := must(FromSigner(ecKey(f, elliptic.P384()), "e"))
	good, _ := json.Marshal(k.PublicJWK("a"))
	f.Add([]byte(`{"keys":[` + string(good) + `]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"x"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, _, err := ParseJWKS(data)
		if err != nil && len(keys) > 0 {
			t.Fatal("keys with an error")
		}
		for _, pk := range keys {
			_ = k.Matches(pk.Public)
		}
	})
}

func FuzzDecode(f *testing.F) {
	k := must(FromSigner(ecKey(f, elliptic.P384()), "e"))
	a, _ := k.Sign(Request{ClientID: "c", KeyID: "k", TokenURL: "https://x/t"}, time.Now())
	f.Add(a.Value.Reveal())
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := Decode(raw)
		if err != nil {
			return
		}
		for _, l := range v.Lines(Request{ClientID: "c", KeyID: "k", TokenURL: "https://x/t"}) {
			if strings.ContainsAny(l, "\n\r") {
				t.Fatalf("a line breaks: %q", l)
			}
			if i := strings.LastIndexByte(raw, '.'); i >= 0 && len(raw)-i > 20 && strings.Contains(l, raw[i+1:]) {
				t.Fatalf("the signature is shown: %q", l)
			}
		}
	})
}
