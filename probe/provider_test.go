package probe

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// freeRedirect returns a loopback redirect_uri on a port nothing listens
// on now, for the sandbox to register and the round trip to serve.
func freeRedirect(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/callback"
}

// browser plays the user's browser: it trusts the sandbox's CA, keeps what
// it saw (for leak checks) and, unless autoApprove, signs in on the consent
// page by posting the form.
type browser struct {
	t       *testing.T
	srv     *sandbox.Server
	client  *http.Client
	decide  string // "approve" (default) or "deny"
	patient string // the patient picked on the consent page
	// tamper, when set, rewrites the authorize URL before it is visited.
	tamper func(*url.URL)
	// beforeRedirect, when set, sees the redirect to the loopback listener
	// before the browser follows it.
	beforeRedirect func(*url.URL)

	mu        sync.Mutex
	seen      []string // codes and states the browser saw
	lastPage  string
	lastState int
}

func newBrowser(t *testing.T, srv *sandbox.Server) *browser {
	b := &browser{t: t, srv: srv, decide: "approve", patient: sandbox.TestPatientID}
	b.client = &http.Client{
		Transport: &http.Transport{TLSClientConfig: tlsConfigFor(srv)},
		// One hop at a time: the test looks at each redirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return b
}

func tlsConfigFor(srv *sandbox.Server) *tls.Config { return &tls.Config{RootCAs: srv.CertPool()} }

var requestIDRE = regexp.MustCompile(`name="request_id" value="([^"]+)"`)

// open is ProviderOptions.OpenURL: it follows the link the way a browser
// does, posting the sign-in form when the sandbox shows it.
func (b *browser) open(link string) error {
	next, err := url.Parse(link)
	if err != nil {
		return err
	}
	var resp *http.Response
	form := url.Values(nil)
	for hop := 0; hop < 10; hop++ {
		if strings.Contains(next.Path, "/authorize") && b.tamper != nil && form == nil {
			b.tamper(next)
		}
		if next.Hostname() == "127.0.0.1" && next.Query().Has("state") {
			b.mu.Lock()
			b.seen = append(b.seen, next.Query().Get("code"), next.Query().Get("state"))
			b.mu.Unlock()
			if b.beforeRedirect != nil {
				b.beforeRedirect(next)
			}
		}
		if form != nil {
			resp, err = b.client.PostForm(next.String(), form)
			form = nil
		} else {
			resp, err = b.client.Get(next.String())
		}
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		b.mu.Lock()
		b.lastPage, b.lastState = string(body), resp.StatusCode
		b.mu.Unlock()
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			if next, err = next.Parse(resp.Header.Get("Location")); err != nil {
				return err
			}
		case resp.StatusCode == http.StatusOK && requestIDRE.Match(body):
			id := requestIDRE.FindSubmatch(body)[1]
			form = url.Values{"request_id": {string(id)}, "username": {"portal"}, "password": {"portal"},
				"decision": {b.decide}, "patient": {b.patient}}
			next, _ = url.Parse(b.srv.Info().AuthorizeURL)
		default:
			return nil // a final page: the sandbox's error page or fhirdoctor's "close this tab"
		}
	}
	return fmt.Errorf("too many redirects")
}

func (b *browser) page() (int, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastState, b.lastPage
}

// providerSandbox starts a sandbox whose provider app redirects to a free
// loopback port, and returns probe options for its tenant.
func providerSandbox(t *testing.T, autoApprove bool) (*sandbox.Server, Options) {
	t.Helper()
	return startSandbox(t, sandbox.Options{AutoApprove: autoApprove, ProviderRedirectURI: freeRedirect(t)}, 10*time.Second)
}

// assertProviderNoLeak fails when the outcome holds a token, code or
// JWT-looking value.
func assertProviderNoLeak(t *testing.T, srv *sandbox.Server, out ProviderOutcome, extra ...string) {
	t.Helper()
	dump, _ := json.Marshal(out)
	text := string(dump) + fmt.Sprintf("%+v", out)
	for _, s := range append(srv.IssuedTokens(), extra...) {
		if len(s) >= 8 && strings.Contains(text, s) {
			t.Fatalf("outcome leaks a token or code (fingerprint %s)", config.Fingerprint(s))
		}
	}
	if jwt := regexp.MustCompile(`[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}`).FindString(text); jwt != "" {
		t.Fatalf("outcome holds a JWT-looking value (fingerprint %s)", config.Fingerprint(jwt))
	}
}

// assertClosed fails when something still listens on the redirect's port.
func assertClosed(t *testing.T, redirectURI string) {
	t.Helper()
	u, _ := url.Parse(redirectURI)
	if c, err := net.Dial("tcp", u.Host); err == nil {
		c.Close()
		t.Errorf("the loopback listener on %s is still open", u.Host)
	}
}

func TestProviderRoundTrip(t *testing.T) {
	tests := []struct {
		name        string
		autoApprove bool
		setup       func(b *browser, p *ProviderOptions, o *Options)
		wantStatus  Status
		wantClass   ProviderClass
		wantCause   CauseID
		want        []string // substrings of summary, evidence and remedy
		noBrowser   bool     // the browser must not have been opened
	}{
		{name: "auto-approve", autoApprove: true, wantStatus: StatusPass, wantClass: ProviderOK,
			want: []string{"patient 12724066", "expires in 570 s", "Patient/12724066: SMART, Nancy", "signature not verified", "fhirUser=", "no Authorization header",
				"id_token verified (kid sandbox-", "ES256; iss https://127.0.0.1:", ", aud, exp ", ", nonce)"}},
		{name: "id_token with another nonce", autoApprove: true, setup: func(b *browser, _ *ProviderOptions, _ *Options) {
			b.tamper = func(u *url.URL) {
				q := u.Query()
				q.Set("nonce", "forged-"+q.Get("nonce"))
				u.RawQuery = q.Encode()
			}
		}, wantStatus: StatusWarn, wantClass: ProviderOK, want: []string{"id_token not verified: nonce differs from the one sent with the sign-in"}},
		{name: "id_token without the nonce", autoApprove: true, setup: func(b *browser, _ *ProviderOptions, _ *Options) {
			b.tamper = func(u *url.URL) {
				q := u.Query()
				q.Del("nonce")
				u.RawQuery = q.Encode()
			}
		}, wantStatus: StatusWarn, wantClass: ProviderOK, want: []string{"id_token not verified: the nonce sent with the sign-in is missing from the id_token"}},
		{name: "sign-in form", wantStatus: StatusPass, wantClass: ProviderOK,
			want: []string{"patient 12724066", "Patient/12724066"}},
		{name: "other patient picked", setup: func(b *browser, _ *ProviderOptions, _ *Options) { b.patient = "12724067" },
			wantStatus: StatusPass, wantClass: ProviderOK, want: []string{"patient 12724067", "Patient/12724067: SMART, Joe"}},
		{name: "wrong state", autoApprove: true, setup: func(b *browser, _ *ProviderOptions, _ *Options) {
			b.tamper = func(u *url.URL) {
				q := u.Query()
				q.Set("state", "forged-"+q.Get("state"))
				u.RawQuery = q.Encode()
			}
		}, wantStatus: StatusFail, wantClass: ProviderStateMismatch, wantCause: CauseClientUnknown, want: []string{"CSRF", "stale"}},
		{name: "wrong verifier", autoApprove: true, setup: func(_ *browser, p *ProviderOptions, _ *Options) {
			p.tamperVerifier = func(string) string { return oauth2.GenerateVerifier() }
		}, wantStatus: StatusFail, wantClass: ProviderVerifierMismatch, wantCause: CauseClientUnknown, want: []string{"code_verifier", "invalid-code-verifier"}},
		{name: "reused code", autoApprove: true, setup: func(b *browser, _ *ProviderOptions, _ *Options) {
			// Someone else redeems the code first, as a replaying client would.
			b.beforeRedirect = func(u *url.URL) {
				resp, err := b.client.PostForm(b.srv.Info().TokenURL, url.Values{"grant_type": {"authorization_code"},
					"code": {u.Query().Get("code")}, "client_id": {sandbox.ProviderClientID},
					"redirect_uri": {(&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()}, "code_verifier": {oauth2.GenerateVerifier()}})
				if err == nil {
					resp.Body.Close()
				}
			}
		}, wantStatus: StatusFail, wantClass: ProviderCodeInvalid, wantCause: CauseClientUnknown, want: []string{"code-invalid-or-expired", "exactly once"}},
		{name: "access denied", setup: func(b *browser, _ *ProviderOptions, _ *Options) { b.decide = "deny" },
			wantStatus: StatusFail, wantClass: ProviderAccessDenied, wantCause: CauseClientUnknown, want: []string{"access_denied", "Allow"}},
		{name: "missing patient", setup: func(b *browser, _ *ProviderOptions, _ *Options) { b.patient = "" },
			wantStatus: StatusFail, wantClass: ProviderMissingPatient, wantCause: CauseScopeNotGranted, want: []string{"missing-patient", "launch/patient"}},
		{name: "launch without launch code", autoApprove: true, noBrowser: true, setup: func(_ *browser, _ *ProviderOptions, o *Options) {
			o.Tenant.Cerner.ProviderApp.Scopes = append([]string{"launch"}, o.Tenant.Cerner.ProviderApp.Scopes...)
		}, wantStatus: StatusFail, wantClass: ProviderLaunchCodeRequired, wantCause: CauseScopeNotGranted, want: []string{"launch:code-required", "remove `launch`", "no browser was opened"}},
		{name: "invalid scope", autoApprove: true, noBrowser: true, setup: func(_ *browser, _ *ProviderOptions, o *Options) {
			o.Tenant.Cerner.ProviderApp.Scopes = []string{"patient/*.*"}
		}, wantStatus: StatusFail, wantClass: ProviderInvalidScope, wantCause: CauseScopeNotGranted, want: []string{"invalid_scope"}},
		{name: "redirect mismatch", autoApprove: true, noBrowser: true, setup: func(_ *browser, _ *ProviderOptions, o *Options) {
			o.Tenant.Cerner.ProviderApp.RedirectURI = strings.TrimSuffix(o.Tenant.Cerner.ProviderApp.RedirectURI, "callback") + "other"
		}, wantStatus: StatusFail, wantClass: ProviderRedirectMismatch, wantCause: CauseClientUnknown, want: []string{"does not match", "trailing slash"}},
		{name: "redirect not loopback", noBrowser: true, setup: func(_ *browser, _ *ProviderOptions, o *Options) {
			o.Tenant.Cerner.ProviderApp.RedirectURI = "https://app.example.com/callback"
		}, wantStatus: StatusFail, wantClass: ProviderNotLoopback, wantCause: CauseConfigInvalid, want: []string{"app.example.com", "not attempted"}},
		{name: "no provider app", noBrowser: true, setup: func(_ *browser, _ *ProviderOptions, o *Options) {
			o.Tenant.Cerner.ProviderApp = nil
		}, wantStatus: StatusFail, wantClass: ProviderNotConfigured, wantCause: CauseConfigInvalid, want: []string{"no provider_app"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, opts := providerSandbox(t, tt.autoApprove)
			app := *opts.Tenant.Cerner.ProviderApp
			opts.Tenant.Cerner.ProviderApp = &app
			b := newBrowser(t, srv)
			var opened []string
			var mu sync.Mutex
			browserDone := make(chan struct{})
			p := ProviderOptions{OpenURL: func(u string) error {
				defer close(browserDone)
				mu.Lock()
				opened = append(opened, u)
				mu.Unlock()
				return b.open(u)
			}}
			if tt.setup != nil {
				tt.setup(b, &p, &opts)
			}
			out := ProviderRoundTrip(context.Background(), opts, p)
			text := out.Summary + "\n" + strings.Join(out.Evidence, "\n") + "\n" + out.Remedy
			if out.Status != tt.wantStatus || out.Class != tt.wantClass || out.Cause != tt.wantCause {
				t.Fatalf("got %s/%s/%q, want %s/%s/%q:\n%s", out.Status, out.Class, out.Cause, tt.wantStatus, tt.wantClass, tt.wantCause, text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("outcome lacks %q:\n%s", w, text)
				}
			}
			mu.Lock()
			n := len(opened)
			mu.Unlock()
			if tt.noBrowser && n != 0 {
				t.Errorf("the browser was opened %d times; the request must be refused before that", n)
			}
			if !tt.noBrowser && n != 1 {
				t.Errorf("the browser was opened %d times, want once", n)
			}
			if n == 1 {
				<-browserDone
				if status, page := b.page(); tt.wantStatus == StatusPass && (status != 200 || !strings.Contains(page, "You can close this tab")) {
					t.Errorf("the browser's last page: %d %.200s", status, page)
				}
			}
			b.mu.Lock()
			seen := append([]string(nil), b.seen...)
			b.mu.Unlock()
			assertProviderNoLeak(t, srv, out, seen...)
			if app.RedirectURI != "" && strings.HasPrefix(app.RedirectURI, "http://127.0.0.1") {
				assertClosed(t, app.RedirectURI)
			}
		})
	}
}
