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

// ShowDocument is `config show --json`: the resolved tenant, every secret
// as a fingerprint with where it lives, never its value.
type ShowDocument struct {
	Schema int       `json:"schema"`
	Config string    `json:"config"`
	Tenant string    `json:"tenant"`
	Cerner CernerDoc `json:"cerner"`
}

// CernerDoc is the tenant's Cerner section.
type CernerDoc struct {
	FHIRBaseURL     string          `json:"fhir_base_url"`
	FHIRBaseDerived bool            `json:"fhir_base_url_derived"`
	TestPatientID   string          `json:"test_patient_id"`
	SystemApp       SystemAppDoc    `json:"system_app"`
	ProviderApp     *ProviderAppDoc `json:"provider_app,omitempty"`
}

// SystemAppDoc is the system app, its secret as a fingerprint.
type SystemAppDoc struct {
	ClientID     string    `json:"client_id"`
	ClientSecret SecretDoc `json:"client_secret"`
	TokenURL     string    `json:"token_url"`
	Scopes       []string  `json:"scopes"`
}

// SecretDoc stands for a secret: its fingerprint and where it lives.
type SecretDoc struct {
	Fingerprint string `json:"fingerprint,omitempty"`
	Source      string `json:"source"`
}

// ProviderAppDoc is the provider app (a public client: no secret).
type ProviderAppDoc struct {
	ClientID         string   `json:"client_id"`
	AuthorizationURL string   `json:"authorization_url"`
	RedirectURI      string   `json:"redirect_uri"`
	Scopes           []string `json:"scopes"`
}

// ShowJSON renders `config show --json`. secretSource says where the
// client secret was read from (the config file, a .env line, a variable).
func ShowJSON(path string, t config.Tenant, secretSource string) ([]byte, error) {
	c := t.Cerner
	fp := ""
	if !c.SystemApp.ClientSecret.IsZero() {
		fp = c.SystemApp.ClientSecret.Fingerprint()
	}
	d := ShowDocument{Schema: Schema, Config: path, Tenant: t.Name, Cerner: CernerDoc{
		FHIRBaseURL: c.FHIRBaseURL, FHIRBaseDerived: c.FHIRBaseDerived, TestPatientID: c.TestPatientID,
		SystemApp: SystemAppDoc{ClientID: c.SystemApp.ClientID, TokenURL: c.SystemApp.TokenURL, Scopes: nonNil(c.SystemApp.Scopes),
			ClientSecret: SecretDoc{Fingerprint: fp, Source: secretSource}},
	}}
	if p := c.ProviderApp; p != nil {
		d.Cerner.ProviderApp = &ProviderAppDoc{ClientID: p.ClientID, AuthorizationURL: p.AuthorizationURL, RedirectURI: p.RedirectURI, Scopes: nonNil(p.Scopes)}
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
