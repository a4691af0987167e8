package probe

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

type smartConfig struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
	SigningAlgs           []string `json:"token_endpoint_auth_signing_alg_values_supported"`
	GrantTypes            []string `json:"grant_types_supported"`
	ScopesSupported       []string `json:"scopes_supported"`
	Capabilities          []string `json:"capabilities"`
	// CodeChallengeMethods is read by the provider checks (PKCE S256).
	CodeChallengeMethods []string `json:"code_challenge_methods_supported"`
	// JWKSURI is where the server publishes the keys that sign its
	// id_tokens (the provider round trip verifies with them).
	JWKSURI string `json:"jwks_uri"`
}

// checkDiscovery reads {fhir_base}/.well-known/smart-configuration and
// compares it with the config: token endpoint drift, unsupported scopes,
// client_secret_basic.
func checkDiscovery(ctx context.Context, s *state) Result {
	base := strings.TrimRight(s.opts.Tenant.Cerner.FHIRBaseURL, "/")
	resp, req, err := s.getPublic(ctx, base+"/.well-known/smart-configuration", "application/json")
	if err != nil {
		return unreachable(err, base)
	}
	r := Result{Evidence: resp.evidence(fmt.Sprintf("GET %s: %d in %s", req.URL, resp.Status, ms(resp.Latency))), HTTP: exchangeOf(resp)}
	f := &Facts{HTTPStatus: resp.Status, Latency: resp.Latency, CorrelationID: resp.Header.Get("Cerner-Correlation-Id")}
	r.Facts = f
	if bad := badStatus(resp, &r, "discovery"); bad {
		if resp.Status == 404 {
			r.Remedy = "No SMART configuration at this base: use the secure host (fhir-ehr-code.cerner.com), not fhir-open."
			f.Cause = CauseConfigInvalid
		}
		return r
	}
	var sc smartConfig
	if err := decodeJSON(resp, &sc); err != nil || resp.Truncated {
		r.Status = StatusFail
		if resp.Truncated || looksLikeJSON(contentType(resp.Header), resp.Body) {
			// Broken JSON is the server's fault; valid JSON of another shape
			// means the URL points elsewhere.
			r.Summary = "malformed JSON from discovery: " + jsonProblem(err, resp.Truncated)
			r.Remedy = "The server (or a proxy in between) sent a broken answer: retry later; if it persists, report it with the Cerner-Correlation-Id."
			f.Cause = CauseServerOutage
			return r
		}
		r.Summary = "the answer is not a SMART configuration: " + jsonProblem(err, false)
		f.Cause = CauseConfigInvalid
		return r
	}
	var problems []string
	var missing []string
	for k, v := range map[string]bool{"token_endpoint": sc.TokenEndpoint != "", "authorization_endpoint": sc.AuthorizationEndpoint != "",
		"grant_types_supported": len(sc.GrantTypes) > 0, "capabilities": len(sc.Capabilities) > 0} {
		if !v {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		problems = append(problems, "missing "+strings.Join(missing, ", "))
	}
	if len(sc.GrantTypes) > 0 && !slices.Contains(sc.GrantTypes, "client_credentials") {
		problems = append(problems, "client_credentials not in grant_types_supported")
	}
	// Copies: in a shared run sc's slices are every tenant's.
	f.AuthMethods, f.Algs = slices.Clone(sc.AuthMethods), slices.Clone(sc.SigningAlgs)
	switch {
	case s.jwtApp():
		jp, jev, cause := jwtDiscovery(s, sc)
		problems = append(problems, jp...)
		r.Evidence = append(r.Evidence, jev...)
		if cause != "" {
			f.Cause = cause
			r.Remedy = "Sign with an algorithm the server lists: make a key for it with `fhirdoctor rotate --new-key --alg " + firstOr(sc.SigningAlgs, "RS384") + "` (RS384 needs an RSA key, ES384 a P-384 key)."
		}
	case len(sc.AuthMethods) > 0 && !slices.Contains(sc.AuthMethods, "client_secret_basic"):
		problems = append(problems, "client_secret_basic not advertised ("+strings.Join(sc.AuthMethods, ", ")+")")
	case len(sc.AuthMethods) > 0:
		r.Evidence = append(r.Evidence, "client_secret_basic advertised")
	}
	configured := s.opts.Tenant.Cerner.SystemApp.TokenURL
	if sc.TokenEndpoint != "" {
		if drift := tokenURLDrift(configured, sc.TokenEndpoint); drift != "" {
			problems = append(problems, "token_url differs from discovery's token_endpoint ("+drift+")")
			r.Evidence = append(r.Evidence, "configured: "+configured, "discovery:  "+sc.TokenEndpoint)
			f.TokenURL = sc.TokenEndpoint
			r.Remedy = "Set " + strings.Join(s.opts.Tenant.Cerner.SystemApp.Key("token_url"), ".") + " to " + sc.TokenEndpoint + " (step 3)."
			if strings.Contains(drift, "tenant") {
				f.Cause = CauseTenantMismatch
			}
		} else {
			r.Evidence = append(r.Evidence, "token_endpoint matches token_url")
		}
	}
	if len(sc.ScopesSupported) > 0 {
		var unsupported []string
		for _, sc2 := range s.opts.Tenant.Cerner.SystemApp.Scopes {
			if !slices.Contains(sc.ScopesSupported, sc2) {
				unsupported = append(unsupported, sc2)
			}
		}
		if len(unsupported) > 0 {
			problems = append(problems, "configured scopes absent from scopes_supported: "+strings.Join(unsupported, " "))
			if r.Remedy == "" {
				r.Remedy = "Drop the scopes the server does not support (" + strings.Join(unsupported, " ") + ") from the config; they are likely refused."
			}
		}
	}
	if len(problems) > 0 {
		r.Status = StatusWarn
		r.Summary = strings.Join(problems, "; ")
		return r
	}
	r.Status = StatusPass
	r.Summary = fmt.Sprintf("SMART configuration OK (%d ms)", resp.Latency.Milliseconds())
	return r
}

// tokenURLDrift says how two token URLs differ in Cerner's terms (tenant,
// host, profile, form), or "" when they are the same endpoint.
func tokenURLDrift(configured, advertised string) string {
	if sameURL(configured, advertised) {
		return ""
	}
	c, a := parseCernerTokenURL(configured), parseCernerTokenURL(advertised)
	var diffs []string
	if !strings.EqualFold(c.authHost, a.authHost) {
		diffs = append(diffs, fmt.Sprintf("authorization host %s, not %s", orNone(c.authHost), a.authHost))
	}
	if c.tenant != a.tenant && a.tenant != "" {
		diffs = append(diffs, fmt.Sprintf("tenant %s, not %s", orNone(c.tenant), a.tenant))
	}
	if !strings.EqualFold(c.fhirHost, a.fhirHost) {
		if c.fhirHost == "" {
			diffs = append(diffs, "older form without hosts/"+a.fhirHost)
		} else {
			diffs = append(diffs, fmt.Sprintf("host %s, not %s", c.fhirHost, a.fhirHost))
		}
	}
	if c.profile != a.profile {
		diffs = append(diffs, fmt.Sprintf("profile %s, not %s", orNone(c.profile), a.profile))
	}
	if len(diffs) == 0 {
		return "different URL"
	}
	return strings.Join(diffs, ", ")
}

type cernerTokenURL struct{ authHost, tenant, fhirHost, profile string }

// parseCernerTokenURL reads .../tenants/{t}/hosts/{h}/protocols/oauth2/profiles/{p}/token.
func parseCernerTokenURL(raw string) cernerTokenURL {
	var c cernerTokenURL
	u, err := url.Parse(raw)
	if err != nil {
		return c
	}
	c.authHost = u.Host
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		switch parts[i] {
		case "tenants":
			c.tenant = parts[i+1]
		case "hosts":
			c.fhirHost = parts[i+1]
		case "profiles":
			c.profile = parts[i+1]
		}
	}
	return c
}

func sameURL(a, b string) bool {
	ua, ea := url.Parse(a)
	ub, eb := url.Parse(b)
	if ea != nil || eb != nil {
		return a == b
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host) &&
		strings.TrimRight(ua.Path, "/") == strings.TrimRight(ub.Path, "/")
}

// unreachable turns a failed GET into a result.
func unreachable(err error, base string) Result {
	class, cause, text := transportFailure(err, hostOf(base))
	r := Result{Status: StatusFail, Summary: text, Facts: &Facts{Cause: cause, Class: string(class)}}
	if class == TokenTimeout {
		r.Remedy = "The host did not answer in time: retry later or raise --timeout."
	}
	return r
}

// badStatus fills r for a non-200 answer and reports whether there was one.
func badStatus(resp *response, r *Result, what string) bool {
	if resp.Status == 200 {
		if resp.Truncated {
			r.Evidence = append(r.Evidence, truncatedEvidence(resp))
		}
		return false
	}
	r.Status = StatusFail
	r.Summary = fmt.Sprintf("%s answered %d %s", what, resp.Status, bodyGist(contentType(resp.Header), resp.Body))
	if resp.Status >= 500 || resp.Status == 429 {
		r.Facts.Cause = CauseServerOutage
		r.Remedy = "Server-side failure: retry later."
	}
	if id := resp.Header.Get("Cerner-Correlation-Id"); id != "" {
		r.Evidence = append(r.Evidence, "Cerner-Correlation-Id: "+clean(id, 80))
	}
	return true
}
