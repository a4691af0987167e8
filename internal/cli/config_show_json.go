package cli

import (
	"encoding/json"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// configShowDoc is `config show --json`: the tenant as the backend reads
// it. Secrets appear as fingerprints with the place they live, never raw.
type configShowDoc struct {
	Schema      int                `json:"schema"`
	Config      string             `json:"config"`
	Environment string             `json:"environment"`
	BackendRoot string             `json:"backend_root"`
	Tenant      string             `json:"tenant"`
	Shape       string             `json:"shape"`
	Vendor      string             `json:"vendor"`
	BaseURL     string             `json:"base_url"`
	BaseDerived bool               `json:"base_url_derived,omitempty"`
	Patients    []string           `json:"patients,omitempty"`
	TestPatient string             `json:"test_patient_id"`
	SystemApp   appDoc             `json:"system_app"`
	ProviderApp *appDoc            `json:"provider_app,omitempty"`
	Others      []otherEnvDoc      `json:"other_environments,omitempty"`
	Findings    []configFindingDoc `json:"findings"`
}

type appDoc struct {
	Key               string   `json:"key"`
	Auth              string   `json:"auth"`
	ClientID          string   `json:"client_id"`
	SecretFingerprint string   `json:"client_secret_fingerprint,omitempty"`
	SecretSource      string   `json:"client_secret_source,omitempty"`
	PrivateKeyPath    string   `json:"private_key_path,omitempty"`
	KeyID             string   `json:"key_id,omitempty"`
	AuthorizationURL  string   `json:"authorization_url,omitempty"`
	TokenURL          string   `json:"token_url,omitempty"`
	RedirectURI       string   `json:"redirect_uri,omitempty"`
	JWKSURL           string   `json:"jwks_url,omitempty"`
	Scopes            []string `json:"scopes"`
}

type otherEnvDoc struct {
	Env  string `json:"env"`
	Path string `json:"path"`
}

type configFindingDoc struct {
	Severity string `json:"severity"`
	Position string `json:"position"`
	Key      string `json:"key,omitempty"`
	Message  string `json:"message"`
}

func secretDoc(s config.Secret) (fingerprint, source string) {
	if s.IsZero() && s.Source().Kind == config.SourceNone {
		return "", ""
	}
	return s.Fingerprint(), s.Source().String()
}

func describeTenantJSON(f *config.File, t config.Tenant, findings []config.Finding) ([]byte, error) {
	env := f.Environment()
	c := t.Cerner
	app := c.SystemApp
	d := configShowDoc{
		Schema: 1, Config: f.Path(), Environment: env.Name, BackendRoot: env.Root,
		Tenant: t.Name, Shape: t.Shape.String(), Vendor: t.Vendor,
		BaseURL: c.FHIRBaseURL, BaseDerived: c.FHIRBaseDerived, Patients: c.Patients, TestPatient: c.TestPatientID,
		SystemApp: appDoc{
			Key: strings.Join(app.Key(""), "."), Auth: string(app.AuthMethod()), ClientID: app.ClientID,
			PrivateKeyPath: app.PrivateKeyPath, KeyID: app.KeyID, TokenURL: app.TokenURL, JWKSURL: app.JWKSURL,
			Scopes: nonNilStrings(app.Scopes),
		},
		Findings: []configFindingDoc{},
	}
	d.SystemApp.SecretFingerprint, d.SystemApp.SecretSource = secretDoc(app.ClientSecret)
	if p := c.ProviderApp; p != nil {
		pd := appDoc{
			Key: strings.Join(p.Key(""), "."), Auth: string(p.AuthMethod()), ClientID: p.ClientID,
			PrivateKeyPath: p.PrivateKeyPath, KeyID: p.KeyID, AuthorizationURL: p.AuthorizationURL,
			TokenURL: p.TokenURL, RedirectURI: p.RedirectURI, Scopes: nonNilStrings(p.Scopes),
		}
		pd.SecretFingerprint, pd.SecretSource = secretDoc(p.ClientSecret)
		d.ProviderApp = &pd
	}
	for _, o := range config.OtherEnvironmentConfigs(f.Path()) {
		d.Others = append(d.Others, otherEnvDoc{Env: o.Env, Path: o.Path})
	}
	for _, x := range findings {
		d.Findings = append(d.Findings, configFindingDoc{Severity: x.Severity.String(), Position: x.Pos.String(), Key: x.Key, Message: x.Message})
	}
	b, err := json.MarshalIndent(d, "", "  ")
	return append(b, '\n'), err
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
