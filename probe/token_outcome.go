package probe

import "github.com/fhirdoctor/fhirdoctor/config"

// TokenOutcome is one client_credentials request, classified. The wizard's
// "Test new credentials" step and `rotate` use it to test a pair before
// anything is written.
type TokenOutcome struct {
	OK            bool
	HTTPStatus    int // 0 when no response arrived
	Cause         CauseID
	Summary       string
	Evidence      []string
	Remedy        string
	CorrelationID string
	ExpiresIn     int
	Requested     []string
	Granted       []string
	// Token is the access token, masked like any secret; Reveal it only to
	// put it in an Authorization header.
	Token config.Secret
}
