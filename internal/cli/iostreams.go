package cli

import (
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
)

// IOStreams is how every command reaches the outside world, so tests run
// commands with buffers (the gh pattern). Nothing in this package touches
// os.Stdin, os.Stdout, os.Stderr or the environment except newSystemIO.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	// Environ is the whole environment, for colour detection.
	Environ func() []string
	// StdinTTY and StdoutTTY say whether a person is at the keyboard.
	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool
}

func newSystemIO() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		Err:       os.Stderr,
		Getenv:    os.Getenv,
		Environ:   os.Environ,
		StdinTTY:  term.IsTerminal(os.Stdin.Fd()),
		StdoutTTY: term.IsTerminal(os.Stdout.Fd()),
		StderrTTY: term.IsTerminal(os.Stderr.Fd()),
	}
}

// Interactive reports whether the wizard can run.
func (s *IOStreams) Interactive() bool { return s.StdinTTY && s.StdoutTTY }

// terminalIn is the standard input as a terminal, when it is one: what a
// hidden-input prompt and a background-colour query need.
func (s *IOStreams) terminalIn() (term.File, bool) {
	f, ok := s.In.(term.File)
	return f, ok && s.StdinTTY
}

// terminalOut is the standard output as a terminal, when it is one.
func (s *IOStreams) terminalOut() (term.File, bool) {
	f, ok := s.Out.(term.File)
	return f, ok && s.StdoutTTY
}

// lookupEnv reports whether a variable is set, as dotenv does before it
// refuses to override it: set to the empty string counts as set when the
// whole environment is known (Environ), else only a non-empty value does.
func (s *IOStreams) lookupEnv(k string) (string, bool) {
	if v := s.Getenv(k); v != "" {
		return v, true
	}
	for _, kv := range s.environ() {
		if strings.HasPrefix(kv, k+"=") {
			return "", true
		}
	}
	return "", false
}

// environ is the environment for colour detection; tests that leave Environ
// nil get an empty one, never the test process's own.
func (s *IOStreams) environ() []string {
	if s.Environ == nil {
		return nil
	}
	return s.Environ()
}
