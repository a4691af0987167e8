package ui

import (
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Step 2's options, as the session and the report name them.
const (
	optionA = "A" // a new secret for the same app
	optionB = "B" // a new system app
)

// regenerateScreen is Step 2: Option A (a new secret for the same app) or
// Option B (a new system app, with what to register), chosen in a Select;
// c copies and o opens the console while it waits.
type regenerateScreen struct {
	base
	option  string
	touched bool // the user moved the choice
	sel     *choice[string]
	f       *huh.Form
}

func newRegenerateScreen(c *common) *regenerateScreen {
	return &regenerateScreen{base: base{c}, option: optionA}
}

func (r *regenerateScreen) title() string { return "Step 2 · Regenerate credentials" }

func (r *regenerateScreen) form() *huh.Form { return r.f }

func (r *regenerateScreen) setSize(_, _ int) { r.c.fitForm(r.f) }

func (r *regenerateScreen) enter() tea.Cmd {
	if d := r.c.session.Diagnosis; !r.touched && d != nil && d.Diagnosis.Top == probe.CauseClientUnknown {
		r.option = optionB // the app itself is gone: a new secret cannot exist
	}
	labelA := "Option A · Regenerate the secret of the same app"
	if r.c.jwtApp() && r.c.deps.Keys.MakeKey != nil {
		labelA = "Option A · Rotate the key"
	}
	r.sel = newChoice("Which option?", &r.option,
		opt(labelA, optionA, "a", "option a"),
		opt("Option B · Create a new system app", optionB, "b", "option b"))
	r.f = r.c.newForm(r.sel)
	return r.c.startForm(r.f)
}

func (r *regenerateScreen) keys() screenKeys {
	return screenKeys{nav: pending(r.f), copy: true, open: r.c.console().URL != "", next: true, back: true, skip: true, nextLabel: "choose option"}
}

func (r *regenerateScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case formSubmittedMsg:
		return r.submit()
	case tea.KeyPressMsg:
		return r.key(msg)
	case event:
		return nil
	}
	return handleForm(r.f, msg, r.submit)
}

func (r *regenerateScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	c := r.c
	k := c.keys.forScreen(r.keys())
	app := c.tenant.Cerner.SystemApp
	switch {
	case key.Matches(msg, k.Open):
		return openCmd(c.deps.OpenURL, c.console().URL)
	case key.Matches(msg, k.Copy):
		if r.current() == optionA {
			c.setNotice("Sent the client ID to the clipboard (OSC 52, where the terminal allows it).")
			return tea.SetClipboard(app.ClientID)
		}
		scopes := strings.Join(app.Scopes, "\n") + "\n"
		if tenant, ok := tenantID(app.TokenURL); ok {
			c.setNotice("Sent the tenant ID and scopes to the clipboard (OSC 52, where the terminal allows it).")
			return tea.SetClipboard(tenant + "\n" + scopes)
		}
		c.setNotice("Sent the scopes to the clipboard (OSC 52, where the terminal allows it).")
		return tea.SetClipboard(scopes)
	case !pending(r.f) && key.Matches(msg, k.Next):
		return r.c.goTo(stepUpdate)
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		r.touched = true
	}
	return handleForm(r.f, msg, r.submit)
}

// current is the option under the cursor.
func (r *regenerateScreen) current() string {
	if r.sel != nil && pending(r.f) {
		if v, ok := r.sel.Hovered(); ok {
			return v
		}
	}
	return r.option
}

func (r *regenerateScreen) submit() tea.Cmd {
	r.touched = true
	r.c.session.Option = r.option
	return r.c.advance(stepUpdate, optionChosenMsg{option: r.option})
}

func (r *regenerateScreen) view(p *page) {
	c := r.c
	st := c.styles
	app := c.tenant.Cerner.SystemApp
	if d := c.session.Diagnosis; d != nil && d.Diagnosis.Top == probe.CauseJWTKeyPropagating {
		// The action plan's Step 2 for this cause (report.Plan): rotating
		// now would only start the wait again.
		p.add(st.Warn.Render("! The key you uploaded is most likely still syncing: a new key starts the wait again. "+
			"Rotate only if that key is lost; otherwise quit and retry later, or resume with ") +
			st.Code.Render("fhirdoctor rotate --adopt-key") + st.Warn.Render("."))
	}
	switch {
	case app.AuthMethod() == config.AuthPrivateKeyJWT && c.deps.Keys.MakeKey != nil:
		// One paragraph: page.add wraps it to the window, so no line
		// breaks by hand in the middle of a sentence.
		p.add(st.FieldName.Render("Option A") + " · rotate the key of this JWT app (kid " + app.KeyID + "): Step 3 makes a key pair and shows " +
			"the public key to upload; Step 4 waits until the server accepts it; only then is the config written.")
	case app.AuthMethod() == config.AuthPrivateKeyJWT:
		// Without a key backend, say what rotates the key instead of
		// offering a secret this app does not use.
		p.add(st.Warn.Render("! This app signs JWTs (private_key_jwt, kid " + app.KeyID + "): it has no secret to regenerate."))
		p.add("Rotate its key with " + st.Code.Render("fhirdoctor rotate --new-key") + ": it makes the key pair, shows the public key to upload, " +
			"waits until the server accepts it and only then writes private_key_path and key_id.")
	default:
		p.add(st.FieldName.Render("Option A") + " · in " + c.console().Name + " find " + st.Code.Render(app.ClientID) +
			", click Regenerate Secret and keep the new secret for Step 3. The client ID stays.")
	}
	switch {
	case c.keyRotation():
		p.add(st.FieldName.Render("Option B") + " · a new app in " + c.console().Name + "; Step 3 asks its client ID and makes the key to upload to it:")
	case c.tenant.Vendor == "" || c.tenant.Vendor == "cerner":
		p.add(st.FieldName.Render("Option B") + " · Create New App → System Account, then:")
	default:
		p.add(st.FieldName.Render("Option B") + " · create a new app in " + c.console().Name + ", then:")
	}
	if tenant, ok := tenantID(app.TokenURL); ok || c.tenant.Vendor == "" || c.tenant.Vendor == "cerner" {
		p.addIndent(2, st.Label.Render("Tenant  ")+st.Code.Render(tenant))
	}
	for i, sc := range app.Scopes {
		label := "        "
		if i == 0 {
			label = "Scopes  "
		}
		line := st.Label.Render(label) + st.Code.Render(sc)
		if unsupportedScope(c.session.Diagnosis, sc) {
			line += st.Warn.Render("  ! not in the server's scopes_supported")
		}
		p.addIndent(2, line)
	}
	p.blank()
	if c.accessible {
		return
	}
	if pending(r.f) {
		p.mark()
		p.add(r.f.View())
	}
	p.blank()
	hint := "c copies the client ID (A) or tenant and scopes (B)"
	if _, ok := tenantID(app.TokenURL); !ok {
		hint = "c copies the client ID (A) or the scopes (B)"
	}
	if c.console().URL != "" {
		hint += "; o opens the console"
	}
	p.add(st.Muted.Render(hint + "."))
}

var tenantInURL = regexp.MustCompile(`/tenants/([^/]+)/`)

// tenantID is the {tenant} of a token URL of Cerner's tenants/{t}/... form;
// ok is false for other URLs (Epic's name no tenant).
func tenantID(tokenURL string) (string, bool) {
	if sm := tenantInURL.FindStringSubmatch(tokenURL); sm != nil {
		return sm[1], true
	}
	return "(see your token URL)", false
}

// unsupportedScope reports whether the discovery check named scope as
// absent from scopes_supported. The probe says so in its evidence, the only
// structured place it is reported today.
func unsupportedScope(r *probe.Report, scope string) bool {
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
