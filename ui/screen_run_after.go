package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
)

// runAfterScreen is "Run after writing": a rotation's last steps
// (restart the backend, run the integration tests) as one command the user
// confirms, run in the backend root with its output in a viewport. It sits
// over the Summary, which shows its result (docs/after-the-write.md).
type runAfterScreen struct {
	base
	command string
	run     bool
	f       *huh.Form
	// confirming: the command is typed; the form asks to run it.
	confirming bool
	// prefilled is what an empty line keeps in the accessible mode.
	prefilled string

	running bool
	id      int
	out     strings.Builder
	vp      viewport.Model
	result  *afterwrite.Result
}

func newRunAfterScreen(c *common) *runAfterScreen {
	return &runAfterScreen{base: base{c}, vp: viewport.New()}
}

func (s *runAfterScreen) title() string { return "Run after writing" }

func (s *runAfterScreen) busy() bool { return s.running }

func (s *runAfterScreen) form() *huh.Form {
	if pending(s.f) {
		return s.f
	}
	return nil
}

func (s *runAfterScreen) setSize(w, h int) {
	s.c.fitForm(s.f)
	s.vp.SetWidth(max(20, w-2))
	// Header, the command line, the status line, a blank and the footer.
	s.vp.SetHeight(max(3, h-9))
}

// enter asks for the command, pre-filled with the first suggestion: a
// suggestion is never run until the user confirms it.
func (s *runAfterScreen) enter() tea.Cmd {
	c := s.c
	if s.running {
		return nil
	}
	s.setSize(c.width, c.height)
	var cmds []string
	for _, sg := range c.deps.After.Suggestions {
		cmds = append(cmds, sg.Command)
	}
	if s.command == "" && len(cmds) > 0 {
		s.command = cmds[0]
	}
	s.run, s.confirming = false, false
	desc := "Runs with sh -c in " + c.deps.After.Root + ", with FHIRDOCTOR_TENANT and FHIRDOCTOR_CONFIG set."
	prefilled := s.command
	if c.accessible && prefilled != "" {
		// A line prompt shows no pre-filled value: say what enter keeps.
		desc += " Enter keeps: " + prefilled
	}
	s.f = c.newForm(
		huh.NewInput().Title("Command").Value(&s.command).Suggestions(cmds).Description(desc).
			Validate(func(v string) error {
				if strings.TrimSpace(v) == "" && !(c.accessible && prefilled != "") {
					return errEmptyCommand
				}
				return nil
			}),
	)
	s.prefilled = prefilled
	return c.startForm(s.f)
}

// confirm asks before running: a suggestion, even edited, runs only once
// the user says so.
func (s *runAfterScreen) confirm() tea.Cmd {
	s.confirming, s.run = true, false
	s.f = s.c.newForm(huh.NewConfirm().Title("Run `" + strings.TrimSpace(s.command) + "` now?").
		Affirmative("Run").Negative("Back").Value(&s.run))
	return s.c.startForm(s.f)
}

func (s *runAfterScreen) keys() screenKeys {
	return screenKeys{back: true, typing: pending(s.f) && !s.confirming, next: !pending(s.f) && !s.running, nextLabel: "back to the summary"}
}

func (s *runAfterScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case afterOutputMsg:
		if msg.run == s.id {
			s.out.WriteString(msg.text)
			s.vp.SetContent(s.out.String())
			s.vp.GotoBottom()
		}
		return listen(msg.ch)
	case afterDoneMsg:
		if msg.run == s.id {
			s.running = false
			r := msg.result
			s.result = &r
			s.c.session.Then = append(s.c.session.Then, r)
			if r.OK() {
				s.c.setNotice("`" + r.Command + "`: " + r.Outcome())
			} else {
				s.c.setError("`" + r.Command + "`: " + r.Outcome() + "; the config stays written")
			}
		}
		return nil
	case formSubmittedMsg:
		return s.submit()
	case tea.KeyPressMsg:
		k := s.c.keys.forScreen(s.keys())
		switch {
		case key.Matches(msg, k.Back):
			if s.running {
				go s.c.after.stop() // the done message follows
				return nil
			}
			if s.f != nil {
				s.f.State = huh.StateAborted
			}
			return s.c.goTo(stepSummary)
		case !pending(s.f) && !s.running && key.Matches(msg, k.Next):
			return s.c.goTo(stepSummary)
		}
		if !pending(s.f) {
			var cmd tea.Cmd
			s.vp, cmd = s.vp.Update(msg)
			return cmd
		}
		return handleForm(s.f, msg, s.submit)
	case event:
		return nil
	}
	return handleForm(s.f, msg, s.submit)
}

// submit asks to confirm the typed command, then runs it, or goes back.
func (s *runAfterScreen) submit() tea.Cmd {
	c := s.c
	if s.f != nil {
		s.f.State = huh.StateCompleted
	}
	if !s.confirming {
		if strings.TrimSpace(s.command) == "" {
			s.command = s.prefilled
		}
		return s.confirm()
	}
	s.confirming = false
	if !s.run {
		return s.c.goTo(stepSummary)
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := c.after.start(cancel)
	s.id = c.newRun()
	s.running, s.result = true, nil
	s.out.Reset()
	s.vp.SetContent("")
	id, command, fn := s.id, strings.TrimSpace(s.command), c.deps.After.Run
	_, cmd := stream(c.ctx, func(ch chan tea.Msg, send func(tea.Msg)) tea.Msg {
		defer close(done)
		defer cancel()
		res := fn(ctx, command, chanWriter{run: id, ch: ch, send: send})
		return afterDoneMsg{run: id, result: res}
	})
	return tea.Batch(cmd, c.tick())
}

func (s *runAfterScreen) view(p *page) {
	c := s.c
	st := c.styles
	if pending(s.f) && !s.confirming {
		if len(c.deps.After.Suggestions) > 0 {
			p.add("Suggested (tab completes):")
			for _, sg := range c.deps.After.Suggestions {
				p.addIndent(2, st.Code.Render(sg.Command)+st.Muted.Render("  from "+sg.From))
			}
			p.blank()
		}
		if !c.accessible {
			p.mark()
			p.add(s.f.View())
		}
		return
	}
	p.add(st.Label.Render("Command        ") + st.Code.Render(strings.TrimSpace(s.command)))
	p.add(st.Label.Render("In             ") + c.deps.After.Root)
	if pending(s.f) {
		p.blank()
		if !c.accessible {
			p.mark()
			p.add(s.f.View())
		}
		return
	}
	switch {
	case s.running:
		p.add(c.spin() + " running in " + c.deps.After.Root + "…" + st.Muted.Render("  esc stops it; the config stays written"))
	case s.result != nil && s.result.OK():
		p.add(st.Pass.Render("✓ ") + s.result.Outcome())
	case s.result != nil:
		p.add(st.Fail.Render("✗ ") + s.result.Outcome() + st.Muted.Render("  the config stays written and verified"))
	}
	if c.accessible {
		if s.result != nil && s.result.Output != "" {
			p.add(strings.TrimRight(s.result.Output, "\n"))
		}
		return
	}
	p.blank()
	p.add(s.vp.View())
}
