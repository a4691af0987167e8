package ui

import (
	"context"
	"fmt"
	"io"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
)

// RunAccessible runs the same wizard as Run (the same screens, the same
// forms) rendered for screen readers: no cursor movement, colour or
// spinner; each screen's text printed as plain lines once its work has
// settled; each form asked through huh's accessible prompts; then a "What
// next?" prompt for the moves the terminal makes with keys. End of input or
// ctx ending at a prompt returns ErrInterrupted.
func RunAccessible(ctx context.Context, deps Deps, opts Options, in io.Reader, out io.Writer) (Session, error) {
	if err := deps.check(); err != nil {
		return Session{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts.NoColor = true
	m := newModel(ctx, deps, opts, true)
	l := &lineRun{
		ctx: ctx, m: m, in: newLineReader(ctx, in),
		out:  &colorprofile.Writer{Forward: out, Profile: colorprofile.NoTTY},
		msgs: make(chan tea.Msg, 64),
	}
	err := l.run()
	if err == nil && l.in.isEnded() {
		err = ErrInterrupted
	}
	return m.finish(ctx, err)
}

// lineRun drives the Model without a terminal: it runs the commands the
// Model returns, hands their messages back, and when nothing is left
// running prints the screen and asks its questions.
type lineRun struct {
	ctx     context.Context
	m       Model
	in      *lineReader
	out     io.Writer
	msgs    chan tea.Msg
	running int  // commands started whose message has not come back
	quit    bool // the Model returned tea.Quit

	shown   screenID
	printed []string // the current screen's lines already printed
	notice  string
}

func (l *lineRun) run() error {
	l.shown = -1
	l.exec(l.m.Init())
	for {
		if err := l.settle(); err != nil {
			return err
		}
		l.print()
		if l.quit {
			return nil
		}
		w := l.m.w
		if f := w.current().form(); pending(f) {
			if err := l.ask(f); err != nil {
				return err
			}
			continue
		}
		if err := l.next(); err != nil {
			return err
		}
	}
}

// exec runs cmd in its own goroutine, as Bubble Tea would.
func (l *lineRun) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	l.running++
	go func() { l.msgs <- cmd() }()
}

// settle hands messages to the Model until no command is left running.
func (l *lineRun) settle() error {
	for l.running > 0 {
		select {
		case msg := <-l.msgs:
			l.running--
			l.deliver(msg)
		case <-l.ctx.Done():
			return ErrInterrupted
		}
	}
	return nil
}

func (l *lineRun) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			l.exec(c)
		}
	case tea.QuitMsg:
		l.quit = true
	default:
		_, cmd := l.m.Update(msg)
		l.exec(cmd)
	}
}

// print writes the lines of the current screen not printed yet: a new
// screen from its title, the same screen from where it grew.
func (l *lineRun) print() {
	w := l.m.w
	if w.cur != l.shown {
		l.shown, l.printed = w.cur, nil
		fmt.Fprintf(l.out, "\n== %s ==\n", w.current().title())
	}
	lines := w.body().lines
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	// Lines the screen kept are not said again: from the first change on.
	start := 0
	for start < len(l.printed) && start < len(lines) && l.printed[start] == lines[start] {
		start++
	}
	for _, line := range lines[start:] {
		fmt.Fprintln(l.out, strings.TrimRight(line, " "))
	}
	l.printed = lines
	if n := w.c.notice; n != "" && n != l.notice {
		fmt.Fprintln(l.out, n)
	}
	l.notice = w.c.notice
}

// ask runs f as line prompts; its answers then reach the screen as the
// terminal's submit would.
func (l *lineRun) ask(f *huh.Form) error {
	err := f.WithAccessible(true).WithInput(l.in).WithOutput(l.out).Run()
	if l.in.isEnded() {
		return ErrInterrupted
	}
	if err != nil {
		return fmt.Errorf("ui: %w", err)
	}
	f.State = huh.StateCompleted
	l.deliver(formSubmittedMsg{})
	return nil
}

// move is an answer to "What next?" and the key the terminal uses for it.
type move struct {
	label string
	key   tea.KeyPressMsg
	words []string
}

// next asks where to go from a screen with nothing left to answer and
// presses the key that does it, so both renderings move the same way.
func (l *lineRun) next() error {
	k := l.m.w.currentKeys()
	var moves []move
	add := func(on bool, label string, key tea.KeyPressMsg, words ...string) {
		if on {
			moves = append(moves, move{label, key, words})
		}
	}
	add(k.Next.Enabled(), "continue", tea.KeyPressMsg{Code: tea.KeyEnter}, "continue", "c", "next")
	add(k.Retry.Enabled(), "rerun", tea.KeyPressMsg{Code: 'r', Text: "r"}, "rerun", "r", "retry")
	add(k.Write.Enabled(), "write", tea.KeyPressMsg{Code: 'w', Text: "w"}, "write", "w")
	add(k.Back.Enabled(), "back", tea.KeyPressMsg{Code: tea.KeyEscape}, "back", "b")
	add(k.Skip.Enabled(), "skip", tea.KeyPressMsg{Code: 's', Text: "s"}, "skip", "s")
	add(true, "quit", tea.KeyPressMsg{Code: 'q', Text: "q"}, "quit", "q", "exit")
	opts := make([]choiceOpt[int], len(moves))
	for i, mv := range moves {
		opts[i] = opt(mv.label, i, mv.words...)
	}
	pick := 0
	ch := newChoice("What next?", &pick, opts...)
	if err := ch.RunAccessible(l.out, l.in); err != nil || l.in.isEnded() {
		return ErrInterrupted
	}
	mv := moves[pick]
	if mv.label == "quit" {
		l.quit = true
		return nil
	}
	_, cmd := l.m.Update(mv.key)
	l.exec(cmd)
	return nil
}
