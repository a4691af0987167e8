package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestRotate runs `rotate` against the sandbox's secret-rotated scenario:
// the console issues a new secret and rotate must test it before writing.
func TestRotate(t *testing.T) {
	cases := []struct {
		name      string
		stdin     func(newSecret string) string
		env       func(newSecret string) map[string]string
		args      []string
		code      int
		written   bool
		verified  bool
		errSubstr string
	}{
		{name: "success", stdin: line, args: []string{"--client-secret-stdin", "--yes"}, code: 0, written: true, verified: true},
		{name: "crlf and quotes", stdin: func(s string) string { return `  "` + s + "\"\r\n" }, args: []string{"--client-secret-stdin", "--yes"}, code: 0, written: true, verified: true},
		{name: "single quotes", stdin: func(s string) string { return "'" + s + "'\n" }, args: []string{"--client-secret-stdin", "--yes"}, code: 0, written: true, verified: true},
		{name: "from environment", stdin: func(string) string { return "" }, env: func(s string) map[string]string { return map[string]string{"FHIRDOCTOR_CLIENT_SECRET": s} }, args: []string{"--yes"}, code: 0, written: true, verified: true},
		{name: "wrong new secret", stdin: func(string) string { return "FAKE-wrong-secret-0000000000000\n" }, args: []string{"--client-secret-stdin", "--yes"}, code: 3, errSubstr: "Nothing was written"},
		{name: "no terminal without --yes", stdin: line, args: []string{"--client-secret-stdin"}, code: 1, errSubstr: "--yes"},
		{name: "skip verify writes untested", stdin: func(string) string { return "FAKE-untested-secret-000000000000\n" }, args: []string{"--client-secret-stdin", "--yes", "--skip-verify"}, code: 0, written: true},
		{name: "inner whitespace refused", stdin: func(string) string { return "FAKE secret with spaces\n" }, args: []string{"--client-secret-stdin", "--yes"}, code: 1, errSubstr: "new secret"},
		{name: "empty stdin", stdin: func(string) string { return "" }, args: []string{"--client-secret-stdin", "--yes"}, code: 1, errSubstr: "empty"},
		{name: "no secret at all", stdin: func(string) string { return "" }, args: []string{"--yes"}, code: 1, errSubstr: "--client-secret-stdin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"})
			info := srv.Info()
			_, newSecret := srv.Regenerate()
			before, err := os.ReadFile(info.ConfigFile)
			if err != nil {
				t.Fatal(err)
			}
			var env map[string]string
			if tc.env != nil {
				env = tc.env(newSecret)
			}
			args := append([]string{"rotate", "--config", info.ConfigFile, "--cacert", info.CAFile}, tc.args...)
			out, errOut, code := runCLI(t, env, tc.stdin(newSecret), args...)
			assertNoSecret(t, srv, out, errOut)
			if code != tc.code {
				t.Fatalf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if tc.errSubstr != "" && !strings.Contains(errOut, tc.errSubstr) {
				t.Errorf("stderr lacks %q:\n%s", tc.errSubstr, errOut)
			}
			after, err := os.ReadFile(info.ConfigFile)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.written {
				if !bytes.Equal(before, after) {
					t.Fatalf("config changed although nothing should be written")
				}
				if _, err := os.Stat(filepath.Join(filepath.Dir(info.ConfigFile), config.AuditFileName)); err == nil {
					t.Errorf("audit line written although nothing was")
				}
				return
			}
			f, err := config.Load(info.ConfigFile)
			if err != nil {
				t.Fatal(err)
			}
			ten, err := f.Tenant("")
			if err != nil {
				t.Fatal(err)
			}
			if tc.verified && ten.Cerner.SystemApp.ClientSecret.Reveal() != newSecret {
				t.Errorf("config holds secret %s, want the regenerated one %s", ten.Cerner.SystemApp.ClientSecret.Fingerprint(), config.Fingerprint(newSecret))
			}
			assertOneValueChanged(t, before, after)
			backups, _ := filepath.Glob(info.ConfigFile + ".bak.*")
			if len(backups) != 1 {
				t.Errorf("backups = %v, want one", backups)
			} else if b, _ := os.ReadFile(backups[0]); !bytes.Equal(b, before) {
				t.Errorf("backup differs from the original")
			}
			audit, err := os.ReadFile(filepath.Join(filepath.Dir(info.ConfigFile), config.AuditFileName))
			if err != nil {
				t.Fatalf("no audit log: %v", err)
			}
			assertNoSecret(t, srv, string(audit))
			var entry config.AuditEntry
			if err := json.Unmarshal(bytes.TrimSpace(audit), &entry); err != nil {
				t.Fatalf("audit log is not one JSON line: %v", err)
			}
			want := map[bool]string{true: "passed", false: "skipped"}[tc.verified]
			if entry.Verification != want || entry.Tenant != "default" || entry.Action != "rotate" || entry.Backup != backups[0] {
				t.Errorf("audit entry = %+v", entry)
			}
		})
	}
}

func line(s string) string { return s + "\n" }

// assertOneValueChanged: a same-app rotation changes exactly one line.
func assertOneValueChanged(t *testing.T, before, after []byte) {
	t.Helper()
	a, b := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	if len(a) != len(b) {
		t.Fatalf("line count changed: %d → %d", len(a), len(b))
	}
	changed := 0
	for i := range a {
		if a[i] != b[i] {
			changed++
			if !strings.Contains(a[i], "client_secret:") {
				t.Errorf("line %d changed but is not the secret's", i+1)
			}
		}
	}
	if changed != 1 {
		t.Errorf("%d lines changed, want 1", changed)
	}
}

// TestRotateNoAudit: --no-audit writes no audit line.
func TestRotateNoAudit(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"})
	info := srv.Info()
	_, s := srv.Regenerate()
	_, errOut, code := runCLI(t, nil, s+"\n", "rotate", "--config", info.ConfigFile, "--cacert", info.CAFile, "--client-secret-stdin", "--yes", "--no-audit", "--no-backup")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(info.ConfigFile), config.AuditFileName)); err == nil {
		t.Error("--no-audit wrote an audit log")
	}
	if b, _ := filepath.Glob(info.ConfigFile + ".bak.*"); len(b) != 0 {
		t.Errorf("--no-backup left %v", b)
	}
}
