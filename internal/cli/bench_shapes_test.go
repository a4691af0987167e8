//go:build unix

package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// manyTenantsConfig writes a config of n tenants in the three shapes in
// turn (every third secret a ${VAR} resolved from the .env beside it), all
// pointing at the sandbox, and returns its path and the name of a tenant in
// the middle. n = 500 gives about 5,000 lines.
func manyTenantsConfig(tb testing.TB, info sandbox.Info, secret string, n int) (path, middle string) {
	tb.Helper()
	dir := tb.TempDir()
	var y, env strings.Builder
	y.WriteString("# generated: tenants in every shape\nserver: {port: 8080}\ntenants:\n")
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	for i := range n {
		name := fmt.Sprintf("tenant-%03d", i)
		if i == n/2 {
			middle = name
		}
		sec := q(secret)
		if i%3 == 1 {
			v := fmt.Sprintf("SECRET_%03d", i)
			fmt.Fprintf(&env, "# %s\n%s=%s\n", name, v, secret)
			sec = "${" + v + "}"
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&y, "  %s:\n    cerner:\n      base_url: %s\n      system_app:\n        client_id: %s\n        client_secret: %s\n        token_url: %s\n        scopes: %s\n    gcp: {project: p%d}\n",
				name, q(info.FHIRBaseURL), q(sandbox.SystemClientID), sec, q(info.TokenURL), q(sandbox.ConfiguredScopes), i)
		case 1:
			fmt.Fprintf(&y, "  %s:\n    cerner:\n      base_url: %s\n      client_id: %s\n      client_secret: %s\n      token_url: %s\n      scopes: %s\n      patients: [\"12724066\"]\n",
				name, q(info.FHIRBaseURL), q(sandbox.SystemClientID), sec, q(info.TokenURL), q(sandbox.ConfiguredScopes))
		default:
			fmt.Fprintf(&y, "  %s:\n    ehr:\n      vendor: cerner\n      base_url: %s\n      system_app:\n        client_id: %s\n        client_secret: %s\n        token_url: %s\n        scopes: %s\n",
				name, q(info.FHIRBaseURL), q(sandbox.SystemClientID), sec, q(info.TokenURL), q(sandbox.ConfiguredScopes))
		}
	}
	path = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(y.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path, middle
}

// BenchmarkManyTenants is docs/benchmarks.md's "config validate on a
// 500-tenant config (mixed shapes, ~5,000 lines) costs at most 60 ms more
// than on a one-tenant file; probe --tenant X on it at most that over a
// one-tenant file". Each sub-benchmark runs the command in-process, as main
// does; compare the 500-tenant figure with the 1-tenant one. cpu-ms/op is
// the process's CPU time per command, which a busy machine does not
// inflate the way it inflates the wall time.
//
// Reproduce: go test -run '^$' -bench ManyTenants -benchtime 20x -count 3 ./internal/cli/
func BenchmarkManyTenants(b *testing.B) {
	srv := benchSandbox(b, sandbox.Options{Scenario: "healthy"})
	info := srv.Info()
	secret := srv.Secrets()[0]
	for _, n := range []int{1, 500} {
		cfg, middle := manyTenantsConfig(b, info, secret, n)
		data, _ := os.ReadFile(cfg)
		lines := strings.Count(string(data), "\n")
		for _, cmd := range []struct {
			name string
			args []string
			code int
		}{
			{"validate", []string{"config", "validate", "--config", cfg}, 0},
			{"probe-tenant", []string{"probe", "--config", cfg, "--cacert", info.CAFile, "--tenant", middle}, 0},
		} {
			b.Run(fmt.Sprintf("%s/tenants=%d", cmd.name, n), func(b *testing.B) {
				cpu0 := processCPU()
				for b.Loop() {
					ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }}
					if code := run(context.Background(), ios, cmd.args); code != cmd.code {
						b.Fatalf("%v: exit %d", cmd.args[:2], code)
					}
				}
				b.ReportMetric(float64(lines), "lines")
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
				// CPU time of the whole process (the sandbox's included): on
				// a shared machine the wall time mostly measures the queue.
				b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
