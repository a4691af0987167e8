package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// summaryModel is the last screen: what changed, what passed, what remains.
type summaryModel struct {
	saving  bool
	saved   string
	saveErr error
}

func (m *Model) enterSummary() {
	m.status.blur()
	m.update.blur()
	m.session.Remaining = remaining(m.session)
}

func (m Model) summaryKeys() screenKeys {
	return screenKeys{save: !m.summary.saving, back: true, next: true, nextLabel: "quit"}
}

func (m *Model) summaryKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	switch {
	case key.Matches(msg, k.Save):
		m.summary.saving = true
		s := m.Session()
		s.ReportPath = m.opts.reportPath()
		return saveReportCmd(m.deps.SaveReport, m.opts.reportPath(), s)
	case key.Matches(msg, k.Next):
		return tea.Quit
	}
	return nil
}

func (m *Model) onReportSaved(msg reportSavedMsg) {
	m.summary.saving = false
	if msg.err != nil {
		m.summary.saveErr = msg.err
		m.setError("The report was not saved: " + msg.err.Error())
		return
	}
	m.summary.saved, m.summary.saveErr = msg.path, nil
	m.session.ReportPath = msg.path
	m.setNotice("Saved the report to " + msg.path)
}

// Session is what happened so far, with Remaining filled in.
func (m Model) Session() Session {
	s := m.session
	s.Checklist = append([]ChecklistAnswer(nil), s.Checklist...)
	s.Skipped = append([]string(nil), s.Skipped...)
	s.Remaining = remaining(s)
	return s
}

func (m Model) viewSummary(p *page) {
	st := m.styles
	s := m.Session()
	row := func(label, value string) { p.add(st.Label.Render(padRight(label, 15)) + value) }
	row("File", s.ConfigPath)
	row("Tenant", s.Tenant)
	if s.Written {
		backup := s.BackupPath
		if backup == "" {
			backup = "(none)"
		}
		row("Backup", backup)
		if s.ClientIDNew != s.ClientIDOld {
			row("Client ID", s.ClientIDOld+" → "+s.ClientIDNew)
		} else {
			row("Client ID", s.ClientIDOld+st.Muted.Render("  (unchanged)"))
		}
		row("Client secret", s.FingerprintOld+" → "+s.FingerprintNew)
		if s.WroteAnyway {
			p.addIndent(15, st.Warn.Render("! written although the token test failed"))
		}
	} else {
		row("Changes", "none written; the config is as it was")
	}
	if s.Option != "" {
		row("Option", map[string]string{"A": "A · regenerated the secret", "B": "B · new system app"}[s.Option])
	}
	p.blank()
	p.add(st.Heading.Render("What passed"))
	switch {
	case s.Verify != nil:
		passed, ran := Passed(s.Verify)
		mark := st.Pass.Render("✓ ")
		if passed != ran {
			mark = st.Fail.Render("✗ ")
		}
		p.addIndent(2, mark+passedLine(s.Verify))
		if name := patientName(s.Verify); name != "" {
			p.addIndent(4, st.Muted.Render("patient "+name))
		}
	case s.Diagnosis != nil:
		p.addIndent(2, passedLine(s.Diagnosis)+st.Muted.Render(" (before any change; Step 5 did not run)"))
	default:
		p.addIndent(2, st.Muted.Render("no check ran"))
	}
	if s.TokenTest != nil && s.TokenTest.OK {
		p.addIndent(2, st.Pass.Render("✓ ")+fmt.Sprintf("new pair tested: token issued, expires_in %d s", s.TokenTest.ExpiresIn))
	}
	p.blank()
	p.add(st.Heading.Render("What remains"))
	if len(s.Remaining) == 0 {
		p.addIndent(2, st.Pass.Render("nothing: the credentials work end-to-end"))
	}
	for _, r := range s.Remaining {
		p.addIndent(2, "· "+r)
	}
	p.blank()
	switch {
	case m.summary.saving:
		p.add(st.Running.Render(m.spinner.View()) + " saving the report…")
	case m.summary.saved != "":
		p.add(st.Pass.Render("✓ Report saved to ") + m.summary.saved)
	default:
		p.add("Press r to save the markdown report to " + st.Code.Render(m.opts.reportPath()) + ", enter to quit.")
	}
}

// remaining lists what the session did not settle, in the order to do it.
func remaining(s Session) []string {
	var out []string
	if !s.Written {
		out = append(out, "The config still holds the old credentials ("+s.FingerprintOld+").")
	}
	if s.Diagnosis != nil && s.Diagnosis.Diagnosis.Top == probe.CauseEdgeBlock && !allPassed(s.Verify) {
		out = append(out, "The edge block: retry from another network or the expected egress, and ask Cerner support whether your address is allowed.")
	}
	switch {
	case s.Verify == nil:
		out = append(out, "Verify end-to-end: run `fhirdoctor probe`.")
	default:
		for _, c := range s.Verify.Checks {
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

func allPassed(r *probe.Report) bool {
	passed, ran := Passed(r)
	return r != nil && passed == ran
}
