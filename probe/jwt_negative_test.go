package probe

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestKeyFileProblems: each way a key file cannot sign is a precise
// message and private-key-unreadable (exit 1); a world-readable key is a
// warning and the probe still passes.
func TestKeyFileProblems(t *testing.T) {
	short, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		write   func(t *testing.T, keyPath string) // changes the sandbox's key file
		top     CauseID
		keyStat Status
		msg     string
	}{
		{"world-readable", func(t *testing.T, p string) { must(t, os.Chmod(p, 0o644)) }, CauseOK, StatusWarn, "is mode 0644: other users can read the private key"},
		{"missing", func(t *testing.T, p string) { must(t, os.Remove(p)) }, CausePrivateKeyUnreadable, StatusFail, "does not exist"},
		{"encrypted PEM", func(t *testing.T, p string) {
			must(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{48, 0}}), 0o600))
		}, CausePrivateKeyUnreadable, StatusFail, "is an encrypted (passphrase-protected) private key"},
		{"certificate instead of key", func(t *testing.T, p string) {
			ca, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "ca.pem"))
			must(t, os.WriteFile(p, ca, 0o600))
		}, CausePrivateKeyUnreadable, StatusFail, "holds a certificate (the public half you upload), not the private key"},
		{"1024-bit RSA", func(t *testing.T, p string) {
			must(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(short)}), 0o600))
		}, CausePrivateKeyUnreadable, StatusFail, "is a 1024-bit RSA key; SMART Backend Services (and Epic) need at least 2048 bits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, opts := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-healthy"}, 5*time.Second)
			tc.write(t, srv.EpicKeyPath())
			rep, err := Run(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			text := reportText(rep)
			if rep.Diagnosis.Top != tc.top {
				t.Fatalf("top %s, want %s\n%s", rep.Diagnosis.Top, tc.top, text)
			}
			if tc.top == CausePrivateKeyUnreadable && ExitCode(tc.top) != 1 {
				t.Error("private-key-unreadable must exit 1")
			}
			if got := statusOf(rep, "key"); got != tc.keyStat {
				t.Errorf("key check %s, want %s", got, tc.keyStat)
			}
			if !strings.Contains(text, tc.msg) {
				t.Errorf("report lacks %q\n%s", tc.msg, text)
			}
		})
	}
}

// TestRetriedRequestIsANewAssertion: the Epic sandbox refuses a jti it has
// seen, so two token requests in a row both succeed only when each signs
// a new assertion.
func TestRetriedRequestIsANewAssertion(t *testing.T) {
	srv, opts := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-healthy"}, 5*time.Second)
	key, _, err := jwtauth.LoadKey(srv.EpicKeyPath())
	if err != nil {
		t.Fatal(err)
	}
	app := opts.Tenant.Cerner.SystemApp
	for i := range 3 {
		out := RequestTokenWithKey(context.Background(), opts, app.ClientID, key, app.KeyID)
		if !out.OK {
			t.Fatalf("request %d refused: %s (%q)", i+1, out.Summary, srv.Refusals())
		}
		if strings.Contains(strings.Join(out.Evidence, "\n"), "eyJ") {
			t.Fatal("evidence holds a JWT")
		}
	}
	// The scopes check retries per scope: each retry must be fresh too.
	opts.Tenant.Cerner.SystemApp.Scopes = append(opts.Tenant.Cerner.SystemApp.Scopes, "system/Composition.read")
	rep, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := statusOf(rep, "scopes"); st == StatusSkip || st == "" {
		t.Fatalf("the scopes check did not retry: %s\n%s", st, reportText(rep))
	}
	for _, r := range srv.Refusals() {
		if strings.HasPrefix(r, sandbox.RefusedReplay) {
			t.Fatalf("a request replayed a jti: %s\n%s", r, reportText(rep))
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestJWTClockSkew: an assertion dies by clock. With the server's clock 10
// minutes ahead, the refusal is explained by the skew the clock check
// measured, not by the key.
func TestJWTClockSkew(t *testing.T) {
	ahead := func() time.Time { return time.Now().Add(10 * time.Minute) }
	srv, opts := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-healthy", Now: ahead}, 5*time.Second)
	rep, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Diagnosis.Top != CauseClockSkew || ExitCode(rep.Diagnosis.Top) != 2 {
		t.Fatalf("top %s, want clock-skew\n%s\nrefusals %q", rep.Diagnosis.Top, reportText(rep), srv.Refusals())
	}
	if r := srv.Refusals(); len(r) == 0 || !strings.HasPrefix(r[0], sandbox.RefusedExpiry) {
		t.Errorf("the sandbox refused for %q, want an expired assertion", r)
	}
}
