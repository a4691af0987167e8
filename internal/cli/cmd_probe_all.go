package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"
	"text/tabwriter"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// runProbeAll probes every tenant concurrently (tenantsInFlight at a time),
// sharing what is per URL, host or key file rather than per tenant (one
// probe.SharedClient), so the whole run of tens of tenants takes about as
// long as the slowest one.
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
	// At most tenantsInFlight tenants run at once: each holds a goroutine
	// per check and its answers, so hundreds at once cost memory without
	// finishing sooner once the CPU is busy.
	slots := make(chan struct{}, tenantsInFlight())
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
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			reports[i], errs[i] = probe.Run(ctx, opts, nil)
		})
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

// tenantsInFlight bounds the tenants probed at once. A tenant's probe is a
// chain of about three round trips, so the run keeps many in flight to
// hide the latency; beyond what the CPU can serve more only hold memory
// (goroutine stacks and answers, about 0.1 MB per tenant). On 2 cores at
// 100 ms per answer, 128 kept the run as fast as 256 at 65 MB of peak RSS
// instead of 82 (docs/benchmarks.md).
func tenantsInFlight() int {
	return min(max(64*runtime.GOMAXPROCS(0), 64), 256)
}

// writeDocuments writes the reports as one JSON array, byte for byte what
// json.MarshalIndent(docs, "", "  ") gives, one document at a time: the
// whole array of 500 tenants at once was the run's largest buffer.
func writeDocuments(w io.Writer, reports []*probe.Report) error {
	if len(reports) == 0 {
		_, err := fmt.Fprintln(w, "[]")
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("[\n")
	for i, r := range reports {
		b, err := json.MarshalIndent(report.NewDocument(r, versionString()), "  ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString("  ")
		bw.Write(b)
		if i < len(reports)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("]\n")
	return bw.Flush()
}
