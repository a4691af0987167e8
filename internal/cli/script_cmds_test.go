package cli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdEnvLayout builds a backend root from the sandbox's config:
// DIR/.settings.dev/config.yaml with tenants default and clinic-north,
// DIR/.settings.staging/config.yaml with default, all with the sandbox's
// client id and configured secret. It exports $DEV and $STAGING.
func cmdEnvLayout(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: envlayout DIR")
	}
	src := ts.ReadFile(ts.Getenv("CONFIG"))
	head, body, ok := strings.Cut(src, "tenants:\n")
	if !ok || !strings.HasPrefix(body, "  default:\n") {
		ts.Fatalf("the sandbox config has no tenants mapping starting with default")
	}
	clinic := strings.Replace(body, "  default:\n", "  clinic-north:\n", 1)
	root := ts.MkAbs(args[0])
	write := func(env, text string) string {
		p := filepath.Join(root, ".settings."+env, "config.yaml")
		ts.Check(os.MkdirAll(filepath.Dir(p), 0o700))
		ts.Check(os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	ts.Setenv("DEV", write("dev", head+"tenants:\n"+body+clinic))
	ts.Setenv("STAGING", write("staging", head+"tenants:\n"+body))
}

// cmdExitCode runs a program like exec and checks its exit code:
// `exitcode 8 fhirdoctor rotate ...`.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}
