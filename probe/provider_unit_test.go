package probe

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestPKCEVector is RFC 7636 appendix B: the S256 challenge of the
// appendix's verifier, through the same oauth2 calls the round trip makes.
func TestPKCEVector(t *testing.T) {
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if got := oauth2.S256ChallengeFromVerifier(verifier); got != challenge {
		t.Fatalf("S256(%s) = %s, want %s", verifier, got, challenge)
	}
	cfg := oauth2.Config{ClientID: "FAKE-client", Endpoint: oauth2.Endpoint{AuthURL: "https://auth.example/authorize"}}
	u, err := url.Parse(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("code_challenge") != challenge || q.Get("code_challenge_method") != "S256" {
		t.Errorf("authorize URL query %v", q)
	}
}

func TestParseLoopbackRedirect(t *testing.T) {
	tests := []struct {
		raw   string
		addrs []string
		path  string
		bad   string // substring of the error
	}{
		{raw: "http://127.0.0.1:8765/callback", addrs: []string{"127.0.0.1:8765"}, path: "/callback"},
		{raw: "http://localhost:9000/cb/", addrs: []string{"127.0.0.1:9000", "[::1]:9000"}, path: "/cb/"},
		{raw: "http://[::1]:7000", addrs: []string{"[::1]:7000"}, path: "/"},
		{raw: "https://127.0.0.1:8765/callback", bad: "plain http"},
		{raw: "http://127.0.0.1/callback", bad: "no explicit port"},
		{raw: "https://app.example.com/callback", bad: "not to this machine"},
		{raw: "http://192.168.1.10:8765/callback", bad: "not to this machine"},
		{raw: "com.example.app:/callback", bad: "not an absolute URL"},
		{raw: "/callback", bad: "not an absolute URL"},
		{raw: "http://127.0.0.1:8765/cb#frag", bad: "fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			r, err := parseLoopbackRedirect(tt.raw)
			if tt.bad != "" {
				if err == nil || !errors.Is(err, ErrRedirectNotLoopback) || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("err = %v, want ErrRedirectNotLoopback mentioning %q", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(r.addrs, ",") != strings.Join(tt.addrs, ",") || r.path != tt.path || r.raw != tt.raw {
				t.Errorf("got %+v", r)
			}
		})
	}
}

func TestClassifyProviderError(t *testing.T) {
	const base = "https://authorization.cerner.com/errors/"
	tests := []struct {
		name, code, desc, uri string
		class                 ProviderClass
		cause                 CauseID
		remedy                string
	}{
		{"launch code required", "invalid_request", "", base + "urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Agrant%3Alaunch%3Acode-required/instances/abc?client=x&tenant=y",
			ProviderLaunchCodeRequired, CauseScopeNotGranted, "launch/patient"},
		{"missing patient", "invalid_request", "", base + "urn:cerner:error:authorization-server:oauth2:grant:missing-patient/instances/abc",
			ProviderMissingPatient, CauseScopeNotGranted, "Pick a patient"},
		{"expired code", "invalid_grant", "", base + "urn:cerner:error:authorization-server:oauth2:token:code-invalid-or-expired/instances/1",
			ProviderCodeInvalid, CauseClientUnknown, "exactly once"},
		{"redirect mismatch", "invalid_grant", "", base + "urn:cerner:error:authorization-server:oauth2:token:redirect-uri-mismatch/instances/1",
			ProviderRedirectMismatch, CauseClientUnknown, "trailing slash"},
		{"verifier", "invalid_grant", "", base + "urn:cerner:error:authorization-server:oauth2:token:pkce:invalid-code-verifier/instances/1",
			ProviderVerifierMismatch, CauseClientUnknown, "S256"},
		{"invalid scope without URN", "invalid_scope", "patient/*.*", "", ProviderInvalidScope, CauseScopeNotGranted, "wildcards"},
		{"access denied", "access_denied", "the user denied the request", "", ProviderAccessDenied, CauseClientUnknown, "Allow"},
		{"basic for public client", "invalid_client", "", base + "urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials/instances/1",
			ProviderClientRejected, CauseClientUnknown, "no Authorization header"},
		{"server error", "server_error", "", "", ProviderTransport, CauseServerOutage, "retry"},
		{"unknown", "weird_error", "", "", ProviderAuthorizeError, CauseClientUnknown, "registration in {console}"}, // the tenant's words come in at finish
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ev := classifyProviderError(tt.code, tt.desc, tt.uri)
			if a.class != tt.class || a.cause != tt.cause || !strings.Contains(a.remedy, tt.remedy) {
				t.Errorf("got %s/%s %q", a.class, a.cause, a.remedy)
			}
			if len(ev) == 0 || !strings.Contains(ev[0], tt.code) {
				t.Errorf("evidence %q lacks the error code", ev)
			}
		})
	}
}

func FuzzClassifyProviderError(f *testing.F) {
	f.Add("invalid_request", "desc", "https://authorization.cerner.com/errors/urn:cerner:error:x:grant:launch:code-required/instances/1")
	f.Add("access_denied", "", "")
	f.Add("", "\x00\n", "urn:%zz")
	f.Fuzz(func(t *testing.T, code, desc, uri string) {
		a, ev := classifyProviderError(code, desc, uri)
		if a.class == "" || a.summary == "" || a.remedy == "" {
			t.Fatalf("incomplete answer %+v", a)
		}
		for _, e := range append(ev, a.summary) {
			if strings.ContainsAny(e, "\n\r\x00") {
				t.Fatalf("control character in %q", e)
			}
		}
	})
}

// TestProviderWaitEnds covers the ways the wait ends without a redirect:
// the listener is closed in every one.
func TestProviderWaitEnds(t *testing.T) {
	tests := []struct {
		name   string
		opts   func(cancel context.CancelFunc) ProviderOptions
		status Status
		class  ProviderClass
	}{
		{name: "timeout", status: StatusFail, class: ProviderTimeout, opts: func(context.CancelFunc) ProviderOptions {
			return ProviderOptions{ShowURL: func(string) {}, Timeout: 20 * time.Millisecond}
		}},
		{name: "cancelled", status: StatusSkip, class: ProviderCancelled, opts: func(cancel context.CancelFunc) ProviderOptions {
			// The user gives up as soon as the link is on screen.
			return ProviderOptions{ShowURL: func(string) { cancel() }}
		}},
		{name: "browser fails, link shown", status: StatusSkip, class: ProviderCancelled, opts: func(cancel context.CancelFunc) ProviderOptions {
			return ProviderOptions{OpenURL: func(string) error { return errors.New("no display") }, ShowURL: func(string) { cancel() }}
		}},
		{name: "nothing can show the link", status: StatusFail, class: ProviderNotConfigured, opts: func(context.CancelFunc) ProviderOptions {
			return ProviderOptions{}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, opts := providerSandbox(t, false)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := ProviderRoundTrip(ctx, opts, tt.opts(cancel))
			if out.Status != tt.status || out.Class != tt.class {
				t.Fatalf("got %s/%s: %s", out.Status, out.Class, out.Summary)
			}
			assertClosed(t, opts.Tenant.Cerner.ProviderApp.RedirectURI)
		})
	}
}

func TestProviderPortBusy(t *testing.T) {
	_, opts := providerSandbox(t, true)
	u, _ := url.Parse(opts.Tenant.Cerner.ProviderApp.RedirectURI)
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	out := ProviderRoundTrip(context.Background(), opts, ProviderOptions{OpenURL: func(string) error {
		t.Error("the browser must not open when nothing can receive the redirect")
		return nil
	}})
	if out.Class != ProviderListenFailed || !strings.Contains(out.Remedy, u.Host) {
		t.Fatalf("got %s: %s / %s", out.Class, out.Summary, out.Remedy)
	}
}

// TestProviderAuthorizeCheck runs the non-interactive check in a probe of
// the sandbox, as `probe` does.
func TestProviderAuthorizeCheck(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(o *Options)
		status Status
		want   string
	}{
		{name: "healthy", status: StatusPass, want: "S256 advertised"},
		{name: "no provider app", edit: func(o *Options) { o.Tenant.Cerner.ProviderApp = nil }, status: StatusSkip, want: "no provider_app"},
		{name: "remote redirect", edit: func(o *Options) { o.Tenant.Cerner.ProviderApp.RedirectURI = "https://app.example.com/cb" },
			status: StatusWarn, want: "cannot run here"},
		{name: "redirect mismatch", edit: func(o *Options) { o.Tenant.Cerner.ProviderApp.RedirectURI += "/" },
			status: StatusWarn, want: "refuses the app before sign-in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, opts := providerSandbox(t, false)
			app := *opts.Tenant.Cerner.ProviderApp
			opts.Tenant.Cerner.ProviderApp = &app
			opts.Only = []string{ProviderAuthorizeID}
			if tt.edit != nil {
				tt.edit(&opts)
			}
			rep, err := Run(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got *CheckResult
			for i := range rep.Checks {
				if rep.Checks[i].ID == ProviderAuthorizeID {
					got = &rep.Checks[i]
				}
			}
			if got == nil || got.Status != tt.status || !strings.Contains(got.Summary+strings.Join(got.Evidence, "\n"), tt.want) {
				t.Fatalf("got %+v", got)
			}
			if ExitCode(rep.Diagnosis.Top) != 0 {
				t.Errorf("a provider warning must not change the exit code: top %s", rep.Diagnosis.Top)
			}
		})
	}
}

// TestProviderOutcomeInDiagnosis: a failed round trip becomes the
// diagnosis's top cause with its own remedy as the fix.
func TestProviderOutcomeInDiagnosis(t *testing.T) {
	rep := &Report{Checks: []CheckResult{
		{ID: "config", Result: Result{Status: StatusPass}},
		{ID: "token", Result: Result{Status: StatusPass, Facts: &Facts{Class: string(TokenOK), HTTPStatus: 200, OAuthJSON: true}}},
	}}
	rep.Diagnosis = Diagnose(rep.Checks)
	if rep.Diagnosis.Top != CauseOK {
		t.Fatalf("top %s", rep.Diagnosis.Top)
	}
	out := ProviderOutcome{Status: StatusFail, Class: ProviderLaunchCodeRequired, Cause: CauseScopeNotGranted,
		Summary: "launch without a launch code", Remedy: "remove `launch`"}
	out.AddTo(rep)
	if rep.Diagnosis.Top != CauseScopeNotGranted || ExitCode(rep.Diagnosis.Top) != 5 {
		t.Fatalf("top %s", rep.Diagnosis.Top)
	}
	c := rep.Diagnosis.Causes[0]
	if c.Verdict != VerdictConfirmed || c.Fix != "remove `launch`" || rep.Checks[len(rep.Checks)-1].ID != ProviderRoundTripID {
		t.Errorf("cause %+v", c)
	}
}
