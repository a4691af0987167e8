package cli

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// shapeCases are every config shape the sandbox writes with the secret in
// each place it can live.
func shapeCases() []sandbox.Options {
	var out []sandbox.Options
	for _, shape := range sandbox.ConfigShapes {
		for _, in := range sandbox.SecretPlaces {
			out = append(out, sandbox.Options{ConfigShape: shape, SecretIn: in})
		}
	}
	return out
}

func shapeName(o sandbox.Options) string { return o.ConfigShape + "/" + o.SecretIn }

// secretFile is the file the rotation must change: the .env file when the
// secret lives there, else the config.
func secretFile(info sandbox.Info) string {
	if info.EnvFile != "" {
		return info.EnvFile
	}
	return info.ConfigFile
}

// assertRotatedWhereItLives checks that exactly one line of the file
// holding the secret changed, to the new secret, and that every other
// file is untouched.
func assertRotatedWhereItLives(t *testing.T, info sandbox.Info, before map[string][]byte, newSecret string) {
	t.Helper()
	for path, was := range before {
		now, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if path != secretFile(info) {
			if string(now) != string(was) {
				t.Errorf("%s changed; only %s should", filepath.Base(path), filepath.Base(secretFile(info)))
			}
			continue
		}
		a, b := strings.Split(string(was), "\n"), strings.Split(string(now), "\n")
		if len(a) != len(b) {
			t.Fatalf("%s: line count %d -> %d", filepath.Base(path), len(a), len(b))
		}
		var changed []int
		for i := range a {
			if a[i] != b[i] {
				changed = append(changed, i+1)
			}
		}
		if len(changed) != 1 || !strings.Contains(b[changed[0]-1], newSecret) {
			t.Errorf("%s: lines %v changed, want the secret's line only", filepath.Base(path), changed)
		}
	}
}

func readAll(t *testing.T, paths ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = b
	}
	return out
}

// TestShapesEndToEnd: for every shape and secret place, probe diagnoses the
// tenant the backend would see (naming where the secret lives), and rotate
// writes the new secret where it lives, after which probe passes.
func TestShapesEndToEnd(t *testing.T) {
	for _, opts := range shapeCases() {
		t.Run(shapeName(opts), func(t *testing.T) {
			t.Parallel()
			opts.Scenario = "secret-rotated"
			srv := startSandbox(t, opts)
			info := srv.Info()
			if (opts.SecretIn == sandbox.SecretInDotenv) != (info.EnvFile != "") {
				t.Fatalf("env_file %q for secret in %s", info.EnvFile, opts.SecretIn)
			}
			out, errOut, code := runCLI(t, nil, "", sandboxArgs(srv, "probe", "--json")...)
			assertNoSecret(t, srv, out, errOut)
			var doc struct {
				Checks []struct {
					ID, Summary string
				}
				Diagnosis struct{ Top string }
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("probe --json: %v\n%s", err, errOut)
			}
			if code != 3 || doc.Diagnosis.Top != "secret-invalid" {
				t.Fatalf("probe: exit %d, top %q; want 3 secret-invalid\n%s", code, doc.Diagnosis.Top, errOut)
			}
			wantSrc := "from config.yaml:"
			if info.EnvFile != "" {
				wantSrc = "from .env:4 (" + sandbox.SecretVar + ")"
			}
			if len(doc.Checks) == 0 || doc.Checks[0].ID != "config" || !strings.Contains(doc.Checks[0].Summary, wantSrc) {
				t.Errorf("the config check does not name the secret's source %q: %+v", wantSrc, doc.Checks)
			}

			before := readAll(t, info.ConfigFile, info.EnvFile)
			_, newSecret := srv.Regenerate()
			out, errOut, code = runCLI(t, nil, newSecret+"\n", sandboxArgs(srv, "rotate", "--client-secret-stdin", "--yes", "--no-backup")...)
			assertNoSecret(t, srv, out, errOut)
			if code != 0 {
				t.Fatalf("rotate: exit %d\n%s%s", code, out, errOut)
			}
			assertRotatedWhereItLives(t, info, before, newSecret)

			out, errOut, code = runCLI(t, nil, "", sandboxArgs(srv, "probe")...)
			assertNoSecret(t, srv, out, errOut)
			if code != 0 {
				t.Errorf("probe after the rotation: exit %d\n%s", code, out)
			}
			audit, err := os.ReadFile(filepath.Join(filepath.Dir(info.ConfigFile), config.AuditFileName))
			if err != nil || !strings.Contains(string(audit), `"secret_source":"`) {
				t.Errorf("audit line lacks the secret's source: %v %s", err, audit)
			}
			assertNoSecret(t, srv, string(audit))
		})
	}
}

// TestShapesWizard drives the wizard through a rotation in every shape and
// secret place: the new secret lands where the old one lived.
func TestShapesWizard(t *testing.T) {
	for _, opts := range shapeCases() {
		t.Run(shapeName(opts), func(t *testing.T) {
			opts.Scenario = "secret-rotated"
			srv := startSandbox(t, opts)
			info := srv.Info()
			before := readAll(t, info.ConfigFile, info.EnvFile)
			w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
			d := startWizard(t, srv, w, ui.Options{})
			d.toStep3()
			_, newSecret := srv.Regenerate()
			d.writeAndVerify(newSecret + "\n")
			d.waitFor("remains")
			d.key("q")
			sess := d.final().Session()
			if !sess.Written() || sess.WrittenPath != secretFile(info) {
				t.Errorf("session: written=%v path %q, want %q", sess.Written(), sess.WrittenPath, secretFile(info))
			}
			assertNoSecret(t, srv, d.everything())
			for p := range before {
				backups, _ := filepath.Glob(p + ".bak.*")
				if want := map[bool]int{true: 1, false: 0}[p == secretFile(info)]; len(backups) != want {
					t.Errorf("%s: %d backups, want %d", filepath.Base(p), len(backups), want)
					continue
				}
				for _, b := range backups {
					os.Remove(b) // so that assertRotatedWhereItLives reads the files only
				}
			}
			assertRotatedWhereItLives(t, info, before, newSecret)
		})
	}
}

// TestJWTAppWithAnUnusableKey: a private_key_jwt app in the ehr: shape
// whose key file is not a key: the key check says so precisely, the token
// request is not sent, and the run is a config error (exit 1).
func TestJWTAppWithAnUnusableKey(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "healthy"})
	info := srv.Info()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "keys", "app.pem"), []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	yaml := "tenants:\n  epic:\n    ehr:\n      vendor: epic\n      base_url: " + info.FHIRBaseURL +
		"\n      system_app:\n        client_id: epic-client\n        private_key_path: keys/app.pem\n        key_id: k1\n        token_url: " + info.TokenURL +
		"\n        scopes: system/Patient.read\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, nil, "", "probe", "--config", cfg, "--cacert", info.CAFile)
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"private_key_jwt with kid k1", "is not a PEM private key", "private-key-unreadable"} {
		if !strings.Contains(out, want) {
			t.Errorf("probe output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runCLI(t, nil, "", "config", "show", "--config", cfg)
	keyLine := regexp.MustCompile(`private_key_path +` + regexp.QuoteMeta(filepath.Join(dir, "keys", "app.pem")))
	if code != 0 || !keyLine.MatchString(out) || !strings.Contains(out, "(private_key_jwt)") {
		t.Errorf("config show:\n%s", out)
	}
	_, errOut, code = runCLI(t, nil, "FAKE-x\n", "rotate", "--config", cfg, "--cacert", info.CAFile, "--client-secret-stdin", "--yes")
	if code != 1 || !strings.Contains(errOut, "private_key_jwt") {
		t.Errorf("rotate of a JWT app: exit %d, %s", code, errOut)
	}
	os.Remove(filepath.Join(dir, "keys", "app.pem"))
	out, _, code = runCLI(t, nil, "", "config", "validate", "--config", cfg)
	if code != 1 || !strings.Contains(out, "ehr.system_app.private_key_path`: "+filepath.Join(dir, "keys", "app.pem")+" does not exist") {
		t.Errorf("validate with the key missing: exit %d\n%s", code, out)
	}
}

// TestWizardSecretInEnvironment: when the secret lives in the process
// environment the wizard says so where it would show the diff, and pressing
// w writes nothing.
func TestWizardSecretInEnvironment(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated", SecretIn: sandbox.SecretInDotenv})
	info := srv.Info()
	before := readAll(t, info.ConfigFile, info.EnvFile)
	_, newSecret := srv.Regenerate()
	env := map[string]string{sandbox.SecretVar: "FAKE-set-by-the-shell"}
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(k string) string { return env[k] }})
	d := startWizard(t, srv, w, ui.Options{})
	d.toStep3()
	d.paste(newSecret + "\n")
	d.key("enter")
	d.waitFor("shadows") // one word: the message wraps at 80 columns
	d.key("w")
	d.key("w")
	d.key("q")
	d.final()
	assertNoSecret(t, srv, d.everything())
	for p, was := range before {
		if now, _ := os.ReadFile(p); string(now) != string(was) {
			t.Errorf("%s changed", filepath.Base(p))
		}
	}
	if backups, _ := filepath.Glob(filepath.Join(filepath.Dir(info.ConfigFile), "*.bak.*")); len(backups) != 0 {
		t.Errorf("backups written: %v", backups)
	}
}

// TestRotateScopedValidation: an error in the provider app, which rotating
// the system app does not touch, is a warning for rotate, not a refusal;
// config validate still reports it as an error.
func TestRotateScopedValidation(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"})
	info := srv.Info()
	var kept []string
	for _, l := range strings.SplitAfter(string(srv.ConfigYAML()), "\n") {
		if strings.Contains(l, "redirect_uri:") || (strings.Contains(l, "scopes:") && strings.Contains(l, "launch")) {
			continue
		}
		kept = append(kept, l)
	}
	if err := os.WriteFile(info.ConfigFile, []byte(strings.Join(kept, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, nil, "", "config", "validate", "--config", info.ConfigFile)
	if code != 1 || !strings.Contains(out, "`cerner.provider_app.redirect_uri` is missing") || !strings.Contains(out, "`cerner.provider_app.scopes` is missing") {
		t.Fatalf("validate: exit %d\n%s", code, out)
	}
	_, newSecret := srv.Regenerate()
	out, errOut, code := runCLI(t, nil, newSecret+"\n", sandboxArgs(srv, "rotate", "--client-secret-stdin", "--yes")...)
	assertNoSecret(t, srv, out, errOut)
	if code != 0 {
		t.Fatalf("rotate refused for the provider app: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "warning: tenant \"default\": `cerner.provider_app.redirect_uri` is missing (not used by this command)") {
		t.Errorf("rotate does not warn about the provider app:\n%s", errOut)
	}
	if n := strings.Count(errOut, "provider_app.redirect_uri"); n != 1 {
		t.Errorf("the warning is printed %d times, want once", n)
	}
}
