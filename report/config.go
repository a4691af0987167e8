package report

import (
	"encoding/json"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// ValidateDocument is `config validate --format json`. Fields may be added;
// none is removed or renamed without bumping Schema.
type ValidateDocument struct {
	Schema   int          `json:"schema"`
	Config   string       `json:"config"`
	Valid    bool         `json:"valid"`
	Errors   int          `json:"errors"`
	Warnings int          `json:"warnings"`
	Tenants  []string     `json:"tenants"`
	Findings []FindingDoc `json:"findings"`
}

// FindingDoc is one finding with its position (line and col 0 when the
// finding is about the whole file).
type FindingDoc struct {
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Tenant   string `json:"tenant,omitempty"`
	Key      string `json:"key,omitempty"`
	Message  string `json:"message"`
}

// CountFindings tallies errors and warnings.
func CountFindings(findings []config.Finding) (errs, warns int) {
	for _, f := range findings {
		if f.Severity == config.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// ValidateJSON renders `config validate --format json`.
func ValidateJSON(path string, tenants []string, findings []config.Finding) ([]byte, error) {
	errs, warns := CountFindings(findings)
	d := ValidateDocument{Schema: Schema, Config: path, Valid: errs == 0, Errors: errs, Warnings: warns,
		Tenants: nonNil(tenants), Findings: []FindingDoc{}}
	for _, f := range findings {
		d.Findings = append(d.Findings, FindingDoc{Severity: f.Severity.String(), File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Tenant: f.Tenant, Key: f.Key, Message: f.Message})
	}
	return marshal(d)
}

func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
