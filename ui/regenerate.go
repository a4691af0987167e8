package ui

import (
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// regenerateModel is Step 2: Option A (a new secret for the same app) or
// Option B (a new system app, with what to register).
type regenerateModel struct {
	cursor  int // 0 = A, 1 = B
	touched bool
}

func (m *Model) enterRegenerate() {
	if !m.regen.touched && m.diag.run.report != nil && m.diag.run.report.Diagnosis.Top == probe.CauseClientUnknown {
		m.regen.cursor = 1 // the app itself is gone: a new secret cannot exist
	}
}

func (m Model) regenerateKeys() screenKeys {
	return screenKeys{nav: true, copy: true, open: true, next: true, back: true, skip: true, nextLabel: "choose option"}
}

func (m *Model) regenerateKey(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	r := &m.regen
	switch {
	case key.Matches(msg, k.Up):
		r.cursor, r.touched = 0, true
	case key.Matches(msg, k.Down):
		r.cursor, r.touched = 1, true
	case key.Matches(msg, k.Open):
		return openCmd(m.deps.OpenURL, m.deps.ConsoleURL)
	case key.Matches(msg, k.Copy):
		if r.cursor == 0 {
			m.setNotice("Copied the client ID to the clipboard (OSC 52).")
			return tea.SetClipboard(m.tenant.Cerner.SystemApp.ClientID)
		}
		m.setNotice("Copied the tenant ID and scopes to the clipboard (OSC 52).")
		return tea.SetClipboard(tenantID(m.tenant.Cerner.SystemApp.TokenURL) + "\n" + strings.Join(m.minimumScopes(), "\n") + "\n")
	case key.Matches(msg, k.Next):
		m.session.Option = [...]string{"A", "B"}[r.cursor]
		m.update.prefill(r.cursor == 0, m.tenant.Cerner.SystemApp.ClientID)
		return m.goTo(stepUpdate)
	}
	return nil
}

func (m Model) viewRegenerate(p *page) {
	st := m.styles
	opt := func(i int, title string) {
		if m.regen.cursor == i {
			p.mark()
			p.add(st.Selected.Render("› " + title))
		} else {
			p.add("  " + title)
		}
	}
	opt(0, "Option A · Regenerate the secret of the same app")
	p.addIndent(4, "In the Code Console find "+st.Code.Render(m.tenant.Cerner.SystemApp.ClientID)+
		", click Regenerate Secret and keep the new secret for Step 3. The client ID stays.")
	p.blank()
	opt(1, "Option B · Create a new system app")
	p.addIndent(4, `Create New App → System Account, then:`)
	p.addIndent(4, st.Label.Render("Tenant  ")+st.Code.Render(tenantID(m.tenant.Cerner.SystemApp.TokenURL)))
	p.addIndent(4, st.Label.Render("Scopes  ")+st.Muted.Render("(the minimum this config requests)"))
	for _, sc := range m.minimumScopes() {
		line := st.Code.Render(sc)
		if m.unsupportedScope(sc) {
			line += st.Warn.Render("  ! not in the server's scopes_supported")
		}
		p.addIndent(6, line)
	}
	p.blank()
	p.add(st.Muted.Render("c copies the client ID (A) or tenant and scopes (B); o opens the console."))
}

var tenantInURL = regexp.MustCompile(`/tenants/([^/]+)/`)

// tenantID is the {tenant} of a token URL of Cerner's tenants/{t}/... form.
func tenantID(tokenURL string) string {
	if sm := tenantInURL.FindStringSubmatch(tokenURL); sm != nil {
		return sm[1]
	}
	return "(see your token URL)"
}

// minimumScopes is the system scope list this config needs: the configured
// scopes, in file order.
func (m Model) minimumScopes() []string {
	return m.tenant.Cerner.SystemApp.Scopes
}

// unsupportedScope reports whether the discovery check named scope as
// absent from scopes_supported. The probe says so in its evidence, the only
// structured place it is reported today.
func (m Model) unsupportedScope(scope string) bool {
	r := m.diag.run.report
	if r == nil {
		return false
	}
	for _, c := range r.Checks {
		if c.ID != "discovery" {
			continue
		}
		for _, e := range c.Evidence {
			if strings.Contains(e, scope) && strings.Contains(e, "scopes_supported") {
				return true
			}
		}
	}
	return false
}
