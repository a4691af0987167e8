package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

type reportFlags struct {
	output string
	format string
}

func newReportCmd(io *IOStreams, g *globals) *cobra.Command {
	f := &reportFlags{}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the diagnostic report from live evidence (markdown or JSON)",
		Long: `report probes the tenant and writes the diagnostic report a support ticket needs:
status, every check with its result, the token request as a redacted curl line,
the ranked causes with evidence, the action plan with the steps that apply marked,
and the next action. No secret, Basic value or token is in it; correlation ids are.`,
		Example: `  fhirdoctor report -o cerner-report.md
  fhirdoctor report --format json | jq .next_action`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), io, g, f)
		},
	}
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write to FILE (mode 0600) instead of stdout")
	cmd.Flags().StringVar(&f.format, "format", "markdown", "output format: markdown or json")
	return cmd
}

func runReport(ctx context.Context, io *IOStreams, g *globals, f *reportFlags) error {
	if f.format != "markdown" && f.format != "json" {
		return fmt.Errorf("--format %q: use markdown or json", f.format)
	}
	file, tenant, err := g.loadTenant(io)
	if err != nil {
		return err
	}
	r, err := probe.Run(ctx, g.probeOptions(file, tenant), nil)
	if err != nil {
		return err
	}
	if err := interrupted(ctx); err != nil {
		return err
	}
	in := report.Input{Report: r, Tenant: tenant, Version: versionString(), Now: time.Now()}
	var buf bytes.Buffer
	if f.format == "json" {
		b, err := report.ReportJSON(in)
		if err != nil {
			return err
		}
		buf.Write(b)
	} else if err := report.Markdown(&buf, in); err != nil {
		return err
	}
	if f.output == "" || f.output == "-" {
		if _, err := io.Out.Write(buf.Bytes()); err != nil {
			return err
		}
	} else {
		if err := writePrivateFile(f.output, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(io.Err, "wrote %s (%s)\n", f.output, report.Headline(r.Diagnosis.Top))
	}
	return newDiagnosisError(probe.ExitCode(r.Diagnosis.Top), "diagnosis: %s", r.Diagnosis.Top)
}

// writePrivateFile writes a report readable by its owner only: it names the
// tenant, the client id and the infrastructure.
func writePrivateFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	// An existing file keeps its mode on open; tighten it.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("write report: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
