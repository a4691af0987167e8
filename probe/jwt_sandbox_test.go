package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// jwtShaped is any JWT: an assertion or a token in a report is a leak.
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}`)

// assertNoKeyLeak fails when the report holds a JWT or a line of the PEM.
func assertNoKeyLeak(t *testing.T, keyPath string, rep *Report) {
	t.Helper()
	dump, _ := json.Marshal(rep)
	text := string(dump) + fmt.Sprintf("%+v", rep)
	if m := jwtShaped.FindString(text); m != "" {
		t.Fatalf("report holds a JWT (%.12s…)", m)
	}
	pem, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(pem), "\n") {
		if len(l) > 20 && !strings.HasPrefix(l, "-----") && strings.Contains(text, l) {
			t.Fatal("report holds a line of the private key")
		}
	}
}

func TestEpicScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		top      CauseID
		status   map[string]Status
		evidence []string
	}{
		{"jwt-healthy", CauseOK, map[string]Status{"key": StatusPass, "jwks": StatusPass, "token": StatusPass, "discovery": StatusPass, "fhir.patient": StatusPass},
			[]string{"private_key_jwt advertised", "assertion header: alg RS384, kid " + sandbox.EpicKeyID + ", typ JWT", "signature 256 bytes (not shown)"}},
		{"jwt-key-unknown", CauseJWTKeyUnknown, map[string]Status{"jwks": StatusFail, "token": StatusFail},
			[]string{"key_id " + sandbox.EpicKeyID + " is not in the JWK Set", "(no reason given)"}},
		{"jwt-key-mismatch", CauseJWTKeyMismatch, map[string]Status{"jwks": StatusFail, "token": StatusFail},
			[]string{"is published with another public key"}},
		{"jwt-alg-unsupported", CauseJWTAlgUnsupported, map[string]Status{"discovery": StatusWarn, "jwks": StatusPass, "token": StatusFail},
			[]string{"the key signs ES384; the server accepts RS384"}},
		{"jwt-key-propagating", CauseJWTKeyPropagating, map[string]Status{"jwks": StatusPass, "token": StatusFail},
			[]string{"registered_at", "a new key can take from minutes to a day"}},
		{"jwks-unreachable", CauseJWKSUnreachable, map[string]Status{"jwks": StatusFail, "token": StatusFail},
			[]string{"jwks_url does not answer"}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			srv, opts := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: tt.scenario}, 5*time.Second)
			rep, err := Run(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			text := reportText(rep)
			assertNoPlaceholder(t, text)
			if strings.Contains(text, "Cerner Code Console") {
				t.Errorf("an Epic tenant is sent to Cerner's console:\n%s", text)
			}
			if os.Getenv("DUMP") != "" {
				t.Log(text)
			}
			if rep.Diagnosis.Top != tt.top {
				t.Fatalf("top %s, want %s\n%s", rep.Diagnosis.Top, tt.top, text)
			}
			want := 3
			if tt.top == CauseOK {
				want = 0
			}
			if got := ExitCode(rep.Diagnosis.Top); got != want {
				t.Errorf("exit %d, want %d", got, want)
			}
			for id, st := range tt.status {
				if got := statusOf(rep, id); got != st {
					t.Errorf("%s: %s, want %s\n%s", id, got, st, text)
				}
			}
			for _, e := range tt.evidence {
				if !strings.Contains(text, e) {
					t.Errorf("report lacks %q\n%s", e, text)
				}
			}
			if tt.top == CauseJWTKeyPropagating {
				for _, c := range rep.Diagnosis.Causes {
					if c.ID == CauseJWTKeyPropagating && c.Verdict != VerdictLikely {
						t.Errorf("propagating is %s", c.Verdict)
					}
				}
			}
			for _, c := range rep.Checks {
				if c.ID == "token.encoding" {
					t.Error("a JWT app's report shows the Basic encoding check")
				}
			}
			assertNoLeak(t, srv, rep)
			assertNoKeyLeak(t, srv.EpicKeyPath(), rep)
		})
	}
}

// TestPropagationNeedsEvidence: the same refusal without registered_at (no
// jwks_url) never makes propagation the top cause; --key-uploaded-at does.
func TestPropagationNeedsEvidence(t *testing.T) {
	for _, tc := range []struct {
		name     string
		uploaded time.Duration // ago; 0 = not given
		top      CauseID
		verdict  Verdict
		from     string // KeyUploadedFrom
		evidence string // in the propagation cause's evidence
	}{
		{"no evidence", 0, CauseJWTKeyUnknown, VerdictPossible, "", "probe --key-uploaded-at TIME adds that evidence"},
		{"uploaded minutes ago", 3 * time.Minute, CauseJWTKeyPropagating, VerdictLikely, "", "you uploaded the key ~3 minutes ago (--key-uploaded-at)"},
		{"the wizard's answer", 20 * time.Minute, CauseJWTKeyPropagating, VerdictLikely, "your answer in the wizard", "you uploaded the key ~20 minutes ago (your answer in the wizard)"},
		{"uploaded last week", 7 * 24 * time.Hour, CauseJWTKeyUnknown, VerdictRuledOut, "", "168h0m0s ago (--key-uploaded-at), longer than a sync takes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, opts := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-propagating"}, 5*time.Second)
			opts.Tenant.Cerner.SystemApp.JWKSURL = ""
			now := time.Now()
			opts.Now = func() time.Time { return now }
			if tc.uploaded > 0 {
				opts.KeyUploadedAt, opts.KeyUploadedFrom = now.Add(-tc.uploaded), tc.from
			}
			rep, err := Run(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Diagnosis.Top != tc.top {
				t.Fatalf("top %s, want %s\n%s", rep.Diagnosis.Top, tc.top, reportText(rep))
			}
			for _, c := range rep.Diagnosis.Causes {
				if c.ID != CauseJWTKeyPropagating {
					continue
				}
				if c.Verdict != tc.verdict {
					t.Errorf("propagating %s, want %s", c.Verdict, tc.verdict)
				}
				if all := strings.Join(c.Evidence, "\n"); !strings.Contains(all, tc.evidence) {
					t.Errorf("propagating's evidence lacks %q:\n%s", tc.evidence, all)
				}
			}
		})
	}
}

func statusOf(rep *Report, id string) Status {
	for _, c := range rep.Checks {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}
