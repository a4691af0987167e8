package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/report"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// globals are the flags every command shares (docs/design.md, "Global flags").
type globals struct {
	configPath string
	envName    string   // --env
	envFiles   []string // --env-file
	tenant     string
	// tenantFromEnv: tenant came from $FHIRDOCTOR_TENANT, not --tenant.
	tenantFromEnv bool
	caFile        string
	timeout       time.Duration
	noColor       bool
	accessible    bool
	verbose       bool
	noAudit       bool
}

func newRootCmd(io *IOStreams) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "fhirdoctor",
		Short: "Diagnose and fix Cerner (Oracle Health) FHIR OAuth credentials",
		Long: `fhirdoctor gets an EHR integration's OAuth credentials from broken to verified.

Run without a command, it opens a wizard that probes the tenant, ranks root causes
from evidence, takes the regenerated secret, tests it before saving, writes the
config file safely and verifies end to end. The same checks serve scripts and CI.`,
		Example: `  fhirdoctor demo                      # the wizard against the embedded sandbox
  fhirdoctor --config backend/.settings.dev/config.yaml
  fhirdoctor probe --json | jq .diagnosis.top`,
		Args: noArgsOrSuggest,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWizard(cmd.Context(), io, g)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", "", "config file (default: $FHIRDOCTOR_CONFIG, ./.settings.<env>/config.yaml, ./backend/.settings.<env>/config.yaml)")
	pf.StringVar(&g.envName, "env", "", "backend environment: picks .settings.<env>/ and .env.<env> (default: $NODE_ENV, else dev)")
	pf.StringArrayVar(&g.envFiles, "env-file", nil, "a .env file to resolve ${VAR} secrets from, instead of the backend root's .env files (repeatable; the first that defines a variable wins)")
	pf.StringVar(&g.tenant, "tenant", "", "tenant of the config to use (default: $FHIRDOCTOR_TENANT; chosen automatically when there is one)")
	pf.StringVar(&g.caFile, "cacert", "", "extra root certificates, PEM (a TLS-inspecting proxy's CA, the sandbox's ca_file)")
	pf.DurationVar(&g.timeout, "timeout", 10*time.Second, "timeout of each check")
	pf.BoolVar(&g.noColor, "no-color", false, "no colours (also NO_COLOR)")
	pf.BoolVar(&g.accessible, "accessible", false, "plain line prompts a screen reader can follow (also ACCESSIBLE=1)")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "show more evidence")
	pf.BoolVar(&g.noAudit, "no-audit", false, "do not append to fhirdoctor-audit.log when writing the config")

	root.AddCommand(
		newVersionCmd(io),
		newConfigCmd(io, g),
		newProbeCmd(io, g),
		newSandboxCmd(io),
		newDemoCmd(io, g),
		newRotateCmd(io, g),
		newReportCmd(io, g),
		manCmd(),
	)
	completions(root, g, io)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if io.Getenv("NO_COLOR") != "" {
			g.noColor = true
		}
		if v := io.Getenv("ACCESSIBLE"); v != "" && v != "0" {
			g.accessible = true
		}
		if g.timeout <= 0 {
			return fmt.Errorf("--timeout must be positive, got %s", g.timeout)
		}
		if g.tenant == "" {
			g.tenant = io.Getenv(envTenant)
			g.tenantFromEnv = g.tenant != ""
		}
		if strings.ContainsAny(g.envName, `/\`) || strings.HasPrefix(g.envName, ".") {
			return fmt.Errorf("--env %q is not an environment name (it names the folder .settings.<env>/)", g.envName)
		}
		return nil
	}
	return root
}

// envTenant is the environment variable that picks the tenant when
// --tenant does not.
const envTenant = "FHIRDOCTOR_TENANT"

// loadFile finds the config file by the discovery order of docs/config.md
// (--config, $FHIRDOCTOR_CONFIG, .settings.<env>/ for --env or $NODE_ENV)
// and loads it, set to resolve placeholders from this process's
// environment and the environment's .env files.
func (g *globals) loadFile(io *IOStreams) (*config.File, error) {
	d, err := config.DiscoverEnv(g.configPath, g.envName, g.envFiles, io.Getenv)
	if err != nil {
		return nil, err
	}
	for _, p := range g.envFiles {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("--env-file %s: %w", p, err)
		}
	}
	f, err := config.Load(d.Path)
	if err != nil {
		return nil, err
	}
	d.Env.LookupEnv = io.lookupEnv
	f.SetEnvironment(d.Env)
	return f, nil
}

// loadTenant loads the config file and resolves the tenant.
func (g *globals) loadTenant(io *IOStreams) (*config.File, config.Tenant, error) {
	f, err := g.loadFile(io)
	if err != nil {
		return nil, config.Tenant{}, err
	}
	t, err := f.Tenant(g.tenant)
	if err != nil {
		return f, config.Tenant{}, err
	}
	return f, t, nil
}

// textStyle colours doctor output for a terminal, and leaves it plain for
// pipes and NO_COLOR.
func (g *globals) textStyle(io *IOStreams) report.Style {
	in, inOK := io.terminalIn()
	out, outOK := io.terminalOut()
	if g.noColor || !inOK || !outOK {
		return report.Style{}
	}
	return ui.TerminalReportStyle(in, out, io.environ())
}

// audit appends one line to the audit trail unless --no-audit. The write it
// records already happened, so a failure here is a warning, not an error.
func (g *globals) audit(io *IOStreams, e config.AuditEntry) {
	if g.noAudit {
		return
	}
	if _, err := config.AppendAudit(e); err != nil {
		fmt.Fprintf(io.Err, "! the config was written, but the audit line was not: %v\n", err)
	}
}
