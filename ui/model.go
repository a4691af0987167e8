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

	"github.com/fhirdoctor/fhirdoctor/config"
)

// step is a screen of the wizard, in the order the user meets them.
type step int

const (
	stepDiagnose step = iota
	stepStatus
	stepRegenerate
	stepUpdate
	stepTest
	stepVerify
	stepSummary
)

// stepTitles are the visible titles fixed by product.md.
var stepTitles = [...]string{
	stepDiagnose:   "Diagnose",
	stepStatus:     "Step 1 · Verify application status",
	stepRegenerate: "Step 2 · Regenerate credentials",
	stepUpdate:     "Step 3 · Update configuration",
	stepTest:       "Step 4 · Test new credentials",
	stepVerify:     "Step 5 · Verify end-to-end",
	stepSummary:    "Summary",
}

func (s step) String() string { return stepTitles[s] }

// Model is the whole wizard. Each screen keeps its own state in its own
// struct; Model holds what they share (deps, tenant, session, layout).
type Model struct {
	deps   Deps
	opts   Options
	ctx    context.Context
	guard  *writeGuard
	keys   keyMap
	help   help.Model
	styles styles
	isDark bool

	width, height int
	offset        int // first visible body line
	step          step
	fullHelp      bool
	notice        string
	noticeIsError bool
	quitAfterSave bool // quit requested while a write runs
	nextRun       int
	spinner       spinner.Model

	tenant  config.Tenant
	session Session

	diag    diagnoseModel
	status  statusModel
	regen   regenerateModel
	update  updateModel
	test    testModel
	verify  verifyModel
	summary summaryModel
	prov    providerModel // the Provider app screen, opened from Diagnose
}

// New builds the wizard. Run drives it; tests drive it with teatest.
func New(deps Deps, opts Options) Model {
	m := Model{
		deps:    deps,
		opts:    opts,
		ctx:     context.Background(),
		guard:   &writeGuard{},
		keys:    newKeyMap(),
		help:    help.New(),
		isDark:  true,
		width:   80,
		height:  24,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
	m.styles = newStyles(m.isDark, opts.NoColor)
	m.help.Styles = m.styles.Help
	m.session = Session{ConfigPath: deps.ConfigPath, StartedAt: time.Now().UTC()}
	m.diag = newDiagnoseModel(deps.Tenants, opts.Tenant)
	m.status = newStatusModel()
	m.update = newUpdateModel()
	return m
}

// Init asks for the background colour and starts loading the tenant unless
// the user must pick one first.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if !m.diag.picking {
		cmds = append(cmds, loadTenantCmd(m.deps.LoadTenant, m.diag.tenantName))
	}
	return tea.Batch(cmds...)
}

// Update routes messages: window and colour first, then async results,
// then keys to the current screen.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.handle(msg)
	return m, cmd
}

func (m *Model) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.update.setWidth(msg.Width)
		return nil
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.styles = newStyles(m.isDark, m.opts.NoColor)
		m.help.Styles = m.styles.Help
		return nil
	case spinner.TickMsg:
		if !m.busy() {
			return nil // stop ticking: nothing runs, no frame to animate
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	case tenantLoadedMsg:
		return m.onTenantLoaded(msg)
	case probeEventMsg:
		return m.onProbeEvent(msg)
	case probeDoneMsg:
		return m.onProbeDone(msg)
	case tokenTestedMsg:
		return m.onTokenTested(msg)
	case diffMsg:
		m.onDiff(msg)
		return nil
	case configWrittenMsg:
		return m.onWritten(msg)
	case reloadedMsg:
		return m.onReloaded(msg)
	case openedMsg:
		if msg.err != nil {
			m.setError("Could not open a browser (" + msg.err.Error() + "): open the link yourself.")
		} else {
			m.setNotice("Opened the Code Console in your browser.")
		}
		return nil
	case reportSavedMsg:
		m.onReportSaved(msg)
		return nil
	case providerURLMsg:
		return m.onProviderURL(msg)
	case providerDoneMsg:
		return m.onProviderDone(msg)
	case tea.PasteMsg:
		return m.onPaste(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return m.forwardToInput(msg)
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.currentKeys()
	if m.prov.open && !key.Matches(msg, k.Quit, k.Help, k.PageUp, k.PageDown) {
		return m.providerKey(msg, k)
	}
	switch {
	case key.Matches(msg, k.Quit):
		if m.test.writing {
			m.quitAfterSave = true
			m.setNotice("Finishing the write before quitting…")
			return nil
		}
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.fullHelp = !m.fullHelp
		return nil
	case key.Matches(msg, k.PageDown):
		m.offset += m.bodyHeight() - 1
		return nil
	case key.Matches(msg, k.PageUp):
		m.offset = max(0, m.offset-(m.bodyHeight()-1))
		return nil
	case key.Matches(msg, k.Back):
		if m.step > stepDiagnose {
			return m.goTo(m.step - 1)
		}
		return nil
	case key.Matches(msg, k.Skip):
		m.session.Skipped = appendOnce(m.session.Skipped, m.step.String())
		return m.goTo(m.step + 1)
	}
	var cmd tea.Cmd
	switch m.step {
	case stepDiagnose:
		cmd = m.diagnoseKey(msg, k)
	case stepStatus:
		cmd = m.statusKey(msg, k)
	case stepRegenerate:
		cmd = m.regenerateKey(msg, k)
	case stepUpdate:
		cmd = m.updateKey(msg, k)
	case stepTest:
		cmd = m.testKey(msg, k)
	case stepVerify:
		cmd = m.verifyKey(msg, k)
	case stepSummary:
		cmd = m.summaryKey(msg, k)
	}
	m.followCursor()
	return cmd
}

// forwardToInput hands cursor blinks and the like to the focused field.
func (m *Model) forwardToInput(msg tea.Msg) tea.Cmd {
	switch m.step {
	case stepUpdate:
		return m.update.forward(msg)
	case stepStatus:
		return m.status.forward(msg)
	}
	return nil
}

// goTo leaves the current screen and starts whatever the next one needs.
func (m *Model) goTo(s step) tea.Cmd {
	if s > stepSummary {
		s = stepSummary
	}
	m.step = s
	m.offset = 0
	m.notice = ""
	m.fullHelp = false
	switch s {
	case stepStatus:
		return m.enterStatus()
	case stepRegenerate:
		m.enterRegenerate()
	case stepUpdate:
		return m.enterUpdate()
	case stepTest:
		return m.enterTest()
	case stepVerify:
		return m.enterVerify()
	case stepSummary:
		m.enterSummary()
	}
	m.status.blur()
	m.update.blur()
	return nil
}

// busy says some async job shows a spinner.
func (m Model) busy() bool {
	return m.diag.run.running || m.verify.run.running || m.test.testing || m.test.writing || m.diag.loading || m.prov.running
}

func (m *Model) tick() tea.Cmd { return m.spinner.Tick }

func (m *Model) newRun() int {
	m.nextRun++
	return m.nextRun
}

func (m *Model) setNotice(s string) { m.notice, m.noticeIsError = s, false }
func (m *Model) setError(s string)  { m.notice, m.noticeIsError = s, true }

// currentKeys is the keymap with this screen's bindings enabled.
func (m Model) currentKeys() keyMap {
	var s screenKeys
	switch {
	case m.prov.open:
		s = m.providerKeys()
	case m.step == stepDiagnose:
		s = m.diagnoseKeys()
	case m.step == stepStatus:
		s = m.statusKeys()
	case m.step == stepRegenerate:
		s = m.regenerateKeys()
	case m.step == stepUpdate:
		s = m.updateKeys()
	case m.step == stepTest:
		s = m.testKeys()
	case m.step == stepVerify:
		s = m.verifyKeys()
	case m.step == stepSummary:
		s = m.summaryKeys()
	}
	return m.keys.forScreen(s)
}

// View lays out header, the scrolled body and the footer at the window size.
func (m Model) View() tea.View {
	header := m.viewHeader()
	footer := m.viewFooter()
	bodyH := m.bodyHeightFor(header, footer)
	p := m.body()
	lines := p.lines
	off := min(max(0, m.offset), max(0, len(lines)-bodyH))
	end := min(len(lines), off+bodyH)
	visible := lines[off:end]
	more := ""
	if end < len(lines) {
		more = m.styles.Muted.Render("  ↓ more (pgdn)")
		if len(visible) > 0 {
			visible = visible[:len(visible)-1]
		}
	}
	parts := []string{header, strings.Join(visible, "\n")}
	if more != "" {
		parts = append(parts, more)
	}
	used := lipgloss.Height(header) + len(visible) + lipgloss.Height(more)
	if more == "" {
		used = lipgloss.Height(header) + len(visible)
	}
	if pad := m.height - used - lipgloss.Height(footer); pad > 0 {
		parts = append(parts, strings.Repeat("\n", pad-1))
	}
	parts = append(parts, footer)
	v := tea.NewView(strings.Join(parts, "\n"))
	v.AltScreen = true
	v.WindowTitle = "fhirdoctor · " + m.title()
	return v
}

func (m Model) body() *page {
	p := newPage(m.width)
	if m.prov.open {
		m.viewProvider(p)
		return p
	}
	switch m.step {
	case stepDiagnose:
		m.viewDiagnose(p)
	case stepStatus:
		m.viewStatus(p)
	case stepRegenerate:
		m.viewRegenerate(p)
	case stepUpdate:
		m.viewUpdate(p)
	case stepTest:
		m.viewTest(p)
	case stepVerify:
		m.viewVerify(p)
	case stepSummary:
		m.viewSummary(p)
	}
	return p
}

func (m Model) viewHeader() string {
	title := m.styles.Title.Render(m.title())
	if env := m.deps.Environment; env != "" {
		title += m.styles.Muted.Render("  · " + env)
	}
	var dots []string
	for s := stepDiagnose; s <= stepSummary; s++ {
		switch {
		case s == m.step:
			dots = append(dots, m.styles.Current.Render("●"))
		case s < m.step:
			dots = append(dots, m.styles.Progress.Render("●"))
		default:
			dots = append(dots, m.styles.Progress.Render("○"))
		}
	}
	progress := strings.Join(dots, " ")
	gap := max(1, m.width-lipgloss.Width(title)-lipgloss.Width(progress))
	return title + strings.Repeat(" ", gap) + progress + "\n"
}

// title is the visible title: the step's, or the side screen's over it.
func (m Model) title() string {
	if m.prov.open {
		return providerTitle
	}
	return m.step.String()
}

func (m Model) viewFooter() string {
	k := m.currentKeys()
	var h string
	if m.fullHelp {
		h = m.help.FullHelpView(k.FullHelp())
	} else {
		h = m.help.ShortHelpView(k.ShortHelp())
	}
	// help.Model overflows when not even its ellipsis fits; never let the
	// bar wrap and push the screen past the window.
	lines := strings.Split(h, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	h = strings.Join(lines, "\n")
	n := ""
	if m.notice != "" {
		st := m.styles.Notice
		if m.noticeIsError {
			st = m.styles.Error
		}
		n = lipgloss.Wrap(st.Render(m.notice), m.width, "")
	}
	return n + "\n" + h
}

func (m Model) bodyHeight() int {
	return m.bodyHeightFor(m.viewHeader(), m.viewFooter())
}

func (m Model) bodyHeightFor(header, footer string) int {
	return max(3, m.height-lipgloss.Height(header)-lipgloss.Height(footer))
}

// followCursor scrolls so the screen's cursor line stays visible.
func (m *Model) followCursor() {
	p := m.body()
	if p.cursor < 0 {
		return
	}
	h := m.bodyHeight() - 1 // the "more" line may take one
	if p.cursor < m.offset {
		m.offset = p.cursor
	} else if p.cursor >= m.offset+h {
		m.offset = p.cursor - h + 1
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
