package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// padRight pads s with spaces to n display cells.
func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(1, n-ansi.StringWidth(s)))
}
