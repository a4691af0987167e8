package report

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Wrap fits text into width columns after a first-line prefix, continuing
// on lines that start with hang: words move whole to the next line and are
// never split, not even at a hyphen (ansi.Wordwrap breaks at hyphens, which
// would cut client ids, URLs and check ids in two). A word longer than the
// line stays whole on a line of its own: a URL is worth more intact. Widths
// are display cells (ansi.StringWidth), so colour codes and wide runes count
// right. width <= 0 means no wrapping.
func Wrap(prefix, text, hang string, width int) string {
	if width <= 0 || ansi.StringWidth(prefix+text) <= width {
		return prefix + text
	}
	var b strings.Builder
	b.WriteString(prefix)
	col := ansi.StringWidth(prefix)
	start := col
	for i, w := range strings.Fields(text) {
		ww := ansi.StringWidth(w)
		if i > 0 {
			if col+1+ww > width && col > start {
				b.WriteString("\n" + hang)
				col = ansi.StringWidth(hang)
				start = col
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += ww
	}
	return b.String()
}
