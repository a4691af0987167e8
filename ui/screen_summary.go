package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

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
}

func newSummaryScreen(c *common) *summaryScreen { return &summaryScreen{base: base{c}} }

func (s *summaryScreen) title() string { return "Summary" }

func (s *summaryScreen) busy() bool { return s.saving }

func (s *summaryScreen) setSize(_, _ int) { s.c.fitForm(s.f) }

func (s *summaryScreen) form() *huh.Form {
	if pending(s.f) {
		return s.f
	}
	return nil
}

func (s *summaryScreen) enter() tea.Cmd {
	s.c.session.Remaining = remaining(*s.c.session)
	if s.saved != "" {
		return nil
	}
	s.save = false
	s.f = s.c.newForm(huh.NewConfirm().Inline(true).WithButtonAlignment(lipgloss.Left).Value(&s.save).
		Title("Save the report?").Affirmative("Save").Negative("Quit"))
	return s.c.startForm(s.f)
}

func (s *summaryScreen) keys() screenKeys {
	label := "answer"
	if !pending(s.f) {
		label = "quit"
	}
	return screenKeys{save: pending(s.f), back: !s.saving, next: !s.saving, nextLabel: label}
}

func (s *summaryScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case reportSavedMsg:
		return s.onSaved(msg)
	case formSubmittedMsg:
		return s.decide()
	case tea.KeyPressMsg:
		k := s.c.keys.forScreen(s.keys())
		switch {
		case key.Matches(msg, k.Save):
			s.save = true
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

// decide saves the report when asked to, or ends the run.
func (s *summaryScreen) decide() tea.Cmd {
	if s.f != nil {
		s.f.State = huh.StateCompleted
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
		row("Client secret", sess.OldFingerprint+" → "+sess.NewFingerprint)
		if sess.WroteAnyway {
			p.addIndent(15, st.Warn.Render("! written although the token test failed"))
		}
	} else {
		row("Changes", "none written; the config is as it was")
	}
	if sess.Option != "" {
		row("Option", map[string]string{optionA: "A · regenerated the secret", optionB: "B · new system app"}[sess.Option])
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
		p.addIndent(2, st.Pass.Render("✓ ")+fmt.Sprintf("new pair tested: token issued, expires_in %d s", sess.TokenTest.ExpiresIn))
	}
	p.blank()
	p.add(st.Heading.Render("What remains"))
	if len(sess.Remaining) == 0 {
		p.addIndent(2, st.Pass.Render("nothing: the credentials work end-to-end"))
	}
	for _, r := range sess.Remaining {
		p.addIndent(2, "· "+r)
	}
	p.blank()
	switch {
	case s.saving:
		p.add(c.spin() + " saving the report…")
	case s.saved != "":
		p.add(st.Pass.Render("✓ Report saved to ") + s.saved)
		if !c.accessible {
			p.add("Press enter to quit.")
		}
	case pending(s.f):
		p.add("The markdown report goes to " + st.Code.Render(c.opts.reportPath()) + ".")
		if !c.accessible {
			p.mark()
			p.add(s.f.View())
		}
	}
}

// remaining lists what the session did not settle, in the order to do it.
func remaining(s Session) []string {
	var out []string
	if !s.Written() {
		out = append(out, "The config still holds the old credentials ("+s.OldFingerprint+").")
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
