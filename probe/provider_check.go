package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// ProviderAuthorizeID is the id of the non-interactive provider check.
const ProviderAuthorizeID = "provider.authorize"

// checkProviderAuthorize tests what can be tested of the provider app
// without a person: the redirect is one fhirdoctor can receive, discovery
// advertises S256, and the authorize endpoint answers a well-formed request
// (without DNS, TLS or 5xx trouble) by sending the browser on to sign-in
// rather than refusing the client or its redirect.
func checkProviderAuthorize(ctx context.Context, s *state) Result {
	app := s.opts.Tenant.Cerner.ProviderApp
	if app == nil {
		return skipped("the tenant has no provider_app: nothing to check")
	}
	if missing := providerAppMissing(app); len(missing) > 0 {
		return Result{Status: StatusFail, Summary: "provider_app lacks " + strings.Join(missing, ", "),
			Remedy: "Fill in {provider_app} (client_id, authorization_url, redirect_uri, scopes) from the app in {console}.",
			Facts:  &Facts{Cause: CauseConfigInvalid}}
	}
	r := Result{Facts: &Facts{}}
	var warns []string
	if _, err := parseLoopbackRedirect(app.RedirectURI); err != nil {
		warns = append(warns, "the round trip cannot run here: "+err.Error())
	} else {
		r.Evidence = append(r.Evidence, "redirect_uri "+app.RedirectURI+" is loopback: fhirdoctor can receive the redirect")
	}
	base := strings.TrimRight(s.opts.Tenant.Cerner.FHIRBaseURL, "/")
	sc, ev, err := fetchSmartConfig(ctx, s, base)
	r.Evidence = append(r.Evidence, ev...)
	if err == nil {
		warns = append(warns, pkceWarnings(sc, app)...)
	}
	pf := s.preflight(ctx, app, base)
	r.Evidence = append(r.Evidence, pf.evidence...)
	switch {
	case pf.transport != nil:
		return pf.transport.result(r.Evidence)
	case pf.refused != nil:
		r.Facts.Cause, r.Facts.Class = pf.refused.cause, string(pf.refused.class)
		r.Remedy = pf.refused.remedy
		warns = append([]string{"the authorize endpoint refuses the app before sign-in: " + pf.refused.summary}, warns...)
	}
	if len(warns) > 0 {
		r.Status = StatusWarn
		r.Summary = warns[0]
		for _, w := range warns[1:] {
			r.Evidence = append(r.Evidence, "warning: "+w)
		}
		return r
	}
	r.Status = StatusPass
	r.Summary = "authorize endpoint answers (" + pf.verdict + "), S256 advertised, loopback redirect"
	return r
}

func providerAppMissing(app *config.ProviderApp) []string {
	var missing []string
	for name, v := range map[string]bool{"client_id": app.ClientID != "", "authorization_url": app.AuthorizationURL != "",
		"redirect_uri": app.RedirectURI != "", "scopes": len(app.Scopes) > 0} {
		if !v {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	return missing
}

// pkceWarnings compares discovery with what the round trip will send.
func pkceWarnings(sc smartConfig, app *config.ProviderApp) []string {
	var w []string
	switch {
	case sc.CodeChallengeMethods == nil:
		w = append(w, "discovery does not list code_challenge_methods_supported: S256 support is unknown")
	case !slices.Contains(sc.CodeChallengeMethods, "S256"):
		w = append(w, "discovery does not advertise PKCE S256 (code_challenge_methods_supported: "+strings.Join(sc.CodeChallengeMethods, ", ")+")")
	}
	if sc.AuthorizationEndpoint != "" && !sameURL(sc.AuthorizationEndpoint, app.AuthorizationURL) {
		w = append(w, "authorization_url differs from discovery's authorization_endpoint "+sc.AuthorizationEndpoint)
	}
	return w
}

// fetchSmartConfig reads discovery for the provider flow: the token
// endpoint the code goes to, the authorize endpoint, S256.
func fetchSmartConfig(ctx context.Context, s *state, base string) (smartConfig, []string, error) {
	var sc smartConfig
	resp, req, err := s.get(ctx, base+"/.well-known/smart-configuration", "application/json", "")
	if err != nil {
		_, _, text := transportFailure(err, hostOf(base))
		return sc, []string{"discovery: " + text}, fmt.Errorf("discovery: %w", err)
	}
	ev := resp.evidence(fmt.Sprintf("GET %s: %d in %s", req.URL, resp.Status, ms(resp.Latency)))
	if resp.Status != http.StatusOK {
		return sc, ev, fmt.Errorf("discovery answered %d", resp.Status)
	}
	if err := json.Unmarshal(resp.Body, &sc); err != nil {
		return sc, append(ev, "discovery is not JSON"), fmt.Errorf("discovery: %w", err)
	}
	if slices.Contains(sc.CodeChallengeMethods, "S256") {
		ev = append(ev, "code_challenge_methods_supported: "+strings.Join(sc.CodeChallengeMethods, ", "))
	}
	return sc, ev, nil
}

// transportProblem is a request that got no usable answer.
type transportProblem struct {
	class   TokenClass
	cause   CauseID
	summary string
	remedy  string
}

func (t *transportProblem) result(evidence []string) Result {
	return Result{Status: StatusFail, Summary: t.summary, Evidence: evidence, Remedy: t.remedy,
		Facts: &Facts{Cause: t.cause, Class: string(t.class)}}
}

// preflightResult is how the authorize endpoint treated a well-formed
// request sent without a browser.
type preflightResult struct {
	verdict   string // how it answered, when it did not refuse
	evidence  []string
	refused   *providerAnswer   // refused the client, redirect or scopes before sign-in
	transport *transportProblem // no usable answer
}

// preflight sends a complete authorize request, with a throwaway state and
// challenge, and does not follow the answer: a redirect to the sign-in page
// means the client and redirect were accepted; an OAuth error redirected to
// redirect_uri, or an error page, says what the browser would have shown.
// No code can come of it unless the server approves without a person, and
// then the code is never exchanged.
func (s *state) preflight(ctx context.Context, app *config.ProviderApp, base string) preflightResult {
	var pf preflightResult
	cfg := oauth2.Config{ClientID: app.ClientID, RedirectURL: app.RedirectURI, Scopes: app.Scopes,
		Endpoint: oauth2.Endpoint{AuthURL: app.AuthorizationURL, AuthStyle: oauth2.AuthStyleInParams}}
	authURL := cfg.AuthCodeURL("fhirdoctor-preflight-"+randomString(8),
		oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("aud", base))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		pf.transport = &transportProblem{class: TokenRefused, cause: CauseConfigInvalid,
			summary: "authorization_url " + app.AuthorizationURL + " is not a valid URL", remedy: "Fix {provider_app}.authorization_url."}
		return pf
	}
	if err := credentialsAllowed(req.URL); err != nil {
		pf.transport = &transportProblem{class: TokenRefused, cause: CauseConfigInvalid,
			summary: "authorization_url must be https: " + err.Error(), remedy: "Use the https authorize endpoint that discovery advertises."}
		return pf
	}
	noFollow := *s.client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	sub := &state{opts: s.opts, client: &noFollow}
	resp, _, err := sub.send(ctx, func() (*http.Request, error) { return req.Clone(ctx), nil })
	if err != nil {
		class, cause, text := transportFailure(err, req.URL.Host)
		pf.transport = &transportProblem{class: class, cause: cause, summary: "authorize endpoint: " + text}
		if class == TokenTimeout {
			pf.transport.remedy = "The authorize endpoint did not answer in time: retry later or raise --timeout."
		}
		return pf
	}
	pf.evidence = append(pf.evidence, resp.Notes...)
	pf.evidence = append(pf.evidence, fmt.Sprintf("GET %s (client_id %s, redirect_uri %s, scope %q, aud %s, PKCE S256, throwaway state; not followed): %d in %s",
		app.AuthorizationURL, app.ClientID, app.RedirectURI, strings.Join(app.Scopes, " "), base, resp.Status, ms(resp.Latency)))
	loc := resp.Header.Get("Location")
	switch {
	case resp.Status >= 500 || resp.Status == http.StatusTooManyRequests:
		pf.transport = &transportProblem{class: TokenServerError, cause: CauseServerOutage,
			summary: fmt.Sprintf("authorize endpoint answered %d %s", resp.Status, bodyGist(contentType(resp.Header), resp.Body)),
			remedy:  "Server-side failure: retry later."}
	case resp.Status >= 300 && resp.Status < 400 && loc != "":
		target, err := req.URL.Parse(loc)
		if err != nil {
			pf.verdict = "redirect"
			return pf
		}
		if sameEndpoint(target, app.RedirectURI) {
			q := target.Query()
			if q.Get("error") != "" {
				a, ev := classifyProviderError(q.Get("error"), q.Get("error_description"), q.Get("error_uri"))
				pf.refused = &a
				pf.evidence = append(pf.evidence, ev...)
				return pf
			}
			pf.verdict = "client and redirect accepted, approved without sign-in"
			return pf
		}
		pf.verdict = "redirects to sign-in at " + target.Host
	case resp.Status == http.StatusOK:
		pf.verdict = "sign-in page served"
	default:
		text := pageText(resp.Body)
		a := providerAnswer{class: ProviderClientRejected, cause: CauseClientUnknown,
			summary: fmt.Sprintf("HTTP %d %s", resp.Status, bodyGist(contentType(resp.Header), resp.Body)),
			remedy:  "Check {provider_app}.client_id and redirect_uri against the provider app in {console}."}
		if strings.Contains(strings.ToLower(text), "redirect") {
			a.class = ProviderRedirectMismatch
			a.remedy = "Make {provider_app}.redirect_uri identical to the redirect URI registered in {console}: the match is exact, scheme, port and trailing slash included."
		}
		if text != "" {
			pf.evidence = append(pf.evidence, "page: "+strconv.Quote(clean(text, 300)))
		}
		pf.refused = &a
	}
	return pf
}

// sameEndpoint says whether u is the redirect_uri, ignoring the query the
// server added.
func sameEndpoint(u *url.URL, redirectURI string) bool {
	r, err := url.Parse(redirectURI)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, r.Scheme) && strings.EqualFold(u.Host, r.Host) && u.EscapedPath() == r.EscapedPath()
}

var (
	tagRE      = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)
	headRE     = regexp.MustCompile(`(?is)<head.*?</head>`)
	entityRepl = strings.NewReplacer("&quot;", `"`, "&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">")
)

// pageText is the visible text of an HTML error page, for one evidence line.
func pageText(body []byte) string {
	s := headRE.ReplaceAllString(string(body[:min(len(body), 8192)]), " ")
	return clean(entityRepl.Replace(tagRE.ReplaceAllString(s, " ")), 400)
}
