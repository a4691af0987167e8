package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// styles is every style the wizard uses; View code never builds its own.
type styles struct {
	Title     lipgloss.Style
	Progress  lipgloss.Style
	Current   lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Muted     lipgloss.Style
	Pass      lipgloss.Style
	Warn      lipgloss.Style
	Fail      lipgloss.Style
	Running   lipgloss.Style
	Selected  lipgloss.Style
	Callout   lipgloss.Style
	Error     lipgloss.Style
	Notice    lipgloss.Style
	Link      lipgloss.Style
	DiffAdd   lipgloss.Style
	DiffDel   lipgloss.Style
	Code      lipgloss.Style
	Help      help.Styles
	Heading   lipgloss.Style
	FieldName lipgloss.Style
}

// newStyles picks colours for the terminal's background; noColor keeps
// only attributes (bold, underline), so NO_COLOR output has no colour code.
func newStyles(isDark, noColor bool) styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	var (
		accent = c("#5A3FC0", "#B4A6FF")
		muted  = c("#6B6B6B", "#9A9A9A")
		green  = c("#1B7F3B", "#5FD787")
		yellow = c("#8A6100", "#F2C94C")
		red    = c("#B3261E", "#FF7A70")
		blue   = c("#1F5FBF", "#7AB8FF")
	)
	s := styles{
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Progress:  lipgloss.NewStyle().Foreground(muted),
		Current:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		Label:     lipgloss.NewStyle().Foreground(muted),
		Value:     lipgloss.NewStyle(),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		Pass:      lipgloss.NewStyle().Foreground(green),
		Warn:      lipgloss.NewStyle().Foreground(yellow),
		Fail:      lipgloss.NewStyle().Foreground(red),
		Running:   lipgloss.NewStyle().Foreground(blue),
		Selected:  lipgloss.NewStyle().Bold(true),
		Callout:   lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(yellow).PaddingLeft(1),
		Error:     lipgloss.NewStyle().Foreground(red),
		Notice:    lipgloss.NewStyle().Foreground(green),
		Link:      lipgloss.NewStyle().Underline(true).Foreground(blue),
		DiffAdd:   lipgloss.NewStyle().Foreground(green),
		DiffDel:   lipgloss.NewStyle().Foreground(red),
		Code:      lipgloss.NewStyle().Foreground(accent),
		Heading:   lipgloss.NewStyle().Bold(true),
		FieldName: lipgloss.NewStyle().Bold(true),
	}
	s.Help = help.DefaultStyles(isDark)
	if noColor {
		plain := lipgloss.NewStyle()
		s.Help.ShortKey, s.Help.ShortDesc, s.Help.ShortSeparator = plain.Bold(true), plain, plain
		s.Help.FullKey, s.Help.FullDesc, s.Help.FullSeparator = plain.Bold(true), plain, plain
		s.Help.Ellipsis = plain
	}
	return s
}
