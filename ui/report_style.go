package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"github.com/fhirdoctor/fhirdoctor/report"
)

// ReportStyle colours the plain doctor output of `fhirdoctor probe` with the
// wizard's palette, so the two look alike. It is here because styles live
// in one place and Charm imports stay in ui. isDark picks the palette;
// profile is what the terminal can show (colours are downsampled to it).
func ReportStyle(isDark, noColor bool, profile colorprofile.Profile) report.Style {
	s := newStyles(isDark, noColor)
	r := func(st lipgloss.Style) func(string) string {
		return func(v string) string {
			var b strings.Builder
			w := &colorprofile.Writer{Forward: &b, Profile: profile}
			_, _ = w.WriteString(st.Render(v))
			return b.String()
		}
	}
	return report.Style{
		Pass: r(s.Pass), Warn: r(s.Warn), Fail: r(s.Fail), Skip: r(s.Muted),
		Dim: r(s.Muted), Bold: r(s.Heading),
	}
}

// TerminalReportStyle is ReportStyle for the terminal on out: its
// background asked of the terminal (through in), its colours as environ says.
func TerminalReportStyle(in, out term.File, environ []string) report.Style {
	return ReportStyle(lipgloss.HasDarkBackground(in, out), false, colorprofile.Detect(out, environ))
}
