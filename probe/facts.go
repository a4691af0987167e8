package probe

import (
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// Facts are what a check measured, typed, so that Diagnose reasons on values
// rather than on prose. Every field is optional.
type Facts struct {
	// Cause is the cause this result points to, "" when it points to none.
	Cause CauseID
	// Class is the classifier's verdict on the answer (TokenClass values for
	// the token checks, FHIRClass for resource reads).
	Class string
	// HTTPStatus of the answer that decided the result; 0 when none came.
	HTTPStatus int
	// Latency of the request(s) that decided the result.
	Latency time.Duration
	// URN is the decoded error_uri code (invalid-client-credentials, ...).
	URN string
	// CorrelationID is Cerner-Correlation-Id, or the error_uri instance.
	CorrelationID string
	// OAuthJSON says whether the answer held an OAuth error document.
	OAuthJSON bool
	// Requested, Granted and Denied scopes (token and scopes checks).
	Requested, Granted, Denied []string
	// Skew is server time minus local time (clock check).
	Skew time.Duration
	// AcceptedEncoding is "form" or "raw" when token.encoding found the
	// Basic encoding the server accepts, "" otherwise.
	AcceptedEncoding string
	// ConfigErrors are the config check's errors, each with its
	// file:line:col when the file's validation found it.
	ConfigErrors []string
	// TokenURL is the token endpoint discovery or metadata advertise, when
	// it differs from the configured one.
	TokenURL string

	// private_key_jwt apps (docs/jwt.md).
	// KeyAlg is the key's signing algorithm (key check).
	KeyAlg string
	// AuthMethods and Algs are discovery's
	// token_endpoint_auth_methods_supported and
	// token_endpoint_auth_signing_alg_values_supported (nil when absent).
	AuthMethods, Algs []string
	// RegisteredAt is when the key was registered with the server, when
	// something says so: --key-uploaded-at, the wizard's answer, or a
	// registered_at member in the published JWK Set.
	RegisteredAt time.Time
	// RegisteredFrom says where RegisteredAt came from.
	RegisteredFrom string
	// RegisteredAgo is the local clock's now minus RegisteredAt, measured
	// by the check so that the diagnosis stays a pure function.
	RegisteredAgo time.Duration
	// RegisteredByUser says the user stated RegisteredAt (the flag or the
	// wizard's answer) rather than the server publishing it.
	RegisteredByUser bool

	// What dependent checks need, invisible to renderers.
	token        config.Secret // the access token (token check)
	attachment   string        // a Binary URL from a DocumentReference
	secretQuirky bool          // the credentials change under form encoding
}
