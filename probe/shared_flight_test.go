package probe

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

func TestFlights(t *testing.T) {
	t.Run("concurrent callers compute once", func(t *testing.T) {
		var fs flights[int]
		var calls atomic.Int32
		release := make(chan struct{})
		var wg sync.WaitGroup
		got := make([]int, 20)
		for i := range got {
			wg.Go(func() {
				v, ok := fs.do(context.Background(), "k", func() (int, bool) {
					calls.Add(1)
					<-release
					return 42, true
				})
				if !ok {
					t.Error("not ok without a cancelled context")
				}
				got[i] = v
			})
		}
		close(release)
		wg.Wait()
		if n := calls.Load(); n != 1 {
			t.Errorf("computed %d times, want once", n)
		}
		for i, v := range got {
			if v != 42 {
				t.Errorf("caller %d got %d", i, v)
			}
		}
		if v, _ := fs.do(context.Background(), "k", func() (int, bool) { calls.Add(1); return 0, true }); v != 42 || calls.Load() != 1 {
			t.Errorf("a later caller got %d after %d computations, want the cached 42", v, calls.Load())
		}
	})
	t.Run("a value not kept is recomputed", func(t *testing.T) {
		var fs flights[int]
		v1, _ := fs.do(context.Background(), "k", func() (int, bool) { return 1, false })
		v2, _ := fs.do(context.Background(), "k", func() (int, bool) { return 2, true })
		v3, _ := fs.do(context.Background(), "k", func() (int, bool) { return 3, true })
		if v1 != 1 || v2 != 2 || v3 != 2 {
			t.Errorf("got %d, %d, %d; want 1 (its own), 2 (recomputed), 2 (kept)", v1, v2, v3)
		}
	})
	t.Run("a waiter whose context ends gives up", func(t *testing.T) {
		var fs flights[int]
		started, release := make(chan struct{}), make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			fs.do(context.Background(), "k", func() (int, bool) { close(started); <-release; return 1, true })
		}()
		<-started
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if v, ok := fs.do(ctx, "k", func() (int, bool) { t.Error("computed while another caller was"); return 2, true }); ok || v != 0 {
			t.Errorf("got %d, %v; want 0, false", v, ok)
		}
		close(release)
		<-done
	})
}
