package ui

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// TestInterruptStopsRunAfterWriting: the run ends (ctx, as ctrl+c or a
// signal ends it) while the command after the write runs. The wizard
// returns ErrInterrupted only once the command has been stopped: it never
// leaves one running behind.
func TestInterruptStopsRunAfterWriting(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	deps := w.deps()
	deps.After = w.fakeAfter()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stopped atomic.Bool
	started := make(chan struct{})
	deps.After.Run = func(rctx context.Context, command string, out io.Writer) afterwrite.Result {
		close(started)
		<-rctx.Done()
		// A command takes a moment to die. The wizard must wait for it
		// however long; this pause only makes a wizard that does not wait
		// fail the test (correct code passes whatever the timing).
		time.Sleep(50 * time.Millisecond)
		stopped.Store(true)
		return afterwrite.Result{Command: command, Status: afterwrite.StatusInterrupted, ExitCode: -1}
	}
	go func() { <-started; cancel() }()
	input := strings.Join([]string{
		"", "", "", "", "", "", // Diagnose, the checklist left unknown
		"",            // Step 1: continue
		"a",           // Option A
		"",            // Step 2: continue
		"",            // keep the client id
		fakeNewSecret, // the new secret
		"",            // Step 3: continue
		"y",           // write
		"",            // Step 4: continue
		"",            // Step 5: continue
		"0",           // no stale place picked: confirm the empty selection
		"y",           // run a command after writing
		"",            // keep the suggested command
		"y",           // run it
	}, "\n") + "\n"
	var out strings.Builder
	_, err := RunAccessible(ctx, deps, Options{}, strings.NewReader(input), &out)
	select {
	case <-started:
	default:
		t.Fatalf("the command never started\n%s", out.String())
	}
	if err != ErrInterrupted {
		t.Fatalf("err = %v, want ErrInterrupted\n%s", err, out.String())
	}
	if !stopped.Load() {
		t.Errorf("the wizard returned while the command still ran\n%s", out.String())
	}
}
