package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

type probeFlags struct {
	json       bool
	format     string
	only, skip []string
	listChecks bool
	allTenants bool
	provider   bool
	noBrowser  bool
	// keyUploadedAt is when the JWT app's public key was registered.
	keyUploadedAt string
	fromEnv       bool
}

func newProbeCmd(io *IOStreams, g *globals) *cobra.Command {
	f := &probeFlags{}
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Run every check against the tenant and rank the causes",
		Long: `probe runs the network, TLS, discovery, token, scope and FHIR checks against the
configured tenant concurrently, then ranks root causes from the evidence.

Exit codes: 0 all passed (warnings allowed), 1 usage or config error, 2 network/DNS/
TLS/clock, 3 credentials rejected, 4 blocked before the OAuth server, 5 scope or
tenant, 6 token works but FHIR reads fail, 7 server outage, 130 interrupted.`,
		Example: `  fhirdoctor probe
  fhirdoctor probe --json | jq -r .diagnosis.top
  fhirdoctor probe --only dns,tls,token
  fhirdoctor probe --provider --no-browser
  CERNER_CLIENT_SECRET=... fhirdoctor probe --from-env   # no config file: the CERNER_* variables`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := resolveFormat(f.format, f.json, cmd.Flags().Changed("format"), probeFormats)
			if err != nil {
				return err
			}
			f.format = format
			if f.listChecks {
				return listChecks(io)
			}
			if err := f.checkProviderFlags(); err != nil {
				return err
			}
			if f.fromEnv && f.allTenants {
				return fmt.Errorf("--from-env probes the one tenant the CERNER_* variables describe; drop --all-tenants")
			}
			if f.allTenants {
				return runProbeAll(cmd.Context(), io, g, f)
			}
			return runProbe(cmd.Context(), io, g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", formatText, "output: text, json (the schema 1 document), junit (XML, one test case per check) or github (workflow annotations)")
	fl.BoolVar(&f.json, "json", false, "same as --format json: the JSON document and nothing else on stdout")
	fl.StringSliceVar(&f.only, "only", nil, "run only these check ids (and what they depend on)")
	fl.StringSliceVar(&f.skip, "skip", nil, "skip these check ids")
	fl.BoolVar(&f.listChecks, "list-checks", false, "list the checks and exit")
	fl.BoolVar(&f.allTenants, "all-tenants", false, "probe every tenant of the config concurrently; one table, then details (--json: an array)")
	fl.BoolVar(&f.provider, "provider", false, "then sign in once to test the provider app (authorization code + PKCE) end to end")
	fl.BoolVar(&f.noBrowser, "no-browser", false, "with --provider: print the sign-in URL instead of opening a browser")
	fl.StringVar(&f.keyUploadedAt, "key-uploaded-at", "", "for JWT apps: when the public key was registered (how long ago: 20m, 2 hours ago; a time: 14:05, 2026-12-01T14:05:00Z); evidence that a refusal may be propagation")
	fl.BoolVar(&f.fromEnv, "from-env", false, "no config file: read CERNER_BASE_URL, CERNER_CLIENT_ID, CERNER_CLIENT_SECRET, CERNER_TOKEN_URL and CERNER_SCOPES (for CI)")
	return cmd
}

func listChecks(io *IOStreams) error {
	tw := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tDEPENDS ON")
	for _, c := range probe.Catalogue() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Title, strings.Join(c.Deps, ","))
	}
	return tw.Flush()
}

// probeOptions builds the engine's options from the flags and a tenant.
func (g *globals) probeOptions(f *config.File, t config.Tenant) probe.Options {
	opts := probe.Options{
		Tenant:  t,
		CAFile:  g.caFile,
		Timeout: g.timeout,
		Version: versionString(),
	}
	if f != nil {
		opts.ConfigPath = f.Path()
		// The checks use the system app and the FHIR server; errors in the
		// provider app are warnings unless --provider (scoped validation).
		opts.Findings = f.ValidateFor(t.Name, config.PartTenant|config.PartSystemApp|config.PartFHIR)
	}
	return opts
}

// probeTarget is the tenant probe runs against: from the config file, or
// from the CERNER_* variables with --from-env.
func (g *globals) probeTarget(io *IOStreams, f *probeFlags) (probe.Options, error) {
	if f.fromEnv {
		if g.configPath != "" {
			return probe.Options{}, fmt.Errorf("--from-env reads no config file; drop --config (or drop --from-env)")
		}
		t, findings := config.TenantFromEnv(io.lookupEnv)
		opts := g.probeOptions(nil, t)
		opts.ConfigPath, opts.Findings = "$CERNER_* variables (--from-env)", findings
		return opts, nil
	}
	file, tenant, err := g.loadTenant(io)
	if err != nil {
		return probe.Options{}, err
	}
	opts := g.probeOptions(file, tenant)
	if f.provider {
		opts.Findings = file.ValidateFor(tenant.Name, config.PartAll)
	}
	return opts, nil
}

func runProbe(ctx context.Context, io *IOStreams, g *globals, f *probeFlags) error {
	opts, err := g.probeTarget(io, f)
	if err != nil {
		// Scripts parse stdout: a config that cannot be used is still one
		// document (a failed config check, config-invalid, exit 1).
		if f.format == formatText {
			return err
		}
		r := configFailureReport(g.configPath, g.tenant, err)
		if werr := g.writeReports(io, f.format, []*probe.Report{r}, false); werr != nil {
			return werr
		}
		return newDiagnosisError(1, "%v", err)
	}
	opts.Only, opts.Skip = f.only, f.skip
	if f.keyUploadedAt != "" {
		if opts.KeyUploadedAt, err = parseUploadedAt(f.keyUploadedAt, time.Now()); err != nil {
			return err
		}
	}
	progress, stop := g.progress(io)
	r, err := probe.Run(ctx, opts, progress)
	stop()
	if err != nil {
		return err
	}
	if err := interrupted(ctx); err != nil {
		return err
	}
	if f.provider {
		addProviderRoundTrip(ctx, io, opts, f, r)
		if err := interrupted(ctx); err != nil {
			return err
		}
	}
	if err := g.writeReports(io, f.format, []*probe.Report{r}, false); err != nil {
		return err
	}
	return newDiagnosisError(probe.ExitCode(r.Diagnosis.Top), "diagnosis: %s", r.Diagnosis.Top)
}

// parseUploadedAt reads --key-uploaded-at with the wizard's parser
// (jwtauth.ParseUploaded): how long ago, a time of today, a date and time
// or RFC 3339. "earlier" and "unknown" are no evidence: the zero time.
func parseUploadedAt(v string, now time.Time) (time.Time, error) {
	at, _, err := jwtauth.ParseUploaded(v, now)
	if err != nil {
		return time.Time{}, fmt.Errorf("--key-uploaded-at %q: %w", v, err)
	}
	return at, nil
}
