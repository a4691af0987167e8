package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// verifyModel is Step 5: the whole probe again, with the credentials now in
// the file (reloaded from it, so the check covers what was written).
type verifyModel struct {
	run       probeRun
	reloadErr error
	reloading bool
}

func (m *Model) enterVerify() tea.Cmd {
	if m.verify.run.running || m.verify.reloading || m.verify.run.report != nil {
		return nil
	}
	return m.startVerify()
}

func (m *Model) startVerify() tea.Cmd {
	if m.test.written {
		m.verify.reloading = true
		return reloadCmd(m.deps.LoadTenant, m.tenant.Name)
	}
	return m.probeVerify()
}

func (m *Model) onReloaded(msg reloadedMsg) tea.Cmd {
	m.verify.reloading = false
	m.verify.reloadErr = msg.err
	if msg.err != nil {
		return nil
	}
	m.tenant = msg.tenant
	return m.probeVerify()
}

func (m *Model) probeVerify() tea.Cmd {
	id := m.newRun()
	ch, cmd := startProbe(m.ctx, m.deps.Probe, m.tenant, id)
	m.verify.run.start(id, ch)
	return tea.Batch(cmd, m.tick())
}

func (m Model) verifyKeys() screenKeys {
	r := m.verify.run
	done := !r.running && !m.verify.reloading
	return screenKeys{
		nav: len(r.rows) > 0, expand: len(r.rows) > 0, retry: done,
		next: done, nextLabel: "summary", back: done, skip: done,
	}
}

func (m *Model) verifyKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	r := &m.verify.run
	switch {
	case key.Matches(msg, k.Up):
		r.move(-1)
	case key.Matches(msg, k.Down):
		r.move(1)
	case key.Matches(msg, k.Expand):
		r.toggle()
	case key.Matches(msg, k.Retry):
		return m.startVerify()
	case key.Matches(msg, k.Next):
		return m.goTo(stepSummary)
	}
	return nil
}

func (m Model) viewVerify(p *page) {
	st := m.styles
	v := m.verify
	source := "the config as it is"
	if m.test.written {
		source = "the config as written"
	}
	p.add(st.Label.Render("Client ID      ") + m.tenant.Cerner.SystemApp.ClientID)
	p.add(st.Label.Render("Client secret  ") + m.tenant.Cerner.SystemApp.ClientSecret.Mask() + st.Muted.Render("  from "+source))
	if v.reloading {
		p.add(st.Running.Render(m.spinner.View()) + " reading the config back…")
		return
	}
	if v.reloadErr != nil {
		p.add(st.Error.Render("✗ The written config could not be read back: " + v.reloadErr.Error()))
		return
	}
	if name := patientName(v.run.report); name != "" {
		p.add(st.Label.Render("Patient        ") + st.Heading.Render(name))
	}
	p.blank()
	m.renderChecks(p, &v.run, true)
	if v.run.err != nil {
		p.add(st.Error.Render("✗ The probe stopped: " + v.run.err.Error()))
	}
	if v.run.report != nil {
		p.blank()
		passed, ran := Passed(v.run.report)
		line := passedLine(v.run.report)
		if passed == ran {
			p.add(st.Pass.Render("✓ " + line))
		} else {
			p.add(st.Fail.Render("✗ " + line))
		}
	}
}

// patientName is the summary of the patient read, which names the patient.
func patientName(r *probe.Report) string {
	if r == nil {
		return ""
	}
	for _, c := range r.Checks {
		if c.ID == "fhir.patient" && c.Status == probe.StatusPass {
			return strings.TrimSpace(c.Summary)
		}
	}
	return ""
}
