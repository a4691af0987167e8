package ui

import (
	"time"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// Session is what happened during one wizard run: the report's own session
// (checklist, option, old and new pair, where it was written, Step 5's run
// as After) plus what only the wizard and the command need. It never holds
// a secret: credentials appear as fingerprints only.
type Session struct {
	report.Session

	ConfigPath string
	Tenant     string
	StartedAt  time.Time

	// Diagnosis is the first probe run (nil when it never finished).
	Diagnosis *probe.Report
	// TokenTest is Step 4's token request with the new pair (Token zeroed).
	TokenTest *probe.TokenOutcome
	// WroteAnyway says the user wrote credentials that failed the test.
	WroteAnyway bool
	// Skipped lists the titles of the steps the user skipped.
	Skipped []string
	// Remaining lists what is still to do, as sentences.
	Remaining []string
	// ReportPath is where the markdown report was saved ("" when not saved).
	ReportPath string
	// OldKeyPath is the key file a JWT app's key rotation replaced in the
	// config: kept on disk, to retire once the backend uses the new key.
	OldKeyPath string
}

// Written says the new pair is in the config file.
func (s Session) Written() bool { return s.WrittenPath != "" }

// Latest is the most recent probe run: Step 5's when it ran, else the
// diagnosis; nil when no run finished.
func (s Session) Latest() *probe.Report {
	if s.After != nil {
		return s.After
	}
	return s.Diagnosis
}

// counts tallies r's checks; a nil report counts nothing.
func counts(r *probe.Report) report.Counts {
	if r == nil {
		return report.Counts{}
	}
	return report.Count(r.Checks)
}

// passedLine is the verification summary line (docs/wizard.md, "Step 5").
func passedLine(r *probe.Report) string {
	c := counts(r)
	return report.PassedLine(c)
}

func allPassed(r *probe.Report) bool {
	c := counts(r)
	return r != nil && c.Passed() == c.Ran()
}
