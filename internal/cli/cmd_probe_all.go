package cli

import (
	"context"
	"fmt"
	"sync"
	"text/tabwriter"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// runProbeAll probes every tenant at once: the tenants share nothing, so the
// whole run takes about as long as the slowest one.
func runProbeAll(ctx context.Context, io *IOStreams, g *globals, f *probeFlags) error {
	if g.tenant != "" {
		return fmt.Errorf("--all-tenants and --tenant %q exclude each other", g.tenant)
	}
	file, err := g.loadFile(io)
	if err != nil {
		if f.format == formatText {
			return err
		}
		r := configFailureReport(g.configPath, "", err)
		if werr := g.writeReports(io, f.format, []*probe.Report{r}, true); werr != nil {
			return werr
		}
		return newDiagnosisError(1, "%v", err)
	}
	// One client for every tenant: they live on the same few hosts, so they
	// share connections instead of each making its own handshakes.
	shared, err := probe.NewSharedClient(probe.Options{CAFile: g.caFile, Timeout: g.timeout, Version: versionString()})
	if err != nil {
		return err
	}
	defer shared.Close()
	names := file.TenantNames()
	reports := make([]*probe.Report, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		t, terr := file.Tenant(name)
		if terr != nil {
			reports[i] = configFailureReport(file.Path(), name, terr)
			continue
		}
		opts := g.probeOptions(file, t)
		opts.Only, opts.Skip = f.only, f.skip
		opts.Shared = shared
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i], errs[i] = probe.Run(ctx, opts, nil)
		}()
	}
	wg.Wait()
	if err := interrupted(ctx); err != nil {
		return err
	}
	worst := 0
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("tenant %s: %w", names[i], err)
		}
		worst = max(worst, probe.ExitCode(reports[i].Diagnosis.Top))
	}
	if f.format == formatText {
		tw := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TENANT\tSTATUS\tTOP CAUSE\tEXIT\tDURATION")
		for _, r := range reports {
			c := report.Count(r.Checks)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", r.Tenant, c, r.Diagnosis.Top, probe.ExitCode(r.Diagnosis.Top), report.Duration(r.Duration))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if err := g.writeReports(io, f.format, reports, true); err != nil {
		return err
	}
	return newDiagnosisError(worst, "worst diagnosis: exit %d", worst)
}
