package ui

import (
	"context"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Deps are the operations the wizard performs. The wizard command
// (internal/cli) wires them to config and probe; tests pass fakes. Every
// function may be called from a goroutine other than the one that runs
// Update.
type Deps struct {
	ConfigPath string
	// Environment is the backend environment the config belongs to (dev,
	// staging, prod): the header names it, so a rotation of prod's
	// credentials never looks like dev's. Empty for the demo's sandbox.
	Environment string
	// Tenants lists the config's tenants; more than one shows a picker on
	// Diagnose unless Options.Tenant names one.
	Tenants    []string
	LoadTenant func(name string) (config.Tenant, error)
	// Probe diagnoses t; ev is what the user told the wizard (Step 1's
	// upload time), weighed as probe.Options.KeyUploadedAt.
	Probe     func(ctx context.Context, t config.Tenant, ev Evidence, onEvent func(probe.Event)) (*probe.Report, error)
	TestToken func(ctx context.Context, t config.Tenant, clientID string, secret config.Secret) probe.TokenOutcome
	// Diff is the redacted unified diff the write would make.
	Diff func(tenant, clientID string, secret config.Secret) (string, error)
	// Write replaces the two values atomically, under a lock, with a backup.
	Write func(tenant, clientID string, secret config.Secret) (config.SaveResult, error)
	// ConsoleURL replaces the tenant's vendor console URL
	// (report.ConsoleFor): the demo's sandbox console. Empty for real use.
	ConsoleURL string
	OpenURL    func(url string) error
	SaveReport func(path string, s Session) error
	Version    string
	// Now is the clock answers such as "20m ago" are read against
	// (time.Now when nil); tests pin it with the sandbox's.
	Now func() time.Time
	// ProviderRoundTrip signs in once with the tenant's provider app
	// (authorization code + PKCE) and reads the patient; show receives the
	// sign-in link as soon as the loopback listener is up. Nil hides the
	// Provider app screen.
	ProviderRoundTrip func(ctx context.Context, t config.Tenant, show func(url string)) probe.ProviderOutcome
	// Keys rotates a JWT app's key (jwt_key.go); zero leaves the wizard
	// without it.
	Keys KeyDeps
	// After is what follows a write: what remains, the stale places to
	// update, the commands to run. Nil hides it.
	After *AfterWrite
}

// Options are the user's choices from the command line.
type Options struct {
	// Tenant preselects a tenant; empty means the only one, or a picker.
	Tenant string
	// NoColor renders without any colour (NO_COLOR, --no-color).
	NoColor bool
	// ReportPath is where Summary saves the markdown report; default
	// "fhirdoctor-report.md" in the working directory.
	ReportPath string
}

func (o Options) reportPath() string {
	if o.ReportPath != "" {
		return o.ReportPath
	}
	return "fhirdoctor-report.md"
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}
