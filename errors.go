package main

import (
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

// errSilent is returned by commands that already told the user everything.
var errSilent = errors.New("silent")

func errorHandler(w io.Writer, styles fang.Styles, err error) {
	var diag *diagnosisError
	if errors.As(err, &diag) || errors.Is(err, errSilent) {
		return
	}
	fang.DefaultErrorHandler(w, styles, err)
}
