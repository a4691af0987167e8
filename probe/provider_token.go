package probe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// exchange trades the code for a token, as a public client or with the
// app's client authentication, validates the answer and reads the patient
// with the token.
func (rt *roundTrip) exchange(ctx context.Context, cfg oauth2.Config, code, verifier, base string) ProviderOutcome {
	ctx, cancel := context.WithTimeout(ctx, rt.opts.Timeout)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, rt.s.client)
	sent := verifier
	if rt.p.tamperVerifier != nil {
		sent = rt.p.tamperVerifier(verifier)
		rt.s.addSecret(sent)
	}
	if app := rt.opts.Tenant.Cerner.ProviderApp; rt.key != nil {
		rt.ev = append(rt.ev, "POST "+cfg.Endpoint.TokenURL+": grant_type=authorization_code, client_id="+cfg.ClientID+
			", code, code_verifier, redirect_uri and a signed client_assertion (private_key_jwt, kid "+app.KeyID+") in the body; no Authorization header (confidential client)")
	} else if app != nil && cfg.ClientSecret != "" {
		rt.ev = append(rt.ev, "POST "+cfg.Endpoint.TokenURL+": grant_type=authorization_code, code, code_verifier, redirect_uri in the body; Basic client_id "+cfg.ClientID+
			" and client_secret "+app.ClientSecret.Fingerprint()+sourceNote(app.ClientSecret)+" (confidential client)")
	} else {
		rt.ev = append(rt.ev, "POST "+cfg.Endpoint.TokenURL+": grant_type=authorization_code, client_id="+cfg.ClientID+
			", code, code_verifier, redirect_uri in the body; no Authorization header (public client)")
	}
	opts := []oauth2.AuthCodeOption{oauth2.VerifierOption(sent)}
	if rt.key != nil {
		app := rt.opts.Tenant.Cerner.ProviderApp
		req := jwtauth.Request{ClientID: app.ClientID, KeyID: app.KeyID, TokenURL: cfg.Endpoint.TokenURL}
		a, err := rt.key.Sign(req, rt.opts.Now())
		if err != nil {
			return rt.fail(providerAnswer{ProviderNotConfigured, CauseConfigInvalid, "cannot sign the client assertion: " + err.Error(), ""})
		}
		raw := a.Value.Reveal()
		rt.s.addSecret(raw)
		opts = append(opts, oauth2.SetAuthURLParam("client_assertion_type", jwtauth.AssertionType), oauth2.SetAuthURLParam("client_assertion", raw))
		rt.ev = append(rt.ev, assertionEvidence(raw, req, a)...)
	}
	tok, err := cfg.Exchange(ctx, code, opts...)
	if err != nil {
		return rt.exchangeFailed(err)
	}
	rt.s.addSecret(tok.AccessToken)
	rt.s.addSecret(tok.RefreshToken)
	v := validateProviderToken(tok, cfg, rt.opts.Now())
	for _, raw := range v.secrets {
		rt.s.addSecret(raw)
	}
	if idt, _ := tok.Extra("id_token").(string); idt != "" {
		line, problem := verifyIDToken(ctx, rt.s, idt, idTokenExpect{
			issuer: rt.sc.Issuer, jwksURI: rt.sc.JWKSURI, clientID: cfg.ClientID, nonce: rt.nonce, now: rt.opts.Now()})
		if problem != "" {
			v.warnings = append(v.warnings, problem)
		} else {
			v.evidence = append(v.evidence, line)
		}
	}
	rt.ev = append(rt.ev, v.evidence...)
	out := ProviderOutcome{Patient: v.patient, Granted: v.granted, ExpiresIn: v.expiresIn, IDClaims: v.claims}
	if v.fatal != nil {
		o := rt.fail(*v.fatal)
		o.Patient, o.Granted, o.ExpiresIn, o.IDClaims = out.Patient, out.Granted, out.ExpiresIn, out.IDClaims
		return o
	}
	read := rt.readPatient(ctx, base, tok.AccessToken, v)
	warns := append(v.warnings, read.warnings...)
	for _, w := range warns {
		rt.ev = append(rt.ev, "warning: "+w)
	}
	out.Evidence = rt.ev
	if read.fail != nil {
		out.Status, out.Class, out.Cause, out.Summary, out.Remedy = StatusFail, read.fail.class, read.fail.cause, read.fail.summary, read.fail.remedy
		return out
	}
	out.Status, out.Class = StatusPass, ProviderOK
	if len(warns) > 0 {
		out.Status = StatusWarn
	}
	parts := []string{"signed in, code exchanged"}
	if v.patient != "" {
		parts = append(parts, "patient "+v.patient)
	}
	if v.expiresIn > 0 {
		parts = append(parts, fmt.Sprintf("token expires in %d s", v.expiresIn))
	}
	if read.summary != "" {
		parts = append(parts, read.summary)
	}
	out.Summary = strings.Join(parts, ", ")
	return out
}

// exchangeFailed classifies a failed token request.
func (rt *roundTrip) exchangeFailed(err error) ProviderOutcome {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		if strings.Contains(err.Error(), "missing access_token") {
			return rt.fail(providerAnswer{ProviderTokenInvalid, CauseClientUnknown, "the token endpoint answered 200 without an access_token",
				"The server issued no usable token; retry and report the correlation id."})
		}
		class, cause, text := transportFailure(err, hostOf(rt.opts.Tenant.Cerner.FHIRBaseURL))
		if class == TokenTimeout && cause == "" {
			out := rt.fail(providerAnswer{ProviderCancelled, "", "cancelled during the token request", ""})
			out.Status = StatusSkip
			return out
		}
		return rt.fail(providerAnswer{ProviderTransport, cause, "token request: " + text, ""})
	}
	a := classifyTokenResponse(re.Response.StatusCode, re.Response.Header, re.Body)
	rt.ev = append(rt.ev, a.Evidence...)
	if a.OAuthJSON || re.ErrorCode != "" {
		pa, _ := classifyProviderError(re.ErrorCode, re.ErrorDescription, re.ErrorURI)
		if pa.class == ProviderAuthorizeError {
			pa.class = ProviderTokenError
		}
		if ca, ok := clientAuthRefusal(rt.opts.Tenant.Cerner.ProviderApp, re.ErrorCode, re.ErrorURI); ok {
			pa = ca
		}
		return rt.fail(pa)
	}
	cause := a.Cause
	if app := rt.opts.Tenant.Cerner.ProviderApp; cause == CauseSecretInvalid && (app == nil || app.AuthMethod() != config.AuthClientSecret) {
		cause = CauseClientUnknown // a public client has no secret to be wrong
	}
	return rt.fail(providerAnswer{ProviderTokenError, cause, "token request: " + a.Summary, a.Remedy})
}

// tokenCheck is what validateProviderToken found.
type tokenCheck struct {
	evidence, warnings []string
	fatal              *providerAnswer
	patient            string
	granted            []string
	expiresIn          int
	claims             map[string]string
	secrets            []string // raw values to scrub (the id_token)
	wantsPatient       bool
}

// validateProviderToken checks a SMART token response: Bearer, a positive
// expires_in, the granted scopes against the requested ones, the patient
// context launch/patient asks for, and the id_token's claims (decoded for
// display; the signature is not verified).
func validateProviderToken(tok *oauth2.Token, cfg oauth2.Config, now time.Time) tokenCheck {
	var v tokenCheck
	v.evidence = append(v.evidence, fmt.Sprintf("access_token %s (%d chars, not shown)", config.Fingerprint(tok.AccessToken), len(tok.AccessToken)))
	if strings.EqualFold(tok.TokenType, "bearer") {
		v.evidence = append(v.evidence, "token_type "+clean(tok.TokenType, 20))
	} else {
		v.warnings = append(v.warnings, fmt.Sprintf("token_type is %q, expected Bearer", clean(tok.TokenType, 40)))
	}
	switch {
	case tok.ExpiresIn > 0:
		v.expiresIn = int(tok.ExpiresIn)
		v.evidence = append(v.evidence, fmt.Sprintf("expires_in %d s", tok.ExpiresIn))
	default:
		v.warnings = append(v.warnings, "expires_in missing or not positive")
	}
	if s, ok := tok.Extra("scope").(string); ok {
		v.granted = strings.Fields(s)
		v.evidence = append(v.evidence, "scope: "+clean(s, 300))
		var missing []string
		for _, want := range cfg.Scopes {
			if !slices.Contains(v.granted, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) > 0 {
			v.warnings = append(v.warnings, "not granted: "+strings.Join(missing, " "))
		}
	} else {
		v.granted = cfg.Scopes
		v.warnings = append(v.warnings, "no scope in the answer: granted scopes unknown")
	}
	v.wantsPatient = slices.Contains(cfg.Scopes, "launch/patient")
	if p, ok := tok.Extra("patient").(string); ok && p != "" {
		v.patient = clean(p, 64)
		v.evidence = append(v.evidence, "patient context: "+v.patient)
	} else if v.wantsPatient && slices.Contains(v.granted, "launch/patient") {
		v.fatal = &providerAnswer{ProviderMissingPatient, CauseScopeNotGranted,
			"launch/patient was granted but the token response has no patient (missing-patient)",
			"Pick a patient on the sign-in page; if the app needs no patient context, remove launch/patient from {provider_app}.scopes."}
	}
	if refresh, ok := tok.Extra("refresh_token").(string); ok && refresh != "" {
		v.evidence = append(v.evidence, "refresh_token "+config.Fingerprint(refresh)+" (not shown)")
	}
	idt, _ := tok.Extra("id_token").(string)
	wantsID := slices.Contains(cfg.Scopes, "openid")
	switch {
	case idt != "":
		v.secrets = append(v.secrets, idt)
		claims, err := decodeIDToken(idt)
		if err != nil {
			v.warnings = append(v.warnings, "id_token "+config.Fingerprint(idt)+" does not decode: "+err.Error())
			break
		}
		v.claims = claims
		v.evidence = append(v.evidence, "id_token "+config.Fingerprint(idt)+" (claims decoded for display, signature not verified): "+claimLine(claims))
		v.warnings = append(v.warnings, idTokenWarnings(claims, cfg.ClientID, now)...)
	case wantsID:
		v.warnings = append(v.warnings, "openid was requested but the answer has no id_token")
	}
	return v
}

// decodeIDToken reads a JWT's payload. The signature is deliberately not
// checked: the claims are shown to the user, never trusted for a decision.
func decodeIDToken(raw string) (map[string]string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT (%d parts)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("payload is not base64url: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, fmt.Errorf("payload is not a JSON object: %w", err)
	}
	out := map[string]string{}
	for k, v := range m {
		switch t := v.(type) {
		case string:
			out[k] = clean(t, 200)
		case float64:
			out[k] = fmt.Sprintf("%.0f", t)
		case []any:
			var ss []string
			for _, e := range t {
				ss = append(ss, clean(fmt.Sprint(e), 100))
			}
			out[k] = strings.Join(ss, " ")
		default:
			b, _ := json.Marshal(t)
			out[k] = clean(string(b), 200)
		}
	}
	return out, nil
}

// claimLine shows the claims a person cares about, in a fixed order.
func claimLine(c map[string]string) string {
	var parts []string
	for _, k := range []string{"iss", "sub", "aud", "fhirUser", "name", "preferred_username"} {
		if v, ok := c[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	if exp, ok := unixClaim(c, "exp"); ok {
		parts = append(parts, "exp="+exp.UTC().Format(time.RFC3339))
	}
	if len(parts) == 0 {
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return "claims " + strings.Join(keys, ", ")
	}
	return strings.Join(parts, " ")
}

func idTokenWarnings(c map[string]string, clientID string, now time.Time) []string {
	var w []string
	if c["iss"] == "" {
		w = append(w, "id_token has no iss")
	} else if u, err := url.Parse(c["iss"]); err != nil || u.Scheme != "https" {
		w = append(w, "id_token iss is not an https URL")
	}
	if !slices.Contains(strings.Fields(c["aud"]), clientID) {
		w = append(w, fmt.Sprintf("id_token aud %q does not name the client %s", c["aud"], clientID))
	}
	if exp, ok := unixClaim(c, "exp"); !ok {
		w = append(w, "id_token has no exp")
	} else if !exp.After(now) {
		w = append(w, "id_token is already expired (exp "+exp.UTC().Format(time.RFC3339)+"): check the clock")
	}
	return w
}

func unixClaim(c map[string]string, k string) (time.Time, bool) {
	var n int64
	if _, err := fmt.Sscanf(c[k], "%d", &n); err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// patientRead is the outcome of reading the patient with the new token.
type patientRead struct {
	summary  string
	warnings []string
	fail     *providerAnswer
}

// readPatient reads Patient/{patient}: the token's patient context, or the
// tenant's test patient for a user/ token without one.
func (rt *roundTrip) readPatient(ctx context.Context, base, token string, v tokenCheck) patientRead {
	pid := v.patient
	if pid == "" {
		if !slices.ContainsFunc(v.granted, func(s string) bool { return strings.HasPrefix(s, "user/Patient.") }) {
			return patientRead{warnings: []string{"no patient context and no user/Patient scope: no FHIR read was tried"}}
		}
		pid = rt.opts.Tenant.Cerner.TestPatientID
	}
	resp, req, err := rt.s.get(ctx, base+"/Patient/"+url.PathEscape(pid), "application/fhir+json", token)
	if err != nil {
		_, cause, text := transportFailure(err, hostOf(base))
		return patientRead{fail: &providerAnswer{ProviderTransport, cause, "reading Patient/" + pid + ": " + text, ""}}
	}
	a := classifyFHIRResponse(resp.Status, resp.Header, resp.Body)
	rt.ev = append(rt.ev, fmt.Sprintf("GET %s: %d in %s", req.URL, resp.Status, ms(resp.Latency)))
	rt.ev = append(rt.ev, a.Evidence...)
	if a.Class != FHIROK {
		cause := a.Cause
		if cause == CauseFHIRAccess || cause == "" {
			cause = CauseScopeNotGranted // the provider token's scopes or patient do not reach it
		}
		remedy := a.Remedy
		if a.Class == FHIRInsufficientScope {
			remedy = "Ask for patient/Patient.read (or user/Patient.read) in {provider_app}.scopes and register it on the provider app."
		}
		return patientRead{fail: &providerAnswer{ProviderFHIRFailed, cause, "token issued, but Patient/" + pid + " " + a.Summary, remedy}}
	}
	return patientRead{summary: "Patient/" + pid + ": " + patientName(resp.Body)}
}
