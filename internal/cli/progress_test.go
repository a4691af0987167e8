package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is a bytes.Buffer safe for the spinner's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestProgressNamesRunningChecks: the spinner names each running check with
// its elapsed time (clock and ticks injected: no wall-clock timing).
func TestProgressNamesRunningChecks(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var out syncBuffer
	p := newProgressLine(&out, clock.now, 0)
	ticks, stop, finished := make(chan time.Time), make(chan struct{}), make(chan struct{})
	go func() { defer close(finished); p.run(ticks, stop) }()

	p.event(probe.Event{Kind: probe.EventStarted, ID: "token"})
	clock.add(2 * time.Second)
	p.event(probe.Event{Kind: probe.EventStarted, ID: "metadata"})
	p.event(probe.Event{Kind: probe.EventStarted, ID: "dns"})
	p.event(probe.Event{Kind: probe.EventFinished, ID: "dns"})
	clock.add(1200 * time.Millisecond)
	ticks <- clock.now()
	ticks <- clock.now() // the second tick is taken only after the first was drawn
	close(stop)
	<-finished

	got := out.String()
	if want := "token 3.2s, metadata 1.2s · 1 done"; !strings.Contains(got, want) {
		t.Errorf("spinner output %q lacks %q", got, want)
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("the spinner does not clear its line when stopped: %q", got)
	}
	if strings.Contains(got, "dns ") {
		t.Errorf("a finished check is still shown as running: %q", got)
	}
}

func TestProgressFitsTheTerminal(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	p := newProgressLine(&bytes.Buffer{}, clock.now, 30)
	for _, id := range []string{"fhir.DocumentReference", "fhir.Observation", "fhir.Encounter"} {
		p.event(probe.Event{Kind: probe.EventStarted, ID: id})
	}
	if l := p.line(); len([]rune(l)) > 29 || !strings.HasSuffix(l, "…") {
		t.Errorf("line %q is not cut to 29 columns", l)
	}
}

// TestProgressOnlyOnATerminal: no spinner bytes when stderr is not a terminal.
func TestProgressOnlyOnATerminal(t *testing.T) {
	g := &globals{}
	hook, stop := g.progress(&IOStreams{Err: &bytes.Buffer{}})
	stop()
	if hook != nil {
		t.Fatal("a spinner hook without a terminal on stderr")
	}
}
