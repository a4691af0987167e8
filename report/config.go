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
// as a fingerprint with where it lives, never its value. Fields may be
// added; none is removed or renamed without bumping Schema.
type ShowDocument struct {
	Schema      int       `json:"schema"`
	Config      string    `json:"config"`
	Environment string    `json:"environment,omitempty"`
	BackendRoot string    `json:"backend_root,omitempty"`
	Tenant      string    `json:"tenant"`
	Shape       string    `json:"shape"`
	Vendor      string    `json:"vendor,omitempty"`
	EHR         CernerDoc `json:"cerner"`
}

// CernerDoc is the tenant's EHR section (cerner:, legacy flat keys or ehr:).
type CernerDoc struct {
	FHIRBaseURL     string          `json:"fhir_base_url"`
	FHIRBaseDerived bool            `json:"fhir_base_url_derived"`
	TestPatientID   string          `json:"test_patient_id"`
	Patients        []string        `json:"patients,omitempty"`
	SystemApp       SystemAppDoc    `json:"system_app"`
	ProviderApp     *ProviderAppDoc `json:"provider_app,omitempty"`
}

// SystemAppDoc is the system app, its secret as a fingerprint.
type SystemAppDoc struct {
	ClientID       string     `json:"client_id"`
	AuthMethod     string     `json:"auth_method"`
	ClientSecret   *SecretDoc `json:"client_secret,omitempty"`
	PrivateKeyPath string     `json:"private_key_path,omitempty"`
	KeyID          string     `json:"key_id,omitempty"`
	JWKSURL        string     `json:"jwks_url,omitempty"`
	TokenURL       string     `json:"token_url"`
	Scopes         []string   `json:"scopes"`
}

// SecretDoc stands for a secret: its fingerprint and where it lives.
type SecretDoc struct {
	Fingerprint string `json:"fingerprint,omitempty"`
	// Source is where the value lives: "config.yaml:7", ".env:3
	// (CERNER_CLIENT_SECRET)", "environment (VAR)", "unresolved (VAR)".
	Source string `json:"source"`
	// Var is the variable a ${VAR} placeholder names, when there is one.
	Var string `json:"var,omitempty"`
}

// ProviderAppDoc is the provider app; a confidential one has a secret or key.
type ProviderAppDoc struct {
	ClientID         string     `json:"client_id"`
	AuthMethod       string     `json:"auth_method"`
	ClientSecret     *SecretDoc `json:"client_secret,omitempty"`
	PrivateKeyPath   string     `json:"private_key_path,omitempty"`
	KeyID            string     `json:"key_id,omitempty"`
	AuthorizationURL string     `json:"authorization_url"`
	TokenURL         string     `json:"token_url,omitempty"`
	RedirectURI      string     `json:"redirect_uri"`
	Scopes           []string   `json:"scopes"`
}

func secretDoc(s config.Secret, fallback string) *SecretDoc {
	src := s.Source()
	if s.IsZero() && src.Kind == config.SourceNone {
		return nil
	}
	d := &SecretDoc{Source: src.String(), Var: src.Var}
	if d.Source == "" {
		d.Source = fallback
	}
	if !s.IsZero() {
		d.Fingerprint = s.Fingerprint()
	}
	return d
}

// ShowJSON renders `config show --json`. env and root name the environment
// and backend root the file belongs to ("" to leave them out).
func ShowJSON(path, env, root string, t config.Tenant) ([]byte, error) {
	c := t.Cerner
	sa := c.SystemApp
	d := ShowDocument{Schema: Schema, Config: path, Environment: env, BackendRoot: root, Tenant: t.Name, Shape: t.Shape.String(), Vendor: t.Vendor,
		EHR: CernerDoc{
			FHIRBaseURL: c.FHIRBaseURL, FHIRBaseDerived: c.FHIRBaseDerived, TestPatientID: c.TestPatientID, Patients: c.Patients,
			SystemApp: SystemAppDoc{ClientID: sa.ClientID, AuthMethod: string(sa.AuthMethod()), ClientSecret: secretDoc(sa.ClientSecret, path),
				PrivateKeyPath: sa.PrivateKeyPath, KeyID: sa.KeyID, JWKSURL: sa.JWKSURL, TokenURL: sa.TokenURL, Scopes: nonNil(sa.Scopes)},
		}}
	if p := c.ProviderApp; p != nil {
		d.EHR.ProviderApp = &ProviderAppDoc{ClientID: p.ClientID, AuthMethod: string(p.AuthMethod()), ClientSecret: secretDoc(p.ClientSecret, path),
			PrivateKeyPath: p.PrivateKeyPath, KeyID: p.KeyID, AuthorizationURL: p.AuthorizationURL, TokenURL: p.TokenURL,
			RedirectURI: p.RedirectURI, Scopes: nonNil(p.Scopes)}
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
