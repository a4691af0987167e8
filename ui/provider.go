package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// providerTitle is the Provider app screen's visible title. The screen sits
// over Diagnose, outside the five steps: the provider app is tested, never
// rotated.
const providerTitle = "Provider app"

// providerModel is the Provider app screen: one sign-in round trip of the
// tenant's provider app, the link to open while it waits, then the result.
type providerModel struct {
	open    bool
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

func (m Model) providerAvailable() bool {
	d := m.diag
	return m.deps.ProviderRoundTrip != nil && !d.picking && !d.loading && d.loadErr == nil && m.tenant.Cerner.ProviderApp != nil
}

// startProvider opens the screen and starts a round trip in its own
// goroutine; its link and its outcome come back as messages.
func (m *Model) startProvider() tea.Cmd {
	if m.prov.cancel != nil {
		m.prov.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	id := m.newRun()
	m.prov = providerModel{open: true, running: true, run: id, cancel: cancel}
	m.offset, m.notice = 0, ""
	ch := make(chan tea.Msg, 4)
	fn, t, life := m.deps.ProviderRoundTrip, m.tenant, m.ctx
	start := func() tea.Msg {
		go func() {
			defer close(ch)
			out := fn(ctx, t, func(u string) {
				select {
				case ch <- providerURLMsg{run: id, url: u, ch: ch}:
				default: // a second link adds nothing
				}
			})
			select {
			case ch <- providerDoneMsg{run: id, outcome: out}:
			case <-life.Done():
			}
		}()
		return nil
	}
	return tea.Batch(start, listen(ch), m.tick())
}

func (m *Model) onProviderURL(msg providerURLMsg) tea.Cmd {
	if msg.run == m.prov.run {
		m.prov.url = msg.url
	}
	return listen(msg.ch)
}

func (m *Model) onProviderDone(msg providerDoneMsg) tea.Cmd {
	if msg.run != m.prov.run {
		return nil
	}
	m.prov.running = false
	m.prov.cancel = nil
	m.prov.outcome = &msg.outcome
	return nil
}

// closeProvider returns to Diagnose; a round trip still waiting is
// cancelled, which closes its listener.
func (m *Model) closeProvider() {
	if m.prov.cancel != nil {
		m.prov.cancel()
	}
	m.prov = providerModel{run: m.prov.run}
	m.offset, m.notice = 0, ""
}

func (m Model) providerKeys() screenKeys {
	p := m.prov
	return screenKeys{
		back:      true,
		open:      p.url != "" && p.running,
		copy:      p.url != "" && p.running,
		retry:     !p.running,
		openLabel: "open link", copyLabel: "copy link", retryLabel: "sign in again",
	}
}

func (m *Model) providerKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	switch {
	case key.Matches(msg, k.Back):
		m.closeProvider()
	case key.Matches(msg, k.Retry):
		return m.startProvider()
	case key.Matches(msg, k.Open):
		return openCmd(m.deps.OpenURL, m.prov.url)
	case key.Matches(msg, k.Copy):
		m.setNotice("Copied the sign-in link to the clipboard (OSC 52).")
		return tea.SetClipboard(m.prov.url)
	}
	return nil
}

func (m Model) viewProvider(p *page) {
	s := m.styles
	app := m.tenant.Cerner.ProviderApp
	if app == nil {
		return
	}
	p.add(s.Label.Render("Client ID      ") + app.ClientID)
	p.add(s.Label.Render("Redirect       ") + app.RedirectURI)
	p.add(s.Label.Render("Scopes         ") + strings.Join(app.Scopes, " "))
	p.blank()
	pr := m.prov
	if pr.running {
		if pr.url == "" {
			p.add(s.Running.Render(m.spinner.View()) + " starting the loopback listener…")
			return
		}
		p.add("Sign in with the provider app in your browser. If it did not open, open:")
		p.addIndent(2, s.Link.Hyperlink(pr.url).Render(pr.url))
		p.blank()
		p.add(s.Running.Render(m.spinner.View()) + " Waiting for the sign-in redirect to " + app.RedirectURI + "…")
		p.add(s.Muted.Render("esc cancels and closes the listener."))
		return
	}
	if pr.outcome == nil {
		return
	}
	o := pr.outcome
	p.add(m.statusMark(o.Status) + " " + s.FieldName.Render(probe.ProviderRoundTripID) + "  " + o.Summary)
	for _, e := range o.Evidence {
		p.addIndent(4, s.Muted.Render("· "+e))
	}
	if o.Remedy != "" && (o.Status == probe.StatusFail || o.Status == probe.StatusWarn) {
		p.blank()
		p.addIndent(2, "→ "+o.Remedy)
	}
	if o.Status == probe.StatusPass || o.Status == probe.StatusWarn {
		p.blank()
		p.add(s.Pass.Render("The provider app signs in and reads data (" + formatDuration(o.Duration) + ")."))
	}
}
