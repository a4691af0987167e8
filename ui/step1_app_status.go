package ui

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/fhirdoctor/fhirdoctor/report"
)

// checklist is Step 1: what to look at in the Code Console
// (docs/wizard.md, "Step 1").
var checklist = [...]string{
	"Is the application still listed?",
	`Is the application status "Active"?`,
	"When does/did it expire?",
	"Are the scopes still granted?",
	"Has the client secret been rotated?",
}

// expiryQuestion is the one answered with a date rather than yes or no.
const expiryQuestion = 2

// Answers to the yes/no/unknown questions, as the report shows them.
const (
	answerYes     = "yes"
	answerNo      = "no"
	answerUnknown = "unknown"
)

// statusScreen is Step 1: where to look in the Code Console, and a form of
// the answers, which go into the report exactly as chosen.
type statusScreen struct {
	base
	answers [len(checklist)]string
	choices [len(checklist)]*choice[string] // nil at expiryQuestion
	expiry  *huh.Input
	f       *huh.Form
}

func newStatusScreen(c *common) *statusScreen {
	s := &statusScreen{base: base{c}}
	for i := range s.answers {
		if i != expiryQuestion {
			s.answers[i] = answerUnknown
		}
	}
	return s
}

func (s *statusScreen) title() string { return "Step 1 · Verify application status" }

func (s *statusScreen) form() *huh.Form { return s.f }

func (s *statusScreen) setSize(_, _ int) { s.c.fitForm(s.f) }

// enter builds the form afresh from the answers so far, so coming back
// to the step asks again with what was answered.
func (s *statusScreen) enter() tea.Cmd {
	var fields []huh.Field
	for i, q := range checklist {
		if i == expiryQuestion {
			title := q
			if s.c.accessible {
				title += " YYYY-MM-DD, never or unknown [unknown]:" // huh prompts with the title only
			}
			s.expiry = huh.NewInput().Title(title).Placeholder("YYYY-MM-DD, never or unknown").
				CharLimit(40).Validate(validExpiry).Value(&s.answers[i])
			fields = append(fields, s.expiry)
			continue
		}
		s.choices[i] = newChoice(q, &s.answers[i],
			opt(answerYes, answerYes, "yes", "y"),
			opt(answerNo, answerNo, "no", "n"),
			opt(answerUnknown, answerUnknown, "unknown", "u", "unsure", "not sure", "?"))
		s.choices[i].Inline(true)
		fields = append(fields, s.choices[i])
	}
	s.f = s.c.newForm(fields...)
	return s.c.startForm(s.f)
}

// validExpiry takes a calendar date, never or unknown (empty counts as
// unknown).
func validExpiry(v string) error {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "", "never", answerUnknown:
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err == nil {
		return nil
	}
	return errors.New("type a date as YYYY-MM-DD, never or unknown")
}

func (s *statusScreen) typing() bool { return focused(s.f, s.expiry) }

func (s *statusScreen) keys() screenKeys {
	if !pending(s.f) {
		return screenKeys{open: true, next: true, back: true, skip: true}
	}
	return screenKeys{
		answer: !s.typing(), open: !s.typing(), field: true, nav: true,
		next: true, nextLabel: "next question", back: true, skip: true, typing: s.typing(),
	}
}

func (s *statusScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case formSubmittedMsg:
		return s.submit()
	case tea.KeyPressMsg:
		return s.key(msg)
	case event:
		return nil
	}
	return handleForm(s.f, msg, s.submit)
}

func (s *statusScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys.forScreen(s.keys())
	if !pending(s.f) {
		switch {
		case key.Matches(msg, k.Next):
			return goTo(stepRegenerate)
		case key.Matches(msg, k.Open):
			return openCmd(s.c.deps.OpenURL, s.c.deps.ConsoleURL)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		return openCmd(s.c.deps.OpenURL, s.c.deps.ConsoleURL)
	case key.Matches(msg, k.Yes):
		return s.answer(answerYes)
	case key.Matches(msg, k.No):
		return s.answer(answerNo)
	case key.Matches(msg, k.Unknown):
		return s.answer(answerUnknown)
	case key.Matches(msg, k.Up):
		return s.f.PrevField()
	case key.Matches(msg, k.Down), key.Matches(msg, k.Field) && msg.String() == "tab", key.Matches(msg, k.Next):
		// Move now rather than through huh's command, so keys typed
		// right after land in the next field.
		if s.onLast() || s.typing() && validExpiry(s.answers[expiryQuestion]) != nil {
			break
		}
		return s.f.NextField()
	}
	return handleForm(s.f, msg, s.submit)
}

// answer sets the focused question and moves to the next one; the last
// keeps the focus, so the answers are seen before enter moves on.
func (s *statusScreen) answer(a string) tea.Cmd {
	for _, ch := range s.choices {
		if ch != nil && focused(s.f, ch) {
			ch.set(a)
			refresh(s.f)
			if s.onLast() {
				return nil
			}
			return s.f.NextField()
		}
	}
	return nil
}

func (s *statusScreen) onLast() bool {
	return focused(s.f, s.choices[len(checklist)-1])
}

// submit records the answers; the terminal rendering then moves on, the
// accessible one asks where to go.
func (s *statusScreen) submit() tea.Cmd {
	cl := make([]report.Answer, len(checklist))
	for i, q := range checklist {
		a := strings.TrimSpace(s.answers[i])
		if a == "" {
			a = answerUnknown
		}
		cl[i] = report.Answer{Question: q, Answer: a}
	}
	s.c.session.Checklist = cl
	return s.c.advance(stepRegenerate)
}

func (s *statusScreen) view(p *page) {
	c := s.c
	st := c.styles
	url := c.deps.ConsoleURL
	p.add("Log in to the Cerner Code Console and look at the application:")
	p.add(st.Label.Render("Console      ") + st.Link.Hyperlink(url).Render(url))
	p.add(st.Label.Render("Navigate to  ") + "My Apps → System Apps")
	p.add(st.Label.Render("Find app     ") + st.Code.Render(c.tenant.Cerner.SystemApp.ClientID))
	p.blank()
	p.add(st.Heading.Render("Record what you see") + st.Muted.Render("  (the answers go into the report)"))
	if c.accessible {
		return
	}
	if pending(s.f) {
		p.mark()
		p.add(s.f.View())
		return
	}
	for _, a := range c.session.Checklist {
		p.add(padRight(a.Question, 38) + a.Answer)
	}
}
