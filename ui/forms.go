package ui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// formSubmittedMsg tells the current screen its form was answered in the
// accessible mode, where huh asks the fields as prompts and never runs the
// form's Update. The terminal rendering sees the form complete instead;
// both end in the screen's one submit method.
type formSubmittedMsg struct{}

// formKeys is huh's keymap as the wizard uses it: ctrl+c belongs to the
// wizard (it ends the run as interrupted), filtering is off so esc always
// means back, and huh's per-field help gives way to the wizard's help bar.
func formKeys() *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	k.Quit.SetEnabled(false)
	k.Select.Filter.SetEnabled(false)
	k.MultiSelect.Filter.SetEnabled(false)
	return k
}

// newForm builds a form in the wizard's theme and keys, as wide as the
// window and as tall as its fields.
func (c *common) newForm(fields ...huh.Field) *huh.Form {
	f := huh.NewForm(huh.NewGroup(fields...)).
		WithShowHelp(false).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return c.styles.Form })).
		WithKeyMap(formKeys())
	c.fitForm(f)
	return f
}

// fitForm sizes f to the window; huh sizes its groups to their content
// when told the window's size and no height of its own.
func (c *common) fitForm(f *huh.Form) {
	if f == nil {
		return
	}
	w := max(20, c.width)
	f.WithWidth(w)
	f.Update(tea.WindowSizeMsg{Width: w, Height: max(8, c.height)})
}

// startForm focuses f's first field. The accessible mode asks the fields
// as prompts instead, so nothing there may start blinking cursors.
func (c *common) startForm(f *huh.Form) tea.Cmd {
	if c.accessible || f == nil {
		return nil
	}
	return f.Init()
}

// updateForm hands msg to f and says whether f completed with it. The
// moves to the next field, or the end of the form, happen here rather than
// in a later message, so a key typed ahead reaches the field or screen the
// previous one led to (typeahead.go).
func updateForm(f *huh.Form, msg tea.Msg) (tea.Cmd, bool) {
	if !pending(f) {
		return nil, false
	}
	_, cmd := f.Update(msg)
	return settleForm(f, cmd), f.State == huh.StateCompleted
}

// handleForm hands msg to f and runs submit when f completes with it.
func handleForm(f *huh.Form, msg tea.Msg, submit func() tea.Cmd) tea.Cmd {
	cmd, done := updateForm(f, msg)
	if done {
		return tea.Batch(cmd, submit())
	}
	return cmd
}

// advance is what a screen does once its form is answered: its effects
// for other screens, then, on a terminal, the next screen, both before the
// next key is read. The accessible mode asks where to go instead.
func (c *common) advance(next screenID, effects ...tea.Msg) tea.Cmd {
	if c.accessible {
		cmds := make([]tea.Cmd, 0, len(effects))
		for _, e := range effects {
			cmds = append(cmds, emit(e))
		}
		return tea.Batch(cmds...)
	}
	c.nav = &navigation{to: next, effects: effects}
	return nil
}

// pending says f waits for an answer.
func pending(f *huh.Form) bool { return f != nil && f.State == huh.StateNormal }

// focused says the field f has focus now.
func focused(f *huh.Form, field huh.Field) bool {
	return pending(f) && f.GetFocusedField() == field
}

// refreshMsg makes a form redraw after a field changed from outside it
// (a key the screen handles, a paste): huh caches a group's view and
// rebuilds it in Update.
type refreshMsg struct{}

func refresh(f *huh.Form) {
	if pending(f) {
		f.Update(refreshMsg{})
	}
}
