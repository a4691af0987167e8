package probe

import (
	"fmt"
	"strings"
)

// ProviderClass is what a provider-app round trip ended with, in Cerner's
// terms; tests and renderers branch on it.
type ProviderClass string

const (
	ProviderOK                 ProviderClass = "ok"
	ProviderNotConfigured      ProviderClass = "not-configured"        // no or incomplete provider_app
	ProviderNotLoopback        ProviderClass = "redirect-not-loopback" // explained, not attempted
	ProviderListenFailed       ProviderClass = "listen-failed"         // the redirect's port is taken
	ProviderTimeout            ProviderClass = "timeout"               // nobody came back in time
	ProviderCancelled          ProviderClass = "cancelled"
	ProviderStateMismatch      ProviderClass = "state-mismatch" // possible CSRF or a stale tab
	ProviderAccessDenied       ProviderClass = "access-denied"
	ProviderLaunchCodeRequired ProviderClass = "launch-code-required"
	ProviderMissingPatient     ProviderClass = "missing-patient"
	ProviderRedirectMismatch   ProviderClass = "redirect-mismatch"
	ProviderInvalidScope       ProviderClass = "invalid-scope"
	ProviderInvalidAudience    ProviderClass = "invalid-aud"
	ProviderClientRejected     ProviderClass = "client-rejected"
	ProviderCodeInvalid        ProviderClass = "code-invalid-or-expired"
	ProviderVerifierMismatch   ProviderClass = "pkce-verifier-mismatch"
	ProviderAuthorizeError     ProviderClass = "authorize-error" // another OAuth error
	ProviderTokenError         ProviderClass = "token-error"     // the exchange failed otherwise
	ProviderTokenInvalid       ProviderClass = "token-invalid"   // 200 that is not a usable token
	ProviderFHIRFailed         ProviderClass = "fhir-read-failed"
	ProviderTransport          ProviderClass = "transport" // DNS, TLS, refused, 5xx, timeout of a request
)

// providerAnswer is a classified refusal: what it means and what fixes it.
type providerAnswer struct {
	class   ProviderClass
	cause   CauseID
	summary string
	remedy  string
}

// providerErrors are the refusals Cerner documents for the provider flow,
// matched on the end of the error_uri URN (…:grant:launch:code-required)
// or, failing that, on the OAuth error code. Order matters: the first match
// wins, specific URNs before generic codes.
var providerErrors = []struct {
	urnSuffix, errCode string
	answer             providerAnswer
}{
	{urnSuffix: "launch:code-required", answer: providerAnswer{ProviderLaunchCodeRequired, CauseScopeNotGranted,
		"the `launch` scope was requested without a launch code (launch:code-required)",
		"`launch` is for an EHR launch, where the EHR passes a launch code. For this standalone launch remove `launch` from {provider_app}.scopes and ask for `launch/patient` to pick the patient at sign-in."}},
	{urnSuffix: "launch:code-invalid", answer: providerAnswer{ProviderLaunchCodeRequired, CauseScopeNotGranted,
		"the launch code is not valid (launch:code-invalid)",
		"A standalone launch sends no launch code: remove `launch` from {provider_app}.scopes and use `launch/patient`."}},
	{urnSuffix: "missing-patient", answer: providerAnswer{ProviderMissingPatient, CauseScopeNotGranted,
		"no patient was selected although launch/patient was requested (missing-patient)",
		"Pick a patient on the sign-in page. If the app needs no patient context, remove `launch/patient` from {provider_app}.scopes."}},
	{urnSuffix: "redirect-uri-mismatch", answer: providerAnswer{ProviderRedirectMismatch, CauseClientUnknown,
		"redirect_uri does not match the registered one",
		"Make {provider_app}.redirect_uri identical to the redirect URI registered in {console}: the match is exact, scheme, port and trailing slash included."}},
	{urnSuffix: "code-invalid-or-expired", answer: providerAnswer{ProviderCodeInvalid, CauseClientUnknown,
		"the authorization code is expired or was already used (code-invalid-or-expired)",
		"Codes live a few minutes and work once; a replayed code also revokes the tokens it gave. Run the round trip again and finish the sign-in promptly; an app must exchange each code exactly once."}},
	{urnSuffix: "invalid-code-verifier", answer: providerAnswer{ProviderVerifierMismatch, CauseClientUnknown,
		"code_verifier does not match the code_challenge of the authorize request (PKCE)",
		"Send, in the token request, the very code_verifier whose S256 hash went out as code_challenge in the same flow; a verifier regenerated, truncated or re-encoded between the two requests fails this way."}},
	{urnSuffix: "missing-code-verifier", answer: providerAnswer{ProviderVerifierMismatch, CauseClientUnknown,
		"the token request lacks the code_verifier (PKCE)",
		"A public client must send code_verifier with the code (RFC 7636 4.5)."}},
	{urnSuffix: "invalid-aud", answer: providerAnswer{ProviderInvalidAudience, CauseTenantMismatch,
		"aud is not the FHIR base URL of the tenant",
		"Send aud = fhir_base_url of the tenant (Cerner rejects the request without it); check cerner.fhir_base_url."}},
	{urnSuffix: "empty-scopes", answer: providerAnswer{ProviderInvalidScope, CauseScopeNotGranted,
		"none of the requested scopes is registered on the provider app (empty-scopes)",
		"Request only scopes registered on the provider app in {console} (user/ or patient/ scopes, launch/patient, openid fhirUser); wildcards are not supported."}},
	{errCode: "invalid_scope", answer: providerAnswer{ProviderInvalidScope, CauseScopeNotGranted,
		"a requested scope is not registered or not supported (invalid_scope)",
		"Request only scopes registered on the provider app in {console} (user/ or patient/ scopes, launch/patient, openid fhirUser); wildcards and system/ scopes are not for a provider app."}},
	{errCode: "access_denied", answer: providerAnswer{ProviderAccessDenied, CauseClientUnknown,
		"the sign-in was refused (access_denied)",
		"Sign in again and choose Allow. If you did, the user may not be allowed to use this app in this tenant: ask the tenant's administrator."}},
	{urnSuffix: "invalid-client-credentials", answer: providerAnswer{ProviderClientRejected, CauseClientUnknown,
		"the client was refused (invalid-client-credentials): a public client must not send a Basic header",
		"Send the provider app's client_id in the body and no Authorization header (a public client has no secret)."}},
	{errCode: "invalid_client", answer: providerAnswer{ProviderClientRejected, CauseClientUnknown,
		"the client_id is not known to the authorization server (invalid_client)",
		"Check {provider_app}.client_id against the provider app in {console}, and that the app is enabled for this tenant."}},
	{errCode: "unauthorized_client", answer: providerAnswer{ProviderClientRejected, CauseClientUnknown,
		"the client may not use this grant (unauthorized_client)",
		"Register the app in {console} as a provider app with the authorization code grant (a system account cannot use it)."}},
	{errCode: "server_error", answer: providerAnswer{ProviderTransport, CauseServerOutage,
		"the authorization server failed (server_error)", "Server-side failure: retry later; quote the correlation id to support."}},
	{errCode: "temporarily_unavailable", answer: providerAnswer{ProviderTransport, CauseServerOutage,
		"the authorization server is temporarily unavailable", "Retry later."}},
}

// classifyProviderError explains an OAuth error of the provider flow, from
// the authorize redirect or the token endpoint: error, error_description
// and error_uri as the server sent them. It is pure, for tests and fuzzing.
func classifyProviderError(errCode, description, errorURI string) (providerAnswer, []string) {
	var ev []string
	ev = append(ev, "error: "+clean(errCode, 80))
	if description != "" {
		ev = append(ev, "error_description: "+clean(description, 200))
	}
	u, hasURN := decodeErrorURI(errorURI)
	if hasURN {
		ev = append(ev, "error_uri URN: "+clean(u.URN, 160))
		if u.Instance != "" {
			ev = append(ev, "error instance (correlation id): "+clean(u.Instance, 80))
		}
	} else if errorURI != "" {
		ev = append(ev, "error_uri: "+clean(errorURI, 160))
	}
	urn := strings.ToLower(u.URN)
	for _, pe := range providerErrors {
		if pe.urnSuffix != "" && hasURN && strings.HasSuffix(urn, ":"+pe.urnSuffix) {
			return pe.answer, ev
		}
	}
	for _, pe := range providerErrors {
		if pe.errCode != "" && pe.errCode == errCode {
			return pe.answer, ev
		}
	}
	a := providerAnswer{class: ProviderAuthorizeError, cause: CauseClientUnknown,
		summary: "the server refused: " + clean(errCode, 60),
		remedy:  "Compare the provider app's registration in {console} (client id, redirect URI, scopes) with {provider_app}."}
	if hasURN {
		a.summary += " (" + clean(u.Code, 60) + ")"
	}
	if errCode == "" {
		a.summary = "the server refused without an OAuth error code"
	}
	return a, ev
}

// stateMismatch is the answer for a redirect whose state this run did not send.
func stateMismatch(got string) providerAnswer {
	what := "a different state"
	if got == "" {
		what = "no state"
	}
	return providerAnswer{ProviderStateMismatch, CauseClientUnknown,
		fmt.Sprintf("the redirect carried %s: possible CSRF, or a stale sign-in tab", what),
		"Nothing was exchanged. Close old sign-in tabs (an earlier attempt's redirect arrives with its own state) and run again; if it recurs, something else is sending redirects to this port."}
}
