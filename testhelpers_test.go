package main

import (
	"bytes"
	"io"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/fhirdoctor/fhirdoctor/ui"
)

// frames keeps every byte the program wrote, to scan all of them.
type frames struct {
	mu  sync.Mutex
	all bytes.Buffer
}

func (f *frames) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.all.Write(p)
}

func (f *frames) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.all.String()
}

// wizardDriver runs the real wizard, wired to w as main wires it, in a
// teatest program with a pinned colour profile, and keeps every frame.
type wizardDriver struct {
	t      *testing.T
	tm     *teatest.TestModel
	screen io.Reader
	seen   *frames
}

// startWizard uses 100x60: tall enough that the diagnosis is on screen
// without scrolling, so the text the driver waits for is never scrolled off.
func startWizard(t *testing.T, w *wizardBackend, opts ui.Options) *wizardDriver {
	t.Helper()
	opts.NoColor = true
	tm := teatest.NewTestModel(t, ui.New(w.deps(), opts),
		teatest.WithInitialTermSize(100, 60),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	seen := &frames{}
	return &wizardDriver{t: t, tm: tm, screen: io.TeeReader(tm.Output(), seen), seen: seen}
}

// waitFor blocks until the wizard shows want (never printing the screen).
func (d *wizardDriver) waitFor(want string) { d.t.Helper(); waitScreen(d.t, d.screen, want) }

// key presses enter or a single-character key.
func (d *wizardDriver) key(k string) {
	if k == "enter" {
		d.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		return
	}
	d.tm.Send(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
}

// paste sends text the way a terminal's bracketed paste does.
func (d *wizardDriver) paste(s string) { d.tm.Send(tea.PasteMsg{Content: s}) }

// final waits for the program to end and returns its model.
func (d *wizardDriver) final() ui.Model {
	d.t.Helper()
	fm, ok := d.tm.FinalModel(d.t, teatest.WithFinalTimeout(60*time.Second)).(ui.Model)
	if !ok {
		d.t.Fatal("final model is not a ui.Model")
	}
	return fm
}
