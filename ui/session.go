package ui

import (
	"time"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Session is what happened during one wizard run, for the markdown report
// and for main's exit code. It never holds a secret: credentials appear as
// fingerprints only.
type Session struct {
	ConfigPath string
	Tenant     string
	StartedAt  time.Time

	// Diagnosis is the first probe run (nil when it never finished).
	Diagnosis *probe.Report
	// Checklist holds Step 1's questions with the user's answers ("" when
	// unanswered).
	Checklist []ChecklistAnswer
	// Option is "A" (regenerate the secret), "B" (a new system app) or "".
	Option string

	ClientIDOld    string
	ClientIDNew    string
	FingerprintOld string
	FingerprintNew string

	// TokenTest is Step 4's token request with the new pair (Token zeroed).
	TokenTest *probe.TokenOutcome
	// WroteAnyway says the user wrote credentials that failed the test.
	WroteAnyway bool
	Written     bool
	SavedPath   string
	BackupPath  string

	// Verify is Step 5's probe run with the new credentials.
	Verify *probe.Report
	// Skipped lists the titles of the steps the user skipped.
	Skipped []string
	// Remaining lists what is still to do, as sentences.
	Remaining []string
	// ReportPath is where the markdown report was saved ("" when not saved).
	ReportPath string
}

// ChecklistAnswer is one Step 1 question and the user's answer.
type ChecklistAnswer struct {
	Question string
	Answer   string
}

// Passed counts the checks of r that passed (warnings count as passed) and
// the checks that ran (skipped ones do not).
func Passed(r *probe.Report) (passed, ran int) {
	if r == nil {
		return 0, 0
	}
	for _, c := range r.Checks {
		switch c.Status {
		case probe.StatusPass, probe.StatusWarn:
			passed++
			ran++
		case probe.StatusFail:
			ran++
		}
	}
	return passed, ran
}
