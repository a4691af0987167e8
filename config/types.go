package config

import "strings"

// DefaultTestPatientID is Cerner sandbox patient SMART, Nancy.
const DefaultTestPatientID = "12724066"

// Tenant is one resolved entry of the tenants map, read the way the backend
// reads it (docs/config.md): `ehr:` wins over `cerner:`, and under
// `cerner:` the `system_app:` mapping wins over the legacy flat keys.
type Tenant struct {
	Name string
	// Vendor is `ehr.vendor` lower-cased, or "cerner" for the two `cerner:`
	// shapes (and for an `ehr:` tenant that names none).
	Vendor string
	// Shape says which of the three layouts the tenant uses, and so where
	// every edit of it goes.
	Shape Shape
	// Cerner holds the EHR settings whatever the vendor or shape. The name is
	// historical (the first shape was `cerner:` only); it is the same data
	// for an `ehr: {vendor: epic}` tenant.
	Cerner EHR
}

// Cerner is the former name of EHR.
type Cerner = EHR

// EHR is a tenant's FHIR server and its OAuth apps. FHIRBaseURL is always
// filled after loading: from `base_url` (or its alias `fhir_base_url`), or
// derived from a Cerner TokenURL's tenants/{t}/hosts/{host} form
// (FHIRBaseDerived says which).
type EHR struct {
	FHIRBaseURL     string
	FHIRBaseDerived bool
	// Patients is the `patients:` list, in file order.
	Patients []string
	// TestPatientID is `test_patient_id`, else the first of Patients, else
	// DefaultTestPatientID.
	TestPatientID string
	SystemApp     SystemApp
	ProviderApp   *ProviderApp // nil when the tenant has none

	// at is the YAML path of this mapping under the tenant (["cerner"] or
	// ["ehr"]); nil means ["cerner"], so a Tenant built in code behaves as
	// the current shape.
	at []string
}

// Shape is one of the three tenant layouts the backend reads.
type Shape int

const (
	// ShapeCurrent is `cerner: {base_url, system_app: {...}, provider_app: {...}}`.
	ShapeCurrent Shape = iota
	// ShapeLegacy is the flat `cerner: {base_url, client_id, client_secret, token_url, scopes}`.
	ShapeLegacy
	// ShapeEHR is the vendor-agnostic `ehr: {vendor, base_url, system_app, provider_app}`.
	ShapeEHR
)

// Shapes lists every shape, in the order the docs present them.
var Shapes = []Shape{ShapeCurrent, ShapeLegacy, ShapeEHR}

func (s Shape) String() string {
	switch s {
	case ShapeLegacy:
		return "legacy"
	case ShapeEHR:
		return "ehr"
	}
	return "current"
}

// ParseShape is the inverse of Shape.String.
func ParseShape(s string) (Shape, bool) {
	for _, sh := range Shapes {
		if sh.String() == s {
			return sh, true
		}
	}
	return ShapeCurrent, false
}

// AuthMethod is how an app authenticates at the token endpoint.
type AuthMethod string

const (
	// AuthNone is a public client: no secret, no key (PKCE protects the code).
	AuthNone AuthMethod = "none"
	// AuthClientSecret is client_id + client_secret (HTTP Basic).
	AuthClientSecret AuthMethod = "client_secret"
	// AuthPrivateKeyJWT is a signed client assertion (SMART Backend
	// Services): private_key_path + key_id.
	AuthPrivateKeyJWT AuthMethod = "private_key_jwt"
)

// SystemApp is the backend's own client, used with client_credentials.
type SystemApp struct {
	ClientID     string
	ClientSecret Secret // zero for a private_key_jwt app; carries its Source
	TokenURL     string
	Scopes       []string // split on whitespace, in file order
	// PrivateKeyPath is absolute: a relative `private_key_path` is resolved
	// against the backend root, as the backend resolves it.
	PrivateKeyPath string
	KeyID          string
	// JWKSURL is where the app publishes its public keys (optional).
	JWKSURL string

	at []string // YAML path under the tenant; nil means cerner.system_app
}

// AuthMethod is private_key_jwt when the app names a key, else client_secret.
func (a SystemApp) AuthMethod() AuthMethod {
	if a.PrivateKeyPath != "" || a.KeyID != "" {
		return AuthPrivateKeyJWT
	}
	return AuthClientSecret
}

// Key is the YAML path, under the tenant, of one of the app's fields, for
// File.Set and for messages: ["cerner","system_app","client_secret"] in the
// current shape, ["cerner","client_secret"] in the legacy one,
// ["ehr","system_app","client_secret"] in the ehr one.
func (a SystemApp) Key(field string) []string {
	return keyPath(a.at, []string{"cerner", "system_app"}, field)
}

// ProviderApp is the app users sign in with (authorization code + PKCE). It
// is public unless it has a client secret or a key.
type ProviderApp struct {
	ClientID         string
	ClientSecret     Secret // zero for a public app; carries its Source
	AuthorizationURL string
	// TokenURL is optional: "" means the one the FHIR server's SMART
	// configuration advertises.
	TokenURL       string
	RedirectURI    string
	Scopes         []string
	PrivateKeyPath string // absolute, like SystemApp's
	KeyID          string

	at []string // YAML path under the tenant; nil means cerner.provider_app
}

// Confidential reports whether the app authenticates at the code exchange.
func (p ProviderApp) Confidential() bool { return p.AuthMethod() != AuthNone }

// AuthMethod is private_key_jwt with a key, client_secret with a secret (or
// a placeholder for one), else none.
func (p ProviderApp) AuthMethod() AuthMethod {
	switch {
	case p.PrivateKeyPath != "" || p.KeyID != "":
		return AuthPrivateKeyJWT
	case !p.ClientSecret.IsZero() || p.ClientSecret.Source().Var != "":
		return AuthClientSecret
	}
	return AuthNone
}

// Key is the YAML path of one of the app's fields under the tenant.
func (p ProviderApp) Key(field string) []string {
	return keyPath(p.at, []string{"cerner", "provider_app"}, field)
}

// Key is the YAML path of one of the EHR mapping's own fields (base_url,
// patients) under the tenant.
func (e EHR) Key(field string) []string {
	return keyPath(e.at, []string{"cerner"}, field)
}

func keyPath(at, def []string, field string) []string {
	if at == nil {
		at = def
	}
	out := make([]string, 0, len(at)+1)
	out = append(out, at...)
	if field != "" {
		out = append(out, field)
	}
	return out
}

// dotted joins a key path for messages: cerner.system_app.client_secret.
func dotted(path []string) string { return strings.Join(path, ".") }

// Paths of the values the wizard and rotate edit, for File.Set, in the
// current shape only. Prefer SystemApp.Key, which follows the tenant's shape.
var (
	PathClientID     = []string{"cerner", "system_app", "client_id"}
	PathClientSecret = []string{"cerner", "system_app", "client_secret"}
)

// SaveOptions control File.Save.
type SaveOptions struct {
	// NoBackup skips the config.yaml.bak.<UTC yyyymmddThhmmssZ> copy.
	NoBackup bool
}

// SaveResult says what File.Save did.
type SaveResult struct {
	Path       string // the file replaced (a symlink's target)
	BackupPath string // "" when NoBackup
}
