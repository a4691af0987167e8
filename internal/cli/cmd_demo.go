package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

func newDemoCmd(io *IOStreams, g *globals) *cobra.Command {
	var scenario, vendor string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the wizard against the embedded sandbox; no credentials needed",
		Long: `demo starts the Cerner-like sandbox in this process, writes a temporary, commented
config file for it, and runs the wizard against it with TLS verified against the
sandbox's CA. The Code Console link opens the sandbox's console, where the new
secret is shown: the whole rotation, with no account anywhere.`,
		Example: `  fhirdoctor demo
  fhirdoctor demo --scenario access-denied
  fhirdoctor demo --vendor epic   # starts on jwt-key-unknown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if scenario == "" {
				scenario = "secret-rotated"
				if vendor == sandbox.VendorEpic {
					scenario = "jwt-key-unknown"
				}
			}
			return runDemo(cmd.Context(), io, g, vendor, scenario)
		},
	}
	cmd.Flags().StringVar(&scenario, "scenario", "", "sandbox scenario (see `fhirdoctor sandbox --help`; default secret-rotated, or jwt-key-unknown for epic)")
	cmd.Flags().StringVar(&vendor, "vendor", sandbox.VendorCerner, "server to imitate: cerner or epic")
	return cmd
}

func runDemo(ctx context.Context, io *IOStreams, g *globals, vendor, scenario string) error {
	if err := validScenario(vendor, scenario); err != nil {
		return err
	}
	if !g.accessible && !io.Interactive() {
		return errNoTerminal
	}
	// The provider check's sign-in approves at once, so following the
	// printed link (with a browser or curl) completes it; a free port keeps
	// two demos, or a demo and a real app on 8765, apart.
	redirect, err := freeLoopbackRedirect()
	if err != nil {
		return err
	}
	// A staging copy of the config, so that the Summary's "What remains"
	// shows the other place a regeneration breaks.
	srv, err := sandbox.Start(sandbox.Options{Scenario: scenario, Vendor: vendor, AutoApprove: true, ProviderRedirectURI: redirect,
		OtherEnvironments: []string{"staging"}})
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	defer srv.Close()
	info := srv.Info()
	// The demo's config and CA are the sandbox's; flags naming others would
	// point the wizard away from it.
	g.configPath, g.caFile = info.ConfigFile, ""
	g.envName, g.envFiles = "", nil
	if g.tenantFromEnv {
		g.tenant = "" // $FHIRDOCTOR_TENANT names a tenant of the real config, not the sandbox's
	}
	return runWizardWith(ctx, io, g, info.ConsoleURL, srv.CertPool())
}
