package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// testModel is Step 4: a live token request with the new pair before
// anything is written, the redacted diff, then the write.
type testModel struct {
	run          int
	testing      bool
	tested       bool
	outcome      probe.TokenOutcome
	diff         string
	diffErr      error
	confirmForce bool // "write anyway" was pressed once
	writing      bool
	written      bool
	writeErr     error
	result       config.SaveResult
}

func (m *Model) enterTest() tea.Cmd {
	m.status.blur()
	m.update.blur()
	if !m.update.accepted || m.test.tested || m.test.testing || m.test.written {
		return nil
	}
	return m.startTokenTest()
}

func (m *Model) startTokenTest() tea.Cmd {
	u := m.update
	m.test = testModel{run: m.newRun(), testing: true}
	return tea.Batch(
		testTokenCmd(m.ctx, m.deps.TestToken, m.tenant, u.acceptedID, u.acceptedSecret, m.test.run),
		m.tick(),
	)
}

func (m *Model) onTokenTested(msg tokenTestedMsg) tea.Cmd {
	if msg.run != m.test.run {
		return nil
	}
	m.test.testing, m.test.tested = false, true
	msg.outcome.Token = config.Secret{} // the screen and the report never need it
	m.test.outcome = msg.outcome
	out := msg.outcome
	m.session.TokenTest = &out
	return diffCmd(m.deps.Diff, m.tenant.Name, m.update.acceptedID, m.update.acceptedSecret, m.test.run)
}

func (m *Model) onDiff(msg diffMsg) {
	if msg.run != m.test.run {
		return
	}
	m.test.diff, m.test.diffErr = msg.diff, msg.err
}

func (m *Model) startWrite() tea.Cmd {
	m.test.writing = true
	m.test.writeErr = nil
	m.session.WroteAnyway = !m.test.outcome.OK
	return tea.Batch(writeCmd(m.guard, m.deps.Write, m.tenant.Name, m.update.acceptedID, m.update.acceptedSecret), m.tick())
}

func (m *Model) onWritten(msg configWrittenMsg) tea.Cmd {
	m.test.writing = false
	switch {
	case msg.aborted:
		return nil
	case msg.err != nil:
		m.test.writeErr = msg.err
		m.session.WroteAnyway = false
	default:
		m.test.written, m.test.result = true, msg.result
		m.session.Written = true
		m.session.SavedPath = msg.result.Path
		m.session.BackupPath = msg.result.BackupPath
	}
	if m.quitAfterSave {
		return tea.Quit
	}
	return nil
}

func (m Model) testKeys() screenKeys {
	t := m.test
	s := screenKeys{back: !t.writing, skip: !t.writing}
	switch {
	case !m.update.accepted, t.testing, t.writing:
	case t.written:
		s.next, s.nextLabel = true, "verify"
	case t.outcome.OK:
		s.write, s.retry = true, true
	default:
		s.write, s.edit, s.retry = true, true, true
		s.writeLabel = "write anyway"
	}
	return s
}

func (m *Model) testKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	t := &m.test
	switch {
	case key.Matches(msg, k.Next):
		return m.goTo(stepVerify)
	case key.Matches(msg, k.Retry):
		return m.startTokenTest()
	case key.Matches(msg, k.Edit):
		return m.goTo(stepUpdate)
	case key.Matches(msg, k.Write):
		if !t.outcome.OK && !t.confirmForce {
			t.confirmForce = true
			m.setError("These credentials failed the test. Press w again to write them anyway.")
			return nil
		}
		m.notice = ""
		return m.startWrite()
	}
	return nil
}

func (m Model) viewTest(p *page) {
	st := m.styles
	t := m.test
	if !m.update.accepted {
		p.add("No new credentials yet: go back to Step 3 (esc) to enter them, or skip this step (s).")
		return
	}
	p.add(st.Label.Render("Client ID      ") + m.update.acceptedID)
	p.add(st.Label.Render("Client secret  ") + m.update.acceptedSecret.Mask())
	p.blank()
	if t.testing {
		p.add(st.Running.Render(m.spinner.View()) + " requesting a token with the new pair (nothing written yet)…")
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
	m.renderScopes(p, o)
	p.blank()
	switch {
	case t.writing:
		p.add(st.Running.Render(m.spinner.View()) + " writing the config (atomic, locked, backed up)…")
		return
	case t.written:
		p.add(st.Pass.Render("✓ Wrote ") + t.result.Path)
		if t.result.BackupPath != "" {
			p.addIndent(2, st.Label.Render("backup ")+t.result.BackupPath)
		}
		p.add("Press enter to verify end-to-end with the new credentials.")
		return
	case t.writeErr != nil:
		p.add(st.Error.Render("✗ Nothing was written: " + t.writeErr.Error()))
	}
	m.renderDiff(p)
	if o.OK {
		p.add("Write these changes? Press w to write, esc to go back.")
	} else {
		p.add("e edits the values again, esc goes back, w writes them anyway (asks twice).")
	}
}

// renderScopes lists each requested scope as granted or not, then any
// granted scope that was not requested.
func (m Model) renderScopes(p *page, o probe.TokenOutcome) {
	st := m.styles
	if len(o.Requested) == 0 && len(o.Granted) == 0 {
		return
	}
	granted := map[string]bool{}
	for _, g := range o.Granted {
		granted[g] = true
	}
	p.add(st.Heading.Render("Scopes") + st.Muted.Render(fmt.Sprintf("  %d requested, %d granted", len(o.Requested), len(o.Granted))))
	requested := map[string]bool{}
	for _, r := range o.Requested {
		requested[r] = true
		if granted[r] {
			p.addIndent(2, st.Pass.Render("✓ ")+r)
		} else if o.OK {
			p.addIndent(2, st.Warn.Render("! ")+r+st.Muted.Render("  not granted"))
		} else {
			p.addIndent(2, st.Muted.Render("· ")+r)
		}
	}
	for _, g := range o.Granted {
		if !requested[g] {
			p.addIndent(2, st.Muted.Render("+ "+g+"  granted, not requested"))
		}
	}
}

func (m Model) renderDiff(p *page) {
	st := m.styles
	t := m.test
	if t.diffErr != nil {
		p.add(st.Error.Render("The diff could not be made: " + t.diffErr.Error()))
		return
	}
	if t.diff == "" {
		return
	}
	p.add(st.Heading.Render("Changes") + st.Muted.Render("  secrets shown as fingerprints"))
	for _, l := range strings.Split(strings.TrimRight(t.diff, "\n"), "\n") {
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
	p.blank()
}
