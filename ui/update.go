package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
)

const (
	fieldClientID = iota
	fieldSecret
)

// updateModel is Step 3: the new Client ID and Client secret. The secret's
// field echoes nothing; the screen shows its fingerprint instead.
type updateModel struct {
	inputs [2]textinput.Model
	errs   [2]string
	focus  int
	// accepted is the normalised pair handed to Step 4.
	acceptedID     string
	acceptedSecret config.Secret
	accepted       bool
}

func newUpdateModel() updateModel {
	id := textinput.New()
	id.Prompt = ""
	id.Placeholder = "11111111-2222-4333-8444-555555555555"
	id.CharLimit = 200
	sec := textinput.New()
	sec.Prompt = ""
	sec.EchoMode = textinput.EchoNone
	sec.CharLimit = 500
	u := updateModel{inputs: [2]textinput.Model{id, sec}}
	u.setWidth(80)
	return u
}

func (u *updateModel) setWidth(w int) {
	for i := range u.inputs {
		u.inputs[i].SetWidth(max(10, w-20))
	}
}

func (u *updateModel) prefill(sameApp bool, clientID string) {
	if sameApp {
		u.inputs[fieldClientID].SetValue(clientID)
	} else if u.inputs[fieldClientID].Value() == clientID {
		u.inputs[fieldClientID].SetValue("")
	}
	u.focus = fieldSecret
	if u.inputs[fieldClientID].Value() == "" {
		u.focus = fieldClientID
	}
}

func (u *updateModel) blur() {
	for i := range u.inputs {
		u.inputs[i].Blur()
	}
}

func (u *updateModel) focusField(i int) tea.Cmd {
	u.blur()
	u.focus = i
	return u.inputs[i].Focus()
}

func (u *updateModel) forward(msg tea.Msg) tea.Cmd {
	if !u.inputs[u.focus].Focused() {
		return nil
	}
	var cmd tea.Cmd
	u.inputs[u.focus], cmd = u.inputs[u.focus].Update(msg)
	if _, typed := msg.(tea.KeyPressMsg); typed {
		u.errs[u.focus] = "" // a new keystroke answers the old complaint
	}
	return cmd
}

// secret is the value typed so far, as a Secret (never as text on screen).
// secret is the field's value as it will be tested and written: normalised
// when it can be, so the fingerprint shown while pasting is the one Step 4
// shows (a wrapped paste would otherwise show the quotes' fingerprint).
func (u *updateModel) secret() config.Secret {
	v := u.inputs[fieldSecret].Value()
	if n, err := normalizePasted(v); err == nil {
		v = n
	}
	return config.NewSecret(v)
}

func (m *Model) enterUpdate() tea.Cmd {
	m.status.blur()
	return m.update.focusField(m.update.focus)
}

func (m Model) updateKeys() screenKeys {
	return screenKeys{field: true, next: true, back: true, skip: true, typing: true, nextLabel: "test"}
}

// onPaste normalises a paste into the focused field; a value that cannot
// be a credential is refused with the reason, and the field is unchanged.
func (m *Model) onPaste(msg tea.PasteMsg) tea.Cmd {
	if m.step != stepUpdate {
		return m.forwardToInput(msg)
	}
	u := &m.update
	v, err := normalizePasted(msg.Content)
	if err != nil {
		u.errs[u.focus] = fieldNames[u.focus] + ": " + err.Error()
		return nil
	}
	u.inputs[u.focus].SetValue(v)
	u.errs[u.focus] = ""
	return nil
}

var fieldNames = [2]string{"Client ID", "Client secret"}

func (m *Model) updateKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	u := &m.update
	switch {
	case key.Matches(msg, k.Field), key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		return u.focusField(1 - u.focus)
	case key.Matches(msg, k.Next):
		if u.focus == fieldClientID && u.inputs[fieldSecret].Value() == "" {
			return u.focusField(fieldSecret)
		}
		if !m.acceptCredentials() {
			return nil
		}
		return m.goTo(stepTest)
	}
	return u.forward(msg)
}

// acceptCredentials normalises both fields (typed values may carry the
// same stray whitespace as pasted ones) and reports whether both are usable.
func (m *Model) acceptCredentials() bool {
	u := &m.update
	var vals [2]string
	ok := true
	for i := range u.inputs {
		v, err := normalizePasted(u.inputs[i].Value())
		if err != nil {
			u.errs[i] = fieldNames[i] + ": " + err.Error()
			ok = false
			continue
		}
		u.errs[i] = ""
		vals[i] = v
		u.inputs[i].SetValue(v)
	}
	if !ok {
		return false
	}
	secret := config.NewSecret(vals[fieldSecret])
	if u.accepted && (u.acceptedID != vals[fieldClientID] || !u.acceptedSecret.Equal(secret)) {
		m.test = testModel{} // a new pair needs a new test
	}
	u.acceptedID, u.acceptedSecret, u.accepted = vals[fieldClientID], secret, true
	m.session.ClientIDNew = u.acceptedID
	m.session.FingerprintNew = secret.Fingerprint()
	return true
}

func (m Model) viewUpdate(p *page) {
	st := m.styles
	u := m.update
	p.add("Paste the new values. Surrounding spaces, a trailing newline and wrapping quotes are removed.")
	p.blank()
	label := func(i int) string {
		if u.focus == i {
			return st.Selected.Render("› " + fieldNames[i])
		}
		return "  " + st.FieldName.Render(fieldNames[i])
	}
	if u.focus == fieldClientID {
		p.mark()
	}
	p.add(padRight(label(fieldClientID), 17) + u.inputs[fieldClientID].View())
	if m.session.Option == "A" {
		p.addIndent(17, st.Muted.Render("prefilled: Option A keeps the same app"))
	}
	if u.errs[fieldClientID] != "" {
		p.addIndent(17, st.Error.Render(u.errs[fieldClientID]))
	}
	p.blank()
	if u.focus == fieldSecret {
		p.mark()
	}
	sec := u.secret()
	shown := st.Muted.Render("(type or paste; nothing is echoed)")
	if !sec.IsZero() {
		shown = "•••••• " + st.Code.Render(sec.Fingerprint())
	}
	p.add(padRight(label(fieldSecret), 17) + shown + u.inputs[fieldSecret].View())
	p.addIndent(17, st.Muted.Render("current  "+m.tenant.Cerner.SystemApp.ClientSecret.Fingerprint()))
	if !sec.IsZero() && sec.Equal(m.tenant.Cerner.SystemApp.ClientSecret) {
		p.addIndent(17, st.Warn.Render("! this is the secret already in the file"))
	}
	if u.errs[fieldSecret] != "" {
		p.addIndent(17, st.Error.Render(u.errs[fieldSecret]))
	}
	p.blank()
	p.add(st.Muted.Render("Nothing is written until Step 4 has tested the pair and you confirm."))
}
