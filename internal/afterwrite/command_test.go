//go:build unix

package afterwrite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// syncBuffer is an io.Writer the test can read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	// line, when set, is closed the first time a line holding word arrives.
	word string
	seen chan struct{}
	once sync.Once
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
	if s.seen != nil && strings.Contains(s.b.String(), s.word) {
		s.once.Do(func() { close(s.seen) })
	}
	return len(p), nil
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestRun(t *testing.T) {
	secret := config.NewSecret(fakeSecret)
	cases := []struct {
		name    string
		command string
		environ []string
		status  Status
		code    int
		output  string // substring of the kept output
		absent  string
	}{
		{name: "ok", command: "echo hello", status: StatusOK, code: 0, output: "hello\n"},
		{name: "exit 3", command: "echo failing >&2; exit 3", status: StatusFailed, code: 3, output: "failing"},
		{name: "sees tenant and config", command: `echo "$FHIRDOCTOR_TENANT $FHIRDOCTOR_CONFIG"`, status: StatusOK, output: "clinic-north /cfg/config.yaml"},
		{name: "runs in the backend root", command: "pwd", status: StatusOK, output: "ROOT"},
		{name: "inherits the environment", command: `echo "$KEEP"`, environ: []string{"KEEP=kept"}, status: StatusOK, output: "kept"},
		{name: "no client secret handed on", command: `echo "[$FHIRDOCTOR_CLIENT_SECRET]"`, environ: []string{"FHIRDOCTOR_CLIENT_SECRET=" + fakeSecret}, status: StatusOK, output: "[]"},
		{name: "overrides stale values", command: `echo "$FHIRDOCTOR_TENANT"`, environ: []string{"FHIRDOCTOR_TENANT=old"}, status: StatusOK, output: "clinic-north"},
		{name: "secret printed is scrubbed", command: "echo '" + fakeSecret + "'", status: StatusOK, output: secret.Fingerprint(), absent: fakeSecret},
		{name: "no trailing newline kept", command: "printf partial", status: StatusOK, output: "partial"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			var shown syncBuffer
			res := Run(context.Background(), Spec{
				Command: tc.command, Dir: root, Environ: tc.environ,
				Tenant: "clinic-north", Config: "/cfg/config.yaml",
				Output: &shown, Scrubber: NewScrubber([]config.Secret{secret}),
			})
			want := strings.ReplaceAll(tc.output, "ROOT", root)
			if res.Status != tc.status || res.ExitCode != tc.code {
				t.Fatalf("status %s exit %d (%s), want %s exit %d", res.Status, res.ExitCode, res.Error, tc.status, tc.code)
			}
			if !strings.Contains(res.Output, want) || !strings.Contains(shown.String(), want) {
				t.Errorf("output lacks %q", want)
			}
			if tc.absent != "" && (strings.Contains(res.Output+shown.String()+res.Command, tc.absent)) {
				t.Errorf("the secret reached the output")
			}
		})
	}
}

func TestRunCommandLineScrubbed(t *testing.T) {
	res := Run(context.Background(), Spec{Command: "true '" + fakeSecret + "'", Dir: t.TempDir(), Scrubber: NewScrubber([]config.Secret{config.NewSecret(fakeSecret)})})
	if strings.Contains(res.Command, fakeSecret) || !res.OK() {
		t.Errorf("result %+v", res.Status)
	}
}

func TestRunNotStarted(t *testing.T) {
	res := Run(context.Background(), Spec{Command: "true", Dir: filepath.Join(t.TempDir(), "missing")})
	if res.Status != StatusNotStarted || res.Error == "" {
		t.Errorf("status %s, error %q", res.Status, res.Error)
	}
}

// TestRunTimeout: the command never ends on its own; the timeout stops it
// (and what it started).
func TestRunTimeout(t *testing.T) {
	res := Run(context.Background(), Spec{Command: "sleep 60 & wait", Dir: t.TempDir(), Timeout: 50 * time.Millisecond})
	if res.Status != StatusTimedOut {
		t.Fatalf("status %s, want timed-out", res.Status)
	}
	if !strings.Contains(res.Outcome(), "timed out") {
		t.Errorf("outcome %q", res.Outcome())
	}
}

// TestRunInterrupted: cancelling the context (ctrl+c) stops the command
// once it is running, and the result says interrupted, not failed.
func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	shown := &syncBuffer{word: "ready", seen: make(chan struct{})}
	go func() { <-shown.seen; cancel() }()
	marker := filepath.Join(t.TempDir(), "survived")
	res := Run(ctx, Spec{Command: "echo ready; sleep 60; touch " + marker, Dir: t.TempDir(), Output: shown})
	if res.Status != StatusInterrupted {
		t.Fatalf("status %s, want interrupted", res.Status)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command went on after the interruption")
	}
}

// TestRunBackgroundChild: a command that starts a server in the background
// and exits 0 is a success, and the server is left running.
func TestRunBackgroundChild(t *testing.T) {
	defer func(g time.Duration) { grace = g }(grace)
	grace = 100 * time.Millisecond // not parallel: no other test reads it meanwhile
	dir := t.TempDir()
	res := Run(context.Background(), Spec{Command: "sleep 30 & echo $! > pid; echo started", Dir: dir})
	if !res.OK() {
		t.Fatalf("status %s: %s", res.Status, res.Outcome())
	}
	b, err := os.ReadFile(filepath.Join(dir, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.TrimSpace(string(b))
	if _, err := os.Stat("/proc/" + pid); err != nil && !os.IsNotExist(err) {
		t.Skip("no /proc")
	} else if os.IsNotExist(err) {
		t.Error("the background child was killed")
	}
	var p *os.Process
	if p, err = os.FindProcess(atoi(pid)); err == nil {
		_ = p.Kill()
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
