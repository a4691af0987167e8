package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bigConfig is a commented config of at least lines lines: many tenants
// shaped like testdata/basic.yaml, the largest file a team plausibly keeps.
func bigConfig(tb testing.TB, lines int) (content string, lastTenant string) {
	tb.Helper()
	tmpl, err := os.ReadFile(filepath.Join("testdata", "basic.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	body := string(tmpl)[strings.Index(string(tmpl), "  default:"):]
	var b strings.Builder
	b.WriteString("# fhirdoctor config (FAKE credentials), generated for the benchmark\ntenants:\n")
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		lastTenant = fmt.Sprintf("tenant-%03d", i)
		b.WriteString(strings.Replace(body, "  default:", "  "+lastTenant+":", 1))
	}
	return b.String(), lastTenant
}

// BenchmarkLoadEditSave is docs/benchmarks.md's "config load + edit + atomic write of
// a 2,000-line file under 10 ms". The sub-benchmarks split the cost:
//   - load: Load (read, parse, index);
//   - load-edit: and SetSecret on the last tenant (splice and verify that
//     only that value changed: a one-line value takes the fast path of
//     fastedit.go, the others re-parse the whole file);
//   - load-edit-save: and Save (lock, re-read, temp file, fsync, rename,
//     directory fsync): the figure the target is about;
//   - load-edit-save-backup: the same with the backup copy (removed after
//     each iteration, inside the timing: backups are named by the second).
//
// Each iteration writes a different secret, so Save never short-cuts an
// unchanged file.
//
// Reproduce: go test ./config/ -run '^$' -bench LoadEditSave -benchtime 200x
func BenchmarkLoadEditSave(b *testing.B) {
	content, tenant := bigConfig(b, 2000)
	lines := strings.Count(content, "\n")
	phases := []struct {
		name       string
		edit, save bool
		backup     bool
	}{
		{"load", false, false, false},
		{"load-edit", true, false, false},
		{"load-edit-save", true, true, false},
		{"load-edit-save-backup", true, true, true},
	}
	for _, ph := range phases {
		b.Run(ph.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				b.Fatal(err)
			}
			i := 0
			cpu0 := processCPU()
			for b.Loop() {
				i++
				f, err := Load(path)
				if err != nil {
					b.Fatal(err)
				}
				if !ph.edit {
					continue
				}
				if err := f.SetSecret(tenant, PathClientSecret, NewSecret(fmt.Sprintf("FAKE-bench-secret-%08d", i))); err != nil {
					b.Fatal(err)
				}
				if !ph.save {
					continue
				}
				res, err := f.Save(SaveOptions{NoBackup: !ph.backup})
				if err != nil {
					b.Fatal(err)
				}
				if res.BackupPath != "" {
					if err := os.Remove(res.BackupPath); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(lines), "lines")
			b.ReportMetric(float64(len(content))/1024, "KiB")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
