package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// checklist is the seed report's Step 1, as questions the user answers.
var checklist = [...]string{
	"Is the application still listed?",
	`Is the application status "Active"?`,
	"When does/did it expire?",
	"Are the scopes still granted?",
	"Has the client secret been rotated?",
}

// expiryQuestion is the one answered with free text (a date, "never").
const expiryQuestion = 2

// statusModel is Step 1: where to look in the Code Console and the answers.
type statusModel struct {
	cursor  int
	answers [len(checklist)]string
	expiry  textinput.Model
}

func newStatusModel() statusModel {
	ti := textinput.New()
	ti.Placeholder = "a date, never, unknown"
	ti.Prompt = ""
	ti.CharLimit = 40
	ti.SetWidth(30)
	return statusModel{expiry: ti}
}

func (s *statusModel) typing() bool { return s.cursor == expiryQuestion }

func (s *statusModel) blur() { s.expiry.Blur() }

func (s *statusModel) forward(msg tea.Msg) tea.Cmd {
	if !s.expiry.Focused() {
		return nil
	}
	var cmd tea.Cmd
	s.expiry, cmd = s.expiry.Update(msg)
	s.answers[expiryQuestion] = s.expiry.Value()
	return cmd
}

func (s *statusModel) focusCursor() tea.Cmd {
	if s.typing() {
		return s.expiry.Focus()
	}
	s.expiry.Blur()
	return nil
}

func (m *Model) enterStatus() tea.Cmd {
	m.update.blur()
	return m.status.focusCursor()
}

func (m Model) statusKeys() screenKeys {
	return screenKeys{
		nav: true, answer: !m.status.typing(), open: !m.status.typing(),
		next: true, back: true, skip: true, typing: m.status.typing(),
	}
}

func (m *Model) statusKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	s := &m.status
	answer := func(a string) tea.Cmd {
		s.answers[s.cursor] = a
		s.cursor = min(len(checklist)-1, s.cursor+1)
		return s.focusCursor()
	}
	switch {
	case key.Matches(msg, k.Up):
		s.cursor = max(0, s.cursor-1)
		return s.focusCursor()
	case key.Matches(msg, k.Down):
		s.cursor = min(len(checklist)-1, s.cursor+1)
		return s.focusCursor()
	case key.Matches(msg, k.Next):
		if s.typing() && s.cursor < len(checklist)-1 {
			s.cursor++
			return s.focusCursor()
		}
		m.recordChecklist()
		return m.goTo(stepRegenerate)
	case key.Matches(msg, k.Yes):
		return answer("yes")
	case key.Matches(msg, k.No):
		return answer("no")
	case key.Matches(msg, k.Unknown):
		return answer("not sure")
	case key.Matches(msg, k.Open):
		return openCmd(m.deps.OpenURL, m.deps.ConsoleURL)
	}
	return s.forward(msg)
}

func (m *Model) recordChecklist() {
	m.session.Checklist = m.session.Checklist[:0]
	for i, q := range checklist {
		m.session.Checklist = append(m.session.Checklist, ChecklistAnswer{Question: q, Answer: m.status.answers[i]})
	}
}

func (m Model) viewStatus(p *page) {
	st := m.styles
	url := m.deps.ConsoleURL
	p.add("Log in to the Cerner Code Console and look at the application:")
	p.blank()
	p.add(st.Label.Render("Console      ") + st.Link.Hyperlink(url).Render(url))
	p.add(st.Label.Render("Navigate to  ") + "My Apps → System Apps")
	p.add(st.Label.Render("Find app     ") + st.Code.Render(m.tenant.Cerner.SystemApp.ClientID))
	p.blank()
	p.add(st.Heading.Render("Record what you see") + st.Muted.Render("  (the answers go into the report)"))
	for i, q := range checklist {
		pointer := "  "
		if i == m.status.cursor {
			pointer = st.Selected.Render("› ")
			p.mark()
		}
		a := m.status.answers[i]
		var shown string
		switch {
		case i == expiryQuestion && m.status.expiry.Focused():
			shown = m.status.expiry.View()
		case a == "":
			shown = st.Muted.Render("–")
		case a == "yes":
			shown = st.Pass.Render(a)
		case a == "no":
			shown = st.Fail.Render(a)
		default:
			shown = st.Warn.Render(a)
		}
		p.add(pointer + padRight(q, 38) + shown)
	}
}
