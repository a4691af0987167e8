package jwtauth

import (
	"crypto/elliptic"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteFilesAndParseJWKS(t *testing.T) {
	dir := t.TempDir()
	k, err := Generate(ES384)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	kid := DefaultKeyID(k, now)
	if !strings.HasPrefix(kid, "20261201-") || len(kid) != 17 {
		t.Errorf("kid %q", kid)
	}
	f, err := k.WriteFiles(dir, kid, now)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(f.Private)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v %v", st.Mode(), err)
	}
	loaded, warns, err := LoadKey(f.Private)
	if err != nil || len(warns) != 0 || !loaded.Matches(k.Public()) {
		t.Fatalf("reload: %v %q", err, warns)
	}
	data, _ := os.ReadFile(f.JWKS)
	if strings.Contains(string(data), `"d"`) {
		t.Fatal("the JWKS holds the private exponent")
	}
	keys, skipped, err := ParseJWKS(data)
	if err != nil || len(skipped) != 0 || len(keys) != 1 || keys[0].KeyID != kid || keys[0].Alg != ES384 || !k.Matches(keys[0].Public) || keys[0].Private {
		t.Fatalf("parse: %+v %q %v", keys, skipped, err)
	}
	if keys[0].Thumbprint != k.Thumbprint() {
		t.Error("thumbprints differ")
	}
	if cert, _ := os.ReadFile(f.Certificate); !strings.Contains(string(cert), "BEGIN CERTIFICATE") {
		t.Error("no certificate")
	}
	// Never overwrite: the same kid again fails and leaves the first files.
	k2, _ := FromSigner(ecKey(t, elliptic.P384()), "x")
	if _, err := k2.WriteFiles(dir, kid, now); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Fatalf("overwrite: %v", err)
	}
	if again, _, _ := LoadKey(f.Private); !again.Matches(k.Public()) {
		t.Fatal("the first key was replaced")
	}
	if _, err := k.WriteFiles(dir, "../escape", now); err == nil {
		t.Error("a kid with a path was accepted")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d files in the key dir", len(entries))
	}
}

func TestParseJWKSReportsBadEntries(t *testing.T) {
	k := must(FromSigner(rsaKey(t, 2048), "r"))
	good, _ := json.Marshal(k.PublicJWK("good"))
	doc := `{"keys":[` + string(good) + `,{"kty":"RSA","kid":"broken"}]}`
	keys, skipped, err := ParseJWKS([]byte(doc))
	if err != nil || len(keys) != 1 || len(skipped) != 1 || !strings.HasPrefix(skipped[0], "keys[1]") {
		t.Fatalf("%+v %q %v", keys, skipped, err)
	}
	for _, bad := range []string{`[]`, `{"keys":3}`, `{}`, `not json`} {
		if _, _, err := ParseJWKS([]byte(bad)); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
	_ = filepath.Join
}
