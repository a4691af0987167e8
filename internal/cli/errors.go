package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"charm.land/fang/v2"
)

// diagnosisError carries the exit code of a finished diagnosis (probe,
// rotate, report). Its output is already printed, so the error handler
// prints nothing for it.
type diagnosisError struct {
	code int
	msg  string
}

func (e *diagnosisError) Error() string { return e.msg }

func newDiagnosisError(code int, format string, args ...any) error {
	if code == 0 {
		return nil
	}
	return &diagnosisError{code: code, msg: fmt.Sprintf(format, args...)}
}

// interrupted turns a cancelled run (ctrl+c, SIGTERM) into an error: the
// checks it cut short were skipped, and a diagnosis of skipped checks would
// read as "ok".
func interrupted(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before the checks finished: %w", err)
	}
	return nil
}

// thenFailedError: the config is written and verified, but a command run
// after the write (--then) failed. Exit code 8.
type thenFailedError struct {
	command string // scrubbed
	outcome string
}

func (e *thenFailedError) Error() string {
	return fmt.Sprintf("the config is written and verified, but `%s` failed (%s)", e.command, e.outcome)
}

// errSilent is returned by commands that already told the user everything.
var errSilent = errors.New("silent")

// errStopped ends a command that runs until interrupted (sandbox): exit
// 130, with nothing to add.
var errStopped = fmt.Errorf("%w: stopped by a signal: %w", errSilent, context.Canceled)

// errorHandler prints an error as one plain line a script can grep, with
// fang's styled header on a terminal. fang's own handler re-wraps and
// capitalises the message, which mangles file paths ("Config.yaml:3:1").
func errorHandler(streams *IOStreams) fang.ErrorHandler {
	return func(w io.Writer, styles fang.Styles, err error) {
		var diag *diagnosisError
		if errors.As(err, &diag) || errors.Is(err, errSilent) {
			return
		}
		if streams.StderrTTY {
			fmt.Fprintf(w, "%s %s\n", styles.ErrorHeader.Render(), err)
			return
		}
		fmt.Fprintf(w, "fhirdoctor: %s\n", err)
	}
}
