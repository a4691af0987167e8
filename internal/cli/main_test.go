package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestMain lets testscript run the real command as `fhirdoctor` in a
// subprocess: scripts exercise flags, exit codes, stdout and stderr exactly
// as a user's shell sees them.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fhirdoctor": func() {
			os.Exit(run(context.Background(), newSystemIO(), os.Args[1:]))
		},
	})
}

// TestScripts runs testdata/script/*.txtar. Each may start a sandbox with
// `sandbox SCENARIO [flags]`, which exports $CONFIG, $CACERT, $CONSOLE and
// $FHIR for that script; `nosecret` fails if stdout, stderr or a named file
// holds any secret, Basic value or token the sandbox ever knew.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			env.Setenv("FHIRDOCTOR_CONFIG", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sandbox":    cmdSandbox,
			"regenerate": cmdRegenerate,
			"newapp":     cmdNewApp,
			"nosecret":   cmdNoSecret,
			"jsonvalid":  cmdJSONValid,
			"envlayout":  cmdEnvLayout,
			"exitcode":   cmdExitCode,
			"secretenv":  cmdSecretEnv,
		},
	})
}

// sandboxes maps a running script to its sandbox (scripts run in parallel).
var (
	sandboxMu sync.Mutex
	sandboxes = map[*testscript.TestScript]*sandbox.Server{}
)

func cmdSandbox(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: sandbox SCENARIO [raw-basic] [secret=VALUE] [shape=current|legacy|ehr] [secret-in=yaml|dotenv] [vendor=epic] [propagation=D] [hostile=MODE]")
	}
	opts := sandbox.Options{Scenario: args[0], Dir: ts.MkAbs("sandbox")}
	for _, a := range args[1:] {
		switch {
		case a == "raw-basic":
			opts.RawBasic = true
		case strings.HasPrefix(a, "secret="):
			opts.ClientSecret = strings.TrimPrefix(a, "secret=")
		case strings.HasPrefix(a, "hostile="):
			opts.Hostile = strings.TrimPrefix(a, "hostile=")
		case strings.HasPrefix(a, "vendor="):
			opts.Vendor = strings.TrimPrefix(a, "vendor=")
		case strings.HasPrefix(a, "propagation="):
			d, err := time.ParseDuration(strings.TrimPrefix(a, "propagation="))
			ts.Check(err)
			opts.Propagation = propagationOption(d)
		case strings.HasPrefix(a, "shape="):
			opts.ConfigShape = strings.TrimPrefix(a, "shape=")
		case strings.HasPrefix(a, "secret-in="):
			opts.SecretIn = strings.TrimPrefix(a, "secret-in=")
		default:
			ts.Fatalf("unknown sandbox option %q", a)
		}
	}
	srv, err := sandbox.Start(opts)
	ts.Check(err)
	ts.Defer(func() { _ = srv.Close() })
	sandboxMu.Lock()
	sandboxes[ts] = srv
	sandboxMu.Unlock()
	info := srv.Info()
	ts.Setenv("CONFIG", info.ConfigFile)
	ts.Setenv("CACERT", info.CAFile)
	ts.Setenv("CONSOLE", info.ConsoleURL)
	ts.Setenv("FHIR", info.FHIRBaseURL)
	ts.Setenv("CLIENT_ID", srv.ClientID())
	ts.Setenv("KEYFILE", srv.EpicKeyPath())
	ts.Setenv("TOKEN_URL", info.TokenURL)
	ts.Setenv("SCOPES", sandbox.ConfiguredScopes)
	ts.Setenv("ENVFILE", info.EnvFile)
}

// cmdSecretEnv presses Regenerate and puts the new secret in the named
// environment variable of the script, never on its output: a CI job's
// secret variable.
func cmdSecretEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: secretenv NAME")
	}
	_, secret := scriptSandbox(ts).Regenerate()
	ts.Setenv(args[0], secret)
}

func scriptSandbox(ts *testscript.TestScript) *sandbox.Server {
	sandboxMu.Lock()
	defer sandboxMu.Unlock()
	srv := sandboxes[ts]
	if srv == nil {
		ts.Fatalf("no sandbox: run `sandbox SCENARIO` first")
	}
	return srv
}

// cmdRegenerate presses the console's Regenerate button and writes the new
// secret to the named file, the way a user would copy it from the page.
func cmdRegenerate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: regenerate FILE")
	}
	_, secret := scriptSandbox(ts).Regenerate()
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(secret+"\n"), 0o600))
}

// cmdNewApp presses the console's "Create a new system app": the new
// client id goes to $NEW_CLIENT_ID, the new secret to FILE, as a user
// copies them from the page.
func cmdNewApp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: newapp FILE")
	}
	id, secret := scriptSandbox(ts).NewSystemApp()
	ts.Setenv("NEW_CLIENT_ID", id)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(secret+"\n"), 0o600))
}

// cmdJSONValid fails unless stdout (or the named file) is exactly one JSON
// value: what `| jq` needs.
func cmdJSONValid(ts *testscript.TestScript, neg bool, args []string) {
	name := "stdout"
	if len(args) == 1 {
		name = args[0]
	}
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile(name)))
	var v any
	err := dec.Decode(&v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if neg != (err != nil) {
		ts.Fatalf("%s: one JSON value: %v (want %v)", name, err == nil, !neg)
	}
}

// cmdNoSecret scans stdout, stderr and the named files for every form of
// every secret and token: raw, Basic-encoded with the client id, and
// form-URL-encoded.
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("nosecret does not negate")
	}
	srv := scriptSandbox(ts)
	var needles []string
	for _, s := range srv.Secrets() {
		needles = append(needles, s, url.QueryEscape(s),
			base64.StdEncoding.EncodeToString([]byte(srv.ClientID()+":"+s)),
			base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(srv.ClientID())+":"+url.QueryEscape(s))))
	}
	needles = append(needles, srv.IssuedTokens()...)
	if p := srv.EpicKeyPath(); p != "" {
		needles = append(needles, pemLines(ts.ReadFile(p))...)
	}
	hay := map[string]string{"stdout": ts.ReadFile("stdout"), "stderr": ts.ReadFile("stderr")}
	for _, f := range args {
		hay[f] = ts.ReadFile(f)
	}
	for name, text := range hay {
		// A client assertion is a JWT nobody registered: any JWT is a leak.
		if jwtShaped.MatchString(text) {
			ts.Fatalf("%s holds a JWT", name)
		}
		for _, n := range needles {
			if n != "" && strings.Contains(text, n) {
				// Never print the needle itself: that would be the leak.
				ts.Fatalf("%s holds a secret or token (%d bytes long)", name, len(n))
			}
		}
	}
}

// pemLines are the base64 lines of a PEM file: the key material.
func pemLines(pem string) []string {
	var out []string
	for _, l := range strings.Split(pem, "\n") {
		if len(l) >= 20 && !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	return out
}
