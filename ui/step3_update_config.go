package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// normalizePasted is config.NormalizePasted, the one normaliser rotate and
// the wizard share: surrounding whitespace and wrapping quotes go, inner
// whitespace and control characters are refused with where they are.
var normalizePasted = config.NormalizePasted

func validCredential(v string) error {
	_, err := normalizePasted(v)
	return err
}

// updateScreen is Step 3: the new client ID and client secret as two huh
// Inputs. The secret's field echoes nothing; its description shows the
// fingerprint of what was typed, the value as it will be tested.
type updateScreen struct {
	base
	clientID string
	secret   string // as typed; never rendered, only fingerprinted
	idIn     *huh.Input
	secIn    *secretInput
	f        *huh.Form
	pasteErr string
	kr       *keyUpload // a JWT app's key rotation (jwt_key.go)
}

func newUpdateScreen(c *common) *updateScreen { return &updateScreen{base: base{c}} }

func (u *updateScreen) title() string { return "Step 3 · Update configuration" }

func (u *updateScreen) form() *huh.Form {
	if u.c.keyRotation() {
		return u.keyUpload().f
	}
	return u.f
}

func (u *updateScreen) setSize(_, _ int) { u.c.fitForm(u.form()) }

func (u *updateScreen) busy() bool { return u.kr != nil && u.kr.making }

func (u *updateScreen) keyUpload() *keyUpload {
	if u.kr == nil {
		u.kr = &keyUpload{c: u.c}
	}
	return u.kr
}

// enter builds the form from the values so far and focuses the first
// empty field.
func (u *updateScreen) enter() tea.Cmd {
	if u.c.keyRotation() {
		return u.keyUpload().enter()
	}
	title := "Client ID"
	if u.c.accessible && u.clientID != "" {
		title += " [" + u.clientID + "]:" // huh prompts with the title only; enter keeps it
	}
	u.idIn = huh.NewInput().Title(title).Placeholder("11111111-2222-4333-8444-555555555555").
		CharLimit(200).Validate(u.validID).Value(&u.clientID)
	u.secIn = newSecretInput("Client secret", &u.secret, validCredential)
	u.describe()
	u.f = u.c.newForm(u.idIn, u.secIn)
	cmd := u.c.startForm(u.f)
	if !u.c.accessible && u.clientID != "" {
		cmd = tea.Batch(cmd, u.f.NextField())
	}
	return cmd
}

// validID checks a client ID; an empty answer to the accessible prompt
// keeps the value already there (on a terminal typing sets it, so an
// emptied field is empty).
func (u *updateScreen) validID(v string) error {
	if strings.TrimSpace(v) == "" && u.clientID != "" {
		return nil
	}
	return validCredential(v)
}

func (u *updateScreen) keys() screenKeys {
	if u.c.keyRotation() {
		kr := u.keyUpload()
		if kr.typing() {
			return screenKeys{field: true, nav: true, next: true, back: true, skip: true, typing: true, nextLabel: "next"}
		}
		return screenKeys{nav: pending(kr.f), copy: kr.key != nil, open: u.c.console().URL != "", next: true, back: true, skip: true, nextLabel: "answer"}
	}
	return screenKeys{field: true, nav: true, next: true, back: true, skip: true, typing: true, nextLabel: "next / test"}
}

func (u *updateScreen) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(keyMadeMsg); ok {
		return u.keyUpload().made(km)
	}
	if u.c.keyRotation() {
		return u.updateKey(msg)
	}
	switch msg := msg.(type) {
	case optionChosenMsg:
		u.prefill(msg.option)
		return nil
	case formSubmittedMsg:
		return u.submit()
	case tea.PasteMsg:
		u.paste(msg.Content)
		return nil
	case tea.KeyPressMsg:
		return u.key(msg)
	case event:
		return nil
	}
	defer u.describe()
	return handleForm(u.f, msg, u.submit)
}

// prefill keeps the app's client ID for Option A and clears it for B
// unless the user typed another.
func (u *updateScreen) prefill(option string) {
	current := u.c.tenant.Cerner.SystemApp.ClientID
	switch {
	case option == optionA:
		u.clientID = current
	case u.clientID == current:
		u.clientID = ""
	}
}

func (u *updateScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := u.c.keys.forScreen(u.keys())
	if !pending(u.f) {
		if key.Matches(msg, k.Next) {
			return u.c.goTo(stepTest)
		}
		return nil
	}
	u.pasteErr = "" // a new keystroke answers the old complaint
	var cmd tea.Cmd
	done := false
	switch {
	case key.Matches(msg, k.Up):
		cmd = u.f.PrevField()
	case key.Matches(msg, k.Down):
		if !focused(u.f, u.secIn) {
			cmd = u.f.NextField()
		}
	default:
		cmd, done = updateForm(u.f, msg)
	}
	u.describe()
	if done {
		return tea.Batch(cmd, u.submit())
	}
	return cmd
}

// paste normalises a paste into the focused field; a value that cannot be
// a credential is refused with the reason, and the field is unchanged.
func (u *updateScreen) paste(content string) {
	v, err := normalizePasted(content)
	name := "Client ID"
	if focused(u.f, u.secIn) {
		name = "Client secret"
	}
	if err != nil {
		u.pasteErr = name + ": " + err.Error()
		return
	}
	u.pasteErr = ""
	if focused(u.f, u.secIn) {
		u.secIn.set(v)
	} else {
		u.clientID = v
		u.idIn.Value(&u.clientID)
	}
	u.describe()
}

// newSecret is the field's value as it will be tested and written:
// normalised when it can be, so the fingerprint shown while typing is the
// one Step 4 shows.
func (u *updateScreen) newSecret() config.Secret {
	v := u.secret
	if n, err := normalizePasted(v); err == nil {
		v = n
	}
	return config.NewSecret(v)
}

// describe puts the live fingerprint under the secret's title.
func (u *updateScreen) describe() {
	old := u.c.tenant.Cerner.SystemApp.ClientSecret
	s := u.newSecret()
	switch {
	case s.IsZero():
		u.secIn.Description("type or paste; nothing is echoed · the file holds " + old.Fingerprint())
	case s.Equal(old):
		u.secIn.Description("•••••• " + s.Fingerprint() + " · ! the secret already in the file")
	default:
		u.secIn.Description("•••••• " + s.Fingerprint() + " · the file holds " + old.Fingerprint())
	}
	u.c.fitForm(u.f)
	refresh(u.f)
}

// submit normalises both values (typed ones may carry the same stray
// whitespace as pasted ones) and hands the pair to Step 4.
func (u *updateScreen) submit() tea.Cmd {
	id, err1 := normalizePasted(u.clientID)
	sec, err2 := normalizePasted(u.secret)
	if err1 != nil || err2 != nil {
		return nil // the fields' validation said why
	}
	u.clientID = id
	secret := config.NewSecret(sec)
	u.c.session.NewClientID = id
	u.c.session.NewFingerprint = secret.Fingerprint()
	return u.c.advance(stepTest, credentialsMsg{clientID: id, secret: secret})
}

func (u *updateScreen) view(p *page) {
	if u.c.keyRotation() {
		u.keyUpload().view(p)
		return
	}
	c := u.c
	st := c.styles
	p.add("Paste the new values. Surrounding spaces, a trailing newline and wrapping quotes are removed.")
	if c.session.Option == optionA {
		p.add(st.Muted.Render("Option A keeps the same app: its client ID is filled in."))
	}
	p.blank()
	if c.accessible {
		return
	}
	if pending(u.f) {
		p.mark()
		p.add(u.f.View())
	}
	if u.pasteErr != "" {
		p.add(st.Error.Render(u.pasteErr))
	}
	p.blank()
	p.add(st.Muted.Render("Nothing is written until Step 4 has tested the pair and you confirm."))
}

// updateKey is update for a key rotation: the Confirm, c to copy the
// public JWK Set.
func (u *updateScreen) updateKey(msg tea.Msg) tea.Cmd {
	kr := u.keyUpload()
	switch msg := msg.(type) {
	case formSubmittedMsg:
		return kr.submit()
	case tea.KeyPressMsg:
		k := u.c.keys.forScreen(u.keys())
		switch {
		case key.Matches(msg, k.Open):
			return openCmd(u.c.deps.OpenURL, u.c.console().URL)
		case kr.key != nil && key.Matches(msg, k.Copy):
			u.c.setNotice("Sent the public JWK Set to the clipboard (OSC 52, where the terminal allows it).")
			return tea.SetClipboard(kr.key.JWKS)
		case !pending(kr.f) && key.Matches(msg, k.Next) && kr.uploaded:
			return u.c.goTo(stepTest)
		case !pending(kr.f) && key.Matches(msg, k.Next):
			return kr.ask()
		}
	case event:
		return nil
	}
	return handleForm(kr.f, msg, kr.submit)
}
