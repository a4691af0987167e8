package probe

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// sourceNote is " (from <where the secret lives>)", or "" when unknown.
func sourceNote(s config.Secret) string {
	if src := s.Source().String(); src != "" {
		return " (from " + src + ")"
	}
	return ""
}

// checkToken requests a token the way the integration does:
// client_credentials, configured scopes, Basic with form-encoded credentials.
func checkToken(ctx context.Context, s *state) Result {
	app := s.opts.Tenant.Cerner.SystemApp
	if s.jwtApp() {
		return checkTokenJWT(ctx, s)
	}
	if app.ClientID == "" || app.ClientSecret.IsZero() || app.TokenURL == "" {
		return Result{Status: StatusFail, Summary: "client_id, client_secret or token_url is missing",
			Remedy: "Fill in " + strings.Join(app.Key(""), ".") + " in the config (step 3).", Facts: &Facts{Cause: CauseConfigInvalid}}
	}
	at := s.requestToken(ctx, app.ClientID, secretCredential(app.ClientSecret), app.Scopes, encodingForm)
	a := at.answer
	r := Result{Summary: a.Summary, Remedy: a.Remedy, Facts: &at.facts, HTTP: at.http}
	r.Evidence = append(r.Evidence, fmt.Sprintf("client_id %s, client_secret %s%s, scopes %q", app.ClientID, app.ClientSecret.Fingerprint(), sourceNote(app.ClientSecret), strings.Join(app.Scopes, " ")))
	if at.curl != "" {
		r.Evidence = append(r.Evidence, "rerun: "+at.curl)
	}
	r.Evidence = append(r.Evidence, a.Evidence...)
	at.facts.secretQuirky = encodingMatters(app.ClientID, app.ClientSecret.Reveal())
	return tokenResult(r, at, app.Scopes)
}

// tokenResult finishes a token check's result from its attempt: pass, warn
// (scopes not granted, odd answers) or fail.
func tokenResult(r Result, at tokenAttempt, scopes []string) Result {
	a := at.answer
	r.Facts = &at.facts
	if a.Class != TokenOK {
		r.Status = StatusFail
		return r
	}
	r.Status = StatusPass
	if !a.ScopeInAnswer {
		at.facts.Granted = scopes
	}
	if missing := missingScopes(scopes, a); len(missing) > 0 {
		at.facts.Denied = missing
		at.facts.Cause = CauseScopeNotGranted
		a.Warnings = append(a.Warnings, "not granted: "+strings.Join(missing, " "))
		r.Summary = fmt.Sprintf("token issued with %d of %d requested scopes", len(scopes)-len(missing), len(scopes))
		r.Remedy = remedyFor(CauseScopeNotGranted)
	}
	for _, w := range a.Warnings {
		r.Evidence = append(r.Evidence, "warning: "+w)
		r.Status = StatusWarn
	}
	return r
}

// checkTokenEncoding runs when the token was refused as invalid_client and
// the credentials hold characters form encoding changes: it retries once
// with the other Basic encoding.
func checkTokenEncoding(ctx context.Context, s *state) Result {
	tok := s.dep("token")
	if tok == nil || tok.Facts == nil || tok.Facts.Class != string(TokenInvalidClient) {
		return skipped("runs only when the token request fails with invalid_client")
	}
	if s.jwtApp() {
		return skipped("the app signs a JWT: there is no Basic encoding to vary")
	}
	if !tok.Facts.secretQuirky {
		return skipped("the credentials hold no character that form encoding changes (+ / = : % space …): the encoding cannot matter")
	}
	app := s.opts.Tenant.Cerner.SystemApp
	at := s.requestToken(ctx, app.ClientID, secretCredential(app.ClientSecret), app.Scopes, encodingRaw)
	r := Result{Evidence: []string{"the secret holds characters that form encoding changes; retried once with " + encodingRaw.describe()}, HTTP: at.http}
	if at.curl != "" {
		r.Evidence = append(r.Evidence, "rerun: "+at.curl)
	}
	r.Evidence = append(r.Evidence, at.answer.Evidence...)
	f := at.facts
	f.token = at.facts.token
	switch at.answer.Class {
	case TokenOK:
		f.AcceptedEncoding, f.Cause = string(encodingRaw), CauseConfigInvalid
		r.Status = StatusWarn
		r.Summary = "the server accepts " + encodingRaw.describe() + ", not " + encodingForm.describe()
		r.Remedy = "The secret is valid; the client must send it unencoded in the Basic header (e.g. oauth2 AuthStyleInHeader with pre-decoded values, or build the header yourself)."
	case TokenInvalidClient:
		f.Cause = CauseSecretInvalid
		r.Status = StatusFail
		r.Summary = "refused with both Basic encodings: the encoding is not the problem"
		r.Remedy = remedyFor(CauseSecretInvalid)
	default:
		r.Status = StatusWarn
		r.Summary = "inconclusive: the retry answered " + at.answer.Summary
	}
	r.Facts = &f
	return r
}

// maxScopeProbes bounds concurrent per-scope token requests: enough to be
// quick, few enough not to look like an attack.
const maxScopeProbes = 4

// checkScopes asks for each scope alone when the combined request failed on
// scopes or granted fewer than asked, and prints the matrix.
func checkScopes(ctx context.Context, s *state) Result {
	tok := s.dep("token")
	if tok == nil || tok.Facts == nil {
		return skipped("the token check did not run")
	}
	switch TokenClass(tok.Facts.Class) {
	case TokenEmptyScopes, TokenInvalidScope:
	case TokenOK:
		if len(tok.Facts.Denied) == 0 {
			return skipped("the token was granted every requested scope")
		}
	default:
		return skipped("the token was refused for a reason other than scopes (" + tok.Facts.Class + ")")
	}
	app := s.opts.Tenant.Cerner.SystemApp
	cred, fail := s.appCredential()
	if fail != nil {
		return skipped("no credential to test scopes with: " + fail.Summary)
	}
	type cell struct {
		granted bool
		why     string
		cause   CauseID
	}
	cells := make([]cell, len(app.Scopes))
	sem := make(chan struct{}, maxScopeProbes)
	var wg sync.WaitGroup
	for i, scope := range app.Scopes {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				cells[i] = cell{why: "not tried: " + ctx.Err().Error()}
				return
			}
			defer func() { <-sem }()
			at := s.requestToken(ctx, app.ClientID, cred, []string{scope}, encodingForm)
			a := at.answer
			switch {
			case a.Class == TokenOK && len(missingScopes([]string{scope}, a)) == 0:
				cells[i] = cell{granted: true}
			case a.Class == TokenOK:
				cells[i] = cell{why: "token issued without it", cause: CauseScopeNotGranted}
			default:
				cells[i] = cell{why: a.Summary, cause: a.Cause}
			}
		})
	}
	wg.Wait()
	f := &Facts{Requested: app.Scopes}
	r := Result{Facts: f}
	other := 0
	for i, scope := range app.Scopes {
		c := cells[i]
		if c.granted {
			f.Granted = append(f.Granted, scope)
			r.Evidence = append(r.Evidence, "granted  "+scope)
			continue
		}
		f.Denied = append(f.Denied, scope)
		r.Evidence = append(r.Evidence, "denied   "+scope+"  ("+c.why+")")
		if c.cause != CauseScopeNotGranted {
			other++
		}
	}
	switch {
	case len(f.Denied) == 0:
		r.Status = StatusWarn
		r.Summary = "every scope is granted when asked alone"
		r.Remedy = "Scopes work one by one but not together: request fewer scopes per token."
		f.Cause = CauseScopeNotGranted
	case other == len(f.Denied) && len(f.Granted) == 0:
		r.Status = StatusFail
		r.Summary = "no scope could be tested: " + cells[0].why
		f.Cause = cells[0].cause
	default:
		r.Status = StatusFail
		r.Summary = fmt.Sprintf("%d of %d scopes granted; denied: %s", len(f.Granted), len(app.Scopes), strings.Join(f.Denied, " "))
		r.Remedy = "Remove the denied scopes from scopes in the config, or register them on the app in {console} (step 1)."
		f.Cause = CauseScopeNotGranted
	}
	return r
}

func skipped(why string) Result {
	return Result{Status: StatusSkip, Summary: why}
}
