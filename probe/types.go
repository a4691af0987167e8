package probe

import (
	"time"
)

// Status is a check's outcome.
type Status string

const (
	StatusPass Status = "pass"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Result is what a check returns. Evidence lines are shown indented under
// the check; they never hold a secret, a Basic value or a token.
type Result struct {
	Status   Status
	Summary  string
	Evidence []string
	Remedy   string
	Duration time.Duration
	// HTTP is the answer that decided the result, nil when the check made
	// no HTTP exchange (or none that decided it).
	HTTP *HTTPExchange
	// Facts are the typed findings the diagnosis reasons on; renderers show
	// Summary and Evidence instead. Nil for results that found nothing
	// worth reasoning about.
	Facts *Facts `json:"-"`
}

// CheckResult is a finished check as renderers see it.
type CheckResult struct {
	ID    string
	Title string
	Result
}

// EventKind says what happened to a check.
type EventKind int

const (
	// EventStarted: the check's dependencies are met and it is running.
	EventStarted EventKind = iota
	// EventFinished: Result is final.
	EventFinished
)

// Event is one progress report from the runner. The wizard, the plain
// output and --json all consume the same stream.
type Event struct {
	Kind  EventKind
	ID    string
	Title string
	// Result is set for EventFinished.
	Result Result
}

// CauseID is the diagnosis vocabulary of docs/design.md ("Causes and the action plan").
type CauseID string

const (
	CauseOK              CauseID = "ok"
	CauseConfigInvalid   CauseID = "config-invalid"
	CauseNetwork         CauseID = "network"
	CauseTLS             CauseID = "tls"
	CauseClockSkew       CauseID = "clock-skew"
	CauseEdgeBlock       CauseID = "edge-block"
	CauseSecretInvalid   CauseID = "secret-invalid"
	CauseClientUnknown   CauseID = "client-unknown"
	CauseScopeNotGranted CauseID = "scope-not-granted"
	CauseTenantMismatch  CauseID = "tenant-mismatch"
	CauseFHIRAccess      CauseID = "fhir-access"
	CauseServerOutage    CauseID = "server-outage"

	// Causes of private_key_jwt apps (docs/jwt.md).
	CauseJWTKeyUnknown        CauseID = "jwt-key-unknown"        // the server has no key with this kid
	CauseJWTKeyMismatch       CauseID = "jwt-key-mismatch"       // a key with this kid is registered, but not this one
	CauseJWTAlgUnsupported    CauseID = "jwt-alg-unsupported"    // the server does not accept the key's alg
	CauseJWTKeyPropagating    CauseID = "jwt-key-propagating"    // a newly registered key not yet accepted
	CauseJWKSUnreachable      CauseID = "jwks-unreachable"       // the server cannot fetch the app's jwks_url
	CausePrivateKeyUnreadable CauseID = "private-key-unreadable" // missing, unreadable, not a key, too short
)

// Verdict is how sure the diagnosis is of a cause.
type Verdict string

const (
	VerdictConfirmed Verdict = "confirmed"
	VerdictLikely    Verdict = "likely"
	VerdictPossible  Verdict = "possible"
	VerdictRuledOut  Verdict = "ruled-out"
)

// Cause is one entry of a diagnosis: a cause, how sure we are, the evidence
// for and against it, and the action-plan step that fixes it.
type Cause struct {
	ID       CauseID
	Verdict  Verdict
	Evidence []string
	Fix      string
	// Step is the action-plan step (1..5, docs/design.md "Causes and the action plan") that fixes
	// it, or 0 when no step of the plan applies.
	Step int
}

// Diagnosis ranks causes, most likely first. Top is Causes[0].ID, or
// CauseOK when nothing is wrong.
type Diagnosis struct {
	Top    CauseID
	Causes []Cause
	// Untested is why an "ok" did not exercise the credentials (the token
	// check was skipped or not selected); "" when it did, or when Top is
	// not ok.
	Untested string
}

// Report is a whole probe run of one tenant.
type Report struct {
	Tenant     string
	ConfigPath string
	StartedAt  time.Time
	Duration   time.Duration
	Checks     []CheckResult // in catalogue order, skipped ones included
	Diagnosis  Diagnosis
}

// ExitCode is the process exit code that docs/design.md ("Exit codes") assigns to a top cause.
// It is domain data (the --json document carries it); main still decides
// how errors that are not diagnoses map to codes.
func ExitCode(top CauseID) int {
	switch top {
	case CauseOK:
		return 0
	case CauseConfigInvalid, CausePrivateKeyUnreadable:
		return 1
	case CauseNetwork, CauseTLS, CauseClockSkew:
		return 2
	case CauseSecretInvalid, CauseClientUnknown, CauseJWTKeyUnknown, CauseJWTKeyMismatch,
		CauseJWTAlgUnsupported, CauseJWTKeyPropagating, CauseJWKSUnreachable:
		return 3
	case CauseEdgeBlock:
		return 4
	case CauseScopeNotGranted, CauseTenantMismatch:
		return 5
	case CauseFHIRAccess:
		return 6
	case CauseServerOutage:
		return 7
	}
	return 1
}
