package ui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// screenID names a screen. The steps come in the order the user meets them
// (docs/design.md, "Wizard screens"); side screens such as the Provider app
// sit over a step and come after the last step.
type screenID int

const (
	stepDiagnose screenID = iota
	stepStatus
	stepRegenerate
	stepUpdate
	stepTest
	stepVerify
	stepSummary
	sideProvider
	sideRunAfter

	lastStep   = stepSummary
	lastScreen = sideRunAfter
)

// screen is one page of the wizard behind the small surface the wizard
// needs. Each screen owns its state; what several read lives in common;
// what one screen does to another travels as a typed message (events.go).
// Adding a screen (a JWT key upload, an after-write checklist) is writing a
// type with these methods and listing it in newScreens.
type screen interface {
	// title is the header's text.
	title() string
	// enter runs each time the screen becomes current.
	enter() tea.Cmd
	// update gets the current screen's keys and form traffic, and every
	// screen's copy of the wizard's events (event in events.go).
	update(msg tea.Msg) tea.Cmd
	// view draws the body: text, then the form unless rendering for the
	// accessible mode, which asks the form as line prompts instead.
	view(p *page)
	// keys is which wizard bindings act now.
	keys() screenKeys
	// form is the form waiting for an answer, nil when none.
	form() *huh.Form
	// setSize follows the window.
	setSize(width, height int)
	// busy says a job of the screen runs (the spinner turns while one does).
	busy() bool
}

// base gives a screen the common state and the defaults of the methods
// most screens do not need.
type base struct{ c *common }

func (base) form() *huh.Form  { return nil }
func (base) setSize(_, _ int) {}
func (base) busy() bool       { return false }

// newScreens builds one screen of each kind, all sharing c.
func newScreens(c *common) map[screenID]screen {
	return map[screenID]screen{
		stepDiagnose:   newDiagnoseScreen(c),
		stepStatus:     newStatusScreen(c),
		stepRegenerate: newRegenerateScreen(c),
		stepUpdate:     newUpdateScreen(c),
		stepTest:       newTestScreen(c),
		stepVerify:     newVerifyScreen(c),
		stepSummary:    newSummaryScreen(c),
		sideProvider:   newProviderScreen(c),
		sideRunAfter:   newRunAfterScreen(c),
	}
}
