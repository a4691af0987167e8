package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/huh/v2"
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
	// Form themes the huh fields from the same palette.
	Form *huh.Styles
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
	s.Form = formStyles(accent, muted, red, noColor)
	s.Help = help.DefaultStyles(isDark)
	if noColor {
		plain := lipgloss.NewStyle()
		s.Help.ShortKey, s.Help.ShortDesc, s.Help.ShortSeparator = plain.Bold(true), plain, plain
		s.Help.FullKey, s.Help.FullDesc, s.Help.FullSeparator = plain.Bold(true), plain, plain
		s.Help.Ellipsis = plain
	}
	return s
}

// formStyles is the huh theme in the wizard's palette: the focused field
// marked by an accent bar, the chosen option and button bracketed so the
// choice reads without colour too (NO_COLOR, screen captures).
func formStyles(accent, muted, red color.Color, noColor bool) *huh.Styles {
	t := huh.ThemeBase(true)
	plain := lipgloss.NewStyle()
	f := &t.Focused
	f.Base = f.Base.BorderForeground(accent)
	f.Card = f.Base
	f.Title = plain.Bold(true)
	f.NoteTitle = plain.Bold(true)
	f.Description = plain.Foreground(muted)
	f.ErrorIndicator = plain.Foreground(red).SetString(" *")
	f.ErrorMessage = plain.Foreground(red)
	f.SelectSelector = plain.Foreground(accent).SetString("› ")
	f.Option = plain
	f.SelectedOption = plain.Bold(true).Foreground(accent)
	f.UnselectedOption = plain
	f.NextIndicator = plain.Foreground(accent).MarginLeft(1).SetString("→")
	f.PrevIndicator = plain.Foreground(accent).MarginRight(1).SetString("←")
	f.MultiSelectSelector = plain.Foreground(accent).SetString("› ")
	f.SelectedPrefix = plain.Foreground(accent).SetString("[x] ")
	f.UnselectedPrefix = plain.SetString("[ ] ")
	f.TextInput.Cursor = plain.Foreground(accent)
	f.TextInput.Placeholder = plain.Foreground(muted)
	f.TextInput.Prompt = plain.Foreground(accent)
	f.TextInput.Text = plain
	f.FocusedButton = plain.Bold(true).Foreground(accent).MarginRight(1).
		Transform(func(s string) string { return "[ " + s + " ]" })
	f.BlurredButton = plain.Foreground(muted).MarginRight(1).
		Transform(func(s string) string { return "  " + s + "  " })
	if noColor {
		f.SelectedOption = plain.Bold(true)
	}
	t.Blurred = t.Focused
	b := &t.Blurred
	b.Base = b.Base.BorderStyle(lipgloss.HiddenBorder())
	b.Card = b.Base
	b.Title = plain
	b.SelectSelector = plain.SetString("  ")
	b.MultiSelectSelector = plain.SetString("  ")
	b.NextIndicator = plain.MarginLeft(1).SetString(" ")
	b.PrevIndicator = plain.MarginRight(1).SetString(" ")
	b.SelectedOption = plain
	t.Group.Title = plain.Bold(true)
	t.Group.Description = plain.Foreground(muted)
	t.FieldSeparator = plain.SetString("\n")
	return t
}
