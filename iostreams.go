package main

import (
	"io"
	"os"

	"github.com/charmbracelet/x/term"
)

// IOStreams is how every command reaches the outside world, so tests run
// commands with buffers (the gh pattern).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
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
		StdinTTY:  term.IsTerminal(os.Stdin.Fd()),
		StdoutTTY: term.IsTerminal(os.Stdout.Fd()),
		StderrTTY: term.IsTerminal(os.Stderr.Fd()),
	}
}

// Interactive reports whether the wizard can run.
func (s *IOStreams) Interactive() bool { return s.StdinTTY && s.StdoutTTY }
