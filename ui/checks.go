package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/fhirdoctor/fhirdoctor/probe"
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
	expanded map[string]bool
}

type checkRow struct {
	id, title string
	done      bool
	result    probe.Result
}

func (r *probeRun) start(id int, ch chan tea.Msg) {
	*r = probeRun{id: id, running: true, ch: ch, expanded: r.expanded}
	if r.expanded == nil {
		r.expanded = map[string]bool{}
	}
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

func (r *probeRun) finish(rep *probe.Report, err error) {
	r.running, r.report, r.err = false, rep, err
	if rep == nil {
		return
	}
	r.rows = r.rows[:0]
	for _, c := range rep.Checks {
		r.rows = append(r.rows, checkRow{id: c.ID, title: c.Title, done: true, result: c.Result})
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

func (r *probeRun) move(d int) {
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
func (m Model) renderChecks(p *page, r *probeRun, withCursor bool) {
	const titleW = 24
	for i, row := range r.rows {
		pointer := "  "
		if withCursor && i == r.cursor {
			pointer = m.styles.Selected.Render("› ")
			p.mark()
		}
		mark, dur := m.styles.Running.Render(m.spinner.View()), ""
		summary := m.styles.Muted.Render("running…")
		if row.done {
			mark = m.statusMark(row.result.Status)
			dur = formatDuration(row.result.Duration)
			summary = row.result.Summary
		}
		title := ansi.Truncate(row.title, titleW, "…")
		title += strings.Repeat(" ", titleW-ansi.StringWidth(title))
		room := max(10, p.width-2-2-titleW-1-8)
		line := fmt.Sprintf("%s%s %s %s", pointer, mark, title, ansi.Truncate(summary, room, "…"))
		if dur != "" {
			gap := max(1, p.width-ansi.StringWidth(line)-len(dur))
			line += strings.Repeat(" ", gap) + m.styles.Muted.Render(dur)
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
				p.addIndent(6, m.styles.Muted.Render("· "+e))
			}
		}
		if row.result.Remedy != "" && (row.result.Status == probe.StatusFail || row.result.Status == probe.StatusWarn) {
			p.addIndent(6, "→ "+row.result.Remedy)
		}
	}
}

func (m Model) statusMark(s probe.Status) string {
	switch s {
	case probe.StatusPass:
		return m.styles.Pass.Render("✓")
	case probe.StatusWarn:
		return m.styles.Warn.Render("!")
	case probe.StatusFail:
		return m.styles.Fail.Render("✗")
	}
	return m.styles.Muted.Render("-")
}

// formatDuration keeps durations short and stable: whole milliseconds under
// a second, tenths of seconds above.
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
}

// passedLine is the verification summary; the exact wording when all pass
// is fixed by product.md.
func passedLine(r *probe.Report) string {
	passed, ran := Passed(r)
	return fmt.Sprintf("%d of %d checks passed", passed, ran)
}
