package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// TokenClass is what a token endpoint answer was, in Cerner's terms.
type TokenClass string

const (
	TokenOK            TokenClass = "ok"
	TokenInvalidClient TokenClass = "invalid-client"
	TokenInvalidTenant TokenClass = "invalid-tenant"
	TokenEmptyScopes   TokenClass = "empty-scopes"
	TokenInvalidScope  TokenClass = "invalid-scope"
	TokenOAuthError    TokenClass = "oauth-error"     // another OAuth error document
	TokenEdgeDenied    TokenClass = "edge-denied"     // 403 with no OAuth error: a firewall, WAF or IP rule
	TokenUnauthorized  TokenClass = "unauthorized"    // 401 with no OAuth error
	TokenServerError   TokenClass = "server-error"    // 5xx
	TokenRateLimited   TokenClass = "rate-limited"    // 429
	TokenNotFound      TokenClass = "not-found"       // 404/405: not a token endpoint
	TokenHTMLPage      TokenClass = "html-page"       // an HTML page where JSON belongs
	TokenMalformed     TokenClass = "malformed"       // 200 that is not a usable token
	TokenTimeout       TokenClass = "timeout"         // no answer in time
	TokenNetwork       TokenClass = "network"         // DNS, refused, reset
	TokenTLS           TokenClass = "tls"             // certificate or handshake failure
	TokenRefused       TokenClass = "refused-locally" // we would not send the secret
	TokenRedirected    TokenClass = "redirected"      // token_url redirected to another host
)

// tokenAnswer is a classified token endpoint response.
type tokenAnswer struct {
	Class         TokenClass
	Cause         CauseID // "" on success
	Summary       string
	Evidence      []string
	Remedy        string
	OAuthJSON     bool
	OAuthError    string // the answer's `error`, cleaned
	ErrorURI      string // the answer's error_uri, cleaned
	URN           errorURI
	CorrelationID string
	accessToken   string // raw; never printed
	ExpiresIn     int
	Granted       []string
	ScopeInAnswer bool
	Warnings      []string
}

type oauthDoc struct {
	AccessToken      *string         `json:"access_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Scope            *string         `json:"scope"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
	ErrorURI         string          `json:"error_uri"`
}

// classifyTokenResponse reads a token endpoint answer the way Cerner
// documents them. It is pure so that it can be tested table-driven and
// fuzzed; the access token it finds is kept out of every printed field.
func classifyTokenResponse(status int, h http.Header, body []byte) tokenAnswer {
	var a tokenAnswer
	ct := contentType(h)
	a.CorrelationID = h.Get("Cerner-Correlation-Id")
	a.Evidence = append(a.Evidence, fmt.Sprintf("HTTP %d, Content-Type %s, %d bytes", status, orNone(ct), len(body)))
	if a.CorrelationID != "" {
		a.Evidence = append(a.Evidence, "Cerner-Correlation-Id: "+clean(a.CorrelationID, 80))
	} else {
		a.Evidence = append(a.Evidence, "no Cerner-Correlation-Id header")
	}

	var doc oauthDoc
	jsonErr := json.Unmarshal(body, &doc)
	isJSON := jsonErr == nil
	if isJSON && doc.Error != "" {
		a.OAuthJSON = true
		classifyOAuthError(&a, status, doc)
		return a
	}
	switch {
	case status == http.StatusOK && isJSON && doc.AccessToken != nil:
		classifySuccess(&a, h, doc)
		return a
	case status == http.StatusForbidden:
		a.Class, a.Cause = TokenEdgeDenied, CauseEdgeBlock
		a.Summary = "403 " + bodyGist(ct, body) + " with no OAuth error: blocked before the OAuth server"
		a.Evidence = append(a.Evidence, "no OAuth error JSON (no error, no error_uri): Cerner's OAuth server answers every documented refusal with one")
		a.Remedy = "The request most likely never reached the OAuth server (firewall, WAF or IP restriction); a new secret is unlikely to help. Retry from another network or through the expected egress (VPN, office IP) and ask Oracle Health whether an IP allowlist applies."
	case status >= 500:
		a.Class, a.Cause = TokenServerError, CauseServerOutage
		a.Summary = fmt.Sprintf("%d %s: the token endpoint is failing", status, http.StatusText(status))
		a.Remedy = "Server-side error: retry later and check Oracle Health's status page; quote the Cerner-Correlation-Id to support if there is one."
	case status == http.StatusTooManyRequests:
		a.Class, a.Cause = TokenRateLimited, CauseServerOutage
		a.Summary = "429 Too Many Requests: the token endpoint is throttling"
		a.Remedy = "Wait before retrying (Retry-After: " + orNone(h.Get("Retry-After")) + ")."
	case status == http.StatusUnauthorized:
		a.Class, a.Cause = TokenUnauthorized, CauseSecretInvalid
		a.Summary = "401 " + bodyGist(ct, body) + " without an OAuth error"
		a.Remedy = "The credentials were refused without details; check client_id and client_secret in {console}."
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		a.Class, a.Cause = TokenNotFound, CauseConfigInvalid
		a.Summary = fmt.Sprintf("%d %s: token_url is not a token endpoint", status, http.StatusText(status))
		a.Remedy = "Set token_url to the token_endpoint that {fhir_base}/.well-known/smart-configuration advertises."
	case isHTML(ct, body):
		a.Class, a.Cause = TokenHTMLPage, CauseConfigInvalid
		a.Summary = fmt.Sprintf("%d with an HTML page %s where OAuth JSON belongs", status, bodyGist(ct, body))
		a.Remedy = "token_url answers a web page, not an OAuth endpoint: a captive portal, a proxy login page or a wrong URL."
	case status == http.StatusOK && !isJSON && looksLikeJSON(ct, body):
		a.Class, a.Cause = TokenMalformed, CauseServerOutage
		a.Summary = "200 with malformed JSON: " + jsonProblem(jsonErr, false)
		a.Remedy = "The token endpoint answered, but not with valid JSON: a broken server or a proxy rewriting the answer. Retry; if it persists, send support the Cerner-Correlation-Id."
	case status == http.StatusOK:
		a.Class = TokenMalformed
		a.Summary = "200 without an access_token"
		a.Remedy = "The endpoint answered but not with a token; check token_url against discovery."
	default:
		a.Class, a.Cause = TokenOAuthError, CauseConfigInvalid
		a.Summary = fmt.Sprintf("%d %s with no OAuth error", status, bodyGist(ct, body))
		a.Remedy = "Unexpected answer; check token_url against discovery."
	}
	if len(body) > 0 {
		a.Evidence = append(a.Evidence, "body: "+strconv.Quote(clean(redactTokens(body), 160)))
	} else {
		a.Evidence = append(a.Evidence, "empty body")
	}
	return a
}

func classifyOAuthError(a *tokenAnswer, status int, doc oauthDoc) {
	a.OAuthError, a.ErrorURI = clean(doc.Error, 80), clean(doc.ErrorURI, 400)
	a.Evidence = append(a.Evidence, "error: "+clean(doc.Error, 80))
	if doc.ErrorDescription != "" {
		a.Evidence = append(a.Evidence, "error_description: "+clean(doc.ErrorDescription, 200))
	}
	if u, ok := decodeErrorURI(doc.ErrorURI); ok {
		a.URN = u
		a.Evidence = append(a.Evidence, "error_uri URN: "+clean(u.URN, 160))
		if a.CorrelationID == "" && u.Instance != "" {
			a.CorrelationID = u.Instance
			a.Evidence = append(a.Evidence, "error instance (correlation id): "+clean(u.Instance, 80))
		}
	}
	code := a.URN.Code
	errName := clean(doc.Error, 40)
	switch {
	case code == "invalid-tenant":
		a.Class = TokenInvalidTenant
	case code == "empty-scopes":
		a.Class = TokenEmptyScopes
	case doc.Error == "invalid_scope":
		a.Class = TokenInvalidScope
	case doc.Error == "invalid_client":
		a.Class = TokenInvalidClient
	default:
		a.Class = TokenOAuthError
	}
	if m, ok := urnMeaning[code]; ok {
		a.Cause = m.cause
		a.Summary = fmt.Sprintf("%d %s (%s): %s", status, errName, code, m.text)
	} else {
		a.Summary = fmt.Sprintf("%d %s", status, errName)
		if code != "" {
			a.Summary += " (" + clean(code, 60) + ")"
		}
		switch doc.Error {
		case "invalid_client":
			a.Cause = CauseSecretInvalid
		case "invalid_scope":
			a.Cause = CauseScopeNotGranted
		case "invalid_grant":
			a.Cause = CauseTenantMismatch
		case "unauthorized_client":
			a.Cause = CauseClientUnknown
		default:
			a.Cause = CauseConfigInvalid
		}
		if status >= 500 {
			a.Cause = CauseServerOutage
		}
	}
	a.Remedy = remedyFor(a.Cause)
}

func remedyFor(c CauseID) string {
	switch c {
	case CauseSecretInvalid:
		return "Regenerate the client secret in {console} and update client_secret (action plan step 2)."
	case CauseClientUnknown:
		return "Check in {console} that the app still exists and is Active; create a new system app if it was removed (step 1)."
	case CauseTenantMismatch:
		return "Check the tenant in token_url against discovery and that the app is enabled for this tenant (steps 1 and 3)."
	case CauseScopeNotGranted:
		return "Request only scopes registered on the app, or add them in {console} (step 1)."
	case CauseServerOutage:
		return "Server-side failure: retry later; quote the Cerner-Correlation-Id to support."
	}
	return "Check token_url and the request against discovery."
}

func classifySuccess(a *tokenAnswer, h http.Header, doc oauthDoc) {
	a.accessToken = *doc.AccessToken
	a.Class = TokenOK
	if a.accessToken == "" {
		a.Class = TokenMalformed
		a.Summary = "200 with an empty access_token"
		a.Remedy = "The server issued no usable token; retry and report the correlation id."
		return
	}
	a.Evidence = append(a.Evidence, fmt.Sprintf("access_token %d chars (not shown)", len(a.accessToken)))
	if !strings.EqualFold(doc.TokenType, "bearer") {
		a.Warnings = append(a.Warnings, fmt.Sprintf("token_type is %q, expected Bearer", clean(doc.TokenType, 40)))
	} else {
		a.Evidence = append(a.Evidence, "token_type "+clean(doc.TokenType, 20))
	}
	switch n, ok := parseExpiresIn(doc.ExpiresIn); {
	case !ok:
		a.Warnings = append(a.Warnings, "expires_in missing or not a number")
	case n <= 0:
		a.Warnings = append(a.Warnings, fmt.Sprintf("expires_in %d: the token is already expired", n))
	default:
		a.ExpiresIn = n
		note := ""
		if n == 570 {
			note = " (normal for Cerner)"
		}
		a.Evidence = append(a.Evidence, fmt.Sprintf("expires_in %d s%s", n, note))
	}
	if doc.Scope != nil {
		a.ScopeInAnswer = true
		a.Granted = strings.Fields(*doc.Scope)
		a.Evidence = append(a.Evidence, "scope: "+clean(*doc.Scope, 300))
	} else {
		a.Warnings = append(a.Warnings, "no scope in the answer: granted scopes unknown")
	}
	if !strings.Contains(strings.ToLower(h.Get("Cache-Control")), "no-store") {
		a.Warnings = append(a.Warnings, "Cache-Control lacks no-store (RFC 6749 5.1)")
	}
	a.Summary = "token issued"
	if a.ExpiresIn > 0 {
		a.Summary += fmt.Sprintf(", expires in %d s", a.ExpiresIn)
	}
}

// parseExpiresIn accepts a JSON number or a numeric string: both are seen.
func parseExpiresIn(raw json.RawMessage) (int, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = []byte(strings.TrimSpace(s))
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != f || f > 1e9 || f < -1e9 {
		return 0, false
	}
	return int(f), true
}

func contentType(h http.Header) string {
	ct := h.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return clean(ct, 60)
}

func isHTML(ct string, body []byte) bool {
	if ct == "text/html" || ct == "application/xhtml+xml" {
		return true
	}
	head := strings.ToLower(string(body[:min(len(body), 512)]))
	return strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html")
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// bodyGist describes a body in a few words: `text/plain "Access denied"`,
// `HTML "502 Bad Gateway"`, `empty body`.
func bodyGist(ct string, body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "with an empty body"
	}
	if isHTML(ct, body) {
		if m := titleRE.FindSubmatch(body); m != nil {
			return "HTML " + strconv.Quote(clean(string(m[1]), 60))
		}
		return "HTML page"
	}
	return orNone(ct) + " " + strconv.Quote(clean(redactTokens(body), 60))
}

// tokenKeyRE finds the first token key in a body: a broken answer may still
// carry a live token, and in broken JSON its end cannot be trusted.
var tokenKeyRE = regexp.MustCompile(`(?s)"(access_token|id_token|refresh_token)".*`)

// redactTokens returns the start of body, enough for an evidence line, with
// everything from the first token key on masked.
func redactTokens(body []byte) string {
	return tokenKeyRE.ReplaceAllString(string(body[:min(len(body), 4096)]), `"$1":[REDACTED]`)
}

// clean makes server-supplied text safe for one evidence line: control
// characters go, whitespace collapses, the length is capped.
func clean(s string, max int) string {
	// Only the first max runes survive; a 1 MiB body need not be mapped whole.
	if limit := 4*max + 64; len(s) > limit {
		s = s[:limit]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
