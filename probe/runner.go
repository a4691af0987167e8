package probe

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// timeoutGrace is how long the runner waits, after a check's deadline, for
// the check to return its own (better classified) result before giving up
// on it.
const timeoutGrace = time.Second

// validateGraph rejects unknown dependencies and cycles: a programming
// error in the catalogue, caught before anything runs.
func validateGraph(checks []check) error {
	index := map[string]int{}
	for i, c := range checks {
		if _, dup := index[c.id]; dup {
			return fmt.Errorf("check %q is defined twice", c.id)
		}
		index[c.id] = i
	}
	for _, c := range checks {
		for _, d := range c.deps {
			if _, ok := index[d]; !ok {
				return fmt.Errorf("check %q depends on unknown check %q", c.id, d)
			}
		}
	}
	// 0 unvisited, 1 in progress, 2 done.
	mark := make([]int, len(checks))
	var visit func(i int) error
	visit = func(i int) error {
		switch mark[i] {
		case 1:
			return fmt.Errorf("checks depend on each other in a cycle through %q", checks[i].id)
		case 2:
			return nil
		}
		mark[i] = 1
		for _, d := range checks[i].deps {
			if err := visit(index[d]); err != nil {
				return err
			}
		}
		mark[i] = 2
		return nil
	}
	for i := range checks {
		if err := visit(i); err != nil {
			return err
		}
	}
	return nil
}

// runChecks runs every check as soon as its dependencies finished, all of
// them concurrently, and returns the results in the order of checks.
// excluded maps ids that must not run to the reason. onEvent calls are
// serialised.
func runChecks(ctx context.Context, checks []check, s *state, excluded map[string]string, timeout time.Duration, onEvent func(Event)) []CheckResult {
	index := make(map[string]int, len(checks))
	for i, c := range checks {
		index[c.id] = i
	}
	results := make([]CheckResult, len(checks))
	done := make([]chan struct{}, len(checks))
	for i := range done {
		done[i] = make(chan struct{})
	}
	// A result is written before its done channel closes and read only
	// after, so dependents see it without further locking.
	s.dep = func(id string) *CheckResult {
		i, ok := index[id]
		if !ok {
			return nil
		}
		select {
		case <-done[i]:
			return &results[i]
		default:
			return nil
		}
	}
	var emitMu sync.Mutex
	emit := func(e Event) {
		if onEvent == nil {
			return
		}
		emitMu.Lock()
		defer emitMu.Unlock()
		onEvent(e)
	}
	finish := func(i int, r Result) {
		results[i] = CheckResult{ID: checks[i].id, Title: checks[i].title, Result: r}
		emit(Event{Kind: EventFinished, ID: checks[i].id, Title: checks[i].title, Result: r})
	}

	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() {
			defer close(done[i])
			if why, ok := excluded[c.id]; ok {
				finish(i, skipped(why))
				return
			}
			for _, d := range c.deps {
				select {
				case <-done[index[d]]:
				case <-ctx.Done():
					finish(i, skipped("cancelled before it started"))
					return
				}
			}
			// A cancelled run skips everything it had not started: its
			// dependencies were skipped for the same reason, which is the
			// one worth naming.
			if ctx.Err() != nil {
				finish(i, skipped("cancelled before it started"))
				return
			}
			if why := blockedBy(c, func(d string) Status { return results[index[d]].Status }); why != "" {
				finish(i, skipped(why))
				return
			}
			emit(Event{Kind: EventStarted, ID: c.id, Title: c.title})
			finish(i, runOne(ctx, c, s, timeout))
		})
	}
	wg.Wait()
	return results
}

// blockedBy says why c cannot run given its dependencies' statuses, "" when
// it can. A check runs only when its dependencies passed; an afterFailure
// check (it explains a failure) also runs after a failed one, but not when
// none of them ran at all: with nothing measured (an invalid config skips
// everything) it would only probe with values known to be wrong.
func blockedBy(c check, status func(id string) Status) string {
	skippedDep := ""
	for _, d := range c.deps {
		st := status(d)
		switch {
		case st == StatusSkip && skippedDep == "":
			skippedDep = d
		case st != StatusSkip && c.afterFailure:
			return ""
		case st == StatusFail:
			return fmt.Sprintf("needs %s, which %s", d, pastTense(st))
		}
	}
	if skippedDep != "" {
		return fmt.Sprintf("needs %s, which %s", skippedDep, pastTense(StatusSkip))
	}
	return ""
}

func pastTense(st Status) string {
	if st == StatusFail {
		return "failed"
	}
	return "was skipped"
}

// runOne runs a check under its timeout, turns a panic into a failure that
// names no value (a panic value could hold a credential), and scrubs the
// result.
func runOne(ctx context.Context, c check, s *state, timeout time.Duration) Result {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	ch := make(chan Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- Result{Status: StatusFail,
					Summary: fmt.Sprintf("internal error: check %s panicked (%T); this is a bug in fhirdoctor, please report it", c.id, p)}
			}
		}()
		ch <- c.run(cctx, s)
	}()
	var r Result
	select {
	case r = <-ch:
	case <-cctx.Done():
		// Checks honour their context and usually return at once with a
		// classified timeout; wait briefly for that.
		grace := time.NewTimer(timeoutGrace)
		select {
		case r = <-ch:
		case <-grace.C:
			r = Result{Status: StatusFail, Summary: fmt.Sprintf("no result within %s", timeout),
				Facts: &Facts{Class: string(TokenTimeout), Cause: CauseServerOutage}}
		}
		grace.Stop()
	}
	if ctx.Err() != nil && r.Status == StatusFail {
		r = Result{Status: StatusSkip, Summary: "cancelled: " + context.Cause(ctx).Error()}
	} else if errors.Is(cctx.Err(), context.DeadlineExceeded) && r.Status == StatusFail && r.Remedy == "" {
		r.Remedy = fmt.Sprintf("Nothing answered within --timeout %s: retry, or raise --timeout if the network is slow.", timeout)
	}
	r.Duration = time.Since(start)
	return s.finish(r)
}
