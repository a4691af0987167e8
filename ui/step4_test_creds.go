package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// testScreen is Step 4: a live token request with the new pair before
// anything is written, the redacted diff, then a Confirm to write.
type testScreen struct {
	base
	clientID string
	secret   config.Secret
	have     bool // Step 3 handed over a pair

	run      int
	testing  bool
	tested   bool
	outcome  probe.TokenOutcome
	diff     string
	diffErr  error
	confirm  bool
	f        *huh.Form
	declined bool // the user answered no
	writing  bool
	written  bool
	writeErr error
	result   config.SaveResult
	kw       *keyWait // a JWT app's new key, polled until accepted (jwt_key.go)
}

func newTestScreen(c *common) *testScreen { return &testScreen{base: base{c}} }

func (t *testScreen) title() string { return "Step 4 · Test new credentials" }

func (t *testScreen) busy() bool { return t.testing || t.writing || t.polling() }

// polling says Step 4 waits for the server to accept a new key: the
// spinner keeps turning, and the countdown with it.
func (t *testScreen) polling() bool { return t.kw != nil && !t.tested && !t.kw.expired }

func (t *testScreen) setSize(_, _ int) { t.c.fitForm(t.f) }

func (t *testScreen) form() *huh.Form {
	if pending(t.f) {
		return t.f
	}
	return nil
}

func (t *testScreen) enter() tea.Cmd {
	if !t.have || t.tested || t.testing || t.written {
		return t.c.startForm(t.form())
	}
	return t.startTest()
}

func (t *testScreen) startTest() tea.Cmd {
	if t.kw != nil {
		if t.kw.expired {
			t.kw.expired, t.kw.deadline = false, time.Now().Add(t.c.deps.Keys.wait())
		}
		return t.startKeyTest()
	}
	c := t.c
	t.run = c.newRun()
	t.testing, t.tested, t.f, t.declined, t.writeErr = true, false, nil, false, nil
	return tea.Batch(testTokenCmd(c.ctx, c.deps.TestToken, c.tenant, t.clientID, t.secret, t.run), c.tick())
}

func (t *testScreen) keys() screenKeys {
	s := screenKeys{back: !t.writing, skip: !t.writing}
	switch {
	case !t.have, t.testing, t.writing:
	case t.written:
		s.next, s.nextLabel = true, "verify"
	case t.kw != nil && !t.outcome.OK:
		// A key the server refuses is never written: wait, or retry.
		s.retry = t.kw.expired
	case t.kw != nil:
		s.write = true
		s.next, s.nextLabel = pending(t.f), "answer"
	default:
		s.write, s.edit, s.retry = true, true, true
		s.next, s.nextLabel = pending(t.f), "answer"
		if !t.outcome.OK {
			s.writeLabel = "write anyway"
		}
	}
	return s
}

func (t *testScreen) update(msg tea.Msg) tea.Cmd {
	c := t.c
	switch msg := msg.(type) {
	case keyReadyMsg:
		*t = testScreen{base: t.base, clientID: msg.clientID, have: true,
			kw: &keyWait{c: t.c, key: msg.key, clientID: msg.clientID, deadline: time.Now().Add(t.c.deps.Keys.wait())}}
		return nil
	case keyTestedMsg:
		return t.keyTested(msg)
	case keyRetryMsg:
		if msg.run != t.run || t.kw == nil || t.kw.expired || t.tested {
			return nil
		}
		return t.startKeyTest()
	case credentialsMsg:
		if t.have && t.clientID == msg.clientID && t.secret.Equal(msg.secret) {
			return nil
		}
		// A new pair needs a new test and a new diff.
		*t = testScreen{base: t.base, clientID: msg.clientID, secret: msg.secret, have: true}
		return nil
	case tokenTestedMsg:
		if msg.run != t.run {
			return nil
		}
		t.testing, t.tested = false, true
		msg.outcome.Token = config.Secret{} // the screen and the report never need it
		t.outcome = msg.outcome
		out := msg.outcome
		c.session.TokenTest = &out
		return diffCmd(c.deps.Diff, c.tenant.Name, t.clientID, t.secret, t.run)
	case diffMsg:
		if msg.run != t.run {
			return nil
		}
		t.diff, t.diffErr = msg.diff, msg.err
		return t.ask()
	case configWrittenMsg:
		return t.onWritten(msg)
	case formSubmittedMsg:
		return t.decide()
	case tea.KeyPressMsg:
		return t.key(msg)
	case event:
		return nil
	}
	return handleForm(t.f, msg, t.decide)
}

// ask builds the write confirmation, shown under the diff.
func (t *testScreen) ask() tea.Cmd {
	t.confirm = false
	cf := huh.NewConfirm().Inline(true).WithButtonAlignment(lipgloss.Left).Value(&t.confirm)
	if t.outcome.OK {
		cf.Title("Write these changes?").Affirmative("Write").Negative("Not now")
	} else {
		cf.Title("The new pair FAILED the test. Write it anyway?").Affirmative("Write anyway").Negative("No")
	}
	t.f = t.c.newForm(cf)
	return t.c.startForm(t.f)
}

func (t *testScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := t.c.keys.forScreen(t.keys())
	switch {
	case key.Matches(msg, k.Next) && t.written:
		return t.c.goTo(stepVerify)
	case key.Matches(msg, k.Retry):
		return t.startTest()
	case key.Matches(msg, k.Edit):
		return t.c.goTo(stepUpdate)
	case key.Matches(msg, k.Write) && pending(t.f):
		if !t.outcome.OK && !t.confirm {
			// A pair that failed the test is written only when asked twice.
			t.confirm = true
			refresh(t.f)
			t.c.setError("These credentials failed the test. Press w or enter again to write them anyway.")
			return nil
		}
		t.confirm = true
		return t.decide()
	case key.Matches(msg, k.Write) && t.declined:
		return t.ask()
	case key.Matches(msg, k.Next) && !pending(t.f) && !t.testing && !t.writing:
		return t.c.goTo(stepVerify)
	}
	return handleForm(t.f, msg, t.decide)
}

// decide acts on the confirmation: write, or say nothing was written.
func (t *testScreen) decide() tea.Cmd {
	c := t.c
	if t.f != nil {
		t.f.State = huh.StateCompleted
	}
	if !t.confirm {
		t.declined = true
		c.setNotice("Nothing was written.")
		return nil
	}
	c.setNotice("")
	t.writing, t.writeErr, c.writeInFlight = true, nil, true
	if t.kw != nil {
		if !t.outcome.OK {
			t.writing, c.writeInFlight = false, false
			return nil // a refused key is never written
		}
		return tea.Batch(writeKeyCmd(c.guard, c.deps.Keys.Write, c.tenant.Name, t.clientID, t.kw.key.KeyID), c.tick())
	}
	c.session.WroteAnyway = !t.outcome.OK
	return tea.Batch(writeCmd(c.guard, c.deps.Write, c.tenant.Name, t.clientID, t.secret), c.tick())
}

func (t *testScreen) onWritten(msg configWrittenMsg) tea.Cmd {
	c := t.c
	t.writing, c.writeInFlight = false, false
	switch {
	case msg.aborted:
	case msg.err != nil:
		t.writeErr = msg.err
		c.session.WroteAnyway = false
		return t.ask()
	default:
		t.written, t.result = true, msg.result
		c.session.WrittenPath = msg.result.Path
		c.session.BackupPath = msg.result.BackupPath
	}
	return nil
}

func (t *testScreen) view(p *page) {
	c := t.c
	st := c.styles
	if !t.have {
		p.add("No new credentials yet: go back to Step 3 to enter them, or skip this step.")
		return
	}
	p.add(st.Label.Render("Client ID      ") + t.clientID)
	if t.kw != nil {
		if t.viewKeyWait(p) {
			return
		}
	} else {
		p.add(st.Label.Render("Client secret  ") + t.secret.Mask())
	}
	if t.testing {
		p.add(c.spin() + " requesting a token with the new pair (nothing written yet)…")
		return
	}
	o := t.outcome
	if o.OK {
		p.add(st.Pass.Render("✓ Token issued") + fmt.Sprintf("  HTTP %d · expires_in %d s", o.HTTPStatus, o.ExpiresIn))
	} else {
		status := "no response"
		if o.HTTPStatus != 0 {
			status = fmt.Sprintf("HTTP %d", o.HTTPStatus)
		}
		p.add(st.Fail.Render("✗ Token refused") + fmt.Sprintf("  %s · %s", status, o.Cause))
		if o.Summary != "" {
			p.addIndent(2, o.Summary)
		}
		for _, e := range o.Evidence {
			p.addIndent(4, st.Muted.Render("· "+e))
		}
		if o.Remedy != "" {
			p.addIndent(2, "→ "+o.Remedy)
		}
	}
	if o.CorrelationID != "" {
		p.addIndent(2, st.Muted.Render("Cerner-Correlation-Id "+o.CorrelationID))
	}
	renderScopes(c, p, o)
	switch {
	case t.writing:
		p.add(c.spin() + " writing the config (atomic, locked, backed up)…")
		return
	case t.written:
		p.blank()
		p.add(st.Pass.Render("✓ Wrote ") + t.result.Path)
		if t.result.BackupPath != "" {
			p.addIndent(2, st.Label.Render("backup ")+t.result.BackupPath)
		}
		if !c.accessible {
			p.add("Press enter to verify end-to-end with the new credentials.")
		}
		return
	case t.writeErr != nil:
		p.add(st.Error.Render("✗ Nothing was written: " + t.writeErr.Error()))
	}
	t.renderDiff(p)
	if c.accessible {
		return
	}
	if pending(t.f) {
		p.mark()
		p.add(t.f.View())
	} else if t.declined {
		p.add(st.Muted.Render("Nothing was written: w asks again, e edits the values, esc goes back."))
	}
}

// renderScopes says on one line whether every requested scope was
// granted, and lists the ones that were not, or were granted unasked.
func renderScopes(c *common, p *page, o probe.TokenOutcome) {
	st := c.styles
	if len(o.Requested) == 0 && len(o.Granted) == 0 {
		return
	}
	granted, requested := map[string]bool{}, map[string]bool{}
	for _, g := range o.Granted {
		granted[g] = true
	}
	var missing, extra []string
	for _, r := range o.Requested {
		requested[r] = true
		if !granted[r] {
			missing = append(missing, r)
		}
	}
	for _, g := range o.Granted {
		if !requested[g] {
			extra = append(extra, g)
		}
	}
	head := st.Heading.Render("Scopes") + st.Muted.Render(fmt.Sprintf("  %d requested, %d granted", len(o.Requested), len(o.Granted)))
	switch {
	case !o.OK:
		p.add(head + st.Muted.Render(": "+strings.Join(o.Requested, " ")))
	case len(missing) == 0:
		p.add(head + st.Pass.Render("  ✓ all"))
	default:
		p.add(head)
		for _, m := range missing {
			p.addIndent(2, st.Warn.Render("! ")+m+st.Muted.Render("  not granted"))
		}
	}
	for _, g := range extra {
		p.addIndent(2, st.Muted.Render("+ "+g+"  granted, not requested"))
	}
}

func (t *testScreen) renderDiff(p *page) {
	st := t.c.styles
	if t.diffErr != nil {
		p.add(st.Error.Render("The diff could not be made: " + t.diffErr.Error()))
		return
	}
	if t.diff == "" {
		return
	}
	p.add(st.Heading.Render("Changes to "+filepath.Base(t.c.deps.ConfigPath)) + st.Muted.Render("  secrets shown as fingerprints"))
	for _, l := range strings.Split(strings.TrimRight(t.diff, "\n"), "\n") {
		// One line per diff line: the -/+ lines are short, and wrapped
		// context would push them and the confirmation down.
		l = ansi.Truncate(l, p.width-2, "…")
		switch {
		case strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++"):
			l = st.DiffAdd.Render(l)
		case strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---"):
			l = st.DiffDel.Render(l)
		default:
			l = st.Muted.Render(l)
		}
		p.addIndent(2, l)
	}
}
