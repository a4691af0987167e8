// Package uitest lets tests wait on what a Bubble Tea model shows rather
// than on the bytes the program's renderer writes.
//
// The renderer writes only the cells that changed since the frame it last
// flushed, and it flushes on a timer, so under load it skips frames. A text
// that shares its first cells with what the row held before is never
// written whole: after "┃ When does/did it expire?" the row becomes
// "┃ Which option?" by writing "ich option?" alone. A wait that searches
// the output stream for "Which option" then fails or passes with the load
// of the machine. Screen records the frames the model draws instead.
package uitest

import (
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Screen keeps, as plain text, the frames a wrapped model drew since the
// last sync point.
type Screen struct {
	mu      sync.Mutex
	sent    int      // sync markers sent
	synced  int      // the last marker the model received
	frames  []string // frames drawn since that marker
	all     []string // every frame, each once if drawn again in a row
	changed chan struct{}
}

// NewScreen returns an empty Screen.
func NewScreen() *Screen { return &Screen{changed: make(chan struct{})} }

// syncMsg marks a point in the program's message stream: messages a test
// sent before it have been handled once the model receives it.
type syncMsg int

// Wrap returns m as a model whose every frame s records.
func (s *Screen) Wrap(m tea.Model) tea.Model { return model{inner: m, s: s} }

// Unwrap returns the model Wrap wrapped (a program's final model).
func Unwrap(m tea.Model) tea.Model {
	if w, ok := m.(model); ok {
		return w.inner
	}
	return m
}

type model struct {
	inner tea.Model
	s     *Screen
}

func (m model) Init() tea.Cmd { return m.inner.Init() }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if n, ok := msg.(syncMsg); ok {
		m.s.mark(int(n))
		return m, nil
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View records the frame; the program calls it after every Update.
func (m model) View() tea.View {
	v := m.inner.View()
	m.s.drew(ansi.Strip(v.Content))
	return v
}

func (s *Screen) mark(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.synced, s.frames = n, nil
}

func (s *Screen) drew(frame string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames = append(s.frames, frame)
	if len(s.all) == 0 || s.all[len(s.all)-1] != frame {
		s.all = append(s.all, frame)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor sends a sync marker with send (the program's Send), so every
// message sent before has been handled, then waits until a frame drawn
// after it shows want. It returns the last frame drawn and whether want
// showed before timeout, an upper bound for a stuck program rather than a
// timing assertion.
func (s *Screen) WaitFor(send func(tea.Msg), want string, timeout time.Duration) (last string, ok bool) {
	s.mu.Lock()
	s.sent++
	n := s.sent
	s.mu.Unlock()
	send(syncMsg(n))
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		if s.synced == n {
			for _, f := range s.frames {
				if strings.Contains(f, want) {
					s.mu.Unlock()
					return f, true
				}
			}
		}
		if len(s.frames) > 0 {
			last = s.frames[len(s.frames)-1]
		}
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return last, false
		}
	}
}

// All is every frame drawn so far, for a test that scans them all (no
// secret on any screen): the output stream holds only the cells that
// changed between the frames the renderer flushed.
func (s *Screen) All() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.all, "\n")
}
