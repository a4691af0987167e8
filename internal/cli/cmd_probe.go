package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/config"
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
tenant, 6 token works but FHIR reads fail, 7 server outage.`,
		Example: `  fhirdoctor probe
  fhirdoctor probe --json | jq -r .diagnosis.top
  fhirdoctor probe --only dns,tls,token
  fhirdoctor probe --provider --no-browser`,
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
		opts.Findings = f.ValidateTenant(t.Name)
	}
	return opts
}

func runProbe(ctx context.Context, io *IOStreams, g *globals, f *probeFlags) error {
	file, tenant, err := g.loadTenant(io)
	if err != nil {
		// Scripts parse stdout: a config that cannot be used is still one
		// document (a failed config check, config-invalid, exit 1).
		if f.format == formatText {
			return err
		}
		path := g.configPath
		if file != nil {
			path = file.Path()
		}
		if werr := g.writeReports(io, f.format, []*probe.Report{configFailureReport(path, g.tenant, err)}, false); werr != nil {
			return werr
		}
		return newDiagnosisError(1, "%v", err)
	}
	opts := g.probeOptions(file, tenant)
	opts.Only, opts.Skip = f.only, f.skip
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
