package ui

import (
	"errors"
	"sync"

	"github.com/fhirdoctor/fhirdoctor/config"
)

var (
	errNoBrowser    = errors.New("no browser opener configured")
	errNoReport     = errors.New("no report writer configured")
	errEmptyCommand = errors.New("type the command to run, or choose Back")
)

// writeGuard makes "quit never leaves a half-written file" hold even when
// the program ends while a write command is in flight: close waits for a
// running write and stops any later one from starting.
type writeGuard struct {
	mu     sync.Mutex
	closed bool
	// written is the last successful write, for a session whose program
	// ended before it saw the result.
	written *config.SaveResult
}

func (g *writeGuard) record(r config.SaveResult) {
	g.written = &r // called inside do, under mu
}

// lastWrite is the last successful write; call it after close.
func (g *writeGuard) lastWrite() *config.SaveResult {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.written
}

func (g *writeGuard) do(f func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	f()
	return true
}

func (g *writeGuard) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}
