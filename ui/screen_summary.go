package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// summaryScreen is the last screen: what changed, what passed, what
// remains, and a Confirm to save the markdown report (r answers yes).
type summaryScreen struct {
	base
	save    bool
	f       *huh.Form
	saving  bool
	saved   string
	saveErr error

	// After the write (docs/after-the-write.md): what remains, the stale
	// places picked to update and what updating them did, and whether the
	// user was offered the "Run after writing" step.
	remains  *afterwrite.Remains
	picked   []afterwrite.Place
	asked    bool // the stale places were offered
	updating bool
	updated  []string
	offered  bool // "Run after writing" was offered
	runNext  bool
	stage    summaryStage
}

// summaryStage is which question the Summary asks.
type summaryStage int

const (
	stageSave   summaryStage = iota // save the report?
	stagePlaces                     // which stale places to update too
	stageRun                        // run a command after writing?
)

func newSummaryScreen(c *common) *summaryScreen { return &summaryScreen{base: base{c}} }

func (s *summaryScreen) title() string { return "Summary" }

func (s *summaryScreen) busy() bool { return s.saving || s.updating }

func (s *summaryScreen) setSize(_, _ int) { s.c.fitForm(s.f) }

func (s *summaryScreen) form() *huh.Form {
	if pending(s.f) {
		return s.f
	}
	return nil
}

func (s *summaryScreen) enter() tea.Cmd {
	c := s.c
	c.session.Remaining = remaining(*c.session)
	if a := c.deps.After; a != nil && c.session.Written() && a.Remains != nil {
		r := a.Remains()
		s.remains = &r
		c.session.Remains = &r
		if stale := r.Stale(); len(stale) > 0 && !s.asked && a.Update != nil {
			return s.askPlaces(stale)
		}
		if !s.offered && a.Run != nil {
			return s.askRun()
		}
	}
	if s.saved != "" {
		return nil
	}
	s.stage = stageSave
	s.save = false
	s.f = s.c.newForm(huh.NewConfirm().Inline(true).WithButtonAlignment(lipgloss.Left).Value(&s.save).
		Title("Save the report?").Affirmative("Save").Negative("Quit"))
	return s.c.startForm(s.f)
}

// askPlaces offers the stale places as a multi-select, none picked: each
// is written only if the user picks it.
func (s *summaryScreen) askPlaces(stale []afterwrite.Place) tea.Cmd {
	s.stage, s.picked = stagePlaces, nil
	opts := make([]huh.Option[afterwrite.Place], 0, len(stale))
	for _, p := range stale {
		// Where each lives is in the list above; a label stays one line.
		label := p.Env + ", tenant " + p.Tenant + "  " + p.Fingerprint
		opts = append(opts, huh.NewOption(label, p))
	}
	// huh's MultiSelect shows no option unless told its height: the title,
	// the description, the options.
	s.f = s.c.newForm(huh.NewMultiSelect[afterwrite.Place]().Options(opts...).Value(&s.picked).
		Title("Update these stale places too? The regeneration broke their secret.").
		Description("space picks, enter writes the picked ones; none picked skips.").
		Height(len(opts) + 2))
	return s.c.startForm(s.f)
}

// askRun offers the "Run after writing" step.
func (s *summaryScreen) askRun() tea.Cmd {
	s.stage, s.runNext = stageRun, false
	s.f = s.c.newForm(huh.NewConfirm().Inline(true).WithButtonAlignment(lipgloss.Left).Value(&s.runNext).
		Title("Run a command now (restart, tests)?").Affirmative("Run after writing").Negative("Not now"))
	return s.c.startForm(s.f)
}

func (s *summaryScreen) keys() screenKeys {
	label := "answer"
	if !pending(s.f) {
		label = "quit"
	}
	busy := s.saving || s.updating
	return screenKeys{save: pending(s.f), back: !busy, next: !busy, nextLabel: label}
}

func (s *summaryScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case reportSavedMsg:
		return s.onSaved(msg)
	case placesUpdatedMsg:
		s.updating = false
		s.updated = append(s.updated, msg.lines...)
		return s.enter()
	case formSubmittedMsg:
		return s.decide()
	case tea.KeyPressMsg:
		k := s.c.keys.forScreen(s.keys())
		switch {
		case key.Matches(msg, k.Save):
			// r saves the report from any of the Summary's questions: the
			// ones not answered yet are skipped.
			s.stage, s.asked, s.offered, s.save = stageSave, true, true, true
			return s.decide()
		case !pending(s.f) && key.Matches(msg, k.Next):
			return tea.Quit
		}
		return handleForm(s.f, msg, s.decide)
	case event:
		return nil
	}
	return handleForm(s.f, msg, s.decide)
}

// decide acts on the answer: writes the picked places, opens "Run after
// writing", saves the report, or ends the run.
func (s *summaryScreen) decide() tea.Cmd {
	if s.f != nil {
		s.f.State = huh.StateCompleted
	}
	switch s.stage {
	case stagePlaces:
		s.asked = true
		if len(s.picked) == 0 {
			return s.enter()
		}
		s.updating = true
		return tea.Batch(updatePlacesCmd(s.c.ctx, s.c.deps.After.Update, s.picked), s.c.tick())
	case stageRun:
		s.offered = true
		if s.runNext {
			return s.c.goTo(sideRunAfter)
		}
		return s.enter()
	}
	if !s.save {
		return tea.Quit
	}
	s.saving = true
	sess := *s.c.session
	sess.ReportPath = s.c.opts.reportPath()
	sess.Remaining = remaining(sess)
	return saveReportCmd(s.c.deps.SaveReport, sess.ReportPath, sess)
}

func (s *summaryScreen) onSaved(msg reportSavedMsg) tea.Cmd {
	c := s.c
	s.saving = false
	if msg.err != nil {
		s.saveErr = msg.err
		c.setError("The report was not saved: " + msg.err.Error())
		return s.enter()
	}
	s.saved, s.saveErr = msg.path, nil
	c.session.ReportPath = msg.path
	c.setNotice("Saved the report to " + msg.path)
	if c.accessible {
		return tea.Quit // nothing is left to ask
	}
	return nil
}

func (s *summaryScreen) view(p *page) {
	c := s.c
	st := c.styles
	sess := *c.session
	sess.Remaining = remaining(sess)
	row := func(label, value string) { p.add(st.Label.Render(padRight(label, 15)) + value) }
	row("File", sess.ConfigPath)
	row("Tenant", sess.Tenant)
	if sess.Written() {
		row("Backup", report.OrNone(sess.BackupPath))
		if sess.NewClientID != sess.OldClientID {
			row("Client ID", sess.OldClientID+" → "+sess.NewClientID)
		} else {
			row("Client ID", sess.OldClientID+st.Muted.Render("  (unchanged)"))
		}
		if c.jwtApp() {
			row("Key", sess.OldFingerprint+" → "+sess.NewFingerprint)
		} else {
			row("Client secret", sess.OldFingerprint+" → "+sess.NewFingerprint)
		}
		if sess.WroteAnyway {
			p.addIndent(15, st.Warn.Render("! written although the token test failed"))
		}
	} else {
		row("Changes", "none written; the config is as it was")
	}
	if sess.Option != "" {
		a := "A · regenerated the secret"
		if c.jwtApp() {
			a = "A · rotated the key"
		}
		row("Option", map[string]string{optionA: a, optionB: "B · new system app"}[sess.Option])
	}
	p.blank()
	p.add(st.Heading.Render("What passed"))
	switch {
	case sess.After != nil:
		mark := st.Pass.Render("✓ ")
		if !allPassed(sess.After) {
			mark = st.Fail.Render("✗ ")
		}
		p.addIndent(2, mark+passedLine(sess.After))
		if name := patientName(sess.After); name != "" {
			p.addIndent(4, st.Muted.Render("patient "+name))
		}
	case sess.Diagnosis != nil:
		p.addIndent(2, passedLine(sess.Diagnosis)+st.Muted.Render(" (before any change; Step 5 did not run)"))
	default:
		p.addIndent(2, st.Muted.Render("no check ran"))
	}
	if sess.TokenTest != nil && sess.TokenTest.OK {
		what := "new pair"
		if c.jwtApp() {
			what = "new key"
		}
		p.addIndent(2, st.Pass.Render("✓ ")+fmt.Sprintf("%s tested: token issued, expires_in %d s", what, sess.TokenTest.ExpiresIn))
	}
	p.blank()
	p.add(st.Heading.Render("What remains"))
	if len(sess.Remaining) == 0 && s.remains == nil {
		p.addIndent(2, st.Pass.Render("nothing: the credentials work end-to-end"))
	}
	for _, r := range sess.Remaining {
		if s.remains != nil && s.remains.KeyID != "" && strings.HasPrefix(r, keyRestartLine) {
			continue // the measured list below says it, with the kid
		}
		p.addIndent(2, "· "+r)
	}
	if s.remains != nil {
		for _, l := range s.remains.Lines() {
			p.addIndent(2, remainsLine(st, l))
		}
	}
	for _, l := range s.updated {
		p.addIndent(2, remainsLine(st, l))
	}
	if len(sess.Then) > 0 {
		p.blank()
		p.add(st.Heading.Render("After the write"))
		for _, r := range sess.Then {
			mark := st.Pass.Render("✓ ")
			if !r.OK() {
				mark = st.Fail.Render("✗ ")
			}
			p.addIndent(2, mark+st.Code.Render(r.Command)+"  "+r.Outcome())
		}
	}
	p.blank()
	switch {
	case s.updating:
		p.add(c.spin() + " writing the picked places…")
	case s.saving:
		p.add(c.spin() + " saving the report…")
	case s.saved != "":
		p.add(st.Pass.Render("✓ Report saved to ") + s.saved)
		if !c.accessible {
			p.add("Press enter to quit.")
		}
	case pending(s.f):
		if s.stage == stageSave {
			p.add("The markdown report goes to " + st.Code.Render(c.opts.reportPath()) + ".")
		}
		if !c.accessible {
			p.mark()
			p.add(s.f.View())
			if s.stage != stageSave {
				// Scroll to the question's last line, so all of it shows.
				p.cursor = len(p.lines) - 1
			}
		}
	}
}

// remainsLine colours a line of afterwrite's text by its mark.
func remainsLine(st styles, l string) string {
	mark, rest, ok := strings.Cut(l, " ")
	if !ok {
		return l
	}
	switch mark {
	case "✓":
		return st.Pass.Render(mark) + " " + rest
	case "✗":
		return st.Fail.Render(mark) + " " + rest
	case "!", "?":
		return st.Warn.Render(mark) + " " + rest
	}
	return l
}

// remaining lists what the session did not settle, in the order to do it.
// keyRestartLine starts what remains after a key rotation.
const keyRestartLine = "Restart or reload the backend so it signs with the new key"

func remaining(s Session) []string {
	var out []string
	if !s.Written() {
		out = append(out, "The config still holds the old credentials ("+s.OldFingerprint+").")
	}
	if s.Written() && s.OldKeyPath != "" {
		out = append(out, keyRestartLine+"; then retire the old key "+s.OldKeyPath+" and its registration on the server (the file is kept until then).")
	}
	if s.Diagnosis != nil && s.Diagnosis.Diagnosis.Top == probe.CauseEdgeBlock && !allPassed(s.After) {
		out = append(out, "The edge block: retry from another network or the expected egress, and ask Cerner support whether your address is allowed.")
	}
	switch {
	case s.After == nil:
		out = append(out, "Verify end-to-end: run `fhirdoctor probe`.")
	default:
		for _, c := range s.After.Checks {
			if c.Status != probe.StatusFail {
				continue
			}
			what := c.Summary
			if c.Remedy != "" {
				what = c.Remedy
			}
			out = append(out, c.Title+": "+what)
		}
	}
	return out
}
