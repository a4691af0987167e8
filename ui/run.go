package ui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

var (
	// ErrNoDeps says Deps lacks an operation the wizard cannot do without.
	ErrNoDeps = errors.New("ui: missing dependency")
	// ErrInterrupted says the run was interrupted (ctrl+c, a signal that
	// ended ctx, or the end of input at an accessible prompt), not quit.
	ErrInterrupted = errors.New("interrupted")
)

// Run runs the wizard on in/out until the user quits and returns what
// happened. It returns only after any config write in progress has ended,
// so quitting can never leave a half-written file. An interrupted run
// returns its session so far with ErrInterrupted.
func Run(ctx context.Context, deps Deps, opts Options, in io.Reader, out io.Writer) (Session, error) {
	if err := deps.check(); err != nil {
		return Session{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := newModel(ctx, deps, opts, false)
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)}
	if opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	return m.finish(ctx, err)
}

// finish closes the write guard (waiting for a running write; no later one
// starts) and says how the run ended.
func (m Model) finish(ctx context.Context, err error) (Session, error) {
	c := m.w.c
	c.guard.close()
	c.after.stop() // a command still running is stopped, never left behind
	if w := c.guard.lastWrite(); w != nil && c.session.WrittenPath == "" {
		// The program ended before it saw its write finish.
		c.session.WrittenPath, c.session.BackupPath = w.Path, w.BackupPath
	}
	s := m.Session()
	switch {
	case m.w.interrupted, ctx.Err() != nil, errors.Is(err, ErrInterrupted),
		errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled):
		return s, ErrInterrupted
	case err != nil:
		return s, fmt.Errorf("ui: %w", err)
	}
	return s, nil
}

func (d Deps) check() error {
	var missing []string
	if d.LoadTenant == nil {
		missing = append(missing, "LoadTenant")
	}
	if d.Probe == nil {
		missing = append(missing, "Probe")
	}
	if d.TestToken == nil {
		missing = append(missing, "TestToken")
	}
	if d.Diff == nil {
		missing = append(missing, "Diff")
	}
	if d.Write == nil {
		missing = append(missing, "Write")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %v", ErrNoDeps, missing)
	}
	return nil
}
