package ui

import "charm.land/bubbles/v2/key"

// keyMap is the one place keys are defined; the help bar is rendered from
// it and each screen enables only the bindings it uses (see forScreen).
type keyMap struct {
	Up       key.Binding
	Down     key.Binding
	Next     key.Binding
	Back     key.Binding
	Skip     key.Binding
	Expand   key.Binding
	Yes      key.Binding
	No       key.Binding
	Unknown  key.Binding
	Open     key.Binding
	Copy     key.Binding
	Field    key.Binding
	Retry    key.Binding
	Write    key.Binding
	Edit     key.Binding
	Save     key.Binding
	Provider key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Help     key.Binding
	Quit     key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Next:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Skip:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip")),
		Expand:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "evidence")),
		Yes:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "no")),
		Unknown:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unsure")),
		Open:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "console")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		Field:    key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next field")),
		Retry:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rerun")),
		Write:    key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write config")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit again")),
		Save:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "save report")),
		Provider: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "provider")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// screenKeys says which bindings a screen uses right now; typing says a
// text field has focus, so plain letters belong to it and only control
// keys stay global.
type screenKeys struct {
	nav, expand, answer, open, copy, field, retry, write, edit, save bool
	skip, back, next                                                 bool
	provider                                                         bool
	typing                                                           bool
	writeLabel                                                       string
	nextLabel                                                        string
	openLabel, copyLabel, retryLabel                                 string
}

// forScreen returns the keymap with exactly the bindings of s enabled.
func (k keyMap) forScreen(s screenKeys) keyMap {
	set := func(b *key.Binding, on bool) { b.SetEnabled(on) }
	set(&k.Up, s.nav)
	set(&k.Down, s.nav)
	set(&k.Expand, s.expand)
	set(&k.Yes, s.answer)
	set(&k.No, s.answer)
	set(&k.Unknown, s.answer)
	set(&k.Open, s.open)
	set(&k.Copy, s.copy)
	set(&k.Field, s.field)
	set(&k.Retry, s.retry)
	set(&k.Write, s.write)
	set(&k.Edit, s.edit)
	set(&k.Save, s.save)
	set(&k.Skip, s.skip)
	set(&k.Back, s.back)
	set(&k.Next, s.next)
	set(&k.Provider, s.provider)
	for _, l := range []struct {
		b     *key.Binding
		label string
	}{{&k.Open, s.openLabel}, {&k.Copy, s.copyLabel}, {&k.Retry, s.retryLabel}} {
		if l.label != "" {
			l.b.SetHelp(l.b.Help().Key, l.label)
		}
	}
	if s.writeLabel != "" {
		k.Write.SetHelp("w", s.writeLabel)
	}
	if s.nextLabel != "" {
		k.Next.SetHelp("enter", s.nextLabel)
	}
	if s.typing {
		// Letters go to the field: keep only keys that cannot be text.
		k.Up.SetKeys("up")
		k.Up.SetHelp("↑", "up")
		k.Down.SetKeys("down")
		k.Down.SetHelp("↓", "down")
		k.Skip.SetKeys("ctrl+s")
		k.Skip.SetHelp("ctrl+s", "skip")
		k.Quit.SetKeys("ctrl+c")
		k.Quit.SetHelp("ctrl+c", "quit")
		k.Help.SetEnabled(false)
	}
	return k
}

// ShortHelp is the help bar: the keys that act on this screen.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Write, k.Edit, k.Save, k.Answer(), k.Open, k.Copy, k.Field, k.Expand, k.Retry, k.Provider, k.Back, k.Skip, k.Quit, k.Help}
}

// Answer is one help entry for y/n/u.
func (k keyMap) Answer() key.Binding {
	b := key.NewBinding(key.WithKeys("y", "n", "u"), key.WithHelp("y/n/u", "answer"))
	b.SetEnabled(k.Yes.Enabled())
	return b
}

// FullHelp adds navigation and scrolling.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Back, k.Skip, k.Quit},
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Expand, k.Answer(), k.Open, k.Copy, k.Field},
		{k.Retry, k.Write, k.Edit, k.Save, k.Provider, k.Help},
	}
}
