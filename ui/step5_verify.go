package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// reloadedMsg is Step 5's read of the config file back after a write.
type reloadedMsg struct {
	tenant config.Tenant
	err    error
}

func (reloadedMsg) isEvent() {}

// verifyScreen is Step 5: the whole probe again with the credentials now in
// the file (read back from it, so the check covers what was written).
type verifyScreen struct {
	base
	run       probeRun
	written   bool // Step 4 wrote: read the file back first
	reloading bool
	reloadErr error
}

func newVerifyScreen(c *common) *verifyScreen { return &verifyScreen{base: base{c}} }

func (v *verifyScreen) title() string { return "Step 5 · Verify end-to-end" }

func (v *verifyScreen) busy() bool { return v.run.running || v.reloading }

func (v *verifyScreen) enter() tea.Cmd {
	if v.busy() || v.run.report != nil {
		return nil
	}
	return v.start()
}

func (v *verifyScreen) start() tea.Cmd {
	if v.written {
		v.reloading = true
		load := v.c.deps.LoadTenant
		name := v.c.tenant.Name
		return tea.Batch(func() tea.Msg {
			t, err := load(name)
			return reloadedMsg{tenant: t, err: err}
		}, v.c.tick())
	}
	return v.probe()
}

func (v *verifyScreen) probe() tea.Cmd { return v.run.begin(v.c) }

func (v *verifyScreen) keys() screenKeys {
	done := !v.busy()
	return screenKeys{
		nav: len(v.run.rows) > 0, expand: len(v.run.rows) > 0, retry: done,
		next: done, nextLabel: "summary", back: done, skip: done,
	}
}

func (v *verifyScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case configWrittenMsg:
		if msg.err == nil && !msg.aborted {
			v.written = true
			v.run = probeRun{} // what was verified before the write no longer holds
		}
	case reloadedMsg:
		v.reloading, v.reloadErr = false, msg.err
		if msg.err != nil {
			return nil
		}
		v.c.tenant = msg.tenant
		return v.probe()
	case probeEventMsg, probeDoneMsg:
		cmd, done := v.run.update(msg)
		if done {
			v.c.session.After = v.run.report
		}
		return cmd
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil
}

func (v *verifyScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys.forScreen(v.keys())
	if v.run.key(msg, k) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Retry):
		return v.start()
	case key.Matches(msg, k.Next):
		return v.c.goTo(stepSummary)
	}
	return nil
}

func (v *verifyScreen) view(p *page) {
	c := v.c
	st := c.styles
	source := "the config as it is"
	if v.written {
		source = "the config as written"
	}
	app := c.tenant.Cerner.SystemApp
	p.add(st.Label.Render("Client ID      ") + app.ClientID)
	if app.AuthMethod() == config.AuthPrivateKeyJWT {
		p.add(ansi.Truncate(st.Label.Render("Private key    ")+"kid "+app.KeyID+st.Muted.Render("  "+app.PrivateKeyPath+", from "+source), p.width, "…"))
	} else {
		p.add(st.Label.Render("Client secret  ") + app.ClientSecret.Mask() + st.Muted.Render("  from "+source))
	}
	if v.reloading {
		p.add(c.spin() + " reading the config back…")
		return
	}
	if v.reloadErr != nil {
		p.add(st.Error.Render("✗ The written config could not be read back: " + v.reloadErr.Error()))
		return
	}
	if name := patientName(v.run.report); name != "" {
		p.add(st.Label.Render("Patient        ") + st.Heading.Render(name))
	}
	// The verdict above the checks, so it is read without scrolling.
	if v.run.report != nil {
		if allPassed(v.run.report) {
			p.add(st.Pass.Render("✓ " + passedLine(v.run.report)))
		} else {
			p.add(st.Fail.Render("✗ " + passedLine(v.run.report)))
		}
	}
	p.blank()
	renderChecks(c, p, &v.run, !c.accessible)
	if v.run.err != nil {
		p.add(st.Error.Render("✗ The probe stopped: " + v.run.err.Error()))
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
