package ui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// ErrNoDeps says Deps lacks an operation the wizard cannot do without.
var ErrNoDeps = errors.New("ui: missing dependency")

// Run runs the wizard on in/out until the user quits and returns what
// happened. It returns only after any config write in progress has ended,
// so quitting can never leave a half-written file.
func Run(ctx context.Context, deps Deps, opts Options, in io.Reader, out io.Writer) (Session, error) {
	if err := deps.check(); err != nil {
		return Session{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(deps, opts)
	m.ctx = ctx
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)}
	if opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	final, err := tea.NewProgram(m, popts...).Run()
	m.guard.close() // waits for a running write; no later one starts
	cancel()
	s := m.Session()
	if fm, ok := final.(Model); ok {
		s = fm.Session()
	}
	if w := m.guard.lastWrite(); w != nil && !s.Written {
		// The program ended before it saw its write finish.
		s.Written, s.SavedPath, s.BackupPath = true, w.Path, w.BackupPath
		s.Remaining = remaining(s)
	}
	if err != nil {
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
