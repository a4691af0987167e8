package ui

import (
	"charm.land/lipgloss/v2"

	"github.com/fhirdoctor/fhirdoctor/report"
)

// ReportStyle colours the plain doctor output of `fhirdoctor probe` with the
// wizard's palette, so the two look alike. It is here because styles live
// in one place and Charm imports stay in ui. isDark picks the palette;
// lipgloss downsamples or strips colour for the output it is written to.
func ReportStyle(isDark, noColor bool) report.Style {
	s := newStyles(isDark, noColor)
	r := func(st lipgloss.Style) func(string) string { return func(v string) string { return st.Render(v) } }
	return report.Style{
		Pass: r(s.Pass), Warn: r(s.Warn), Fail: r(s.Fail), Skip: r(s.Muted),
		Dim: r(s.Muted), Bold: r(s.Heading),
	}
}
