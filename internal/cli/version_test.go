package cli

import (
	"strings"
	"testing"
)

// TestVersionStamped: what a release build stamps through -ldflags (version,
// commit, date) reaches both `version` and `--version`.
func TestVersionStamped(t *testing.T) {
	old := [3]string{version, commit, date}
	t.Cleanup(func() { version, commit, date = old[0], old[1], old[2] })
	version, commit, date = "v9.8.7", "0123456789abcdef0123456789abcdef01234567", "2026-01-02T03:04:05Z"
	want := "v9.8.7 (commit 0123456789ab, built 2026-01-02T03:04:05Z)"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, errOut, code := runCLI(t, nil, "", args...)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("fhirdoctor %s: exit %d, stdout %q, stderr %q; want it to hold %q", args[0], code, out, errOut, want)
		}
	}
}
