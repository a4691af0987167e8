package cli

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// updating reports -update, the flag teatest's golden package already
// defines for every test binary that imports it (this one does).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// normalizeReport replaces what differs between runs (ports, temp dirs,
// dates, durations, correlation ids) so the rest is compared byte for byte.
func normalizeReport(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "$SANDBOX")
	for _, r := range []struct{ re, repl string }{
		{`127\.0\.0\.1:\d+`, "127.0.0.1:PORT"},
		{`\*\*Date:\*\* .*  `, "**Date:** DATE  "},
		{`(?i)(correlation-id[^0-9a-f]*)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, "${1}CORRELATION-ID"},
		{`instances/[0-9a-f-]{36}`, "instances/CORRELATION-ID"},
		{`<?\d+(\.\d+)?\s?(µs|ns|ms|s|m)\b`, "D"},
		{`<1ms`, "D"},
		// The clock check reads every Date header seen so far, and how many
		// answers came before it ran varies.
		{`\d+ Date header\(s\)`, "N Date header(s)"},
		{`"started_at": "[^"]*"`, `"started_at": "TIME"`},
		{`"duration_ms": \d+`, `"duration_ms": 0`},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.repl)
	}
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -run %s -update to accept):\n%s", path, t.Name(), udiff.Unified("golden", "got", string(want), got))
	}
}

// TestReportGolden renders `report` for the two scenarios the hand-written report is
// about and compares them with golden files; the secret is nowhere in them.
func TestReportGolden(t *testing.T) {
	for _, tc := range []struct {
		scenario, format string
		code             int
	}{
		{"access-denied", "markdown", 4},
		{"secret-rotated", "markdown", 3},
		{"access-denied", "json", 4},
	} {
		t.Run(tc.scenario+"-"+tc.format, func(t *testing.T) {
			srv := startSandbox(t, sandbox.Options{Scenario: tc.scenario})
			info := srv.Info()
			outFile := filepath.Join(t.TempDir(), "report")
			_, errOut, code := runCLI(t, nil, "", "report", "--config", info.ConfigFile, "--cacert", info.CAFile, "--format", tc.format, "-o", outFile)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d: %s", code, tc.code, errOut)
			}
			st, err := os.Stat(outFile)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("report mode %v, want 0600", st.Mode().Perm())
			}
			b, _ := os.ReadFile(outFile)
			assertNoSecret(t, srv, string(b), errOut)
			ext := map[string]string{"markdown": ".md", "json": ".json"}[tc.format]
			golden(t, "report-"+tc.scenario+ext, normalizeReport(string(b), filepath.Dir(info.ConfigFile)))
		})
	}
}

// normalizeJWT also masks what changes with every key and assertion: the
// thumbprints, the jti, the times in claims and registrations.
func normalizeJWT(s string) string {
	for _, r := range []struct{ re, repl string }{
		{`thumbprint( \(RFC 7638, SHA-256\))? [A-Za-z0-9_-]{43}`, "thumbprint${1} THUMBPRINT"},
		{`private key's [A-Za-z0-9_-]{43}`, "private key's THUMBPRINT"},
		{`jti [A-Za-z0-9_-]{22}`, "jti JTI"},
		{`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`, "TIME"},
		{`valid until \d\d:\d\d:\d\dZ`, "valid until TIME"},
		{`registered D ago`, "registered D ago"},
		{`\(D ago\)`, "(D ago)"},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.repl)
	}
	return s
}

// TestReportGoldenEpic renders the report of every --vendor epic scenario:
// the top cause and exit code each must give, with the decoded assertion
// and never the key or the assertion itself.
func TestReportGoldenEpic(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		code     int
	}{
		{"jwt-healthy", 0}, {"jwt-key-unknown", 3}, {"jwt-key-mismatch", 3},
		{"jwt-alg-unsupported", 3}, {"jwt-key-propagating", 3}, {"jwks-unreachable", 3},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: tc.scenario})
			info := srv.Info()
			outFile := filepath.Join(t.TempDir(), "report")
			_, errOut, code := runCLI(t, nil, "", "report", "--config", info.ConfigFile, "--cacert", info.CAFile, "--format", "markdown", "-o", outFile)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d: %s", code, tc.code, errOut)
			}
			b, _ := os.ReadFile(outFile)
			assertNoSecret(t, srv, string(b), errOut)
			assertNoKeyMaterial(t, []string{srv.EpicKeyPath()}, string(b), errOut)
			golden(t, "report-epic-"+tc.scenario+".md", normalizeReport(normalizeJWT(string(b)), filepath.Dir(info.ConfigFile)))
		})
	}
}
