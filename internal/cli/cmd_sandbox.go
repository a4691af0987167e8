package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/report"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

type sandboxFlags struct {
	scenario    string
	vendor      string
	propagation time.Duration
	addr        string
	latency     time.Duration
	autoApprove bool
	json        bool
	shape       string
	secretIn    string
}

func newSandboxCmd(io *IOStreams) *cobra.Command {
	f := &sandboxFlags{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a Cerner-like sandbox on loopback (for demos, tests and CI)",
		Long: `sandbox serves discovery, metadata, the token endpoint, FHIR R4 reads, the provider
authorize flow and a simulated Code Console on loopback, over TLS with a CA it
generates. It writes a ready config file whose credentials match the scenario.

With --vendor epic it serves an Epic-like server instead: SMART Backend Services only
(private_key_jwt, RS384/ES384), every client failure answered
{"error":"invalid_client","error_description":null}, a console whose /jwks registers
the app's public keys (each accepted --propagation after it is registered), and a
config whose ehr: tenant signs with a key generated beside it.

Scenarios (--vendor cerner, the default):
` + scenarioHelp(sandbox.VendorCerner) + `
Scenarios (--vendor epic):
` + scenarioHelp(sandbox.VendorEpic),
		Example: `  fhirdoctor sandbox --scenario access-denied
  fhirdoctor sandbox --vendor epic --scenario jwt-key-unknown
  fhirdoctor sandbox --json   # one JSON line: urls, ca_file, config_file`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(cmd.Context(), io, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.scenario, "scenario", "", "what the sandbox does (see above; default: healthy, or jwt-healthy for epic)")
	fl.StringVar(&f.vendor, "vendor", sandbox.VendorCerner, "server to imitate: cerner or epic")
	fl.DurationVar(&f.propagation, "propagation", sandbox.DefaultPropagation, "how long a newly registered public key takes to be accepted (0: at once)")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen address of the TLS host, HOST:PORT (loopback only)")
	fl.DurationVar(&f.latency, "latency", 0, "latency added to every answer")
	fl.BoolVar(&f.autoApprove, "auto-approve", false, "the provider authorize page approves at once (headless tests)")
	fl.BoolVar(&f.json, "json", false, "print one JSON line once listening, then serve")
	fl.StringVar(&f.shape, "config-shape", sandbox.ShapeCurrent, "layout of the config file written: "+strings.Join(sandbox.ConfigShapes, ", ")+" (see docs/config.md)")
	fl.StringVar(&f.secretIn, "secret-in", sandbox.SecretInYAML, "where that config's secret lives: yaml (a literal) or dotenv (${CERNER_CLIENT_SECRET}, the value in .env beside it)")
	return cmd
}

// helpWidth is what help text is wrapped to: fang wraps longer lines at the
// terminal's edge back to the left margin, which breaks a table apart.
const helpWidth = 76

// scenarioHelp lists a vendor's scenarios as a table whose descriptions
// wrap under themselves.
func scenarioHelp(vendor string) string {
	var b strings.Builder
	for _, s := range sandbox.ScenariosFor(vendor) {
		b.WriteString(report.Wrap(fmt.Sprintf("  %-24s ", s.Name), s.Description, strings.Repeat(" ", 27), helpWidth) + "\n")
	}
	return b.String()
}

func validScenario(vendor, name string) error {
	switch vendor {
	case sandbox.VendorCerner, sandbox.VendorEpic:
	default:
		return fmt.Errorf("--vendor %q: choose cerner or epic", vendor)
	}
	if name == "" {
		return nil
	}
	var names []string
	for _, s := range sandbox.ScenariosFor(vendor) {
		if s.Name == name {
			return nil
		}
		names = append(names, s.Name)
	}
	return fmt.Errorf("unknown scenario %q for --vendor %s: choose one of %s", name, vendor, strings.Join(names, ", "))
}

// propagationOption maps the flag (0 = at once) to sandbox.Options (0 =
// the default, negative = at once).
func propagationOption(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

// loopbackAddr refuses to serve the sandbox's fake credentials and console
// anywhere but this machine.
func loopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q: the sandbox serves on loopback only (127.0.0.1, ::1 or localhost)", addr)
}

func runSandbox(ctx context.Context, io *IOStreams, f *sandboxFlags) error {
	if err := validScenario(f.vendor, f.scenario); err != nil {
		return err
	}
	if err := loopbackAddr(f.addr); err != nil {
		return err
	}
	srv, err := sandbox.Start(sandbox.Options{
		Scenario:    f.scenario,
		Vendor:      f.vendor,
		Propagation: propagationOption(f.propagation),
		Addr:        f.addr,
		Latency:     f.latency,
		AutoApprove: f.autoApprove,
		ConfigShape: f.shape,
		SecretIn:    f.secretIn,
	})
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	defer srv.Close()
	info := srv.Info()
	if f.json {
		b, err := json.Marshal(info)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "%s\n", b)
	} else {
		envLine := ""
		if info.EnvFile != "" {
			envLine = "\n  .env file     " + info.EnvFile
		}
		fmt.Fprintf(io.Out, `fhirdoctor sandbox · %s · scenario %s

  FHIR base     %s
  token URL     %s
  authorize     %s
  Code Console  %s
  CA file       %s
  config file   %s%s

Try: fhirdoctor probe --config %s --cacert %s
Serving until interrupted (ctrl+c).
`, info.Vendor, info.Scenario, info.FHIRBaseURL, info.TokenURL, info.AuthorizeURL, info.ConsoleURL, info.CAFile, info.ConfigFile, envLine, info.ConfigFile, info.CAFile)
	}
	<-ctx.Done()
	// Interrupting is how a sandbox stops; the deferred Close removes its
	// files first. Like every interrupted command it exits 130.
	return errStopped
}
