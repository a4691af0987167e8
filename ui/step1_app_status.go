package ui

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/probe"
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

// keyQuestion replaces the secret's question for a JWT app, which has none:
// what the portal says of its key.
const keyQuestion = "Is this key's kid still registered?"

// expiryQuestion is the one answered with a date rather than yes or no.
const expiryQuestion = 2

// Answers to the yes/no/unknown questions, as the report shows them.
const (
	answerYes     = "yes"
	answerNo      = "no"
	answerUnknown = "unknown"
)

// statusScreen is Step 1: where to look in the Code Console, and a form of
// the answers, which go into the report exactly as chosen. For a JWT app
// whose refusal may be a key not synced yet it also asks when the key was
// uploaded; a time there reruns the diagnosis with it as evidence.
type statusScreen struct {
	base
	answers [len(checklist)]string
	choices [len(checklist)]*choice[string] // nil at expiryQuestion
	expiry  *huh.Input
	// uploaded is the answer to uploadQuestion as typed; upload is its
	// field, nil when the question is not asked.
	uploaded string
	upload   *huh.Input
	last     huh.Field
	f        *huh.Form
	// run is the diagnosis rerun with the upload time.
	run probeRun
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

// questions are the checklist as this app reads it.
func (s *statusScreen) questions() []string {
	q := checklist
	if s.c.jwtApp() {
		q[len(q)-1] = keyQuestion
	}
	return q[:]
}

// asksUpload says whether Step 1 asks uploadQuestion: a JWT app whose
// diagnosis is a key cause, or still finds a key not synced possible.
func (s *statusScreen) asksUpload() bool {
	d := s.c.session.Diagnosis
	if !s.c.jwtApp() || d == nil {
		return false
	}
	switch d.Diagnosis.Top {
	case probe.CauseJWTKeyUnknown, probe.CauseJWTKeyMismatch, probe.CauseJWTKeyPropagating:
		return true
	}
	for _, cause := range d.Diagnosis.Causes {
		if cause.ID == probe.CauseJWTKeyPropagating {
			return cause.Verdict == probe.VerdictPossible || cause.Verdict == probe.VerdictLikely
		}
	}
	return false
}

func (s *statusScreen) title() string { return "Step 1 · Verify application status" }

func (s *statusScreen) form() *huh.Form { return s.f }

func (s *statusScreen) setSize(_, _ int) { s.c.fitForm(s.f) }

// enter builds the form afresh from the answers so far, so coming back
// to the step asks again with what was answered.
func (s *statusScreen) enter() tea.Cmd {
	var fields []huh.Field
	for i, q := range s.questions() {
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
	s.upload = nil
	if s.asksUpload() {
		title := uploadQuestion
		if s.c.accessible {
			title += " " + uploadHint + " [unknown]:"
		}
		s.upload = huh.NewInput().Title(title).Placeholder(uploadHint).
			CharLimit(40).Validate(s.validUpload).Value(&s.uploaded)
		fields = append(fields, s.upload)
	}
	s.last = fields[len(fields)-1]
	s.f = s.c.newForm(fields...)
	return s.c.startForm(s.f)
}

func (s *statusScreen) validUpload(v string) error {
	_, _, err := jwtauth.ParseUploaded(v, s.c.deps.now())
	return err
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

func (s *statusScreen) typing() bool {
	return focused(s.f, s.expiry) || s.upload != nil && focused(s.f, s.upload)
}

// typedInvalid says the focused Input holds an answer it refuses.
func (s *statusScreen) typedInvalid() bool {
	switch {
	case focused(s.f, s.expiry):
		return validExpiry(s.answers[expiryQuestion]) != nil
	case s.upload != nil && focused(s.f, s.upload):
		return s.validUpload(s.uploaded) != nil
	}
	return false
}

func (s *statusScreen) busy() bool { return s.run.running }

func (s *statusScreen) keys() screenKeys {
	if !pending(s.f) {
		return screenKeys{open: s.c.console().URL != "", next: !s.run.running, back: true, skip: !s.run.running}
	}
	return screenKeys{
		answer: !s.typing(), open: !s.typing() && s.c.console().URL != "", field: true, nav: true,
		next: true, nextLabel: "next question", back: true, skip: true, typing: s.typing(),
	}
}

func (s *statusScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case formSubmittedMsg:
		return s.submit()
	case tea.KeyPressMsg:
		return s.key(msg)
	case probeEventMsg, probeDoneMsg:
		cmd, done := s.run.update(msg)
		if done && s.run.report != nil {
			s.c.session.Diagnosis = s.run.report
			return tea.Batch(cmd, emit(rediagnosedMsg{report: s.run.report}))
		}
		return cmd
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
			return s.c.goTo(stepRegenerate)
		case key.Matches(msg, k.Open):
			return openCmd(s.c.deps.OpenURL, s.c.console().URL)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		return openCmd(s.c.deps.OpenURL, s.c.console().URL)
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
		if s.onLast() || s.typedInvalid() {
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

func (s *statusScreen) onLast() bool { return focused(s.f, s.last) }

// submit records the answers; the terminal rendering then moves on, the
// accessible one asks where to go. An upload time that changes what the
// wizard knows reruns the diagnosis first, on this screen.
func (s *statusScreen) submit() tea.Cmd {
	c := s.c
	qs := s.questions()
	cl := make([]report.Answer, 0, len(qs)+1)
	for i, q := range qs {
		cl = append(cl, report.Answer{Question: q, Answer: orUnknown(s.answers[i])})
	}
	if s.upload != nil {
		cl = append(cl, report.Answer{Question: uploadQuestion, Answer: orUnknown(s.uploaded)})
	}
	c.session.Checklist = cl
	if ev := s.evidence(); !ev.same(c.evidence) {
		c.evidence = ev
		return s.run.begin(c)
	}
	return c.advance(stepRegenerate)
}

func orUnknown(a string) string {
	if a = strings.TrimSpace(a); a == "" {
		return answerUnknown
	}
	return a
}

// evidence is what the answers tell the probe: when the key was uploaded.
func (s *statusScreen) evidence() Evidence {
	if s.upload == nil {
		return s.c.evidence
	}
	at, known, err := jwtauth.ParseUploaded(s.uploaded, s.c.deps.now())
	if err != nil || !known {
		return Evidence{}
	}
	return Evidence{KeyUploadedAt: at, KeyID: s.c.tenant.Cerner.SystemApp.KeyID}
}

func (e Evidence) same(o Evidence) bool {
	return e.KeyID == o.KeyID && e.KeyUploadedAt.Equal(o.KeyUploadedAt)
}

func (s *statusScreen) view(p *page) {
	c := s.c
	st := c.styles
	con := c.console()
	app := c.tenant.Cerner.SystemApp
	if c.jwtApp() {
		p.add("In " + con.Name + ", look at the application and its public keys:")
	} else {
		p.add("Log in to " + con.Name + " and look at the application:")
	}
	if con.URL != "" {
		p.add(st.Label.Render("Console      ") + st.Link.Hyperlink(con.URL).Render(con.URL))
	}
	if c.jwtApp() {
		p.add(st.Label.Render("Find app     ") + st.Code.Render(app.ClientID))
		p.add(st.Label.Render("Its key      ") + "kid " + st.Code.Render(app.KeyID))
	} else {
		p.add(st.Label.Render("Navigate to  ") + "My Apps → System Apps")
		p.add(st.Label.Render("Find app     ") + st.Code.Render(app.ClientID))
	}
	p.blank()
	p.add(st.Heading.Render("Record what you see") + st.Muted.Render("  (the answers go into the report)"))
	if !c.accessible && pending(s.f) {
		p.mark()
		p.add(s.f.View())
		return
	}
	if !c.accessible {
		for _, a := range c.session.Checklist {
			p.add(padRight(a.Question, 38) + a.Answer)
		}
	}
	switch {
	case s.run.running:
		p.blank()
		p.add(c.spin() + " diagnosing again with your answer…")
	case s.run.err != nil:
		p.blank()
		p.add(st.Error.Render("✗ The probe stopped: " + s.run.err.Error()))
	case s.run.report != nil && s.run.report == c.session.Diagnosis:
		p.blank()
		p.add(st.Muted.Render("Diagnosed again with your answer:"))
		renderVerdict(c, p, s.run.report)
	}
}
