package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// The leak scan (docs/security.md, "The leak scan") runs every command and wizard path it can
// reach with a canary secret and searches everything they produce (stdout,
// stderr, every frame, every file they write) for the canary in every form
// it travels in, and for every token the sandbox issued. Only the config
// itself and its backups may hold a secret, and both must be mode 0600.
//
// Not covered here: a panic inside a real check. The runner's checks are
// unexported and take no injected code, so there is no public way to make
// one panic; probe's TestRunnerRecoversPanicWithoutSecret covers the
// recovery (and that the panic value, which holds the secret, is dropped).

const (
	// canary is the secret the leak-scan sandboxes register. + / = are the
	// characters Basic form-encoding (RFC 6749 2.3.1) changes, so the raw,
	// form-encoded and both Basic forms all differ and are all searched.
	canary = "FAKE-canary+/=secret-0123456789ab"
	// wrongCanary is a secret no sandbox accepts: what a user pastes by
	// mistake. Error paths must not echo it either.
	wrongCanary = "FAKE-wrong+/=canary-ba9876543210"
	// spacedCanary cannot be a secret (inner whitespace): the refusal must
	// explain without quoting it.
	spacedCanary = "FAKE-spaced canary+/= 0123456789"
)

// defaultSecretPrefix starts every secret of a sandbox started with the
// default credentials (demo, `fhirdoctor sandbox`), whose values the test
// cannot ask for.
const defaultSecretPrefix = "FAKE-sandbox-secret-"

// jwtShaped matches any JWT (the sandbox's access and id tokens are
// ES256 JWTs): none belongs in any output, whoever issued it.
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}`)

// leakScan collects what one scenario produced and the sandboxes it ran
// against, then checks all of it at once.
type leakScan struct {
	t       *testing.T
	mu      sync.Mutex
	servers []*sandbox.Server
	secrets []string          // values no server knows (wrong pastes, other sandboxes)
	outputs map[string]string // name → text
	dirs    []string
	label   string // prefixes the names of what run records
}

func newLeakScan(t *testing.T) *leakScan {
	return &leakScan{t: t, outputs: map[string]string{}, secrets: []string{canary, wrongCanary, spacedCanary}}
}

// sandbox starts a sandbox whose system app has the canary secret (unless
// opts sets another) and files in a directory the scan searches.
func (l *leakScan) sandbox(opts sandbox.Options) *sandbox.Server {
	l.t.Helper()
	if opts.ClientSecret == "" {
		opts.ClientSecret = canary
	}
	opts.Dir = l.tempDir()
	srv, err := sandbox.Start(opts)
	if err != nil {
		l.t.Fatalf("start sandbox: %v", err)
	}
	l.t.Cleanup(func() { _ = srv.Close() })
	l.mu.Lock()
	l.servers = append(l.servers, srv)
	l.mu.Unlock()
	return srv
}

// tempDir is a new directory whose every file the scan searches.
func (l *leakScan) tempDir() string {
	d := l.t.TempDir()
	l.mu.Lock()
	l.dirs = append(l.dirs, d)
	l.mu.Unlock()
	return d
}

func (l *leakScan) add(name, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := 2; ; i++ {
		if _, dup := l.outputs[name]; !dup {
			break
		}
		name = fmt.Sprintf("%s #%d", strings.SplitN(name, " #", 2)[0], i)
	}
	l.outputs[name] = text
}

func (l *leakScan) addSecret(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.secrets = append(l.secrets, s)
}

// run runs the command tree in-process and records stdout and stderr.
func (l *leakScan) run(env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	l.t.Helper()
	stdout, stderr, code = runCLI(l.t, env, stdin, args...)
	name := strings.TrimSpace(l.label + " " + strings.Join(args, " "))
	l.add(name+" (stdout)", stdout)
	l.add(name+" (stderr)", stderr)
	return stdout, stderr, code
}

// needle is one form of one secret; kind names the form in failure
// messages, which never print the value.
type needle struct{ kind, value string }

func secretForms(clientIDs []string, s string) []needle {
	n := []needle{
		{"raw secret", s},
		{"form-URL-encoded secret", url.QueryEscape(s)},
		{"path-escaped secret", url.PathEscape(s)},
		{"base64 of the secret", base64.StdEncoding.EncodeToString([]byte(s))},
	}
	for _, id := range clientIDs {
		n = append(n,
			needle{"Basic value (raw id:secret)", base64.StdEncoding.EncodeToString([]byte(id + ":" + s))},
			needle{"Basic value (form-encoded id:secret)", base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(s)))})
	}
	// Halves catch a secret cut short or wrapped across lines.
	if len(s) >= 24 {
		n = append(n, needle{"first half of a secret", s[:len(s)/2]}, needle{"second half of a secret", s[len(s)/2:]})
	}
	return n
}

func (l *leakScan) needles() []needle {
	l.mu.Lock()
	defer l.mu.Unlock()
	ids := []string{sandbox.SystemClientID}
	secrets := append([]string(nil), l.secrets...)
	var tokens []string
	for _, srv := range l.servers {
		secrets = append(secrets, srv.Secrets()...)
		tokens = append(tokens, srv.IssuedTokens()...)
	}
	var out []needle
	for _, s := range secrets {
		out = append(out, secretForms(ids, s)...)
	}
	for _, tok := range tokens {
		out = append(out, needle{"access token", tok})
	}
	for _, key := range l.privateKeyFiles() {
		b, err := os.ReadFile(key)
		if err != nil {
			l.t.Errorf("read %s: %v", key, err)
			continue
		}
		for _, line := range pemLines(string(b)) {
			out = append(out, needle{"line of a private key", line})
		}
	}
	return append(out, needle{"a default sandbox secret", defaultSecretPrefix})
}

// privateKeyFiles are the PEM private keys in the scan's directories: the
// sandbox's app key and every key rotate made. Called with l.mu held.
func (l *leakScan) privateKeyFiles() []string {
	var keys []string
	for _, dir := range l.dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && isPrivateKeyFile(path) {
				keys = append(keys, path)
			}
			return nil
		})
	}
	return keys
}

// isPrivateKeyFile: a .pem holding a private key, which may hold key
// material (and must be 0600).
func isPrivateKeyFile(path string) bool {
	if !strings.HasSuffix(path, ".pem") {
		return false
	}
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), "PRIVATE KEY-----")
}

// check searches every output and every file of the scan's directories,
// except the configs and their backups, which must be mode 0600.
func (l *leakScan) check() {
	t := l.t
	t.Helper()
	needles := l.needles()
	scan := func(name, text string) {
		t.Helper()
		for _, n := range needles {
			if n.value != "" && strings.Contains(text, n.value) {
				// Never print the needle: that would be the leak.
				t.Errorf("%s holds a %s (%d bytes)", name, n.kind, len(n.value))
			}
		}
		if jwtShaped.MatchString(text) {
			t.Errorf("%s holds a JWT", name)
		}
	}
	l.mu.Lock()
	outputs := make(map[string]string, len(l.outputs))
	for k, v := range l.outputs {
		outputs[k] = v
	}
	dirs := append([]string(nil), l.dirs...)
	l.mu.Unlock()
	if len(outputs) == 0 {
		t.Fatal("the leak scan saw no output: the scenario ran nothing")
	}
	for name, text := range outputs {
		scan(name, text)
	}
	files := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if isPrivateKeyFile(path) {
				st, err := os.Stat(path)
				if err != nil {
					return err
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("private key %s has mode %v, want 0600", path, st.Mode().Perm())
				}
				return nil
			}
			if isConfigOrBackup(d.Name()) {
				st, err := os.Stat(path)
				if err != nil {
					return err
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("%s has mode %v; the config and its backups must be 0600", path, st.Mode().Perm())
				}
				return nil
			}
			if d.Name() == config.AuditFileName {
				st, err := os.Stat(path)
				if err != nil {
					return err
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("the audit log %s has mode %v, want 0600", path, st.Mode().Perm())
				}
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			scan("file "+path, string(b))
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Errorf("walk %s: %v", dir, err)
		}
	}
	t.Logf("leak scan: %d outputs, %d files, %d needles: clean", len(outputs), files, len(needles))
}

// isConfigOrBackup: the only files allowed to hold the secret: the config,
// the .env file a secret lives in, and their backups.
func isConfigOrBackup(name string) bool {
	return name == "config.yaml" || strings.HasPrefix(name, "config.yaml.bak.") ||
		name == ".env" || strings.HasPrefix(name, ".env.bak.")
}

// TestLeakScan runs every path with the canary; each subtest ends with the
// scan of everything it produced.
func TestLeakScan(t *testing.T) {
	cases := []struct {
		name string
		run  func(l *leakScan)
	}{
		{"probe-scenarios", leakProbeScenarios},
		{"probe-raw-basic-encoding-retry", leakProbeEncodingRetry},
		{"probe-error-paths", leakProbeErrors},
		{"probe-all-tenants", leakAllTenants},
		{"rotate", leakRotate},
		{"rotate-refused-by-server", leakRotateRefused},
		{"report", leakReport},
		{"config-show-validate", leakConfigCommands},
		{"secret-in-dotenv", leakDotenv},
		{"probe-from-env", leakFromEnv},
		{"malformed-config", leakMalformedConfig},
		{"sandbox-command", leakSandboxCommand},
		{"demo-error-paths", leakDemo},
		{"wizard-frames", leakWizard},
		{"accessible-flow", leakAccessible},
		{"epic-probe-report", leakEpic},
		{"epic-rotate-key", leakEpicRotate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := newLeakScan(t)
			tc.run(l)
			l.check()
		})
	}
}

// leakProbeScenarios: probe, --json and -v for every scenario.
func leakProbeScenarios(l *leakScan) {
	for _, sc := range sandbox.Scenarios() {
		srv := l.sandbox(sandbox.Options{Scenario: sc.Name, SlowDelay: 5 * time.Second})
		var extra []string
		if sc.Name == "slow" {
			extra = []string{"--timeout", "2s"}
		}
		for _, mode := range [][]string{nil, {"--json"}, {"-v"}} {
			args := append(sandboxArgs(srv, "probe"), append(extra, mode...)...)
			if _, errOut, code := l.run(nil, "", args...); code == 1 {
				l.t.Errorf("%s %v: exit 1 (usage or config), the scenario did not run: %d bytes of stderr", sc.Name, mode, len(errOut))
			}
		}
	}
	if len(l.servers[0].IssuedTokens()) == 0 {
		l.t.Error("no token was issued: the scan would not have searched for one")
	}
}

// leakProbeEncodingRetry: a server that compares Basic credentials
// undecoded refuses the RFC form-encoded secret; token.encoding retries
// with the raw form, so both Basic values go on the wire.
func leakProbeEncodingRetry(l *leakScan) {
	srv := l.sandbox(sandbox.Options{Scenario: "healthy", RawBasic: true})
	for _, mode := range []string{"-v", "--json"} {
		out, _, _ := l.run(nil, "", append(sandboxArgs(srv, "probe"), mode)...)
		if mode == "--json" && !strings.Contains(out, `"token.encoding"`) {
			l.t.Errorf("the encoding retry did not run: the scan misses its path")
		}
	}
}

// leakProbeErrors: the ways probe fails before or around the token
// request.
func leakProbeErrors(l *leakScan) {
	srv := l.sandbox(sandbox.Options{Scenario: "healthy"})
	info := srv.Info()
	dir := l.tempDir()
	l.run(nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.CAFile, "--timeout", "0")
	l.run(nil, "", "probe", "--config", filepath.Join(dir, "missing.yaml"))
	l.run(nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.CAFile, "--tenant", "nope")
	l.run(nil, "", "probe", "--config", info.ConfigFile, "--cacert", filepath.Join(dir, "missing.pem"))
	l.run(nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.ConfigFile) // not PEM
	l.run(nil, "", "probe", "--config", info.ConfigFile, "-v")                        // untrusted CA
	l.run(nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.CAFile, "--only", "token", "-v")
	l.run(nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.CAFile, "--only", "nope")
	l.run(nil, "", "probe", "--list-checks")

	// A sandbox that went away: connection refused on every request.
	gone := l.sandbox(sandbox.Options{Scenario: "healthy"})
	goneCfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(goneCfg, gone.ConfigYAML(), 0o600); err != nil {
		l.t.Fatal(err)
	}
	ca, err := os.ReadFile(gone.Info().CAFile)
	if err != nil {
		l.t.Fatal(err)
	}
	goneCA := filepath.Join(dir, "gone-ca.pem")
	if err := os.WriteFile(goneCA, ca, 0o600); err != nil {
		l.t.Fatal(err)
	}
	_ = gone.Close()
	for _, mode := range []string{"-v", "--json"} {
		if _, _, code := l.run(nil, "", "probe", "--config", goneCfg, "--cacert", goneCA, mode); code != 2 {
			l.t.Errorf("probe of a closed sandbox %s: exit %d, want 2 (network)", mode, code)
		}
	}
}

// leakAllTenants: --all-tenants over tenants in mixed scenarios.
func leakAllTenants(l *leakScan) {
	dir := l.tempDir()
	var yaml strings.Builder
	var cas []byte
	yaml.WriteString("tenants:\n")
	for _, sc := range []string{"healthy", "secret-rotated", "access-denied", "fhir-insufficient-scope"} {
		srv := l.sandbox(sandbox.Options{Scenario: sc})
		ca, err := os.ReadFile(srv.Info().CAFile)
		if err != nil {
			l.t.Fatal(err)
		}
		cas = append(cas, ca...)
		f, err := config.Load(srv.Info().ConfigFile)
		if err != nil {
			l.t.Fatal(err)
		}
		ten, err := f.Tenant("")
		if err != nil {
			l.t.Fatal(err)
		}
		sa := ten.Cerner.SystemApp
		for i := range 2 {
			fmt.Fprintf(&yaml, "  %s-%d:\n    cerner:\n      fhir_base_url: %q\n      system_app:\n        client_id: %q\n        client_secret: %q\n        token_url: %q\n        scopes: %q\n",
				sc, i, ten.Cerner.FHIRBaseURL, sa.ClientID, sa.ClientSecret.Reveal(), sa.TokenURL, strings.Join(sa.Scopes, " "))
		}
	}
	cfg := filepath.Join(dir, "config.yaml")
	caFile := filepath.Join(dir, "cas.pem")
	if err := os.WriteFile(cfg, []byte(yaml.String()), 0o600); err != nil {
		l.t.Fatal(err)
	}
	if err := os.WriteFile(caFile, cas, 0o600); err != nil {
		l.t.Fatal(err)
	}
	for _, mode := range [][]string{nil, {"-v"}, {"--json"}} {
		if _, _, code := l.run(nil, "", append([]string{"probe", "--all-tenants", "--config", cfg, "--cacert", caFile}, mode...)...); code != 6 {
			l.t.Errorf("--all-tenants %v: exit %d, want 6 (the worst of the tenants')", mode, code)
		}
	}
}

// leakRotate: every way rotate ends, on one config, ending with two
// successful rotations (so two backups) and their audit lines.
func leakRotate(l *leakScan) {
	// secret-rotated: the config holds a stale secret; the canary is the
	// one the console issued and the token endpoint accepts.
	srv := l.sandbox(sandbox.Options{Scenario: "secret-rotated"})
	rot := func(env map[string]string, stdin string, args ...string) int {
		_, _, code := l.run(env, stdin, append(sandboxArgs(srv, "rotate"), args...)...)
		return code
	}
	steps := []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		code  int
	}{
		{"secret as a flag", nil, "", []string{"--client-secret", canary, "--yes"}, 1},
		{"secret as a flag=", nil, "", []string{"--client-secret=" + canary}, 1},
		{"wrong secret", nil, wrongCanary + "\n", []string{"--client-secret-stdin", "--yes", "-v"}, 3},
		{"not a secret", nil, spacedCanary + "\n", []string{"--client-secret-stdin", "--yes"}, 1},
		{"other client id", nil, canary + "\n", []string{"--client-secret-stdin", "--yes", "--client-id", "99999999-2222-4333-8444-555555555555"}, 3},
		{"no terminal, no --yes", nil, canary + "\n", []string{"--client-secret-stdin"}, 1},
		{"success", nil, "  \"" + canary + "\"\r\n", []string{"--client-secret-stdin", "--yes", "-v"}, 0},
		{"nothing to rotate", nil, canary + "\n", []string{"--client-secret-stdin", "--yes"}, 1},
	}
	for _, s := range steps {
		if code := rot(s.env, s.stdin, s.args...); code != s.code {
			l.t.Errorf("rotate %s: exit %d, want %d", s.name, code, s.code)
		}
	}
	_, regenerated := srv.Regenerate()
	if code := rot(map[string]string{"FHIRDOCTOR_CLIENT_SECRET": regenerated}, "", "--yes", "--skip-verify"); code != 0 {
		l.t.Errorf("rotate --skip-verify from the environment: exit %d", code)
	}
	cfg := srv.Info().ConfigFile
	backups, _ := filepath.Glob(cfg + ".bak.*")
	if len(backups) != 2 {
		l.t.Errorf("%d backups, want 2 (one per rotation)", len(backups))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), config.AuditFileName)); err != nil {
		l.t.Errorf("no audit log to scan: %v", err)
	}
}

// leakRotateRefused: the server refuses the new pair for reasons other
// than the secret; the evidence is printed, the secret is not.
func leakRotateRefused(l *leakScan) {
	for _, sc := range []struct {
		name string
		code int
	}{{"access-denied", 4}, {"outage", 7}, {"invalid-tenant", 5}, {"empty-scopes", 5}} {
		srv := l.sandbox(sandbox.Options{Scenario: sc.name})
		// A secret the console issued, so the refusal is the scenario's
		// and not invalid_client.
		_, fresh := srv.Regenerate()
		if _, _, code := l.run(nil, fresh+"\n", append(sandboxArgs(srv, "rotate"), "--client-secret-stdin", "--yes", "-v")...); code != sc.code {
			l.t.Errorf("rotate on %s: exit %d, want %d", sc.name, code, sc.code)
		}
	}
}

// leakReport: report in both formats, to stdout and to files.
func leakReport(l *leakScan) {
	dir := l.tempDir()
	for _, sc := range []string{"healthy", "secret-rotated", "access-denied"} {
		srv := l.sandbox(sandbox.Options{Scenario: sc})
		for _, format := range []string{"markdown", "json"} {
			l.run(nil, "", append(sandboxArgs(srv, "report"), "--format", format, "-v")...)
			out := filepath.Join(dir, sc+"-report."+format)
			l.run(nil, "", append(sandboxArgs(srv, "report"), "--format", format, "-o", out)...)
			if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
				l.t.Errorf("report %s: %v, mode %v; want a 0600 file", out, err, st)
			}
		}
	}
}

// leakDotenv: every command on each config shape with the secret in .env
// (config.yaml holds ${CERNER_CLIENT_SECRET}): the .env file may hold it,
// nothing else; rotate writes into .env, and is refused when the variable
// is in the environment.
func leakDotenv(l *leakScan) {
	for _, shape := range sandbox.ConfigShapes {
		srv := l.sandbox(sandbox.Options{Scenario: "secret-rotated", ConfigShape: shape, SecretIn: sandbox.SecretInDotenv})
		cfg := srv.Info().ConfigFile
		for _, args := range [][]string{{"config", "show", "-v"}, {"config", "show", "--json"}, {"config", "validate"}} {
			l.run(nil, "", append(args, "--config", cfg)...)
		}
		for _, args := range [][]string{{"probe", "-v"}, {"probe", "--json"}, {"report", "--format", "markdown"}, {"report", "--format", "json"}} {
			l.run(nil, "", sandboxArgs(srv, args...)...)
		}
		_, fresh := srv.Regenerate()
		env := map[string]string{sandbox.SecretVar: fresh}
		if _, _, code := l.run(env, fresh+"\n", sandboxArgs(srv, "rotate", "--client-secret-stdin", "--yes", "-v")...); code != 1 {
			l.t.Errorf("%s: rotate with the secret in the environment: exit %d, want 1", shape, code)
		}
		if _, _, code := l.run(nil, "\""+canary+"\"\n", sandboxArgs(srv, "rotate", "--client-secret-stdin", "--yes", "-v")...); code != 3 {
			l.t.Errorf("%s: rotate to a refused secret: exit %d, want 3", shape, code)
		}
		if _, _, code := l.run(nil, fresh+"\n", sandboxArgs(srv, "rotate", "--client-secret-stdin", "--yes", "-v")...); code != 0 {
			l.t.Errorf("%s: rotate into .env: exit %d", shape, code)
		}
		l.run(nil, "", sandboxArgs(srv, "probe", "-v")...)
	}
}

// leakFromEnv: probe --from-env as text and JSON, with the variables
// complete and with one missing.
func leakFromEnv(l *leakScan) {
	srv := l.sandbox(sandbox.Options{Scenario: "healthy"})
	info := srv.Info()
	env := map[string]string{
		config.EnvBaseURL: info.FHIRBaseURL, config.EnvClientID: srv.ClientID(), config.EnvClientSecret: canary,
		config.EnvTokenURL: info.TokenURL, config.EnvScopes: sandbox.ConfiguredScopes,
	}
	for _, format := range [][]string{{"-v"}, {"--json"}} {
		if _, _, code := l.run(env, "", append([]string{"probe", "--from-env", "--cacert", info.CAFile}, format...)...); code != 0 {
			l.t.Errorf("probe --from-env %v: exit %d", format, code)
		}
	}
	env[config.EnvClientSecret] = wrongCanary
	l.run(env, "", "probe", "--from-env", "--cacert", info.CAFile, "-v")
	delete(env, config.EnvClientSecret)
	if _, _, code := l.run(env, "", "probe", "--from-env", "--cacert", info.CAFile, "--json"); code != 1 {
		l.t.Errorf("probe --from-env without the secret: exit %d, want 1", code)
	}
}

// leakConfigCommands: config show and validate on good configs.
func leakConfigCommands(l *leakScan) {
	for _, sc := range []string{"healthy", "secret-rotated"} {
		srv := l.sandbox(sandbox.Options{Scenario: sc})
		cfg := srv.Info().ConfigFile
		for _, sub := range []string{"show", "validate"} {
			if _, _, code := l.run(nil, "", "config", sub, "--config", cfg, "-v"); code != 0 {
				l.t.Errorf("config %s on %s: exit %d", sub, sc, code)
			}
		}
		l.run(map[string]string{"FHIRDOCTOR_CONFIG": cfg}, "", "config", "show")
	}
}

// malformedConfigs put the canary on the line the parser chokes on, in
// the ways a bad paste or edit breaks YAML.
var malformedConfigs = []struct{ name, line string }{
	{"unterminated double quote", `        client_secret: "` + canary},
	{"unterminated single quote", `        client_secret: '` + canary},
	{"colon space in a plain value", `        client_secret: ` + canary + `: more`},
	{"unclosed flow mapping", `        client_secret: {` + canary},
	{"unclosed flow sequence", `        client_secret: [` + canary},
	{"tab indentation", "\t\tclient_secret: " + canary},
	{"secret as its own key", `        ` + canary + `: x`},
	{"bad indentation after", "        client_secret: " + canary + "\n       broken: [" + canary},
	{"invalid UTF-8", "        client_secret: " + canary + "\xff\xfe"},
	{"secret as a duplicate key", "        " + canary + ": a\n        " + canary + ": b"},
	{"alias to nowhere", "        client_secret: *" + strings.NewReplacer("+", "", "/", "", "=", "").Replace(canary)},
	{"anchor on the secret, then junk", "        client_secret: &a " + canary + "\n      ]"},
	{"block scalar indicator", "        client_secret: |" + canary},
	{"invalid escape", `        client_secret: "` + canary + `\q"`},
	{"reserved indicator", "        client_secret: @" + canary},
}

// leakMalformedConfig: every command that loads a config, on files broken
// on the secret's line. The error must point at the line, not quote it.
func leakMalformedConfig(l *leakScan) {
	srv := l.sandbox(sandbox.Options{Scenario: "healthy"})
	good := string(srv.ConfigYAML())
	i := strings.Index(good, "client_secret:")
	if i < 0 {
		l.t.Fatal("the sandbox config has no client_secret line")
	}
	start := strings.LastIndexByte(good[:i], '\n') + 1
	end := i + strings.IndexByte(good[i:], '\n')
	for _, m := range malformedConfigs {
		l.label = "[" + m.name + "]"
		dir := l.tempDir()
		cfg := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(cfg, []byte(good[:start]+m.line+good[end:]), 0o600); err != nil {
			l.t.Fatal(err)
		}
		for _, args := range [][]string{
			{"config", "validate"}, {"config", "show"}, {"probe"}, {"probe", "--json"},
			{"report", "--format", "json"}, {"rotate", "--client-secret-stdin", "--yes"},
		} {
			out, errOut, code := l.run(nil, wrongCanary+"\n", append(args, "--config", cfg, "--cacert", srv.Info().CAFile)...)
			if strings.Join(args, " ") == "config validate" && code == 0 {
				l.t.Errorf("config validate on a malformed config (%s): exit 0", m.name)
			}
			if code != 0 && out+errOut == "" {
				l.t.Errorf("%s on a malformed config (%s): exit %d and no message", args, m.name, code)
			}
		}
	}
}

// leakSandboxCommand: `fhirdoctor sandbox` (plain and --json) and a probe
// of it; its secrets are the default ones, whose values the scan reads
// from the config it writes.
func leakSandboxCommand(l *leakScan) {
	for _, mode := range [][]string{{"--json"}, nil} {
		pr, pw := io.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		var errb bytes.Buffer
		go func() {
			streams := &IOStreams{In: strings.NewReader(""), Out: pw, Err: &errb, Getenv: func(string) string { return "" }}
			done <- run(ctx, streams, append([]string{"sandbox", "--scenario", "secret-rotated"}, mode...))
			pw.Close()
		}()
		var seen bytes.Buffer
		br := bufio.NewReader(io.TeeReader(pr, &seen))
		var cfg, ca string
		for cfg == "" || ca == "" {
			line, err := br.ReadString('\n')
			if err != nil {
				cancel()
				l.t.Fatalf("sandbox %v: %v", mode, err)
			}
			var info sandbox.Info
			if json.Unmarshal([]byte(line), &info) == nil && info.ConfigFile != "" {
				cfg, ca = info.ConfigFile, info.CAFile
			}
			if f := strings.Fields(line); len(f) == 3 && f[0] == "config" && f[1] == "file" {
				cfg = f[2]
			}
			if f := strings.Fields(line); len(f) == 3 && f[0] == "CA" && f[1] == "file" {
				ca = f[2]
			}
		}
		if f, err := config.Load(cfg); err == nil {
			if ten, err := f.Tenant(""); err == nil {
				l.addSecret(ten.Cerner.SystemApp.ClientSecret.Reveal())
			}
		}
		l.run(nil, "", "probe", "--config", cfg, "--cacert", ca, "-v")
		l.run(nil, "", "report", "--config", cfg, "--cacert", ca)
		cancel()
		go func() { _, _ = io.Copy(io.Discard, br) }()
		if code := <-done; code != 130 {
			l.t.Errorf("sandbox %v exited %d after the interrupt, want 130", mode, code)
		}
		l.add(fmt.Sprintf("sandbox %v (stdout)", mode), seen.String())
		l.add(fmt.Sprintf("sandbox %v (stderr)", mode), errb.String())
	}
}

// leakDemo: demo's error paths, and its accessible flow as far as it goes
// without a secret to paste.
func leakDemo(l *leakScan) {
	l.run(nil, "", "demo", "--scenario", "nope")
	l.run(nil, "", "demo")
	l.run(nil, "", "--config", filepath.Join(l.tempDir(), "missing.yaml"))
	// Quit at Diagnose's "What next?": the exit code is the diagnosis'.
	for sc, want := range map[string]int{"secret-rotated": 3, "access-denied": 4, "healthy": 0} {
		if _, _, code := l.run(nil, "q\n", "demo", "--accessible", "--scenario", sc); code != want {
			l.t.Errorf("demo --accessible %s: exit %d, want %d", sc, code, want)
		}
	}
	l.run(map[string]string{"ACCESSIBLE": "1"}, "", "demo", "--scenario", "outage")
}

// leakWizard drives the Bubble Tea wizard through a rotation with a
// refused paste, a wrong paste, the canary, the write, the verification
// and the saved report, capturing every frame.
func leakWizard(l *leakScan) {
	t := l.t
	srv := l.sandbox(sandbox.Options{Scenario: "secret-rotated"})
	var out, errb bytes.Buffer
	w := newWizardBackend(t, srv, &IOStreams{Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
	reportPath := filepath.Join(l.tempDir(), "fhirdoctor-report.md")
	d := startWizard(t, srv, w, ui.Options{ReportPath: reportPath})
	d.toStep3()
	d.paste(spacedCanary) // refused with the reason
	d.waitFor("Client secret:")
	d.paste("'" + wrongCanary + "'\r\n")
	d.key("enter")
	d.waitFor("Token refused")
	d.key("e")
	d.waitFor("Step 3 · Update")
	d.writeAndVerify("\"" + canary + "\"\n")
	// Run after writing: a command that prints the config, and so the new
	// secret (shell builtins only: the test gives it no PATH). What the
	// frames, the report and the audit log hold of it is its fingerprint.
	d.waitFor("Run a command now")
	d.key("y")
	d.waitFor("Runs with sh -c")
	d.paste(`while IFS= read -r l; do echo "$l"; done < "$FHIRDOCTOR_CONFIG"`)
	d.key("enter")
	d.waitFor("now?")
	d.key("y")
	d.waitFor("exit 0 in")
	d.key("enter")
	d.waitFor("Save the report?")
	d.key("r")
	d.waitFor("Report saved")
	d.key("q")
	if s := d.final().Session(); !s.Written() || s.NewFingerprint != config.Fingerprint(canary) {
		t.Errorf("the wizard did not write the canary: written=%v new=%s", s.Written(), s.NewFingerprint)
	}
	rep, err := os.ReadFile(reportPath)
	if err != nil {
		t.Errorf("no saved report to scan: %v", err)
	}
	if !strings.Contains(string(rep), "## After the write") || !strings.Contains(string(rep), "client_secret: \""+config.Fingerprint(canary)) {
		t.Errorf("the report lacks the command's output with the secret's fingerprint")
	}
	audit, err := os.ReadFile(filepath.Join(filepath.Dir(srv.Info().ConfigFile), config.AuditFileName))
	if err != nil || !strings.Contains(string(audit), `"action":"then"`) {
		t.Errorf("the audit log lacks the command: %v", err)
	}
	l.add("wizard frames", d.everything())
	l.add("wizard stdout", out.String())
	l.add("wizard stderr", errb.String())
}

// leakAccessible runs the line-prompt flow with piped input: a wrong
// paste first (refused by the server, edited again), then the canary,
// the write, the verification and the saved report.
func leakAccessible(l *leakScan) {
	srv := l.sandbox(sandbox.Options{Scenario: "secret-rotated"})
	var errb bytes.Buffer
	w := newWizardBackend(l.t, srv, &IOStreams{Out: io.Discard, Err: &errb, Getenv: func(string) string { return "" }})
	reportPath := filepath.Join(l.tempDir(), "fhirdoctor-report.md")
	input := strings.Join([]string{
		"",                          // Diagnose: continue
		"y", "y", "never", "n", "u", // checklist
		"",                      // Step 1: continue
		"a",                     // Option A
		"",                      // Step 2: continue
		"",                      // keep the client id
		spacedCanary,            // refused: inner space
		"'" + wrongCanary + "'", // accepted, then refused by the server
		"",                      // Step 3: continue
		"n",                     // do not write the failing pair
		"back",                  // to Step 3
		"",                      // keep the client id
		`"` + canary + `"`,      // the working secret
		"",                      // Step 3: continue
		"y",                     // write
		"",                      // Step 4: continue
		"",                      // Step 5: continue
		"n",                     // no command to run after writing
		"y",                     // save the report
	}, "\n") + "\n"
	var out bytes.Buffer
	s, err := ui.RunAccessible(context.Background(), w.deps(), ui.Options{ReportPath: reportPath}, strings.NewReader(input), &out)
	l.add("accessible transcript", out.String())
	l.add("accessible stderr", errb.String())
	if err != nil {
		l.t.Fatalf("accessible flow: %v", err)
	}
	if !s.Written() || s.NewFingerprint != config.Fingerprint(canary) || s.ReportPath == "" {
		l.t.Errorf("the accessible flow did not write the canary and save the report: written=%v report=%q", s.Written(), s.ReportPath)
	}
}

// TestCredentialsOnlyOverHTTPS: a token_url or FHIR base on plain http to
// a host that is not loopback never receives the secret, a Basic value or
// a token, whatever the command. The plain-http server is reached through
// this machine's host name: the tool must treat that as a remote host
// (nothing but an IP or "localhost" proves loopback), while the packets
// stay on loopback, the only addresses tests here may send to.
func TestCredentialsOnlyOverHTTPS(t *testing.T) {
	host, ip := loopbackAlias(t)
	var mu sync.Mutex
	var requests, withCredentials int
	plain := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mu.Lock()
		requests++
		if r.Header.Get("Authorization") != "" || bytes.Contains(body, []byte("FAKE-")) {
			withCredentials++
		}
		mu.Unlock()
		http.Error(w, "plain http", http.StatusTeapot)
	})}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	go func() { _ = plain.Serve(ln) }()
	t.Cleanup(func() { _ = plain.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	base := "http://" + net.JoinHostPort(host, port)

	srv := startSandbox(t, sandbox.Options{Scenario: "healthy"})
	info := srv.Info()
	good := string(srv.ConfigYAML())
	for _, tc := range []struct{ name, from, to string }{
		{"token_url", info.TokenURL, base + "/tenants/x/protocols/oauth2/profiles/smart-v1/token"},
		{"fhir_base_url", info.FHIRBaseURL, base + "/r4/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.from) {
				t.Fatalf("the sandbox config does not name its %s", tc.name)
			}
			cfg := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(good, tc.from, tc.to)), 0o600); err != nil {
				t.Fatal(err)
			}
			_, fresh := srv.Regenerate()
			for _, args := range [][]string{{"probe", "--json"}, {"report"}, {"rotate", "--client-secret-stdin", "--yes"}} {
				out, errOut, code := runCLI(t, nil, fresh+"\n", append(args, "--config", cfg, "--cacert", info.CAFile, "--timeout", "5s")...)
				assertNoSecret(t, srv, out, errOut)
				if code == 0 {
					t.Errorf("%v with a plain-http %s: exit 0", args, tc.name)
				}
				if !strings.Contains(out+errOut, "https") {
					t.Errorf("%v: the message does not say to use https", args)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if withCredentials > 0 {
				t.Fatalf("%d of %d plain-http requests carried a credential", withCredentials, requests)
			}
		})
	}
}

// loopbackAlias is a name for this machine that is not "localhost" and
// resolves to a loopback address (Debian maps the host name so), and that
// address; the test is skipped where there is none.
func loopbackAlias(t *testing.T) (host, ip string) {
	t.Helper()
	name, err := os.Hostname()
	if err != nil || name == "" || strings.EqualFold(name, "localhost") {
		t.Skip("no host name other than localhost")
	}
	addrs, err := net.LookupHost(name)
	if err != nil || len(addrs) == 0 {
		t.Skipf("host name %s does not resolve: %v", name, err)
	}
	for _, a := range addrs {
		if parsed := net.ParseIP(a); parsed == nil || !parsed.IsLoopback() {
			t.Skipf("host name %s resolves to %s, not only loopback: tests send nothing off loopback", name, a)
		}
	}
	return name, addrs[0]
}

// leakEpic: probe (text, --json, -v) and report for every --vendor epic
// scenario: the key file's lines and the assertion (a JWT) must be nowhere.
func leakEpic(l *leakScan) {
	for _, sc := range sandbox.ScenariosFor(sandbox.VendorEpic) {
		srv := l.sandbox(sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: sc.Name})
		for _, mode := range [][]string{nil, {"--json"}, {"-v"}} {
			if _, _, code := l.run(nil, "", append(sandboxArgs(srv, "probe"), mode...)...); code == 1 {
				l.t.Errorf("%s %v: exit 1, the scenario did not run", sc.Name, mode)
			}
		}
		l.run(nil, "", append(sandboxArgs(srv, "report"), "-o", filepath.Join(l.tempDir(), "report.md"))...)
	}
}

// leakEpicRotate: rotate --new-key that times out, then --adopt-key once
// the key is registered, then probe with the new key.
func leakEpicRotate(l *leakScan) {
	srv := l.sandbox(sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown", Propagation: -1})
	keyDir := l.tempDir()
	_, errOut, code := l.run(nil, "", append(sandboxArgs(srv, "rotate"), "--new-key", "--key-dir", keyDir, "--yes", "--wait", "100ms", "--poll-interval", "20ms")...)
	if code != 3 {
		l.t.Fatalf("rotate --new-key: exit %d", code)
	}
	m := regexp.MustCompile(`--adopt-key (\S+) --kid (\S+)`).FindStringSubmatch(errOut)
	if m == nil {
		l.t.Fatal("no resume command")
	}
	jwks, err := os.ReadFile(strings.TrimSuffix(m[1], ".pem") + ".jwks.json")
	if err != nil {
		l.t.Fatal(err)
	}
	resp, err := http.Post(srv.Info().ConsoleURL+"/jwks", "application/json", bytes.NewReader(jwks))
	if err != nil {
		l.t.Fatal(err)
	}
	resp.Body.Close()
	if _, _, code := l.run(nil, "", append(sandboxArgs(srv, "rotate"), "--adopt-key", m[1], "--kid", m[2], "--yes", "--poll-interval", "20ms")...); code != 0 {
		l.t.Fatalf("rotate --adopt-key: exit %d", code)
	}
	if _, _, code := l.run(nil, "", append(sandboxArgs(srv, "probe"), "-v")...); code != 0 {
		l.t.Errorf("probe with the new key: exit %d", code)
	}
}
