package afterwrite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// DefaultTimeout bounds each command: restarts and test suites are slow,
// but a hung one must not hold the terminal forever.
const DefaultTimeout = 10 * time.Minute

// grace is how long a stopped command gets to exit after its signal before
// it is killed, and how long a finished command's background children may
// keep its output open before fhirdoctor stops reading it. A variable only
// so a test need not wait for it.
var grace = 5 * time.Second

// Spec is one command to run after the write.
type Spec struct {
	// Command is the command line as the user wrote it, run by `sh -c`
	// (`cmd /C` on Windows).
	Command string
	// Dir is the backend root (BackendRoot).
	Dir string
	// Environ is the environment to start from: fhirdoctor's own. The
	// command gets it plus FHIRDOCTOR_TENANT and FHIRDOCTOR_CONFIG, minus
	// FHIRDOCTOR_CLIENT_SECRET: fhirdoctor never hands a secret on.
	Environ []string
	Tenant  string
	Config  string
	// Timeout bounds the command; 0 means DefaultTimeout.
	Timeout time.Duration
	// Output receives the command's stdout and stderr, scrubbed, line by
	// line; nil drops them (the Result still keeps their end).
	Output io.Writer
	// Scrubber removes the known secrets from everything shown and kept.
	Scrubber *Scrubber
}

// Status is how a command ended.
type Status string

const (
	StatusOK          Status = "ok"
	StatusFailed      Status = "failed"      // non-zero exit, or killed by a signal of its own
	StatusTimedOut    Status = "timed-out"   // stopped at Timeout
	StatusInterrupted Status = "interrupted" // stopped because fhirdoctor was (ctrl+c)
	StatusNotStarted  Status = "not-started" // could not be started (no shell, no such folder)
	StatusNotRun      Status = "not-run"     // skipped: an earlier command or write failed
)

// Result is what a command did. Every string in it is scrubbed.
type Result struct {
	Command  string        `json:"command"`
	Dir      string        `json:"dir"`
	Status   Status        `json:"status"`
	ExitCode int           `json:"exit_code"` // -1 when it did not exit by itself
	Duration time.Duration `json:"-"`
	// DurationMS is Duration for JSON.
	DurationMS int64  `json:"duration_ms"`
	Output     string `json:"output,omitempty"` // the last lines of its output
	Error      string `json:"error,omitempty"`  // why it could not start
}

// OK reports whether the command exited 0.
func (r Result) OK() bool { return r.Status == StatusOK }

// Outcome is the result in a few words: "exit 0 in 1.2s".
func (r Result) Outcome() string {
	d := r.Duration.Round(100 * time.Millisecond)
	switch r.Status {
	case StatusOK, StatusFailed:
		if r.ExitCode < 0 {
			return fmt.Sprintf("killed by a signal after %s", d)
		}
		return fmt.Sprintf("exit %d in %s", r.ExitCode, d)
	case StatusTimedOut:
		return fmt.Sprintf("timed out after %s, stopped", d)
	case StatusInterrupted:
		return fmt.Sprintf("interrupted after %s, stopped", d)
	case StatusNotStarted:
		return "could not start: " + r.Error
	case StatusNotRun:
		return "not run: " + r.Error
	}
	return string(r.Status)
}

// Run runs one command and waits for it. It returns when the command
// exits, its Timeout passes, or ctx is cancelled (ctrl+c); in the last two
// cases the command's process group is signalled, then killed after a
// grace period. Run never changes fhirdoctor's own state: the config it
// wrote stays written whatever the command does.
func Run(ctx context.Context, s Spec) Result {
	res := Result{Command: s.Scrubber.String(s.Command), Dir: s.Dir, ExitCode: -1}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(tctx, shell[0], append(shell[1:], s.Command)...)
	cmd.Dir = s.Dir
	cmd.Env = commandEnv(s.Environ, s.Tenant, s.Config)
	prepare(cmd, s.Command, func() bool { return ctx.Err() != nil })
	cmd.WaitDelay = grace
	out := &tail{}
	w := newLineWriter(s.Scrubber, s.Output, out)
	cmd.Stdout, cmd.Stderr = w, w // one writer: Go starts one pipe and one copier

	start := time.Now()
	err := cmd.Start()
	if err != nil {
		res.Status, res.Error = StatusNotStarted, s.Scrubber.String(err.Error())
		return res
	}
	err = cmd.Wait()
	res.Duration = time.Since(start)
	res.DurationMS = res.Duration.Milliseconds()
	if ctx.Err() != nil || tctx.Err() != nil {
		cleanup(cmd)
	}
	_ = w.Flush()
	res.Output = out.String()
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	switch {
	case ctx.Err() != nil:
		res.Status = StatusInterrupted
	case tctx.Err() != nil:
		res.Status = StatusTimedOut
	case err == nil || errors.Is(err, exec.ErrWaitDelay):
		// ErrWaitDelay: it exited 0 but left a background child (a server
		// it restarted) holding its output; that child keeps running.
		res.Status = StatusOK
	default:
		res.Status = StatusFailed
	}
	return res
}

// commandEnv is environ with FHIRDOCTOR_TENANT and FHIRDOCTOR_CONFIG set and
// FHIRDOCTOR_CLIENT_SECRET removed.
func commandEnv(environ []string, tenant, config string) []string {
	out := make([]string, 0, len(environ)+2)
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch envKey(k) {
		case "FHIRDOCTOR_TENANT", "FHIRDOCTOR_CONFIG", "FHIRDOCTOR_CLIENT_SECRET":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "FHIRDOCTOR_TENANT="+tenant, "FHIRDOCTOR_CONFIG="+config)
}
