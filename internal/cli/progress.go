package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// eventDone is a pseudo event that clears the progress line.
const eventDone probe.EventKind = -1

// newProgressLine shows "running: token, scopes (7/12 done)" on one line of
// stderr while the checks run, so a terminal user sees the tool is alive
// without anything reaching stdout.
func newProgressLine(w io.Writer) func(probe.Event) {
	var mu sync.Mutex
	running := map[string]bool{}
	done := 0
	return func(e probe.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Kind {
		case probe.EventStarted:
			running[e.ID] = true
		case probe.EventFinished:
			delete(running, e.ID)
			done++
		case eventDone:
			fmt.Fprint(w, "\r\x1b[K")
			return
		}
		fmt.Fprintf(w, "\r\x1b[K  checking… %d done, %d running", done, len(running))
	}
}
