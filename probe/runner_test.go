package probe

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// eventLog records events; the runner promises serialised calls, and the
// race detector checks that promise because the log has no lock.
type eventLog struct{ events []Event }

func (l *eventLog) add(e Event) { l.events = append(l.events, e) }

func (l *eventLog) index(kind EventKind, id string) int {
	for i, e := range l.events {
		if e.Kind == kind && e.ID == id {
			return i
		}
	}
	return -1
}

func newTestState() *state {
	return &state{opts: Options{}.withDefaults()}
}

func pass(string) func(context.Context, *state) Result {
	return func(context.Context, *state) Result { return Result{Status: StatusPass, Summary: "ok"} }
}

func resultsByID(rs []CheckResult) map[string]CheckResult {
	m := map[string]CheckResult{}
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

func TestRunnerDependencyOrder(t *testing.T) {
	release := make(chan struct{})
	checks := []check{
		{id: "c", deps: []string{"b"}, run: pass("c")},
		{id: "b", deps: []string{"a"}, run: pass("b")},
		{id: "a", run: func(ctx context.Context, _ *state) Result {
			<-release
			return Result{Status: StatusPass}
		}},
	}
	var log eventLog
	close(release)
	rs := runChecks(context.Background(), checks, newTestState(), nil, time.Minute, log.add)
	for i, id := range []string{"c", "b", "a"} {
		if rs[i].ID != id {
			t.Fatalf("results not in catalogue order: %v", rs)
		}
	}
	for _, pair := range [][2]string{{"a", "b"}, {"b", "c"}} {
		if log.index(EventFinished, pair[0]) > log.index(EventStarted, pair[1]) {
			t.Errorf("%s started before %s finished: %v", pair[1], pair[0], log.events)
		}
	}
	if len(log.events) != 6 {
		t.Errorf("want 3 started + 3 finished events, got %d", len(log.events))
	}
}

func TestRunnerRunsIndependentChecksConcurrently(t *testing.T) {
	// Each check waits until both have started: a serial runner deadlocks
	// here and the per-check timeout turns that into a failure.
	var started sync.WaitGroup
	started.Add(2)
	both := make(chan struct{})
	go func() { started.Wait(); close(both) }()
	waiter := func(ctx context.Context, _ *state) Result {
		started.Done()
		select {
		case <-both:
			return Result{Status: StatusPass}
		case <-ctx.Done():
			return Result{Status: StatusFail, Summary: "ran alone"}
		}
	}
	checks := []check{{id: "x", run: waiter}, {id: "y", run: waiter}}
	for _, r := range runChecks(context.Background(), checks, newTestState(), nil, 30*time.Second, nil) {
		if r.Status != StatusPass {
			t.Fatalf("%s: %s %s", r.ID, r.Status, r.Summary)
		}
	}
}

func TestRunnerSkipPropagation(t *testing.T) {
	var afterSaw Status
	checks := []check{
		{id: "a", run: func(context.Context, *state) Result { return Result{Status: StatusFail, Summary: "broken"} }},
		{id: "b", deps: []string{"a"}, run: pass("b")},
		{id: "c", deps: []string{"b"}, run: pass("c")},
		{id: "explain", deps: []string{"a"}, afterFailure: true, run: func(_ context.Context, s *state) Result {
			afterSaw = s.dep("a").Status
			return Result{Status: StatusPass}
		}},
		{id: "w", run: func(context.Context, *state) Result { return Result{Status: StatusWarn} }},
		{id: "afterWarn", deps: []string{"w"}, run: pass("afterWarn")},
		{id: "excluded", run: pass("excluded")},
		{id: "needsExcluded", deps: []string{"excluded"}, run: pass("x")},
	}
	rs := resultsByID(runChecks(context.Background(), checks, newTestState(), map[string]string{"excluded": "skipped (--skip)"}, time.Minute, nil))
	tests := []struct {
		id     string
		status Status
		why    string
	}{
		{"b", StatusSkip, "needs a, which failed"},
		{"c", StatusSkip, "needs b, which was skipped"},
		{"explain", StatusPass, ""},
		{"afterWarn", StatusPass, ""},
		{"excluded", StatusSkip, "skipped (--skip)"},
		{"needsExcluded", StatusSkip, "needs excluded, which was skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := rs[tt.id]
			if r.Status != tt.status || !strings.Contains(r.Summary, tt.why) {
				t.Fatalf("%s = %s %q; want %s %q", tt.id, r.Status, r.Summary, tt.status, tt.why)
			}
		})
	}
	if afterSaw != StatusFail {
		t.Errorf("afterFailure check saw dep status %q, want fail", afterSaw)
	}
}

func TestRunnerRecoversPanicWithoutSecret(t *testing.T) {
	const secret = "FAKE-SECRET-panic-value-1234"
	s := newTestState()
	s.addSecret(secret)
	checks := []check{
		{id: "boom", run: func(context.Context, *state) Result { panic("token " + secret) }},
		{id: "after", deps: []string{"boom"}, run: pass("after")},
		{id: "echo", run: func(context.Context, *state) Result {
			return Result{Status: StatusFail, Summary: "server said " + secret, Evidence: []string{"x" + secret + "y"}}
		}},
	}
	rs := resultsByID(runChecks(context.Background(), checks, s, nil, time.Minute, nil))
	if r := rs["boom"]; r.Status != StatusFail || !strings.Contains(r.Summary, "panicked") {
		t.Fatalf("boom = %s %q", r.Status, r.Summary)
	}
	if rs["after"].Status != StatusSkip {
		t.Errorf("dependent of a panicking check ran")
	}
	for _, r := range rs {
		text := fmt.Sprint(r.Summary, r.Evidence, r.Remedy)
		if strings.Contains(text, secret) {
			t.Fatalf("%s leaks the secret: %s", r.ID, text)
		}
	}
}

func TestRunnerContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	checks := []check{
		{id: "blocker", run: func(ctx context.Context, _ *state) Result {
			<-ctx.Done()
			return Result{Status: StatusFail, Summary: ctx.Err().Error()}
		}},
		{id: "next", deps: []string{"blocker"}, run: pass("next")},
		{id: "explain", deps: []string{"blocker"}, afterFailure: true, run: pass("explain")},
	}
	onEvent := func(e Event) {
		if e.Kind == EventStarted && e.ID == "blocker" {
			cancel()
		}
	}
	rs := resultsByID(runChecks(ctx, checks, newTestState(), nil, time.Hour, onEvent))
	// next may see the cancellation or its failed dependency first: both
	// skip it.
	for id, want := range map[string]string{"blocker": "cancelled", "next": "", "explain": "cancelled before it started"} {
		if r := rs[id]; r.Status != StatusSkip || !strings.Contains(r.Summary, want) {
			t.Errorf("%s = %s %q; want skip %q", id, r.Status, r.Summary, want)
		}
	}
}

func TestRunnerPerCheckTimeout(t *testing.T) {
	checks := []check{{id: "slow", run: func(ctx context.Context, _ *state) Result {
		<-ctx.Done()
		return Result{Status: StatusFail, Summary: "gave up: " + ctx.Err().Error()}
	}}}
	r := runChecks(context.Background(), checks, newTestState(), nil, time.Millisecond, nil)[0]
	if r.Status != StatusFail || !strings.Contains(r.Summary, "deadline exceeded") || !strings.Contains(r.Remedy, "--timeout") {
		t.Fatalf("got %s %q %q", r.Status, r.Summary, r.Remedy)
	}
}

func TestRunnerHundredConcurrentChecks(t *testing.T) {
	const n = 100
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	var checks []check
	for i := range n {
		checks = append(checks, check{id: fmt.Sprintf("c%d", i), run: func(ctx context.Context, s *state) Result {
			started.Done()
			select {
			case <-all:
			case <-ctx.Done():
				return Result{Status: StatusFail, Summary: "not all ran at once"}
			}
			s.addSecret(fmt.Sprintf("FAKE-%04d", i)) // shared state under -race
			return Result{Status: StatusPass}
		}})
	}
	var deps []string
	for i := range n {
		deps = append(deps, fmt.Sprintf("c%d", i))
	}
	checks = append(checks, check{id: "join", deps: deps, run: func(_ context.Context, s *state) Result {
		for _, d := range deps {
			if s.dep(d) == nil || s.dep(d).Status != StatusPass {
				return Result{Status: StatusFail, Summary: d + " not finished"}
			}
		}
		return Result{Status: StatusPass}
	}})
	var log eventLog
	rs := runChecks(context.Background(), checks, newTestState(), nil, 30*time.Second, log.add)
	for _, r := range rs {
		if r.Status != StatusPass {
			t.Fatalf("%s: %s %s", r.ID, r.Status, r.Summary)
		}
	}
	if len(log.events) != 2*(n+1) {
		t.Fatalf("got %d events, want %d", len(log.events), 2*(n+1))
	}
}

func TestValidateGraph(t *testing.T) {
	tests := []struct {
		name   string
		checks []check
		want   string
	}{
		{"catalogue", catalogue(), ""},
		{"unknown dep", []check{{id: "a", deps: []string{"zz"}}}, "unknown check"},
		{"cycle", []check{{id: "a", deps: []string{"b"}}, {id: "b", deps: []string{"a"}}}, "cycle"},
		{"duplicate", []check{{id: "a"}, {id: "a"}}, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateGraph(tt.checks)
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("validateGraph = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSelection(t *testing.T) {
	cat := catalogue()
	ex, err := Options{Only: []string{"fhir.Binary"}, Skip: []string{"clock"}}.selection(cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"fhir.Binary", "fhir.DocumentReference", "token", "config"} {
		if _, out := ex[id]; out {
			t.Errorf("%s excluded, but fhir.Binary needs it", id)
		}
	}
	if ex["dns"] != "not selected (--only)" || ex["clock"] != "skipped (--skip)" {
		t.Errorf("exclusions: %v", ex)
	}
	_, err = Options{Skip: []string{"tokn"}}.selection(cat)
	if err == nil || !strings.Contains(err.Error(), `"tokn"`) || !strings.Contains(err.Error(), "token.encoding") {
		t.Fatalf("unknown id error = %v", err)
	}
}
