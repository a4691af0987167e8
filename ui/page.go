package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// page collects a screen's body as wrapped lines and remembers the line of
// the screen's cursor, so the model can scroll it into view at any size.
type page struct {
	width  int
	lines  []string
	cursor int
}

func newPage(width int) *page { return &page{width: max(20, width), cursor: -1} }

// add appends s (possibly several lines), wrapped to the page width.
func (p *page) add(s string) {
	for _, l := range strings.Split(s, "\n") {
		if lipgloss.Width(l) > p.width {
			l = lipgloss.Wrap(l, p.width, " /")
		}
		p.lines = append(p.lines, strings.Split(l, "\n")...)
	}
}

// blank appends an empty line.
func (p *page) blank() { p.lines = append(p.lines, "") }

// mark records that the next line added holds the cursor.
func (p *page) mark() { p.cursor = len(p.lines) }

// addIndent appends s wrapped to the page width with every line, wrapped
// continuations included, indented by n spaces.
func (p *page) addIndent(n int, s string) {
	pad := strings.Repeat(" ", n)
	w := max(10, p.width-n)
	for _, l := range strings.Split(s, "\n") {
		if lipgloss.Width(l) > w {
			l = lipgloss.Wrap(l, w, " /")
		}
		for _, wl := range strings.Split(l, "\n") {
			p.lines = append(p.lines, pad+wl)
		}
	}
}
