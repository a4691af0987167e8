package probe

import (
	"context"
	"sync"
)

// flights runs the work behind a key once for every caller of a shared run
// (single-flight plus a cache for the run's duration): the first caller
// computes, the callers that arrive meanwhile wait for its value, and later
// callers get it at once. A value the computing caller marks not keep (its
// context ended: a timeout of that tenant's check, not a fact about the
// server) is handed to that caller only and forgotten, so the next caller
// computes again.
type flights[T any] struct {
	mu sync.Mutex
	m  map[string]*flight[T]
}

type flight[T any] struct {
	done chan struct{}
	val  T
	kept bool
}

// do returns key's value and true, or the zero value and false when ctx
// ended while waiting for another caller's computation (the caller then
// computes on its own, which fails the way an unshared run would).
func (fs *flights[T]) do(ctx context.Context, key string, compute func() (val T, keep bool)) (T, bool) {
	for {
		fs.mu.Lock()
		if fs.m == nil {
			fs.m = make(map[string]*flight[T])
		}
		f := fs.m[key]
		if f == nil {
			f = &flight[T]{done: make(chan struct{})}
			fs.m[key] = f
			fs.mu.Unlock()
			val, keep := compute()
			f.val, f.kept = val, keep
			if !keep {
				fs.mu.Lock()
				delete(fs.m, key)
				fs.mu.Unlock()
			}
			close(f.done)
			return val, true
		}
		fs.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			var zero T
			return zero, false
		}
		if f.kept {
			return f.val, true
		}
		// The computing caller's context ended: try again (compute, or wait
		// for whoever started after it).
	}
}
