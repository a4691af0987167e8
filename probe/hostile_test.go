package probe

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// hostileTimeout is the --timeout of the hostile tests whose server answers
// (badly) at once: generous, so a loaded CI machine running -race never
// turns a prompt answer into a timeout.
const hostileTimeout = 10 * time.Second

// trickleTimeout is the --timeout where the server never finishes: small,
// so a probe that waits for the server instead of its own deadline shows
// against outerDeadline, yet well above what a loaded machine needs for the
// TLS handshake and the first bytes.
const trickleTimeout = 2 * time.Second

// outerDeadline bounds a whole hostile run from outside. A run that reaches it
// was stopped by the test, not by the probe's own per-check timeout.
const outerDeadline = 20 * time.Second

type hostileWant struct {
	status   Status
	contains []string // substrings of the summary
	evidence []string // substrings of the evidence or remedy
	class    TokenClass
}

// runHostile probes a sandbox in a hostile mode and checks that the run ended
// by itself, before the outer deadline.
func runHostile(t *testing.T, so sandbox.Options, timeout time.Duration, only ...string) (*sandbox.Server, *Report) {
	t.Helper()
	srv, opts := startSandbox(t, so, timeout)
	opts.Only = only
	ctx, cancel := context.WithTimeout(context.Background(), outerDeadline)
	defer cancel()
	rep, err := Run(ctx, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the probe ran into the test's outer deadline (%s): its own --timeout %s did not bound it\n%s", outerDeadline, timeout, reportText(rep))
	}
	assertNoLeak(t, srv, rep)
	return srv, rep
}

func TestHostileServers(t *testing.T) {
	tests := []struct {
		name    string
		so      sandbox.Options
		timeout time.Duration // hostileTimeout when zero
		only    []string
		checks  map[string]hostileWant
		top     CauseID // "" = not asserted
		exit    int     // docs/design.md's exit code for top
	}{
		{name: "huge body", so: sandbox.Options{Hostile: sandbox.HostileHugeBody}, only: []string{"discovery", "token"},
			checks: map[string]hostileWant{
				"token":     {StatusFail, []string{"larger than the 1 MiB cap", "stopped reading"}, []string{"body truncated at 1 MiB (the server announced 4294967296 bytes)"}, TokenMalformed},
				"discovery": {StatusFail, []string{"malformed JSON from discovery", "1 MiB cap"}, []string{"announced 4294967296 bytes"}, ""},
			},
			top: CauseServerOutage, exit: 7},
		{name: "byte a second", so: sandbox.Options{Hostile: sandbox.HostileTrickle}, timeout: trickleTimeout, only: []string{"discovery", "token"},
			checks: map[string]hostileWant{
				"token":     {StatusFail, []string{"stalled", "HTTP 200 and ", "body bytes received", "not complete in time (--timeout 2s)"}, []string{"raise --timeout"}, TokenTimeout},
				"discovery": {StatusFail, []string{"stalled", "(--timeout 2s)"}, nil, TokenTimeout},
			},
			top: CauseServerOutage, exit: 7},
		{name: "redirect 307 to another host", so: sandbox.Options{Hostile: sandbox.HostileRedirect}, only: []string{"token"},
			checks: map[string]hostileWant{
				"token": {StatusFail, []string{"token_url redirects to another host", "credentials not forwarded"}, []string{"redirected: 307 → https://", "Authorization header was not forwarded", "token_endpoint that discovery advertises"}, TokenRedirected},
			},
			top: CauseConfigInvalid, exit: 1},
		{name: "redirect 302 to another host", so: sandbox.Options{Hostile: sandbox.HostileRedirect, RedirectStatus: http.StatusFound}, only: []string{"token"},
			checks: map[string]hostileWant{
				"token": {StatusFail, []string{"token_url redirects to another host"}, []string{"redirected: 302 → https://", "Authorization header was not forwarded"}, TokenRedirected},
			},
			top: CauseConfigInvalid, exit: 1},
		{name: "invalid JSON", so: sandbox.Options{Hostile: sandbox.HostileInvalidJSON}, only: []string{"discovery", "token"},
			checks: map[string]hostileWant{
				"token":     {StatusFail, []string{"200 with malformed JSON", "ends in the middle of a value"}, []string{`\"access_token\":[REDACTED]`}, TokenMalformed},
				"discovery": {StatusFail, []string{"malformed JSON from discovery", "ends in the middle of a value"}, nil, ""},
			},
			top: CauseServerOutage, exit: 7},
		{name: "JSON bomb", so: sandbox.Options{Hostile: sandbox.HostileJSONBomb}, only: []string{"discovery", "token"},
			checks: map[string]hostileWant{
				"token":     {StatusFail, []string{"200 with malformed JSON", "nested deeper than 10000 levels (a JSON bomb)"}, nil, TokenMalformed},
				"discovery": {StatusFail, []string{"malformed JSON from discovery", "JSON bomb"}, nil, ""},
			},
			top: CauseServerOutage, exit: 7},
		{name: "huge header", so: sandbox.Options{Hostile: sandbox.HostileHugeHeader}, only: []string{"discovery", "token"},
			checks: map[string]hostileWant{
				"token":     {StatusFail, []string{"more than 256 KiB of headers", "stopped reading"}, nil, TokenMalformed},
				"discovery": {StatusFail, []string{"more than 256 KiB of headers"}, nil, TokenMalformed},
			},
			top: CauseServerOutage, exit: 7},
		{name: "certificate for another host", so: sandbox.Options{Hostile: sandbox.HostileCertWrongHost},
			checks: map[string]hostileWant{
				"tls":   {StatusFail, []string{"certificate is for the wrong host: it names " + sandbox.WrongHostName + ", not 127.0.0.1"}, []string{"check the host in the config"}, ""},
				"token": {StatusFail, []string{"TLS verification failed", "wrong host"}, nil, TokenTLS},
			},
			top: CauseTLS, exit: 2},
		{name: "expired certificate", so: sandbox.Options{Hostile: sandbox.HostileCertExpired},
			checks: map[string]hostileWant{
				"tls":   {StatusFail, []string{"certificate expired on "}, []string{"has expired"}, ""},
				"token": {StatusFail, []string{"TLS verification failed", "certificate expired on "}, nil, TokenTLS},
			},
			top: CauseTLS, exit: 2},
		{name: "untrusted CA", so: sandbox.Options{Hostile: sandbox.HostileCertUntrusted},
			checks: map[string]hostileWant{
				"tls":   {StatusFail, []string{"unknown authority", "Untrusted Inspection CA (FAKE)", "TLS-inspecting proxy"}, []string{"--cacert", "TLS-inspecting proxy"}, ""},
				"token": {StatusFail, []string{"TLS verification failed", "unknown authority"}, nil, TokenTLS},
			},
			top: CauseTLS, exit: 2},
		{name: "connection reset mid-response", so: sandbox.Options{Hostile: sandbox.HostileReset}, only: []string{"discovery", "token"},
			checks: map[string]hostileWant{
				"token":     {StatusFail, []string{"was reset (TCP RST)"}, nil, TokenNetwork},
				"discovery": {StatusFail, []string{"was reset (TCP RST)"}, nil, TokenNetwork},
			},
			top: CauseNetwork, exit: 2},
		{name: "HTTP/2 only", so: sandbox.Options{Hostile: sandbox.HostileH2Only}, timeout: 10 * time.Second,
			checks: map[string]hostileWant{
				"tls":          {StatusPass, []string{"verified"}, []string{"ALPN h2"}, ""},
				"discovery":    {StatusPass, nil, nil, ""},
				"token":        {StatusPass, []string{"token issued"}, nil, TokenOK},
				"fhir.patient": {StatusPass, nil, nil, ""},
			},
			top: CauseOK, exit: 0},
		{name: "TLS 1.0 only", so: sandbox.Options{Hostile: sandbox.HostileTLS10},
			checks: map[string]hostileWant{
				"tls":   {StatusFail, []string{"server offers only TLS 1.0", "requires TLS 1.2 or later"}, []string{"RFC 8996"}, ""},
				"token": {StatusFail, []string{"TLS handshake", "protocol version not supported"}, nil, TokenTLS},
			},
			top: CauseTLS, exit: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			timeout := tt.timeout
			if timeout == 0 {
				timeout = hostileTimeout
			}
			srv, rep := runHostile(t, tt.so, timeout, tt.only...)
			text := reportText(rep)
			got := resultsByID(rep.Checks)
			for id, want := range tt.checks {
				c := got[id]
				if c.Status != want.status {
					t.Errorf("%s = %s %q, want %s\n%s", id, c.Status, c.Summary, want.status, text)
					continue
				}
				for _, s := range want.contains {
					if !strings.Contains(c.Summary, s) {
						t.Errorf("%s summary %q lacks %q", id, c.Summary, s)
					}
				}
				detail := strings.Join(c.Evidence, "\n") + "\n" + c.Remedy
				for _, s := range want.evidence {
					if !strings.Contains(detail, s) {
						t.Errorf("%s evidence/remedy lacks %q:\n%s", id, s, detail)
					}
				}
				if want.class != "" && (c.Facts == nil || TokenClass(c.Facts.Class) != want.class) {
					t.Errorf("%s facts %+v, want class %s", id, c.Facts, want.class)
				}
			}
			if tt.top != "" && (rep.Diagnosis.Top != tt.top || ExitCode(rep.Diagnosis.Top) != tt.exit) {
				t.Errorf("top %s (exit %d), want %s (exit %d)\n%s", rep.Diagnosis.Top, ExitCode(rep.Diagnosis.Top), tt.top, tt.exit, text)
			}
			if tt.so.Hostile == sandbox.HostileRedirect {
				total, withAuth := srv.OtherHostRequests()
				if total == 0 {
					t.Errorf("the redirect was not followed: the other host saw no request")
				}
				if withAuth != 0 {
					t.Errorf("the Authorization header followed the redirect to %s (%d of %d requests)", srv.OtherHost(), withAuth, total)
				}
			}
			if tt.so.Hostile == sandbox.HostileCertExpired {
				day := srv.LeafCertificate().NotAfter.UTC().Format(time.DateOnly)
				if s := got["tls"].Summary; !strings.Contains(s, "expired on "+day) {
					t.Errorf("tls summary %q does not name the expiry date %s", s, day)
				}
			}
		})
	}
}

// TestHostileHugeBodyMemory checks the 1 MiB cap by its effect: probing a
// server that streams 4 GiB allocates a few MiB, not gigabytes. It is not
// parallel, so that TotalAlloc counts this run (sandbox included) alone.
func TestHostileHugeBodyMemory(t *testing.T) {
	const budget = 50 << 20
	srv, opts := startSandbox(t, sandbox.Options{Hostile: sandbox.HostileHugeBody}, 2*time.Second)
	opts.Only = []string{"discovery", "token"}
	ctx, cancel := context.WithTimeout(context.Background(), outerDeadline)
	defer cancel()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rep, err := Run(ctx, opts, nil)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the probe ran into the outer deadline")
	}
	used := after.TotalAlloc - before.TotalAlloc
	t.Logf("probing a 4 GiB answer allocated %.1f MiB", float64(used)/(1<<20))
	if used > budget {
		t.Fatalf("probing a 4 GiB answer allocated %d MiB (budget %d MiB): the body cap does not hold", used>>20, budget>>20)
	}
	if tok := resultsByID(rep.Checks)["token"]; !strings.Contains(tok.Summary, "1 MiB cap") {
		t.Fatalf("token %s %q: the cap is not reported", tok.Status, tok.Summary)
	}
	assertNoLeak(t, srv, rep)
}

// TestHostileRequestToken runs the wizard's and rotate's token test against
// the hostile token endpoints: same protections, same messages.
func TestHostileRequestToken(t *testing.T) {
	tests := []struct {
		mode    string
		summary string
		cause   CauseID
	}{
		{sandbox.HostileRedirect, "token_url redirects to another host", CauseConfigInvalid},
		{sandbox.HostileHugeBody, "larger than the 1 MiB cap", CauseServerOutage},
		{sandbox.HostileTrickle, "(--timeout 2s)", CauseServerOutage},
		{sandbox.HostileCertUntrusted, "unknown authority", CauseTLS},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			timeout := hostileTimeout
			if tt.mode == sandbox.HostileTrickle {
				timeout = trickleTimeout
			}
			srv, opts := startSandbox(t, sandbox.Options{Hostile: tt.mode}, timeout)
			ctx, cancel := context.WithTimeout(context.Background(), outerDeadline)
			defer cancel()
			app := opts.Tenant.Cerner.SystemApp
			out := RequestToken(ctx, opts, app.ClientID, app.ClientSecret)
			if ctx.Err() != nil {
				t.Fatal("RequestToken ran into the outer deadline")
			}
			if out.OK || out.Cause != tt.cause || !strings.Contains(out.Summary, tt.summary) {
				t.Fatalf("RequestToken: ok %v, cause %s, summary %q; want cause %s and %q", out.OK, out.Cause, out.Summary, tt.cause, tt.summary)
			}
			if _, withAuth := srv.OtherHostRequests(); withAuth != 0 {
				t.Fatal("the Authorization header followed the redirect")
			}
		})
	}
}
