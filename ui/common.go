package ui

import (
	"context"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// common is the state every screen shares, handed to each when it is built
// (soft-serve's pkg/ui/common plays the same part): what the wizard works
// on, how it draws, and the session it records. Each screen writes only the
// session fields of its own step.
type common struct {
	ctx   context.Context
	deps  Deps
	opts  Options
	guard *writeGuard

	styles        styles
	keys          keyMap
	isDark        bool
	width, height int
	spinner       spinner.Model
	// accessible renders for screen readers: no spinner, forms asked as
	// line prompts, key hints left out of the text.
	accessible bool

	notice        string
	noticeIsError bool
	// writeInFlight says Step 4's write runs: quitting waits for it.
	writeInFlight bool

	// after is the command the "Run after writing" screen runs, if any.
	after afterRunning

	// evidence is what the user told the wizard (Step 1's upload time);
	// every probe run weighs it.
	evidence Evidence

	// nav is the change of screen asked for while the wizard handles a
	// message; the wizard makes it before reading the next (typeahead.go).
	nav *navigation

	// tenant is the tenant as last loaded from the config.
	tenant  config.Tenant
	session *Session
	nextRun int
}

func (c *common) newRun() int {
	c.nextRun++
	return c.nextRun
}

// tick animates the spinner; the accessible mode has none.
func (c *common) tick() tea.Cmd {
	if c.accessible {
		return nil
	}
	return c.spinner.Tick
}

// spin is the spinner's frame, or an ellipsis where nothing animates.
func (c *common) spin() string {
	if c.accessible {
		return "…"
	}
	return c.styles.Running.Render(c.spinner.View())
}

func (c *common) writing() bool { return c.writeInFlight }

// compact says the window is shorter than 24 rows: headers shrink to a
// line so the screen's message keeps its room.
func (c *common) compact() bool { return c.height < 24 }

func (c *common) setNotice(s string) { c.notice, c.noticeIsError = s, false }
func (c *common) setError(s string)  { c.notice, c.noticeIsError = s, true }

// console is where the tenant's vendor manages its apps and keys
// (probe.ConsoleFor), at the demo's sandbox console when Deps names one.
func (c *common) console() probe.Console {
	con := probe.ConsoleFor(c.tenant.Vendor)
	if c.deps.ConsoleURL != "" {
		con.URL = c.deps.ConsoleURL
	}
	return con
}
