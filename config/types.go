package config

// DefaultTestPatientID is Cerner sandbox patient SMART, Nancy.
const DefaultTestPatientID = "12724066"

// Tenant is one resolved entry of the tenants map.
type Tenant struct {
	Name   string
	Cerner Cerner
}

// Cerner is a tenant's Cerner (Oracle Health) settings. FHIRBaseURL is
// always filled after loading: from the file, or derived from TokenURL's
// tenants/{t}/hosts/{host} form (FHIRBaseDerived says which).
type Cerner struct {
	FHIRBaseURL     string
	FHIRBaseDerived bool
	TestPatientID   string
	SystemApp       SystemApp
	ProviderApp     *ProviderApp // nil when the tenant has none
}

// SystemApp is the confidential client used with client_credentials.
type SystemApp struct {
	ClientID     string
	ClientSecret Secret
	TokenURL     string
	Scopes       []string // split on whitespace, in file order
}

// ProviderApp is the public client used with authorization code + PKCE.
type ProviderApp struct {
	ClientID         string
	AuthorizationURL string
	RedirectURI      string
	Scopes           []string
}

// Paths of the values the wizard and rotate edit, for File.Set.
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
