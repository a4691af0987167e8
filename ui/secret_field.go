package ui

import (
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// secretInput is Step 3's secret field: a huh Input that echoes nothing,
// with the fingerprint of what was typed as its description. Its
// accessible prompt reads without echo from a terminal and, when stdin is
// a pipe (a script, a test), reads the line as it comes: huh's own
// password prompt refuses anything but a terminal.
type secretInput struct {
	*huh.Input
	question string
	value    *string
	validate func(string) error
	// describe, when set, is the description after each update: set here,
	// in the goroutine that updates, where huh's DescriptionFunc would
	// read the value from a command's goroutine while typing writes it.
	describe func() string
}

func newSecretInput(question string, value *string, validate func(string) error) *secretInput {
	in := huh.NewInput().Title(question).EchoMode(huh.EchoModeNone).CharLimit(500).
		Validate(validate).Value(value)
	return &secretInput{Input: in, question: question, value: value, validate: validate}
}

// Update keeps the wrapper in the group: huh stores what Update returns.
func (s *secretInput) Update(msg tea.Msg) (huh.Model, tea.Cmd) {
	_, cmd := s.Input.Update(msg)
	if s.describe != nil {
		s.Input.Description(s.describe())
	}
	return s, cmd
}

// set replaces the value, as typing it would.
func (s *secretInput) set(v string) {
	*s.value = v
	s.Input.Value(s.value)
}

func (s *secretInput) RunAccessible(w io.Writer, r io.Reader) error {
	for {
		fmt.Fprintf(w, "%s (not shown as you type): ", s.question)
		var line string
		var err error
		if lr, ok := r.(*lineReader); ok && lr.tty != nil {
			line, err = lr.readHidden()
		} else {
			line, err = readLine(r)
		}
		fmt.Fprintln(w)
		if err != nil {
			return err
		}
		if err := s.validate(line); err != nil {
			fmt.Fprintf(w, "%s: %v\n", s.question, err)
			continue
		}
		s.set(line)
		return nil
	}
}
