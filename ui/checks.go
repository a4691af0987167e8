package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// probeRun is one live probe run as Diagnose and Step 5 both show it: rows
// appear as checks start and settle as they finish; the final report then
// fixes the catalogue order.
type probeRun struct {
	id       int
	running  bool
	rows     []checkRow
	report   *probe.Report
	err      error
	ch       chan tea.Msg
	cursor   int
	moved    bool // the user moved the cursor
	expanded map[string]bool
}

type checkRow struct {
	id, title string
	done      bool
	result    probe.Result
}

// begin starts a probe of the current tenant as a new run.
func (r *probeRun) begin(c *common) tea.Cmd {
	id := c.newRun()
	ch, cmd := startProbe(c.ctx, c.deps.Probe, c.tenant, id)
	r.start(id, ch)
	return tea.Batch(cmd, c.tick())
}

func (r *probeRun) start(id int, ch chan tea.Msg) {
	*r = probeRun{id: id, running: true, ch: ch, expanded: r.expanded}
	if r.expanded == nil {
		r.expanded = map[string]bool{}
	}
}

// update applies a message of this run: an event re-arms the listener, the
// end settles the rows (done). Another run's messages are ignored.
func (r *probeRun) update(msg tea.Msg) (cmd tea.Cmd, done bool) {
	switch msg := msg.(type) {
	case probeEventMsg:
		if msg.run == r.id {
			r.apply(msg.event)
			return listen(r.ch), false
		}
	case probeDoneMsg:
		if msg.run == r.id {
			r.finish(msg.report, msg.err)
			return nil, true
		}
	}
	return nil, false
}

func (r *probeRun) apply(ev probe.Event) {
	i := r.find(ev.ID)
	if i < 0 {
		r.rows = append(r.rows, checkRow{id: ev.ID, title: ev.Title})
		i = len(r.rows) - 1
	}
	if ev.Kind == probe.EventFinished {
		r.rows[i].done = true
		r.rows[i].result = ev.Result
	}
}

// finish puts the rows in the catalogue order and the cursor on the first
// failing check, where the user's attention goes, unless they moved it.
func (r *probeRun) finish(rep *probe.Report, err error) {
	r.running, r.report, r.err = false, rep, err
	if rep == nil {
		return
	}
	r.rows = r.rows[:0]
	for _, c := range rep.Checks {
		r.rows = append(r.rows, checkRow{id: c.ID, title: c.Title, done: true, result: c.Result})
	}
	if !r.moved {
		r.cursor = 0
		for i, row := range r.rows {
			if row.result.Status == probe.StatusFail {
				r.cursor = i
				break
			}
		}
	}
	r.cursor = min(r.cursor, max(0, len(r.rows)-1))
}

func (r *probeRun) find(id string) int {
	for i, row := range r.rows {
		if row.id == id {
			return i
		}
	}
	return -1
}

// key moves the cursor and opens a check's evidence; it says whether msg
// was one of those keys.
func (r *probeRun) key(msg tea.KeyPressMsg, k keyMap) bool {
	switch {
	case key.Matches(msg, k.Up):
		r.move(-1)
	case key.Matches(msg, k.Down):
		r.move(1)
	case key.Matches(msg, k.Expand):
		r.toggle()
	default:
		return false
	}
	return true
}

func (r *probeRun) move(d int) {
	r.moved = true
	r.cursor = min(max(0, r.cursor+d), max(0, len(r.rows)-1))
}

func (r *probeRun) toggle() {
	if len(r.rows) == 0 {
		return
	}
	id := r.rows[r.cursor].id
	r.expanded[id] = !r.expanded[id]
}

// renderChecks draws one line per check: marker, title, summary, duration;
// the remedy under problems, the evidence when expanded.
func renderChecks(c *common, p *page, r *probeRun, withCursor bool) {
	st := c.styles
	const titleW = 24
	for i, row := range r.rows {
		pointer := "  "
		if withCursor && i == r.cursor {
			pointer = st.Selected.Render("› ")
			p.mark()
		}
		mark, dur := c.spin(), ""
		summary := st.Muted.Render("running…")
		if row.done {
			mark = statusMark(st, row.result.Status)
			dur = report.Duration(row.result.Duration)
			summary = row.result.Summary
		}
		title := ansi.Truncate(row.title, titleW, "…")
		title += strings.Repeat(" ", titleW-ansi.StringWidth(title))
		room := max(10, p.width-2-2-titleW-1-8)
		line := fmt.Sprintf("%s%s %s %s", pointer, mark, title, ansi.Truncate(summary, room, "…"))
		if dur != "" {
			gap := max(1, p.width-ansi.StringWidth(line)-len(dur))
			line += strings.Repeat(" ", gap) + st.Muted.Render(dur)
		}
		p.add(line)
		if !row.done {
			continue
		}
		if r.expanded[row.id] {
			if ansi.StringWidth(row.result.Summary) > room {
				p.addIndent(6, row.result.Summary)
			}
			for _, e := range row.result.Evidence {
				p.addIndent(6, st.Muted.Render("· "+e))
			}
		}
		if row.result.Remedy != "" && (row.result.Status == probe.StatusFail || row.result.Status == probe.StatusWarn) {
			p.addIndent(6, "→ "+row.result.Remedy)
		}
	}
}

// statusMark is the report's mark of a status in the wizard's colours.
func statusMark(st styles, s probe.Status) string {
	r := func(l lipgloss.Style) func(string) string { return func(v string) string { return l.Render(v) } }
	return report.Style{Pass: r(st.Pass), Warn: r(st.Warn), Fail: r(st.Fail), Skip: r(st.Muted)}.Mark(s)
}
