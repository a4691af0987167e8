package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// nodeReader prints what the backend's own readers see: the config through
// npm's `yaml` and the .env file through `dotenv` (as JSON on stdout).
const nodeReader = `
const fs = require('fs');
const YAML = require('yaml');
const dotenv = require('dotenv');
const [cfg, env] = process.argv.slice(1); // node -e: argv[1] is the first argument
const out = {yaml: YAML.parse(fs.readFileSync(cfg, 'utf8'))};
if (env) out.env = dotenv.parse(fs.readFileSync(env));
process.stdout.write(JSON.stringify(out));
`

// nodeModules is where scripts/node-consumer.sh installed yaml and dotenv;
// the test is skipped without it or without node.
func nodeModules(t *testing.T) (node, modules string) {
	t.Helper()
	modules = os.Getenv("FHIRDOCTOR_NODE_MODULES")
	if modules == "" {
		t.Skip("FHIRDOCTOR_NODE_MODULES is not set: run scripts/node-consumer.sh")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	return node, modules
}

// readAsNode runs nodeReader; its output holds secrets, so it is never
// printed.
func readAsNode(t *testing.T, node, modules, cfg, env string) map[string]any {
	t.Helper()
	cmd := exec.Command(node, "-e", nodeReader, "--", cfg, env)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("node could not read the files: %v (%d bytes of stderr, not printed: it may quote the file)", err, len(stderr))
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("node's output is not JSON: %v", err)
	}
	return doc
}

// differences lists the paths whose values differ between a and b.
func differences(a, b any, path string, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			differences(am[k], bm[k], path+"."+k, out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, path)
	}
}

func lookupPath(doc any, path []string) any {
	for _, k := range path {
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[k]
	}
	return doc
}

// TestNodeConsumer: after rotate, in every shape and secret place, the
// backend's YAML reader and dotenv read exactly the settings they read
// before, except the rotated secret, which they read as the new value,
// even one full of characters that need quoting.
func TestNodeConsumer(t *testing.T) {
	node, modules := nodeModules(t)
	for _, opts := range shapeCases() {
		t.Run(shapeName(opts), func(t *testing.T) {
			opts.Scenario = "secret-rotated"
			srv := startSandbox(t, opts)
			info := srv.Info()
			where := "yaml.tenants.default." + map[string]string{
				sandbox.ShapeCurrent: "cerner.system_app.client_secret",
				sandbox.ShapeLegacy:  "cerner.client_secret",
				sandbox.ShapeEHR:     "ehr.system_app.client_secret",
			}[opts.ConfigShape]
			if info.EnvFile != "" {
				where = "env." + sandbox.SecretVar
			}
			_, regenerated := srv.Regenerate()
			for _, rotation := range []struct {
				secret string
				args   []string
			}{
				{regenerated, []string{"--client-secret-stdin", "--yes"}},
				// Not a secret the server accepts: written untested, to
				// prove the quoting with the readers' own parsers.
				{`FAKE-p@ss:w0rd#x'y"z$HOME`, []string{"--client-secret-stdin", "--yes", "--skip-verify"}},
			} {
				before := readAsNode(t, node, modules, info.ConfigFile, info.EnvFile)
				_, errOut, code := runCLI(t, nil, rotation.secret+"\n", sandboxArgs(srv, append([]string{"rotate"}, rotation.args...)...)...)
				if code != 0 {
					t.Fatalf("rotate: exit %d\n%s", code, errOut) // never holds the secret: the leak scan proves it
				}
				after := readAsNode(t, node, modules, info.ConfigFile, info.EnvFile)
				var diff []string
				differences(before, after, "", &diff)
				sort.Strings(diff)
				if len(diff) != 1 || diff[0] != "."+where {
					t.Fatalf("the readers see %v change, want only %s", diff, where)
				}
				got := lookupPath(after, splitDots(where))
				if fmt.Sprint(got) != rotation.secret {
					t.Errorf("the readers do not read the new secret at %s (%T)", where, got)
				}
			}
		})
	}
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
