package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Model is the wizard as a Bubble Tea model. It routes: window, colour and
// spinner to the shared state, keys to the global bindings and then to the
// current screen, events to every screen. Run drives it; tests drive it
// with teatest. Copies share one wizard.
type Model struct{ w *wizard }

type wizard struct {
	c       *common
	screens map[screenID]screen
	cur     screenID
	help    help.Model

	offset         int // first visible body line
	fullHelp       bool
	quitAfterWrite bool // quit asked while a write runs
	interrupted    bool // ended by ctrl+c
}

// New builds the wizard.
func New(deps Deps, opts Options) Model {
	return newModel(context.Background(), deps, opts, false)
}

func newModel(ctx context.Context, deps Deps, opts Options, accessible bool) Model {
	c := &common{
		ctx: ctx, deps: deps, opts: opts, guard: &writeGuard{},
		isDark: true, width: 80, height: 24, accessible: accessible,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		session: &Session{ConfigPath: deps.ConfigPath, StartedAt: time.Now().UTC()},
	}
	c.styles = newStyles(c.isDark, opts.NoColor)
	c.keys = newKeyMap()
	w := &wizard{c: c, help: help.New()}
	w.help.Styles = c.styles.Help
	w.screens = newScreens(c)
	return Model{w: w}
}

// Init asks for the background colour and enters Diagnose.
func (m Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.w.screens[stepDiagnose].enter())
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return m, m.w.handle(msg)
}

// Session is what happened so far, with Remaining filled in.
func (m Model) Session() Session {
	s := *m.w.c.session
	s.Checklist = append(s.Checklist[:0:0], s.Checklist...)
	s.Skipped = append([]string(nil), s.Skipped...)
	s.Remaining = remaining(s)
	return s
}

func (w *wizard) current() screen { return w.screens[w.cur] }

// handle handles msg, then the change of screen it asked for, if any.
func (w *wizard) handle(msg tea.Msg) tea.Cmd {
	cmd := w.route(msg)
	return tea.Batch(cmd, w.navigate())
}

func (w *wizard) route(msg tea.Msg) tea.Cmd {
	c := w.c
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.width, c.height = msg.Width, msg.Height
		w.help.SetWidth(msg.Width)
		for _, s := range w.screens {
			s.setSize(msg.Width, msg.Height)
		}
		return nil
	case tea.BackgroundColorMsg:
		c.isDark = msg.IsDark()
		c.styles = newStyles(c.isDark, c.opts.NoColor)
		w.help.Styles = c.styles.Help
		return nil
	case spinner.TickMsg:
		if !w.busy() {
			return nil // stop ticking: nothing runs, no frame to animate
		}
		var cmd tea.Cmd
		c.spinner, cmd = c.spinner.Update(msg)
		return cmd
	case openedMsg:
		if msg.err != nil {
			c.setError("Could not open a browser (" + msg.err.Error() + "): open the link yourself.")
		} else {
			c.setNotice("Opened the link in your browser.")
		}
		return nil
	case tea.KeyPressMsg:
		return w.onKey(msg)
	case event:
		cmd := w.broadcast(msg)
		if pending(w.current().form()) {
			w.followCursor() // a question that appeared below the fold comes into view
		}
		return cmd
	}
	return w.current().update(msg)
}

// broadcast hands an event to every screen, in step order.
func (w *wizard) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for id := stepDiagnose; id <= lastScreen; id++ {
		cmds = append(cmds, w.screens[id].update(msg))
	}
	if _, ok := msg.(configWrittenMsg); ok && w.quitAfterWrite {
		cmds = append(cmds, tea.Quit)
	}
	return tea.Batch(cmds...)
}

func (w *wizard) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := w.currentKeys()
	switch {
	case msg.String() == "ctrl+c":
		w.interrupted = true
		return w.quit()
	case key.Matches(msg, k.Quit):
		return w.quit()
	case key.Matches(msg, k.Help):
		w.fullHelp = !w.fullHelp
		return nil
	case key.Matches(msg, k.PageDown):
		w.offset += w.bodyHeight() - 1
		return nil
	case key.Matches(msg, k.PageUp):
		w.offset = max(0, w.offset-(w.bodyHeight()-1))
		return nil
	case key.Matches(msg, k.Back) && w.cur > stepDiagnose && w.cur <= lastStep:
		return w.goTo(w.cur - 1)
	case key.Matches(msg, k.Skip) && w.cur <= lastStep:
		w.c.session.Skipped = appendOnce(w.c.session.Skipped, w.current().title())
		return w.goTo(w.cur + 1)
	}
	cmd := w.current().update(msg)
	w.followCursor()
	return cmd
}

// quit ends the program, after the write in progress if there is one, so
// quitting never leaves a half-written file.
func (w *wizard) quit() tea.Cmd {
	if w.c.writing() {
		w.quitAfterWrite = true
		w.c.setNotice("Finishing the write before quitting…")
		return nil
	}
	return tea.Quit
}

// goTo makes another screen current and starts what it needs.
func (w *wizard) goTo(to screenID) tea.Cmd {
	if to > lastStep && to != sideProvider && to != sideRunAfter {
		to = lastStep
	}
	w.cur = to
	w.offset = 0
	w.c.notice = ""
	w.fullHelp = false
	return w.current().enter()
}

// show goes to another screen and scrolls its question into view.
func (w *wizard) show(to screenID) tea.Cmd {
	cmd := w.goTo(to)
	if pending(w.current().form()) {
		w.followCursor() // a question below the fold (a long Summary) comes into view
	}
	return cmd
}

// busy says an async job shows a spinner.
func (w *wizard) busy() bool {
	for _, s := range w.screens {
		if s.busy() {
			return true
		}
	}
	return false
}

// currentKeys is the keymap with this screen's bindings enabled.
func (w *wizard) currentKeys() keyMap { return w.c.keys.forScreen(w.current().keys()) }

// View lays out header, the scrolled body and the footer at the window size.
func (m Model) View() tea.View {
	w := m.w
	header := w.viewHeader()
	footer := w.viewFooter()
	bodyH := w.bodyHeightFor(header, footer)
	lines := w.body().lines
	off := min(max(0, w.offset), max(0, len(lines)-bodyH))
	end := min(len(lines), off+bodyH)
	visible := lines[off:end]
	more := ""
	if end < len(lines) {
		more = w.c.styles.Muted.Render("  ↓ more (pgdn)")
		if len(visible) > 0 {
			visible = visible[:len(visible)-1]
		}
	}
	parts := []string{header, strings.Join(visible, "\n")}
	used := lipgloss.Height(header) + len(visible)
	if more != "" {
		parts = append(parts, more)
		used++
	}
	if pad := w.c.height - used - lipgloss.Height(footer); pad > 0 {
		parts = append(parts, strings.Repeat("\n", pad-1))
	}
	parts = append(parts, footer)
	v := tea.NewView(strings.Join(parts, "\n"))
	v.AltScreen = true
	v.WindowTitle = "fhirdoctor · " + w.current().title()
	return v
}

func (w *wizard) body() *page {
	p := newPage(w.c.width)
	w.current().view(p)
	return p
}

func (w *wizard) viewHeader() string {
	st := w.c.styles
	title := st.Title.Render(w.current().title())
	if env := w.c.deps.Environment; env != "" {
		// The backend environment, so prod's rotation never looks like dev's.
		title += st.Muted.Render("  · " + env)
	}
	var dots []string
	at := min(w.cur, lastStep)
	if w.cur == sideProvider {
		at = stepDiagnose
	}
	if w.cur == sideRunAfter {
		at = stepSummary
	}
	for s := stepDiagnose; s <= lastStep; s++ {
		switch {
		case s == at:
			dots = append(dots, st.Current.Render("●"))
		case s < at:
			dots = append(dots, st.Progress.Render("●"))
		default:
			dots = append(dots, st.Progress.Render("○"))
		}
	}
	progress := strings.Join(dots, " ")
	gap := max(1, w.c.width-lipgloss.Width(title)-lipgloss.Width(progress))
	if w.c.compact() {
		return title + strings.Repeat(" ", gap) + progress // no blank line: every row counts
	}
	return title + strings.Repeat(" ", gap) + progress + "\n"
}

func (w *wizard) viewFooter() string {
	k := w.currentKeys()
	var h string
	if w.fullHelp {
		h = w.help.FullHelpView(k.FullHelp())
	} else {
		h = w.help.ShortHelpView(k.ShortHelp())
	}
	// help.Model overflows when not even its ellipsis fits; never let the
	// bar wrap and push the screen past the window.
	lines := strings.Split(h, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w.c.width, "…")
	}
	h = strings.Join(lines, "\n")
	n := ""
	if w.c.notice != "" {
		st := w.c.styles.Notice
		if w.c.noticeIsError {
			st = w.c.styles.Error
		}
		n = lipgloss.Wrap(st.Render(w.c.notice), w.c.width, "")
	}
	return n + "\n" + h
}

func (w *wizard) bodyHeight() int {
	return w.bodyHeightFor(w.viewHeader(), w.viewFooter())
}

func (w *wizard) bodyHeightFor(header, footer string) int {
	return max(3, w.c.height-lipgloss.Height(header)-lipgloss.Height(footer))
}

// followCursor scrolls so the screen's cursor line stays visible.
func (w *wizard) followCursor() {
	p := w.body()
	if p.cursor < 0 {
		return
	}
	h := w.bodyHeight() - 1 // the "more" line may take one
	if p.cursor < w.offset {
		w.offset = p.cursor
	} else if p.cursor >= w.offset+h {
		w.offset = p.cursor - h + 1
	}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
