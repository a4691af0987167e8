package report

import (
	"encoding/json"
	"time"

	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Schema is the version of the --json document. Fields may be added; none
// is removed or renamed without bumping it.
const Schema = 1

// Document is the `probe --json` document of docs/design.md.
type Document struct {
	Schema     int          `json:"schema"`
	Tool       Tool         `json:"tool"`
	Tenant     string       `json:"tenant"`
	Config     string       `json:"config"`
	StartedAt  string       `json:"started_at"`
	DurationMS int64        `json:"duration_ms"`
	Checks     []CheckDoc   `json:"checks"`
	Diagnosis  DiagnosisDoc `json:"diagnosis"`
	ExitCode   int          `json:"exit_code"`
}

// Tool names the program that wrote the document.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// CheckDoc is one check.
type CheckDoc struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Status     string   `json:"status"`
	DurationMS int64    `json:"duration_ms"`
	Summary    string   `json:"summary"`
	Evidence   []string `json:"evidence"`
	Remedy     string   `json:"remedy"`
	HTTP       *HTTPDoc `json:"http,omitempty"`
}

// HTTPDoc is the answer that decided a check; absent fields are omitted.
type HTTPDoc struct {
	Status        int    `json:"status,omitempty"`
	ContentType   string `json:"content_type,omitempty"`
	OAuthError    string `json:"oauth_error,omitempty"`
	ErrorURI      string `json:"error_uri,omitempty"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

func httpDoc(x *probe.HTTPExchange) *HTTPDoc {
	if x == nil {
		return nil
	}
	d := HTTPDoc(*x)
	return &d
}

// DiagnosisDoc is the ranked cause list.
type DiagnosisDoc struct {
	Top    string     `json:"top"`
	Causes []CauseDoc `json:"causes"`
}

// CauseDoc is one cause with its verdict.
type CauseDoc struct {
	ID       string   `json:"id"`
	Verdict  string   `json:"verdict"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix"`
	Step     int      `json:"step,omitempty"`
}

// NewDocument converts a report; version is the tool's version.
func NewDocument(r *probe.Report, version string) Document {
	d := Document{
		Schema:     Schema,
		Tool:       Tool{Name: "fhirdoctor", Version: version},
		Tenant:     r.Tenant,
		Config:     r.ConfigPath,
		StartedAt:  r.StartedAt.UTC().Format(time.RFC3339),
		DurationMS: r.Duration.Milliseconds(),
		Checks:     make([]CheckDoc, 0, len(r.Checks)),
		Diagnosis:  DiagnosisDoc{Top: string(r.Diagnosis.Top), Causes: make([]CauseDoc, 0, len(r.Diagnosis.Causes))},
		ExitCode:   probe.ExitCode(r.Diagnosis.Top),
	}
	for _, c := range r.Checks {
		d.Checks = append(d.Checks, CheckDoc{
			ID:         c.ID,
			Title:      c.Title,
			Status:     string(c.Status),
			DurationMS: c.Duration.Milliseconds(),
			Summary:    c.Summary,
			Evidence:   nonNil(c.Evidence),
			Remedy:     c.Remedy,
			HTTP:       httpDoc(c.HTTP),
		})
	}
	for _, c := range r.Diagnosis.Causes {
		d.Diagnosis.Causes = append(d.Diagnosis.Causes, CauseDoc{
			ID:       string(c.ID),
			Verdict:  string(c.Verdict),
			Evidence: nonNil(c.Evidence),
			Fix:      c.Fix,
			Step:     c.Step,
		})
	}
	return d
}

// nonNil keeps "evidence": [] rather than null, so jq filters need no guard.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// JSON renders the document with a trailing newline.
func JSON(r *probe.Report, version string) ([]byte, error) {
	b, err := json.MarshalIndent(NewDocument(r, version), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ReportDocument is `fhirdoctor report --format json`: the probe document
// plus what the markdown report adds (credentials masked, the marked action
// plan, the next action).
type ReportDocument struct {
	Document
	Credentials Credentials `json:"credentials"`
	ActionPlan  []PlanDoc   `json:"action_plan"`
	NextAction  string      `json:"next_action"`
	// WhatRemains and AfterTheWrite come from a wizard session that wrote
	// the config.
	WhatRemains   *afterwrite.Remains `json:"what_remains,omitempty"`
	AfterTheWrite []afterwrite.Result `json:"after_the_write,omitempty"`
}

// Credentials are the configured system app, secret as a fingerprint.
type Credentials struct {
	ClientID          string   `json:"client_id"`
	SecretFingerprint string   `json:"client_secret_fingerprint"`
	SecretSource      string   `json:"client_secret_source,omitempty"` // config.yaml:19, .env:4 (VAR), environment (VAR)
	TokenURL          string   `json:"token_url"`
	Scopes            []string `json:"scopes"`
}

// PlanDoc is one marked step of the action plan.
type PlanDoc struct {
	Step    int    `json:"step"`
	Title   string `json:"title"`
	Applies bool   `json:"applies"`
	Note    string `json:"note"`
}

// ReportJSON renders `report --format json`.
func ReportJSON(in Input) ([]byte, error) {
	sa := in.Tenant.Cerner.SystemApp
	d := ReportDocument{
		Document: NewDocument(in.Report, in.Version),
		Credentials: Credentials{
			ClientID: sa.ClientID, SecretFingerprint: sa.ClientSecret.Fingerprint(), SecretSource: sa.ClientSecret.Source().String(),
			TokenURL: sa.TokenURL, Scopes: nonNil(sa.Scopes),
		},
		NextAction: NextAction(in.Report.Diagnosis.Top, in.console()),
	}
	for _, s := range Plan(in.Report.Diagnosis.Top, in.console()) {
		d.ActionPlan = append(d.ActionPlan, PlanDoc(s))
	}
	if s := in.Session; s != nil {
		d.WhatRemains, d.AfterTheWrite = s.Remains, s.Then
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
