package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// progressTick is how often the spinner redraws: often enough that elapsed
// times move smoothly, rarely enough to cost nothing.
const progressTick = 100 * time.Millisecond

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// progressLine is the one-line spinner on stderr while the checks run: the
// running checks by name with how long each has been running, so a slow
// network shows which host is slow ("⠹ token 12.3s, metadata 12.1s · 6
// done"). It never writes to stdout, so --json stays one document.
type progressLine struct {
	w     io.Writer
	now   func() time.Time
	width int // columns of the terminal; the line is cut to fit

	mu      sync.Mutex
	started map[string]time.Time
	order   []string // running checks, in the order they started
	done    int
	frame   int
}

func newProgressLine(w io.Writer, now func() time.Time, width int) *progressLine {
	return &progressLine{w: w, now: now, width: width, started: map[string]time.Time{}}
}

// event records a check starting or finishing; the runner serialises calls.
func (p *progressLine) event(e probe.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.Kind {
	case probe.EventStarted:
		p.started[e.ID] = p.now()
		p.order = append(p.order, e.ID)
	case probe.EventFinished:
		if _, ok := p.started[e.ID]; ok {
			delete(p.started, e.ID)
			p.order = slices.DeleteFunc(p.order, func(id string) bool { return id == e.ID })
		}
		p.done++
	}
}

// line renders the current state; the longest-running check comes first.
func (p *progressLine) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	var parts []string
	for _, id := range p.order {
		parts = append(parts, fmt.Sprintf("%s %.1fs", id, now.Sub(p.started[id]).Seconds()))
	}
	running := "waiting"
	if len(parts) > 0 {
		running = strings.Join(parts, ", ")
	}
	s := fmt.Sprintf("%s %s · %d done", spinnerFrames[p.frame%len(spinnerFrames)], running, p.done)
	if p.width > 0 {
		s = ansi.Truncate(s, p.width-1, "…")
	}
	return s
}

// draw advances the spinner and rewrites the line in place.
func (p *progressLine) draw() {
	s := p.line()
	p.mu.Lock()
	p.frame++
	p.mu.Unlock()
	fmt.Fprint(p.w, "\r\x1b[K"+s)
}

// run redraws on every tick until stop is closed, then clears the line.
func (p *progressLine) run(ticks <-chan time.Time, stop <-chan struct{}) {
	p.draw()
	for {
		select {
		case <-ticks:
			p.draw()
		case <-stop:
			fmt.Fprint(p.w, "\r\x1b[K")
			return
		}
	}
}

// progress returns the event hook for probe.Run and a stop function that
// waits for the spinner to clear its line. Without a terminal on stderr
// (CI logs, files) there is no spinner: the hook is nil.
func (g *globals) progress(io *IOStreams) (func(probe.Event), func()) {
	if !io.StderrTTY {
		return nil, func() {}
	}
	width := 0
	if f, ok := io.Err.(term.File); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil {
			width = w
		}
	}
	p := newProgressLine(io.Err, time.Now, width)
	ticker := time.NewTicker(progressTick)
	stop, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		p.run(ticker.C, stop)
	}()
	return p.event, func() {
		ticker.Stop()
		close(stop)
		<-finished
	}
}
