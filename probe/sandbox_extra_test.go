package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

const quirkySecret = "FAKE+secret/with=reserved"

func TestTokenEncodingAgainstSandbox(t *testing.T) {
	tests := []struct {
		name     string
		rawBasic bool
		status   Status
		top      CauseID
		summary  string
	}{
		{"server wants raw", true, StatusWarn, CauseConfigInvalid, "accepts raw id and secret"},
		{"server wants RFC form", false, StatusSkip, CauseOK, "runs only when"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, opts := startSandbox(t, sandbox.Options{RawBasic: tt.rawBasic, ClientSecret: quirkySecret}, 10*time.Second)
			if opts.Tenant.Cerner.SystemApp.ClientSecret.Reveal() != quirkySecret {
				t.Fatalf("sandbox config holds secret %s, want the quirky one", opts.Tenant.Cerner.SystemApp.ClientSecret)
			}
			rep, err := Run(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			enc := resultsByID(rep.Checks)["token.encoding"]
			if enc.Status != tt.status || !strings.Contains(enc.Summary, tt.summary) || rep.Diagnosis.Top != tt.top {
				t.Fatalf("token.encoding %s %q, top %s\n%s", enc.Status, enc.Summary, rep.Diagnosis.Top, reportText(rep))
			}
			assertNoLeak(t, srv, rep, quirkySecret, basicValue(srv.ClientID(), quirkySecret, encodingRaw), basicValue(srv.ClientID(), quirkySecret, encodingForm))
		})
	}
}

func TestRequestToken(t *testing.T) {
	srv, opts := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"}, 10*time.Second)
	old := opts.Tenant.Cerner.SystemApp.ClientSecret
	out := RequestToken(context.Background(), opts, srv.ClientID(), old)
	if out.OK || out.Cause != CauseSecretInvalid || out.HTTPStatus != 401 || out.CorrelationID == "" {
		t.Fatalf("old secret: %+v", out)
	}
	id, fresh := srv.Regenerate()
	out = RequestToken(context.Background(), opts, id, config.NewSecret(fresh))
	if !out.OK || out.Cause != CauseOK || out.ExpiresIn != 570 || out.Token.IsZero() || len(out.Granted) == 0 {
		t.Fatalf("new secret: %+v", out)
	}
	text := out.Summary + strings.Join(out.Evidence, "\n") + out.Remedy
	for _, s := range append(srv.Secrets(), srv.IssuedTokens()...) {
		if strings.Contains(text, s) {
			t.Fatal("TokenOutcome leaks a credential")
		}
	}
}

func TestTLSUnknownAuthorityAndCACert(t *testing.T) {
	srv, opts := startSandbox(t, sandbox.Options{}, 10*time.Second)
	opts.RootCAs = nil // system roots only: the sandbox CA is unknown
	t.Setenv("SSL_CERT_FILE", "")
	rep, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	tlsRes := resultsByID(rep.Checks)["tls"]
	if tlsRes.Status != StatusFail || !strings.Contains(tlsRes.Summary, "unknown authority") || !strings.Contains(tlsRes.Remedy, "--cacert") || rep.Diagnosis.Top != CauseTLS {
		t.Fatalf("tls %s %q %q, top %s", tlsRes.Status, tlsRes.Summary, tlsRes.Remedy, rep.Diagnosis.Top)
	}
	opts.CAFile = srv.Info().CAFile
	rep, err = Run(context.Background(), opts, nil)
	if err != nil || rep.Diagnosis.Top != CauseOK {
		t.Fatalf("with --cacert: %v, top %s\n%s", err, rep.Diagnosis.Top, reportText(rep))
	}
	opts.CAFile = "/nonexistent/ca.pem"
	if _, err := Run(context.Background(), opts, nil); err == nil || !strings.Contains(err.Error(), "--cacert") {
		t.Fatalf("bad --cacert: %v", err)
	}
}
