package probe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// DefaultProviderTimeout bounds the wait for the user's sign-in.
const DefaultProviderTimeout = 5 * time.Minute

// ProviderRoundTripID is the id the round trip's result carries in reports
// and --json.
const ProviderRoundTripID = "provider.roundtrip"

// ProviderOptions configure the interactive part of ProviderRoundTrip.
type ProviderOptions struct {
	// OpenURL opens the sign-in link in a browser. It runs on its own
	// goroutine once the listener is up; when it fails (or is nil) ShowURL
	// gets the link instead. Tests pass an HTTP client that plays the
	// browser.
	OpenURL func(url string) error
	// ShowURL prints or displays the sign-in link for the user to open.
	ShowURL func(url string)
	// Timeout bounds the wait for the redirect (DefaultProviderTimeout when
	// zero). Each HTTP request is bounded by Options.Timeout.
	Timeout time.Duration

	// tamperVerifier, set only by tests, changes the code_verifier sent
	// with the code, as a buggy client would.
	tamperVerifier func(string) string
}

// ProviderOutcome is one SMART standalone launch of the provider app,
// classified like a check result. It never holds the access token, the
// id_token, the code or the verifier: fingerprints only.
type ProviderOutcome struct {
	Status   Status
	Class    ProviderClass
	Cause    CauseID // "" when it points at no cause of the diagnosis
	Summary  string
	Evidence []string
	Remedy   string
	Duration time.Duration
	// What the token response established, when one came.
	Patient   string
	Granted   []string
	ExpiresIn int
	// IDClaims are the id_token's claims for display (iss, sub, aud, exp,
	// fhirUser, ...), decoded without verifying the signature.
	IDClaims map[string]string
}

// Result is the outcome as a check result.
func (o ProviderOutcome) Result() Result {
	return Result{Status: o.Status, Summary: o.Summary, Evidence: o.Evidence, Remedy: o.Remedy, Duration: o.Duration,
		Facts: &Facts{Cause: o.Cause, Class: string(o.Class), Granted: o.Granted}}
}

// Check is the outcome as the provider.roundtrip entry of a report.
func (o ProviderOutcome) Check() CheckResult {
	return CheckResult{ID: ProviderRoundTripID, Title: "Provider round trip", Result: o.Result()}
}

// AddTo appends the outcome to a report as provider.roundtrip and ranks the
// causes again with it, so the exit code and --json account for it.
func (o ProviderOutcome) AddTo(r *Report) {
	r.Checks = append(r.Checks, o.Check())
	r.Duration += o.Duration
	r.Diagnosis = Diagnose(r.Checks)
}

// ProviderRoundTrip runs the SMART App Launch standalone flow of the
// tenant's provider app with one person's sign-in: PKCE S256, a random
// state and aud; a loopback listener on the redirect_uri (up before the
// browser opens, always closed); the code exchanged as a public client;
// the token response validated; Patient read with the token. Everything
// that goes wrong is classified with a remedy in the outcome.
func ProviderRoundTrip(ctx context.Context, opts Options, p ProviderOptions) ProviderOutcome {
	start := time.Now()
	opts = opts.withDefaults()
	if p.Timeout <= 0 {
		p.Timeout = DefaultProviderTimeout
	}
	rt := &roundTrip{opts: opts, p: p}
	out := rt.run(ctx)
	out.Duration = time.Since(start)
	if rt.s != nil {
		r := rt.s.finish(Result{Summary: out.Summary, Evidence: out.Evidence, Remedy: out.Remedy})
		out.Summary, out.Evidence, out.Remedy = r.Summary, r.Evidence, r.Remedy
	}
	return out
}

// roundTrip is one run's working state. sc is discovery as read at the
// start; nonce is the OpenID Connect nonce sent with the authorize request.
type roundTrip struct {
	// key signs the code exchange of a provider app that uses
	// private_key_jwt; scrubLater are its PEM lines, registered once the
	// run's state exists.
	key        *jwtauth.Key
	scrubLater []string
	sc         smartConfig
	nonce      string
	opts       Options
	p          ProviderOptions
	s          *state
	ev         []string
}

func (rt *roundTrip) fail(a providerAnswer) ProviderOutcome {
	return ProviderOutcome{Status: StatusFail, Class: a.class, Cause: a.cause, Summary: a.summary, Remedy: a.remedy, Evidence: rt.ev}
}

func (rt *roundTrip) run(ctx context.Context) ProviderOutcome {
	app := rt.opts.Tenant.Cerner.ProviderApp
	if app == nil {
		return rt.fail(providerAnswer{ProviderNotConfigured, CauseConfigInvalid, "the tenant has no provider_app",
			"Add {provider_app} (client_id, authorization_url, redirect_uri, scopes) for the provider app registered in {console}."})
	}
	if missing := providerAppMissing(app); len(missing) > 0 {
		return rt.fail(providerAnswer{ProviderNotConfigured, CauseConfigInvalid, "provider_app lacks " + strings.Join(missing, ", "),
			"Fill in {provider_app} from the app in {console}."})
	}
	if app.AuthMethod() == config.AuthPrivateKeyJWT {
		key, warnings, err := jwtauth.LoadKey(app.PrivateKeyPath)
		switch {
		case app.PrivateKeyPath == "" || app.KeyID == "":
			return rt.fail(providerAnswer{ProviderNotConfigured, CauseConfigInvalid, "provider_app has a key but lacks private_key_path or key_id",
				"Set both private_key_path and key_id on the provider app (docs/jwt.md)."})
		case err != nil:
			return rt.fail(providerAnswer{ProviderNotConfigured, CausePrivateKeyUnreadable, "provider_app's key: " + err.Error(),
				"Point provider_app.private_key_path at the app's PEM private key (docs/jwt.md)."})
		}
		rt.key = key
		rt.scrubLater = append(rt.scrubLater, key.ScrubValues()...)
		for _, w := range warnings {
			rt.ev = append(rt.ev, "warning: "+w)
		}
	}
	redirect, err := parseLoopbackRedirect(app.RedirectURI)
	if err != nil {
		rt.ev = append(rt.ev, "not attempted: nothing was sent and no browser was opened")
		return rt.fail(providerAnswer{ProviderNotLoopback, CauseConfigInvalid, err.Error(),
			"Register a loopback redirect (http://127.0.0.1:PORT/callback) on the provider app in {console} and put it in {provider_app}.redirect_uri to test the app here; an app whose redirect goes to its server can only be tested through that server."})
	}
	client, err := NewHTTPClient(rt.opts)
	if err != nil {
		return rt.fail(providerAnswer{ProviderNotConfigured, CauseConfigInvalid, err.Error(), ""})
	}
	defer client.CloseIdleConnections()
	rt.s = &state{opts: rt.opts, client: client}
	for _, v := range rt.scrubLater {
		rt.s.addSecret(v)
	}
	base := strings.TrimRight(rt.opts.Tenant.Cerner.FHIRBaseURL, "/")

	tokenURL, problem := rt.tokenEndpoint(ctx, base, app)
	if problem != nil {
		return rt.transportFail(problem)
	}
	// Refusals the server makes before anyone signs in (client, redirect,
	// scopes, launch) are found without opening a browser.
	pf := rt.s.preflight(ctx, app, base)
	rt.ev = append(rt.ev, pf.evidence...)
	switch {
	case pf.transport != nil:
		return rt.transportFail(pf.transport)
	case pf.refused != nil:
		out := rt.fail(*pf.refused)
		out.Summary = "refused before sign-in: " + out.Summary
		out.Evidence = append(out.Evidence, "no browser was opened: the authorize endpoint refuses this request whoever signs in")
		return out
	}

	verifier := oauth2.GenerateVerifier()
	st := randomString(24)
	rt.s.addSecret(verifier)
	cfg := oauth2.Config{
		ClientID:    app.ClientID,
		RedirectURL: app.RedirectURI,
		Scopes:      app.Scopes,
		// A public client: client_id in the body, never a Basic header.
		Endpoint: oauth2.Endpoint{AuthURL: app.AuthorizationURL, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}
	if app.AuthMethod() == config.AuthClientSecret {
		// A confidential app authenticates the code exchange with its
		// secret, in a Basic header (docs/config.md).
		cfg.ClientSecret = app.ClientSecret.Reveal()
		cfg.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
		rt.s.addSecret(cfg.ClientSecret)
	}
	authOpts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("aud", base)}
	if slices.Contains(app.Scopes, "openid") {
		// The nonce binds the id_token to this sign-in (OpenID Connect 3.1.2.1).
		rt.nonce = randomString(24)
		authOpts = append(authOpts, oauth2.SetAuthURLParam("nonce", rt.nonce))
	}
	authURL := cfg.AuthCodeURL(st, authOpts...)
	cs, err := listenCallback(ctx, redirect, authURL, st)
	if err != nil {
		return rt.fail(providerAnswer{ProviderListenFailed, CauseConfigInvalid, err.Error(),
			"The registered redirect_uri fixes the port: stop what uses " + redirect.addrs[0] + " (another fhirdoctor, the app's own dev server) and run again."})
	}
	defer cs.close()
	rt.ev = append(rt.ev, fmt.Sprintf("listening on %s for the redirect to %s (PKCE S256, state and aud=%s sent)", strings.Join(redirect.addrs, " and "), app.RedirectURI, base))

	cb, out, done := rt.await(ctx, cs)
	if done {
		return out
	}
	cs.close() // the browser has its page; nothing else may arrive
	if !cb.stateOK {
		return rt.fail(stateMismatch(cb.state))
	}
	if cb.err != "" {
		a, ev := classifyProviderError(cb.err, cb.desc, cb.uri)
		rt.ev = append(rt.ev, ev...)
		return rt.fail(a)
	}
	if cb.code == "" {
		return rt.fail(providerAnswer{ProviderAuthorizeError, CauseClientUnknown, "the redirect carried neither a code nor an error",
			"The authorization server answered outside RFC 6749 4.1.2; report it with the correlation id."})
	}
	rt.s.addSecret(cb.code)
	rt.ev = append(rt.ev, "redirect: state matches, code "+config.Fingerprint(cb.code))
	return rt.exchange(ctx, cfg, cb.code, verifier, base)
}

// await opens or shows the link and waits for the redirect, the timeout or
// cancellation; done says the outcome is final.
func (rt *roundTrip) await(ctx context.Context, cs *callbackServer) (callback, ProviderOutcome, bool) {
	link := cs.startURL()
	opened := make(chan error, 1)
	if rt.p.OpenURL != nil {
		go func() { opened <- rt.p.OpenURL(link) }()
	} else {
		opened <- errors.New("no browser")
	}
	timer := time.NewTimer(rt.p.Timeout)
	defer timer.Stop()
	for {
		select {
		case cb := <-cs.got:
			return cb, ProviderOutcome{}, false
		case err := <-opened:
			opened = nil
			if err != nil {
				if rt.p.ShowURL == nil {
					return callback{}, rt.fail(providerAnswer{ProviderNotConfigured, CauseConfigInvalid,
						"no browser could be opened and the link cannot be shown", "Run again with --no-browser and open the printed link."}), true
				}
				rt.p.ShowURL(link)
			}
		case <-timer.C:
			return callback{}, rt.fail(providerAnswer{ProviderTimeout, "", fmt.Sprintf("no redirect within %s", rt.p.Timeout),
				"Open the link and sign in before the timeout. Over SSH the browser runs on your machine: forward the port first (ssh -L " +
					cs.redirect.port + ":127.0.0.1:" + cs.redirect.port + " host) so the redirect reaches fhirdoctor."}), true
		case <-ctx.Done():
			out := rt.fail(providerAnswer{ProviderCancelled, "", "cancelled before the redirect arrived", ""})
			out.Status = StatusSkip
			return callback{}, out, true
		}
	}
}

// tokenEndpoint is discovery's token_endpoint, or the system app's
// token_url when discovery cannot be read.
func (rt *roundTrip) tokenEndpoint(ctx context.Context, base string, app *config.ProviderApp) (string, *transportProblem) {
	sc, ev, err := fetchSmartConfig(ctx, rt.s, base)
	rt.sc = sc
	rt.ev = append(rt.ev, ev...)
	tokenURL := sc.TokenEndpoint
	if app.TokenURL != "" {
		// The backend exchanges the code at the configured token_url.
		if tokenURL != "" && tokenURL != app.TokenURL {
			rt.ev = append(rt.ev, "warning: provider_app.token_url differs from discovery's token_endpoint "+tokenURL+"; using token_url, as the backend does")
		}
		tokenURL = app.TokenURL
	}
	if err == nil {
		for _, w := range pkceWarnings(sc, app) {
			rt.ev = append(rt.ev, "warning: "+w)
		}
	}
	if tokenURL == "" {
		tokenURL = rt.opts.Tenant.Cerner.SystemApp.TokenURL
		if tokenURL == "" {
			return "", &transportProblem{class: TokenRefused, cause: CauseConfigInvalid,
				summary: "no token endpoint: discovery could not be read and system_app.token_url is empty",
				remedy:  "Check cerner.fhir_base_url (discovery lives at {fhir_base}/.well-known/smart-configuration)."}
		}
		rt.ev = append(rt.ev, "token endpoint from system_app.token_url (discovery gave none)")
	}
	if u, perr := parseAbs(tokenURL); perr != nil {
		return "", &transportProblem{class: TokenRefused, cause: CauseConfigInvalid, summary: perr.Error()}
	} else if err := credentialsAllowed(u); err != nil {
		return "", &transportProblem{class: TokenRefused, cause: CauseConfigInvalid, summary: err.Error(), remedy: "The code must travel over https."}
	}
	return tokenURL, nil
}

func (rt *roundTrip) transportFail(t *transportProblem) ProviderOutcome {
	class := ProviderTransport
	if t.cause == CauseConfigInvalid {
		class = ProviderNotConfigured
	}
	return ProviderOutcome{Status: StatusFail, Class: class, Cause: t.cause, Summary: t.summary, Remedy: t.remedy, Evidence: rt.ev}
}

func parseAbs(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL", raw)
	}
	return u, nil
}
