package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// providerScreen is the Provider app screen: one sign-in round trip of the
// tenant's provider app, the link to open while it waits, then the result.
// It sits over Diagnose, outside the five steps: the provider app is
// tested, never rotated.
type providerScreen struct {
	base
	running bool
	run     int
	url     string
	outcome *probe.ProviderOutcome
	cancel  context.CancelFunc // ends the running round trip (esc, r)
}

// providerURLMsg carries the sign-in link; ch is the run's channel, so a
// stale run's messages are still drained.
type providerURLMsg struct {
	run int
	url string
	ch  chan tea.Msg
}

type providerDoneMsg struct {
	run     int
	outcome probe.ProviderOutcome
}

func (providerURLMsg) isEvent()  {}
func (providerDoneMsg) isEvent() {}

func newProviderScreen(c *common) *providerScreen { return &providerScreen{base: base{c}} }

func (s *providerScreen) title() string { return "Provider app" }

func (s *providerScreen) busy() bool { return s.running }

// enter starts a round trip in its own goroutine; its link and its outcome
// come back as messages.
func (s *providerScreen) enter() tea.Cmd {
	c := s.c
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(c.ctx)
	id := c.newRun()
	*s = providerScreen{base: s.base, running: true, run: id, cancel: cancel}
	fn, t := c.deps.ProviderRoundTrip, c.tenant
	_, cmd := stream(c.ctx, func(ch chan tea.Msg, send func(tea.Msg)) tea.Msg {
		out := fn(ctx, t, func(u string) { send(providerURLMsg{run: id, url: u, ch: ch}) })
		return providerDoneMsg{run: id, outcome: out}
	})
	return tea.Batch(cmd, c.tick())
}

func (s *providerScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case providerURLMsg:
		if msg.run == s.run {
			s.url = msg.url
		}
		return listen(msg.ch)
	case providerDoneMsg:
		if msg.run == s.run {
			s.running, s.cancel = false, nil
			s.outcome = &msg.outcome
		}
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *providerScreen) keys() screenKeys {
	return screenKeys{
		back:      true,
		open:      s.url != "" && s.running,
		copy:      s.url != "" && s.running,
		retry:     !s.running,
		openLabel: "open link", copyLabel: "copy link", retryLabel: "sign in again",
	}
}

func (s *providerScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	c := s.c
	k := c.keys.forScreen(s.keys())
	switch {
	case key.Matches(msg, k.Back):
		// Leaving cancels a round trip still waiting, which closes its
		// listener.
		if s.cancel != nil {
			s.cancel()
		}
		*s = providerScreen{base: s.base, run: s.run}
		return s.c.goTo(stepDiagnose)
	case key.Matches(msg, k.Retry):
		return s.enter()
	case key.Matches(msg, k.Open):
		return openCmd(c.deps.OpenURL, s.url)
	case key.Matches(msg, k.Copy):
		c.setNotice("Sent the sign-in link to the clipboard (OSC 52, where the terminal allows it).")
		return tea.SetClipboard(s.url)
	}
	return nil
}

func (s *providerScreen) view(p *page) {
	c := s.c
	st := c.styles
	app := c.tenant.Cerner.ProviderApp
	if app == nil {
		return
	}
	p.add(st.Label.Render("Client ID      ") + app.ClientID)
	p.add(st.Label.Render("Redirect       ") + app.RedirectURI)
	p.add(st.Label.Render("Scopes         ") + strings.Join(app.Scopes, " "))
	p.blank()
	if s.running {
		if s.url == "" {
			p.add(c.spin() + " starting the loopback listener…")
			return
		}
		p.add("Sign in with the provider app in your browser. If it did not open, open:")
		p.addIndent(2, st.Link.Hyperlink(s.url).Render(s.url))
		p.blank()
		p.add(c.spin() + " Waiting for the sign-in redirect to " + app.RedirectURI + "…")
		p.add(st.Muted.Render("esc cancels and closes the listener."))
		return
	}
	if s.outcome == nil {
		return
	}
	o := s.outcome
	p.add(statusMark(st, o.Status) + " " + st.FieldName.Render(probe.ProviderRoundTripID) + "  " + o.Summary)
	for _, e := range o.Evidence {
		p.addIndent(4, st.Muted.Render("· "+e))
	}
	if o.Remedy != "" && (o.Status == probe.StatusFail || o.Status == probe.StatusWarn) {
		p.blank()
		p.addIndent(2, "→ "+o.Remedy)
	}
	if o.Status == probe.StatusPass || o.Status == probe.StatusWarn {
		p.blank()
		p.add(st.Pass.Render("The provider app signs in and reads data (" + report.Duration(o.Duration) + ")."))
	}
}
