package cli

import (
	"context"
	"errors"
	"os"

	"charm.land/fang/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// Main runs fhirdoctor with the process's own streams and arguments and
// returns its exit code; the binary's main.go is this one call.
func Main() int {
	return run(context.Background(), newSystemIO(), os.Args[1:])
}

// run builds the command tree and returns the process exit code. Tests call
// it with buffers through testscript.
func run(ctx context.Context, io *IOStreams, args []string) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	err := fang.Execute(ctx, root,
		fang.WithVersion(versionLine()),
		fang.WithoutManpage(), // ours has EXIT STATUS and ENVIRONMENT (help.go)
		fang.WithNotifySignal(interruptSignals...),
		fang.WithErrorHandler(errorHandler(io)),
	)
	return exitCode(err)
}

// exitCode maps an error to docs/design.md's exit codes. This is the only place
// that does.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var diag *diagnosisError
	if errors.As(err, &diag) {
		return diag.code
	}
	var then *thenFailedError
	if errors.As(err, &then) {
		return 8
	}
	var nf *config.NotFoundError
	if errors.As(err, &nf) {
		return 1
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, ui.ErrInterrupted) {
		return 130
	}
	return 1
}
