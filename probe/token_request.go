package probe

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// basicEncoding is how the client id and secret go into the Basic header.
type basicEncoding string

const (
	// encodingForm form-encodes id and secret before base64, as RFC 6749
	// 2.3.1 says and golang.org/x/oauth2 does.
	encodingForm basicEncoding = "form"
	// encodingRaw base64-encodes them as they are, as `curl -u` does.
	encodingRaw basicEncoding = "raw"
)

func (e basicEncoding) describe() string {
	if e == encodingForm {
		return "form-encoded id and secret (RFC 6749 2.3.1, as Go's oauth2 sends them)"
	}
	return "raw id and secret (as `curl -u` sends them)"
}

func basicValue(id, secret string, enc basicEncoding) string {
	if enc == encodingForm {
		id, secret = url.QueryEscape(id), url.QueryEscape(secret)
	}
	return base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
}

// encodingMatters says whether the two encodings send different bytes.
func encodingMatters(id, secret string) bool {
	return url.QueryEscape(id) != id || url.QueryEscape(secret) != secret
}

// tokenRequest builds the client_credentials POST with Basic set explicitly
// (never auto-detected), refusing plain http to a non-loopback host.
func tokenRequest(ctx context.Context, tokenURL, clientID string, secret config.Secret, scopes []string, enc basicEncoding) (*http.Request, string, error) {
	req, body, err := clientCredentialsRequest(ctx, tokenURL, scopes, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Basic "+basicValue(clientID, secret.Reveal(), enc))
	return req, body, nil
}

// clientCredentialsRequest is the POST both authentication methods share;
// extra holds the form fields of private_key_jwt. body is what CurlLine
// may show: it never holds extra's values.
func clientCredentialsRequest(ctx context.Context, tokenURL string, scopes []string, extra url.Values) (*http.Request, string, error) {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Host == "" {
		return nil, "", fmt.Errorf("token_url %q is not an absolute URL", tokenURL)
	}
	if err := credentialsAllowed(u); err != nil {
		return nil, "", err
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	shown := form.Encode()
	for k, v := range extra {
		form[k] = v
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, "", fmt.Errorf("building the token request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, shown, nil
}

// tokenAttempt is one token request, sent and classified.
type tokenAttempt struct {
	answer tokenAnswer
	http   *HTTPExchange // nil when no answer came
	status int
	curl   string
	facts  Facts
	// assertion is the decoded, redacted view of a private_key_jwt
	// assertion; nil for Basic.
	assertion []string
}

// credential is how a token request authenticates: a client secret (Basic)
// or a private key that signs a fresh assertion for every request.
type credential struct {
	secret config.Secret
	key    *jwtauth.Key
	kid    string
}

func secretCredential(s config.Secret) credential { return credential{secret: s} }

// requestToken sends one client_credentials request and classifies the
// answer, or the failure to get one.
func (s *state) requestToken(ctx context.Context, clientID string, cred credential, scopes []string, enc basicEncoding) tokenAttempt {
	if cred.key != nil {
		return s.requestTokenJWT(ctx, clientID, cred, scopes)
	}
	secret := cred.secret
	tokenURL := s.opts.Tenant.Cerner.SystemApp.TokenURL
	s.addSecret(secret.Reveal())
	s.addSecret(url.QueryEscape(secret.Reveal()))
	s.addSecret(basicValue(clientID, secret.Reveal(), encodingForm))
	s.addSecret(basicValue(clientID, secret.Reveal(), encodingRaw))
	var at tokenAttempt
	at.facts.Requested = scopes
	req, body, err := tokenRequest(ctx, tokenURL, clientID, secret, scopes, enc)
	if err != nil {
		class, cause, text := transportFailure(err, hostOf(tokenURL))
		if cause == CauseNetwork {
			cause = CauseConfigInvalid
		}
		at.answer = tokenAnswer{Class: class, Cause: cause, Summary: text, Remedy: "Use an https token_url (only loopback may use plain http)."}
		at.facts.Cause, at.facts.Class = cause, string(class)
		return at
	}
	at.curl = CurlLine(req, body)
	// A retry (send, on a 503) rebuilds the request rather than resend this
	// one: the body reader is spent (requestTokenJWT signs a new assertion
	// in its build).
	sent := false
	build := func() (*http.Request, error) {
		if !sent {
			sent = true
			return req, nil
		}
		r, _, err := tokenRequest(ctx, tokenURL, clientID, secret, scopes, enc)
		return r, err
	}
	s.sendToken(ctx, build, &at, scopes)
	return at
}

// sendToken sends the token request build makes (again, once, after a 503:
// see send) and classifies what came back.
func (s *state) sendToken(ctx context.Context, build func() (*http.Request, error), at *tokenAttempt, scopes []string) {
	resp, req, err := s.send(ctx, build)
	if err != nil {
		class, cause, text := transportFailure(err, req.URL.Host)
		at.answer = tokenAnswer{Class: class, Cause: cause, Summary: text, Evidence: []string{"no HTTP answer: " + text}}
		if class == TokenTimeout {
			at.answer.Remedy = "The host did not answer in time: retry later or raise --timeout; check Oracle Health's status if it persists."
		}
		at.facts.Cause, at.facts.Class = cause, string(class)
		return
	}
	at.status = resp.Status
	at.answer = classifyTokenResponse(resp.Status, resp.Header, resp.Body)
	at.answer.Evidence = resp.evidence(at.answer.Evidence...)
	at.http = exchangeOf(resp)
	at.http.OAuthError, at.http.ErrorURI, at.http.CorrelationID = at.answer.OAuthError, at.answer.ErrorURI, clean(at.answer.CorrelationID, 120)
	if resp.Truncated {
		at.answer.Evidence = append(at.answer.Evidence, truncatedEvidence(resp))
		if at.answer.Class != TokenOK {
			at.answer.Class, at.answer.Cause = TokenMalformed, CauseServerOutage
			at.answer.Summary = fmt.Sprintf("%d with an %s", resp.Status, jsonProblem(nil, true))
			at.answer.Remedy = "A token answer is a few hundred bytes: this is a broken server or a proxy in the way. Check token_url against discovery; retry later."
		}
	}
	s.addSecret(at.answer.accessToken)
	reportRedirects(&at.answer, req, resp)
	at.facts = Facts{
		Cause: at.answer.Cause, Class: string(at.answer.Class), HTTPStatus: resp.Status, Latency: resp.Latency,
		URN: at.answer.URN.Code, CorrelationID: at.answer.CorrelationID, OAuthJSON: at.answer.OAuthJSON,
		Requested: scopes, Granted: at.answer.Granted,
		token: config.NewSecret(at.answer.accessToken),
	}
}

// RequestToken makes one classified client_credentials request with the
// tenant's token_url and scopes and the given credentials: the wizard's
// "Test new credentials" step and `rotate` use it before writing anything.
func RequestToken(ctx context.Context, opts Options, clientID string, secret config.Secret) TokenOutcome {
	return requestTokenOutcome(ctx, opts, clientID, secretCredential(secret))
}

// RequestTokenWithKey is RequestToken for a private_key_jwt app: one
// request with a freshly signed assertion (kid, the tenant's token_url as
// aud). `rotate --new-key` polls with it until the server accepts the key.
func RequestTokenWithKey(ctx context.Context, opts Options, clientID string, key *jwtauth.Key, kid string) TokenOutcome {
	return requestTokenOutcome(ctx, opts, clientID, credential{key: key, kid: kid})
}

func requestTokenOutcome(ctx context.Context, opts Options, clientID string, cred credential) TokenOutcome {
	secret := cred.secret
	opts = opts.withDefaults()
	scopes := opts.Tenant.Cerner.SystemApp.Scopes
	out := TokenOutcome{Requested: scopes}
	client, err := NewHTTPClient(opts)
	if err != nil {
		out.Cause, out.Summary = CauseConfigInvalid, err.Error()
		return out
	}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	s := &state{opts: opts, client: client}
	if cred.key != nil {
		for _, v := range cred.key.ScrubValues() {
			s.addSecret(v)
		}
	}
	at := s.requestToken(ctx, clientID, cred, scopes, encodingForm)
	// A refusal that the other Basic encoding might fix is worth the one
	// extra request here too: the user is about to save these credentials.
	if cred.key == nil && at.answer.Class == TokenInvalidClient && encodingMatters(clientID, secret.Reveal()) {
		if alt := s.requestToken(ctx, clientID, secretCredential(secret), scopes, encodingRaw); alt.answer.Class == TokenOK {
			alt.answer.Warnings = append(alt.answer.Warnings, "accepted only with "+encodingRaw.describe())
			at = alt
		}
	}
	a := at.answer
	out.OK = a.Class == TokenOK
	out.HTTPStatus = at.status
	out.Cause = a.Cause
	if out.OK {
		out.Cause = CauseOK
		if missing := missingScopes(scopes, a); len(missing) > 0 {
			out.Cause = CauseScopeNotGranted
			a.Warnings = append(a.Warnings, "not granted: "+strings.Join(missing, " "))
		}
	}
	out.Summary = a.Summary
	out.Evidence = append(out.Evidence, at.assertion...)
	if at.curl != "" {
		out.Evidence = append(out.Evidence, at.curl)
	}
	out.Evidence = append(out.Evidence, a.Evidence...)
	for _, w := range a.Warnings {
		out.Evidence = append(out.Evidence, "warning: "+w)
	}
	out.Remedy = a.Remedy
	out.CorrelationID = a.CorrelationID
	out.ExpiresIn = a.ExpiresIn
	out.Granted = a.Granted
	out.Token = at.facts.token
	r := s.finish(Result{Summary: out.Summary, Evidence: out.Evidence, Remedy: out.Remedy})
	out.Summary, out.Evidence, out.Remedy = r.Summary, r.Evidence, r.Remedy
	return out
}

// missingScopes lists requested scopes the answer did not grant; none when
// the answer did not say.
func missingScopes(requested []string, a tokenAnswer) []string {
	if !a.ScopeInAnswer {
		return nil
	}
	granted := map[string]bool{}
	for _, g := range a.Granted {
		granted[g] = true
	}
	var missing []string
	for _, r := range requested {
		if !granted[r] {
			missing = append(missing, r)
		}
	}
	return missing
}

// truncatedEvidence says that the read stopped at the cap, and what the
// server had announced.
func truncatedEvidence(resp *response) string {
	if resp.Declared > maxBody {
		return fmt.Sprintf("body truncated at 1 MiB (the server announced %d bytes)", resp.Declared)
	}
	return "body truncated at 1 MiB"
}

// reportRedirects shows the redirects the token request followed. One that
// leaves the host makes the answer meaningless for the credentials: the
// Authorization header was dropped (checkRedirect), so the other host
// judged a request without them.
func reportRedirects(a *tokenAnswer, req *http.Request, resp *response) {
	if len(resp.Redirects) == 0 {
		return
	}
	offHost := resp.FinalURL != nil && !strings.EqualFold(resp.FinalURL.Host, req.URL.Host)
	for _, r := range resp.Redirects {
		a.Evidence = append(a.Evidence, "redirected: "+r)
	}
	if !offHost {
		return
	}
	a.Evidence = append(a.Evidence, "the Authorization header was not forwarded to "+resp.FinalURL.Host+" (another host)")
	a.Class, a.Cause = TokenRedirected, CauseConfigInvalid
	a.Summary = fmt.Sprintf("token_url redirects to another host (%s → %s): credentials not forwarded; that host answered %d",
		req.URL.Host, resp.FinalURL.Host, resp.Status)
	a.Remedy = "A token endpoint does not redirect. Set token_url to the token_endpoint that discovery advertises; change it to the redirect target only once you know that host belongs to Oracle Health."
	a.accessToken = "" // a token from a host we did not ask is not one to use
}
