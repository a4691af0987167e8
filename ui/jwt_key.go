package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// A JWT app (private_key_jwt) has no secret: Option A rotates its key.
// Step 3 makes the key pair and shows the public key to upload; Step 4
// polls the token endpoint with it, a visible countdown running, until
// the server accepts it, and only then offers to write private_key_path
// and key_id (docs/jwt.md, "Key rotation").

// NewKey is a key pair the backend made for the wizard: what Step 3 shows
// and what the user uploads. It holds no private material.
type NewKey struct {
	KeyID, Alg, Thumbprint string
	PrivatePath            string // the private key file (0600); never uploaded
	JWKSPath, CertPath     string // the public key as a JWK Set and as a certificate
	JWKS                   string // the public JWK Set, for the clipboard
}

// KeyDeps are the operations of a JWT app's key rotation; nil MakeKey
// leaves the wizard without it.
type KeyDeps struct {
	// MakeKey makes a key pair and its files for the tenant's system app.
	MakeKey func(tenant string) (NewKey, error)
	// TestKey requests a token with the key made under kid (a fresh
	// assertion each call).
	TestKey func(ctx context.Context, t config.Tenant, kid string) probe.TokenOutcome
	// Diff and Write are Deps.Diff and Deps.Write for private_key_path and
	// key_id, and client_id when it is a new app's (Option B).
	Diff  func(tenant, clientID, kid string) (string, error)
	Write func(tenant, clientID, kid string) (config.SaveResult, error)
	// Wait bounds Step 4's polling (default 10 minutes) and Every spaces
	// the attempts (default 2 s).
	Wait, Every time.Duration
}

func (k KeyDeps) wait() time.Duration {
	if k.Wait > 0 {
		return k.Wait
	}
	return 10 * time.Minute
}

func (k KeyDeps) every() time.Duration {
	if k.Every > 0 {
		return k.Every
	}
	return 2 * time.Second
}

// jwtApp says whether the tenant's system app signs JWTs.
func (c *common) jwtApp() bool {
	return c.tenant.Cerner.SystemApp.AuthMethod() == config.AuthPrivateKeyJWT
}

// keyRotation says whether this session rotates a key: a JWT app and a
// backend that can. Option A keeps the app; Option B is a new app, whose
// client ID Step 3 asks for, with the new key (a JWT app has no secret to
// paste, whichever the option).
func (c *common) keyRotation() bool {
	return c.jwtApp() && c.deps.Keys.MakeKey != nil
}

type keyMadeMsg struct {
	key NewKey
	err error
}

// keyReadyMsg: Step 3's key was uploaded (to the app clientID names);
// Step 4 waits for the server.
type keyReadyMsg struct {
	key      NewKey
	clientID string
}

type keyTestedMsg struct {
	run     int
	outcome probe.TokenOutcome
}

type keyRetryMsg struct{ run int }

func (keyMadeMsg) isEvent()   {}
func (keyReadyMsg) isEvent()  {}
func (keyTestedMsg) isEvent() {}
func (keyRetryMsg) isEvent()  {}

func makeKeyCmd(fn func(string) (NewKey, error), tenant string) tea.Cmd {
	return func() tea.Msg {
		k, err := fn(tenant)
		return keyMadeMsg{key: k, err: err}
	}
}

func testKeyCmd(ctx context.Context, fn func(context.Context, config.Tenant, string) probe.TokenOutcome, t config.Tenant, kid string, run int) tea.Cmd {
	return func() tea.Msg { return keyTestedMsg{run: run, outcome: fn(ctx, t, kid)} }
}

func writeKeyCmd(g *writeGuard, fn func(string, string, string) (config.SaveResult, error), tenant, clientID, kid string) tea.Cmd {
	return guardedWrite(g, func() (config.SaveResult, error) { return fn(tenant, clientID, kid) })
}

// keyUpload is Step 3 for a key rotation: make the pair once, show what to
// upload, and ask whether it is uploaded.
type keyUpload struct {
	c        *common
	making   bool
	key      *NewKey
	err      error
	uploaded bool
	clientID string     // Option B: the new app's, typed here
	idIn     *huh.Input // its field; letters typed there are not shortcuts
	f        *huh.Form
}

// typing says the new app's client ID field has the focus.
func (k *keyUpload) typing() bool { return k.idIn != nil && focused(k.f, k.idIn) }

// newApp says whether this rotation moves to a new app (Option B).
func (k *keyUpload) newApp() bool { return k.c.session.Option == optionB }

func (k *keyUpload) enter() tea.Cmd {
	if k.key == nil && !k.making {
		k.making, k.err = true, nil
		return tea.Batch(makeKeyCmd(k.c.deps.Keys.MakeKey, k.c.tenant.Name), k.c.tick())
	}
	if k.key != nil {
		return k.ask()
	}
	return nil
}

func (k *keyUpload) ask() tea.Cmd {
	k.uploaded = false
	confirm := huh.NewConfirm().Inline(true).WithButtonAlignment(lipgloss.Left).
		Title("Uploaded the public key?").Affirmative("Uploaded: wait for it").Negative("Not yet").Value(&k.uploaded)
	if !k.newApp() {
		k.idIn = nil
		k.f = k.c.newForm(confirm)
		return k.c.startForm(k.f)
	}
	title := "New app's client ID"
	if k.c.accessible {
		title += ":" // huh prompts with the title only
	}
	k.idIn = huh.NewInput().Title(title).Placeholder("from the new app's page in the console").
		CharLimit(200).Validate(k.validNewID).Value(&k.clientID)
	k.f = k.c.newForm(k.idIn, confirm)
	cmd := k.c.startForm(k.f)
	if !k.c.accessible && k.clientID != "" {
		cmd = tea.Batch(cmd, k.f.NextField()) // asked again: keep the ID, ask the upload
	}
	return cmd
}

// validNewID checks Option B's client ID: a clean value, and another app's.
func (k *keyUpload) validNewID(v string) error {
	if err := validCredential(v); err != nil {
		return err
	}
	if strings.TrimSpace(v) == k.c.tenant.Cerner.SystemApp.ClientID {
		return errors.New("that is the configured app's client ID: Option B is a new app (Option A keeps this one)")
	}
	return nil
}

func (k *keyUpload) made(msg keyMadeMsg) tea.Cmd {
	k.making = false
	if msg.err != nil {
		k.err = msg.err
		return nil
	}
	k.key = &msg.key
	return k.ask()
}

func (k *keyUpload) submit() tea.Cmd {
	if k.f != nil {
		k.f.State = huh.StateCompleted
	}
	if !k.uploaded || k.key == nil {
		k.c.setNotice("Upload the public key, then answer again (enter).")
		return k.ask()
	}
	c := k.c
	id := c.tenant.Cerner.SystemApp.ClientID
	if k.newApp() {
		id = strings.TrimSpace(k.clientID)
	}
	c.session.NewClientID = id
	c.session.NewFingerprint = "kid " + k.key.KeyID
	c.session.OldKeyPath = c.tenant.Cerner.SystemApp.PrivateKeyPath
	return c.advance(stepTest, keyReadyMsg{key: *k.key, clientID: id})
}

func (k *keyUpload) view(p *page) {
	c := k.c
	st := c.styles
	app := c.tenant.Cerner.SystemApp
	if k.newApp() {
		p.add("Option B: a new app, signing with a new key. Create the app in " + c.console().Name + " (a system or backend app with the same scopes), " +
			"enter its client ID and upload this public key to it. The config keeps the current app and key until the server accepts the new pair.")
	} else {
		p.add("This app signs JWTs (private_key_jwt): Option A rotates its key. The config keeps the current key (kid " + app.KeyID + ") until the server accepts the new one, and its file is kept.")
	}
	p.blank()
	switch {
	case k.making:
		p.add(c.spin() + " making a key pair…")
		return
	case k.err != nil:
		p.add(st.Error.Render("✗ No key was made: " + k.err.Error()))
		return
	case k.key == nil:
		return
	}
	key := k.key
	p.add(st.Label.Render("New key        ") + key.Alg + ", kid " + st.Code.Render(key.KeyID))
	p.add(st.Label.Render("Thumbprint     ") + key.Thumbprint)
	// One folder line (cut to the width) and short names: a path that
	// wraps is hard to read and to copy.
	p.add(ansi.Truncate(st.Label.Render("Key files in   ")+filepath.Dir(key.JWKSPath), p.width, "…"))
	p.addIndent(2, st.FieldName.Render("Upload this public key: ")+filepath.Base(key.JWKSPath)+st.Muted.Render("  (a JWK Set)"))
	p.addIndent(2, st.Muted.Render("or this certificate, for portals that want one: ")+filepath.Base(key.CertPath))
	p.addIndent(2, filepath.Base(key.PrivatePath)+st.Muted.Render("  the private key (0600): never upload it"))
	p.blank()
	if c.accessible {
		return
	}
	if pending(k.f) {
		p.mark()
		p.add(k.f.View())
	}
	p.blank()
	hint := "c copies the public JWK Set"
	if c.console().URL != "" {
		hint += ", o opens the console"
	}
	p.add(st.Muted.Render(hint + "; nothing is written until the server accepts the key."))
}

// keyWait is Step 4 for a key rotation: poll until a token is issued with
// the new key or the wait ends.
type keyWait struct {
	c        *common
	key      NewKey
	clientID string // the app the key was uploaded to
	deadline time.Time
	attempts int
	expired  bool
}

func (w *keyWait) left() time.Duration { return max(0, time.Until(w.deadline)).Round(time.Second) }

// resumeCommand is what resumes after the wait, without another key.
func (w *keyWait) resumeCommand() string {
	q := afterwrite.ShellWord
	id := ""
	if w.clientID != w.c.tenant.Cerner.SystemApp.ClientID {
		id = " --client-id " + q(w.clientID)
	}
	return fmt.Sprintf("fhirdoctor rotate --adopt-key %s --kid %s%s --config %s --wait 1h", q(w.key.PrivatePath), q(w.key.KeyID), id, q(w.c.deps.ConfigPath))
}

// startKeyTest sends one token request with the new key.
func (t *testScreen) startKeyTest() tea.Cmd {
	c := t.c
	t.run = c.newRun()
	t.testing, t.tested, t.f, t.declined, t.writeErr = true, false, nil, false, nil
	t.kw.attempts++
	tenant := c.tenant
	tenant.Cerner.SystemApp.ClientID = t.clientID // Option B's new app
	return tea.Batch(testKeyCmd(c.ctx, c.deps.Keys.TestKey, tenant, t.kw.key.KeyID, t.run), c.tick())
}

// keyTested: accepted, the diff and the question follow; refused, the
// next attempt is scheduled until the wait ends.
func (t *testScreen) keyTested(msg keyTestedMsg) tea.Cmd {
	c := t.c
	if msg.run != t.run || t.kw == nil {
		return nil
	}
	t.testing = false
	msg.outcome.Token = config.Secret{}
	t.outcome = msg.outcome
	if msg.outcome.OK {
		t.tested = true
		out := msg.outcome
		c.session.TokenTest = &out
		kid, run, fn, id := t.kw.key.KeyID, t.run, c.deps.Keys.Diff, t.clientID
		tenant := c.tenant.Name
		return func() tea.Msg {
			d, err := fn(tenant, id, kid)
			return diffMsg{run: run, diff: d, err: err}
		}
	}
	if time.Now().After(t.kw.deadline) {
		t.kw.expired = true
		out := msg.outcome
		c.session.TokenTest = &out
		return nil
	}
	run := t.run
	return tea.Batch(tea.Tick(c.deps.Keys.every(), func(time.Time) tea.Msg { return keyRetryMsg{run: run} }), c.tick())
}

// viewKeyWait draws Step 4 for a new key; done says the rest of the view
// (the outcome, the diff, the question) does not apply yet.
func (t *testScreen) viewKeyWait(p *page) (done bool) {
	c := t.c
	st := c.styles
	kw := t.kw
	p.add(st.Label.Render("New key        ") + "kid " + kw.key.KeyID + st.Muted.Render("  "+filepath.Base(kw.key.PrivatePath)))
	switch {
	case t.tested && t.outcome.OK:
		return false
	case kw.expired:
		p.add(st.Fail.Render("✗ Not accepted yet") + fmt.Sprintf("  after %d attempts: %s", kw.attempts, t.outcome.Summary))
		p.add("Nothing was written. A new key can take the server up to a day to accept (Epic). The key files are kept;")
		p.add("r waits again, or resume later without making another key:")
		p.addIndent(2, st.Code.Render(kw.resumeCommand()))
		return true
	}
	p.add(c.spin() + fmt.Sprintf(" waiting for the server to accept the new key: %s left · attempt %d, a fresh assertion each", kw.left(), kw.attempts))
	if t.outcome.Summary != "" {
		p.addIndent(2, st.Muted.Render("last answer: "+t.outcome.Summary))
	}
	p.addIndent(2, st.Muted.Render("Nothing is written until a token is issued with the new key."))
	return true
}
