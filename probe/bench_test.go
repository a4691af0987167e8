package probe

import (
	"context"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// BenchmarkProbeHealthy runs the full probe of a healthy tenant against the
// sandbox with 100 ms injected before every answer, and reports:
//   - critical-path-ratio: wall time / the longest dependency chain of
//     checks (each weighted by its own measured duration); target ≤ 1.25;
//   - serial-ratio: wall time / the sum of every request's latency, i.e.
//     what the same requests cost one after another; target ≤ 0.35;
//   - requests/op.
//
// Reproduce: go test ./probe/ -run '^$' -bench ProbeHealthy -benchtime 20x
func BenchmarkProbeHealthy(b *testing.B) {
	_, opts := startSandbox(b, sandbox.Options{Scenario: "healthy", Latency: 100 * time.Millisecond}, 10*time.Second)
	var wall, critical, serial time.Duration
	var requests int
	b.ResetTimer()
	for b.Loop() {
		rep, s, err := run(context.Background(), opts, nil)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Diagnosis.Top != CauseOK {
			b.Fatalf("healthy sandbox diagnosed %s", rep.Diagnosis.Top)
		}
		wall += rep.Duration
		critical += criticalPath(catalogue(), rep.Checks)
		for _, r := range s.requestLog() {
			serial += r.Latency
			requests++
		}
	}
	b.ReportMetric(float64(wall)/float64(critical), "critical-path-ratio")
	b.ReportMetric(float64(wall)/float64(serial), "serial-ratio")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "wall-ms/op")
	b.ReportMetric(float64(critical.Milliseconds())/float64(b.N), "critical-ms/op")
}

// criticalPath is the longest chain of dependent checks, each weighted by
// its measured duration: what no scheduler could beat.
func criticalPath(cat []check, results []CheckResult) time.Duration {
	dur := map[string]time.Duration{}
	for _, r := range results {
		dur[r.ID] = r.Duration
	}
	deps := map[string][]string{}
	for _, c := range cat {
		deps[c.id] = c.deps
	}
	memo := map[string]time.Duration{}
	var finish func(id string) time.Duration
	finish = func(id string) time.Duration {
		if v, ok := memo[id]; ok {
			return v
		}
		var longest time.Duration
		for _, d := range deps[id] {
			longest = max(longest, finish(d))
		}
		memo[id] = longest + dur[id]
		return memo[id]
	}
	var best time.Duration
	for _, c := range cat {
		best = max(best, finish(c.id))
	}
	return best
}

// BenchmarkProbeJWTvsSecret is the JWT app's target: a private_key_jwt
// tenant's full probe takes at most 1.1 × a client-secret tenant's, both
// against sandboxes answering after 100 ms, measured alternately in one
// run. It holds because signing is local and the token request does not
// wait for discovery or the JWKS check.
//
// Reproduce: go test ./probe/ -run '^$' -bench ProbeJWTvsSecret -benchtime 20x
func BenchmarkProbeJWTvsSecret(b *testing.B) {
	_, secretOpts := startSandbox(b, sandbox.Options{Scenario: "healthy", Latency: 100 * time.Millisecond}, 10*time.Second)
	_, jwtOpts := startSandbox(b, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-healthy", Latency: 100 * time.Millisecond}, 10*time.Second)
	probeOnce := func(opts Options) time.Duration {
		rep, err := Run(context.Background(), opts, nil)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Diagnosis.Top != CauseOK {
			b.Fatalf("%s diagnosed %s", opts.Tenant.Cerner.SystemApp.AuthMethod(), rep.Diagnosis.Top)
		}
		return rep.Duration
	}
	var tSecret, tJWT time.Duration
	for b.Loop() {
		tSecret += probeOnce(secretOpts)
		tJWT += probeOnce(jwtOpts)
	}
	b.ReportMetric(float64(tJWT)/float64(tSecret), "jwt-vs-secret")
	b.ReportMetric(float64(tSecret.Milliseconds())/float64(b.N), "secret-ms/op")
	b.ReportMetric(float64(tJWT.Milliseconds())/float64(b.N), "jwt-ms/op")
}
