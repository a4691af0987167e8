package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// diagnoseScreen is Diagnose: the tenant (picked when the config has
// several), the current credentials, the live checks, the ranked causes.
type diagnoseScreen struct {
	base
	picking    bool
	pick       string
	picker     *huh.Form
	tenantName string
	started    bool
	loading    bool
	loadErr    error
	run        probeRun
}

func newDiagnoseScreen(c *common) *diagnoseScreen {
	d := &diagnoseScreen{base: base{c}, tenantName: c.opts.Tenant}
	tenants := c.deps.Tenants
	switch {
	case d.tenantName == "" && len(tenants) > 1:
		d.picking, d.pick = true, tenants[0]
		opts := make([]choiceOpt[string], len(tenants))
		for i, t := range tenants {
			opts[i] = opt(t, t, t)
		}
		d.picker = c.newForm(newChoice("Which tenant?", &d.pick, opts...))
	case d.tenantName == "" && len(tenants) == 1:
		d.tenantName = tenants[0]
	}
	return d
}

func (d *diagnoseScreen) title() string { return "Diagnose" }

func (d *diagnoseScreen) busy() bool { return d.loading || d.run.running }

func (d *diagnoseScreen) setSize(_, _ int) { d.c.fitForm(d.picker) }

func (d *diagnoseScreen) form() *huh.Form {
	if d.picking {
		return d.picker
	}
	return nil
}

func (d *diagnoseScreen) enter() tea.Cmd {
	if d.picking {
		return d.c.startForm(d.picker)
	}
	if d.started {
		return nil
	}
	return d.load()
}

func (d *diagnoseScreen) load() tea.Cmd {
	d.started, d.loading = true, true
	return tea.Batch(loadTenantCmd(d.c.deps.LoadTenant, d.tenantName), d.c.tick())
}

func (d *diagnoseScreen) update(msg tea.Msg) tea.Cmd {
	c := d.c
	switch msg := msg.(type) {
	case tenantLoadedMsg:
		d.loading = false
		d.loadErr = msg.err
		if msg.err != nil {
			return nil
		}
		c.tenant = msg.tenant
		app := msg.tenant.Cerner.SystemApp
		c.session.Tenant = msg.tenant.Name
		c.session.OldClientID = app.ClientID
		c.session.OldFingerprint = app.ClientSecret.Fingerprint()
		if app.AuthMethod() == config.AuthPrivateKeyJWT {
			// A JWT app's credential is its key, named by kid (the new
			// one is "kid ..." too: jwt_key.go).
			c.session.OldFingerprint = "kid " + app.KeyID
		}
		return d.startProbe()
	case probeEventMsg, probeDoneMsg:
		cmd, done := d.run.update(msg)
		if done {
			c.session.Diagnosis = d.run.report
		}
		return cmd
	case rediagnosedMsg:
		d.run.finish(msg.report, nil)
		return nil
	case formSubmittedMsg:
		if d.picking {
			return d.picked()
		}
	case tea.KeyPressMsg:
		if d.picking {
			return handleForm(d.picker, msg, d.picked)
		}
		return d.key(msg)
	case event:
		return nil
	default:
		if d.picking {
			return handleForm(d.picker, msg, d.picked)
		}
	}
	return nil
}

func (d *diagnoseScreen) picked() tea.Cmd {
	d.picking = false
	d.tenantName = d.pick
	return d.load()
}

func (d *diagnoseScreen) startProbe() tea.Cmd { return d.run.begin(d.c) }

func (d *diagnoseScreen) done() bool {
	return !d.run.running && (d.run.report != nil || d.run.err != nil)
}

func (d *diagnoseScreen) providerAvailable() bool {
	c := d.c
	return c.deps.ProviderRoundTrip != nil && !d.picking && !d.loading && d.loadErr == nil &&
		c.tenant.Cerner.ProviderApp != nil
}

func (d *diagnoseScreen) keys() screenKeys {
	if d.picking {
		return screenKeys{nav: true, next: true, nextLabel: "choose tenant"}
	}
	return screenKeys{
		nav: len(d.run.rows) > 0, expand: len(d.run.rows) > 0,
		retry: d.done() || d.loadErr != nil, next: d.done(), skip: d.done(),
		provider: d.providerAvailable(),
	}
}

func (d *diagnoseScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := d.c.keys.forScreen(d.keys())
	if d.run.key(msg, k) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Retry):
		if d.loadErr != nil {
			return d.load()
		}
		return d.startProbe()
	case key.Matches(msg, k.Next):
		return d.c.goTo(stepStatus)
	case key.Matches(msg, k.Provider):
		return d.c.goTo(sideProvider)
	}
	return nil
}

func (d *diagnoseScreen) view(p *page) {
	c := d.c
	s := c.styles
	p.add(s.Label.Render("Config         ") + c.deps.ConfigPath)
	if d.picking {
		p.add(s.Label.Render("Tenant         ") + "the config has several: choose one.")
		p.blank()
		if !c.accessible {
			p.mark()
			p.add(d.picker.View())
		}
		return
	}
	if c.compact() {
		p.lines = p.lines[:len(p.lines)-1] // one line for file and tenant
		p.add(ansi.Truncate(s.Label.Render("Tenant ")+d.tenantName+s.Label.Render("  in ")+c.deps.ConfigPath, p.width, "…"))
	} else {
		p.add(s.Label.Render("Tenant         ") + d.tenantName)
	}
	if d.loading {
		p.add(c.spin() + " loading the tenant…")
		return
	}
	if d.loadErr != nil {
		p.blank()
		p.add(s.Error.Render("✗ The tenant could not be loaded:"))
		p.addIndent(2, d.loadErr.Error())
		p.add("Fix the file, then rerun (r) to load it again (`fhirdoctor config validate` lists every problem).")
		return
	}
	app := c.tenant.Cerner.SystemApp
	jwt := app.AuthMethod() == config.AuthPrivateKeyJWT
	switch {
	case jwt && c.compact():
		// A JWT app's credential is its key: named by kid and path, never shown.
		p.add(ansi.Truncate(s.Label.Render("Key ")+app.KeyID+s.Label.Render("  client ")+app.ClientID, p.width, "…"))
	case jwt:
		p.add(s.Label.Render("Client ID      ") + app.ClientID)
		p.add(ansi.Truncate(s.Label.Render("Private key    ")+"kid "+app.KeyID+s.Muted.Render("  "+app.PrivateKeyPath), p.width, "…"))
	case c.compact():
		p.add(ansi.Truncate(s.Label.Render("Secret ")+app.ClientSecret.Mask()+s.Label.Render("  client ")+app.ClientID, p.width, "…"))
	default:
		p.add(s.Label.Render("Client ID      ") + app.ClientID)
		secret := app.ClientSecret.Mask()
		if src := app.ClientSecret.Source().String(); src != "" {
			secret += s.Muted.Render("  from " + src)
		}
		p.add(s.Label.Render("Client secret  ") + secret)
	}
	if d.providerAvailable() && !c.accessible && !c.compact() {
		p.add(s.Label.Render("Provider app   ") + c.tenant.Cerner.ProviderApp.ClientID + s.Muted.Render("  press p to test its sign-in"))
	}
	p.blank()
	// The verdict first, once there is one: it is what the screen is for,
	// and it must be read without scrolling (docs/wizard.md, "Diagnose").
	if d.run.report != nil {
		renderVerdict(c, p, d.run.report)
		p.blank()
	}
	p.add(s.Heading.Render("Checks"))
	if len(d.run.rows) == 0 && d.run.running {
		p.add("  " + c.spin() + " starting…")
	}
	renderChecks(c, p, &d.run, !c.accessible)
	if d.run.err != nil {
		p.add(s.Error.Render("✗ The probe stopped: " + d.run.err.Error()))
	}
	if d.run.report != nil {
		renderOtherCauses(c, p, d.run.report)
	}
}

// renderVerdict is the diagnosis' answer: no problem, or the most likely
// cause with its evidence and fix; an edge block first gets a plain
// warning that rotating will probably not help.
func renderVerdict(c *common, p *page, r *probe.Report) {
	s := c.styles
	dg := r.Diagnosis
	if dg.Top == probe.CauseOK {
		p.add(s.Pass.Render("✓ No problem found: " + passedLine(r) + "."))
		p.add("You can still rotate the secret: continue to go through the steps.")
		return
	}
	if dg.Top == probe.CauseEdgeBlock {
		p.add(s.Callout.Width(p.width).Render(edgeBlockAdvice))
	}
	for _, cause := range dg.Causes {
		if cause.ID != dg.Top {
			continue
		}
		line := s.Heading.Render("Diagnosis ") + s.FieldName.Render(string(cause.ID)) + "  " + verdict(s, cause.Verdict)
		if cause.Step > 0 {
			line += s.Muted.Render(fmt.Sprintf("  → Step %d", cause.Step))
		}
		p.add(line)
		for _, e := range cause.Evidence {
			p.addIndent(3, s.Muted.Render("· "+e))
		}
		if cause.Fix != "" {
			p.addIndent(3, "fix: "+cause.Fix)
		}
	}
}

// renderOtherCauses lists, under the checks, the causes after the first:
// the ones still possible, then the ruled-out ones with their reason.
func renderOtherCauses(c *common, p *page, r *probe.Report) {
	s := c.styles
	dg := r.Diagnosis
	var others, out []probe.Cause
	for _, cause := range dg.Causes {
		switch {
		case cause.ID == dg.Top:
		case cause.Verdict == probe.VerdictRuledOut:
			out = append(out, cause)
		default:
			others = append(others, cause)
		}
	}
	if len(others)+len(out) == 0 {
		return
	}
	p.blank()
	p.add(s.Heading.Render("Other causes") + s.Muted.Render("  most likely first"))
	for _, cause := range others {
		line := "  " + s.FieldName.Render(string(cause.ID)) + "  " + verdict(s, cause.Verdict)
		if cause.Step > 0 {
			line += s.Muted.Render(fmt.Sprintf("  → Step %d", cause.Step))
		}
		p.add(line)
		for _, e := range cause.Evidence {
			p.addIndent(5, s.Muted.Render("· "+e))
		}
	}
	for _, cause := range out {
		line := s.Muted.Render("ruled out: ") + string(cause.ID)
		if len(cause.Evidence) > 0 {
			line += s.Muted.Render(" · " + cause.Evidence[0])
		}
		p.addIndent(2, line)
	}
}

func verdict(s styles, v probe.Verdict) string {
	switch v {
	case probe.VerdictConfirmed:
		return s.Fail.Render(string(v))
	case probe.VerdictLikely:
		return s.Warn.Render(string(v))
	}
	return s.Muted.Render(string(v))
}

// edgeBlockAdvice follows docs/wizard.md ("Edge blocks"): the evidence is
// inferred, so it says "most likely" and names the test that settles it.
const edgeBlockAdvice = "A new secret is unlikely to help: the token endpoint answered 403 in plain " +
	"text, without an OAuth error or a Cerner-Correlation-Id, most likely a firewall, WAF or IP " +
	"restriction before the OAuth server. Try another network or your expected egress (VPN, CI " +
	"runner), and ask Cerner support whether your address is allowed."
