package report

import (
	"strings"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Headline is one sentence per cause, for status lines and summaries.
func Headline(c probe.CauseID) string {
	switch c {
	case probe.CauseOK:
		return "credentials work end to end"
	case probe.CauseConfigInvalid:
		return "the config file is invalid"
	case probe.CauseNetwork:
		return "the network path to Cerner is broken (DNS, TCP or proxy)"
	case probe.CauseTLS:
		return "TLS verification failed"
	case probe.CauseClockSkew:
		return "this machine's clock is off"
	case probe.CauseEdgeBlock:
		return "blocked before the OAuth server (edge, WAF or IP restriction)"
	case probe.CauseSecretInvalid:
		return "the client secret is rejected"
	case probe.CauseClientUnknown:
		return "the client id is unknown, revoked or terminated"
	case probe.CauseScopeNotGranted:
		return "requested scopes are not granted to the app"
	case probe.CauseTenantMismatch:
		return "the app is not enabled for this tenant"
	case probe.CauseFHIRAccess:
		return "the token works but FHIR reads fail"
	case probe.CauseServerOutage:
		return "the Cerner servers are failing or not answering"
	case probe.CausePrivateKeyUnreadable:
		return "the private key file cannot sign (missing, unreadable, not a key, too short)"
	case probe.CauseJWKSUnreachable:
		return "the server cannot fetch the app's jwks_url"
	case probe.CauseJWTAlgUnsupported:
		return "the server does not accept the key's signing algorithm"
	case probe.CauseJWTKeyUnknown:
		return "the server has no key with this kid"
	case probe.CauseJWTKeyMismatch:
		return "the kid is registered with another public key"
	case probe.CauseJWTKeyPropagating:
		return "the newly registered key is not accepted yet"
	}
	return string(c)
}

// StepTitle names the action plan's steps (docs/design.md), which are also the
// wizard's screens.
func StepTitle(step int) string {
	switch step {
	case 1:
		return "Step 1 · Verify application status"
	case 2:
		return "Step 2 · Regenerate credentials"
	case 3:
		return "Step 3 · Update configuration"
	case 4:
		return "Step 4 · Test new credentials"
	case 5:
		return "Step 5 · Verify end-to-end"
	}
	return ""
}

// vendorTitle is a vendor's name for titles: "Epic", "Allscripts".
func vendorTitle(v string) string {
	if v == "" {
		return ""
	}
	return strings.ToUpper(v[:1]) + v[1:]
}
