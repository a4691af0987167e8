package ui

import (
	"context"
	"io"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
)

// AfterWrite is what the wizard does once the config is written
// (docs/after-the-write.md): it lists what remains on the Summary, offers
// the stale places to update, and runs the commands the user confirms on
// the "Run after writing" screen. A nil Deps.After hides all of it.
type AfterWrite struct {
	// Remains measures the rest of the system against the last write.
	Remains func() afterwrite.Remains
	// Update writes the last written pair to p, with the write's guarantees
	// (tested, atomic, backup, audit), and says what it did in one line.
	Update func(ctx context.Context, p afterwrite.Place) (string, error)
	// Run runs one command in the backend root, streaming its scrubbed
	// output to out, and records it in the audit log.
	Run func(ctx context.Context, command string, out io.Writer) afterwrite.Result
	// Suggestions pre-fill the command; none runs unless confirmed.
	Suggestions []afterwrite.Suggestion
	// Root is the backend root the commands run in.
	Root string
}

// placesUpdatedMsg: the places picked on the Summary were written.
type placesUpdatedMsg struct{ lines []string }

// afterOutputMsg carries scrubbed output of the running command.
type afterOutputMsg struct {
	run  int
	text string
	ch   chan tea.Msg
}

// afterDoneMsg: the command ended.
type afterDoneMsg struct {
	run    int
	result afterwrite.Result
}

func (placesUpdatedMsg) isEvent() {}
func (afterOutputMsg) isEvent()   {}
func (afterDoneMsg) isEvent()     {}

// updatePlacesCmd writes the picked places one by one, each result a line.
func updatePlacesCmd(ctx context.Context, fn func(context.Context, afterwrite.Place) (string, error), places []afterwrite.Place) tea.Cmd {
	return func() tea.Msg {
		var lines []string
		for _, p := range places {
			line, err := fn(ctx, p)
			if err != nil {
				line = "✗ " + p.Env + ", tenant " + p.Tenant + ": " + err.Error()
			}
			lines = append(lines, line)
		}
		return placesUpdatedMsg{lines: lines}
	}
}

// afterRunning tracks the command in flight, so the wizard's end stops it
// and waits for it: fhirdoctor never leaves a command running unasked.
type afterRunning struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

func (a *afterRunning) start(cancel context.CancelFunc) chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cancel, a.done = cancel, make(chan struct{})
	return a.done
}

// stop cancels the command in flight, if any, and waits until it ended.
func (a *afterRunning) stop() {
	a.mu.Lock()
	cancel, done := a.cancel, a.done
	a.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// chanWriter turns the command's output into messages.
type chanWriter struct {
	run  int
	ch   chan tea.Msg
	send func(tea.Msg)
}

func (w chanWriter) Write(p []byte) (int, error) {
	w.send(afterOutputMsg{run: w.run, text: string(p), ch: w.ch})
	return len(p), nil
}
