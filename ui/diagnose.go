package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// diagnoseModel is the Diagnose screen: the tenant (picked when there are
// several), the current credentials, the live checks, the ranked causes.
type diagnoseModel struct {
	tenants    []string
	picking    bool
	pick       int
	tenantName string
	loading    bool
	loadErr    error
	run        probeRun
}

func newDiagnoseModel(tenants []string, preset string) diagnoseModel {
	d := diagnoseModel{tenants: tenants, tenantName: preset, loading: true}
	if preset == "" && len(tenants) > 1 {
		d.picking, d.loading = true, false
	} else if preset == "" && len(tenants) == 1 {
		d.tenantName = tenants[0]
	}
	return d
}

func (m *Model) onTenantLoaded(msg tenantLoadedMsg) tea.Cmd {
	m.diag.loading = false
	if msg.err != nil {
		m.diag.loadErr = msg.err
		return nil
	}
	m.diag.loadErr = nil
	m.tenant = msg.tenant
	m.session.Tenant = msg.tenant.Name
	m.session.ClientIDOld = msg.tenant.Cerner.SystemApp.ClientID
	m.session.FingerprintOld = msg.tenant.Cerner.SystemApp.ClientSecret.Fingerprint()
	return m.startDiagnose()
}

func (m *Model) startDiagnose() tea.Cmd {
	id := m.newRun()
	ch, cmd := startProbe(m.ctx, m.deps.Probe, m.tenant, id)
	m.diag.run.start(id, ch)
	return tea.Batch(cmd, m.tick())
}

func (m *Model) onProbeEvent(msg probeEventMsg) tea.Cmd {
	r := m.runFor(msg.run)
	if r == nil {
		return nil
	}
	r.apply(msg.event)
	return listen(r.ch)
}

func (m *Model) onProbeDone(msg probeDoneMsg) tea.Cmd {
	r := m.runFor(msg.run)
	if r == nil {
		return nil
	}
	r.finish(msg.report, msg.err)
	if r == &m.diag.run {
		m.session.Diagnosis = msg.report
	} else {
		m.session.Verify = msg.report
	}
	return nil
}

// runFor finds the live run a message belongs to; stale runs get nil.
func (m *Model) runFor(id int) *probeRun {
	switch id {
	case m.diag.run.id:
		return &m.diag.run
	case m.verify.run.id:
		return &m.verify.run
	}
	return nil
}

func (m Model) diagnoseKeys() screenKeys {
	d := m.diag
	if d.picking {
		return screenKeys{nav: true, next: true, nextLabel: "choose tenant"}
	}
	done := !d.run.running && (d.run.report != nil || d.run.err != nil)
	return screenKeys{
		nav: len(d.run.rows) > 0, expand: len(d.run.rows) > 0,
		retry: done || d.loadErr != nil, next: done, skip: done,
		provider: m.providerAvailable(),
	}
}

func (m *Model) diagnoseKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	d := &m.diag
	if d.picking {
		switch {
		case key.Matches(msg, k.Up):
			d.pick = max(0, d.pick-1)
		case key.Matches(msg, k.Down):
			d.pick = min(len(d.tenants)-1, d.pick+1)
		case key.Matches(msg, k.Next):
			d.picking, d.loading = false, true
			d.tenantName = d.tenants[d.pick]
			return tea.Batch(loadTenantCmd(m.deps.LoadTenant, d.tenantName), m.tick())
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Up):
		d.run.move(-1)
	case key.Matches(msg, k.Down):
		d.run.move(1)
	case key.Matches(msg, k.Expand):
		d.run.toggle()
	case key.Matches(msg, k.Retry):
		if d.loadErr != nil {
			d.loading = true
			return tea.Batch(loadTenantCmd(m.deps.LoadTenant, d.tenantName), m.tick())
		}
		return m.startDiagnose()
	case key.Matches(msg, k.Next):
		return m.goTo(stepStatus)
	case key.Matches(msg, k.Provider):
		return m.startProvider()
	}
	return nil
}

func (m Model) viewDiagnose(p *page) {
	d := m.diag
	s := m.styles
	p.add(s.Label.Render("Config         ") + m.deps.ConfigPath)
	if d.picking {
		p.add(s.Label.Render("Tenant         ") + "choose one of the config's tenants:")
		p.blank()
		for i, t := range d.tenants {
			if i == d.pick {
				p.mark()
				p.add(s.Selected.Render("› " + t))
			} else {
				p.add("  " + t)
			}
		}
		return
	}
	p.add(s.Label.Render("Tenant         ") + d.tenantName)
	if d.loading {
		p.add(s.Running.Render(m.spinner.View()) + " loading the tenant…")
		return
	}
	if d.loadErr != nil {
		p.blank()
		p.add(s.Error.Render("✗ The tenant could not be loaded:"))
		p.addIndent(2, d.loadErr.Error())
		p.add("Fix the file, then press r to load it again (`fhirdoctor config validate` lists every problem).")
		return
	}
	app := m.tenant.Cerner.SystemApp
	p.add(s.Label.Render("Client ID      ") + app.ClientID)
	secret := app.ClientSecret.Mask()
	if src := app.ClientSecret.Source().String(); src != "" {
		secret += s.Muted.Render("  from " + src)
	}
	p.add(s.Label.Render("Client secret  ") + secret)
	if m.providerAvailable() {
		p.add(s.Label.Render("Provider app   ") + m.tenant.Cerner.ProviderApp.ClientID + s.Muted.Render("  press p to test its sign-in"))
	}
	p.blank()
	p.add(s.Heading.Render("Checks"))
	if len(d.run.rows) == 0 && d.run.running {
		p.add("  " + s.Running.Render(m.spinner.View()) + " starting…")
	}
	m.renderChecks(p, &d.run, true)
	if d.run.err != nil {
		p.add(s.Error.Render("✗ The probe stopped: " + d.run.err.Error()))
	}
	if d.run.report != nil {
		p.blank()
		m.renderDiagnosis(p, d.run.report.Diagnosis)
	}
}

// renderDiagnosis lists the ranked causes with verdicts and evidence; an
// edge block gets a plain warning that rotating will probably not help.
func (m Model) renderDiagnosis(p *page, dg probe.Diagnosis) {
	s := m.styles
	if dg.Top == probe.CauseOK {
		passed, ran := Passed(m.diag.run.report)
		p.add(s.Pass.Render(fmt.Sprintf("✓ No problem found: %d of %d checks passed.", passed, ran)))
		p.add("You can still rotate the secret: press enter to go through the steps.")
		return
	}
	if dg.Top == probe.CauseEdgeBlock {
		p.add(s.Callout.Width(p.width).Render(edgeBlockAdvice))
		p.blank()
	}
	p.add(s.Heading.Render("Diagnosis") + s.Muted.Render("  most likely first"))
	n := 0
	for _, c := range dg.Causes {
		if c.Verdict == probe.VerdictRuledOut {
			continue
		}
		n++
		line := fmt.Sprintf("%d. %s  %s", n, s.FieldName.Render(string(c.ID)), m.verdict(c.Verdict))
		if c.Step > 0 {
			line += s.Muted.Render(fmt.Sprintf("  → Step %d", c.Step))
		}
		p.add(line)
		for _, e := range c.Evidence {
			p.addIndent(5, s.Muted.Render("· "+e))
		}
		if c.Fix != "" {
			p.addIndent(5, "fix: "+c.Fix)
		}
	}
	for _, c := range dg.Causes {
		if c.Verdict != probe.VerdictRuledOut {
			continue
		}
		line := s.Muted.Render("ruled out: ") + string(c.ID)
		if len(c.Evidence) > 0 {
			line += s.Muted.Render(" · " + c.Evidence[0])
		}
		p.addIndent(2, line)
	}
}

func (m Model) verdict(v probe.Verdict) string {
	switch v {
	case probe.VerdictConfirmed:
		return m.styles.Fail.Render(string(v))
	case probe.VerdictLikely:
		return m.styles.Warn.Render(string(v))
	}
	return m.styles.Muted.Render(string(v))
}

// edgeBlockAdvice follows cerner-smart-facts.md: the evidence is inferred,
// so it says "most likely" and names the test that settles it.
const edgeBlockAdvice = "A new secret is unlikely to help. The token endpoint answered 403 with a " +
	"plain-text body, no OAuth error and no Cerner-Correlation-Id: most likely a firewall, WAF or IP " +
	"restriction refused the request before the OAuth server saw it.\n" +
	"Try instead: run the probe from another network or through your organisation's expected egress " +
	"(VPN, CI runner), and ask Cerner support whether your address is allowed.\n" +
	"You can still go on with the steps (enter)."
