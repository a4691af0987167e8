//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// TestThenInterrupted (docs/after-the-write.md) presses ctrl+c while a
// --then command runs, on the real binary: the command is stopped, the
// written config stays written and verified, stderr says so, the audit log
// records the interruption, and the exit code is 130.
func TestThenInterrupted(t *testing.T) {
	bin := buildBinary(t)
	r := newRotation(t)
	marker := filepath.Join(t.TempDir(), "went-on")
	cmd := exec.Command(bin, "rotate", "--config", r.cfg, "--cacert", r.info.CAFile, "--client-secret-stdin", "--yes",
		"--then", "echo started; sleep 60; touch "+marker)
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "FHIRDOCTOR_CONFIG=")
	cmd.Stdin = strings.NewReader(r.secret + "\n")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		stderr bytes.Buffer
	)
	started, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pipe)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			stderr.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if sc.Text() == "started" {
				once.Do(func() { close(started) })
			}
		}
	}()
	select {
	case <-started:
	case <-done:
		_ = cmd.Wait()
		t.Fatalf("rotate ended before its --then command started (exit %d)", cmd.ProcessState.ExitCode())
	}
	// What a terminal's ctrl+c sends to fhirdoctor's process group; the
	// command runs in its own, so fhirdoctor decides how to stop it.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-done
	_ = cmd.Wait()
	out := stderr.String()
	assertNoSecret(t, r.srv, out)
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit code %d, want 130; stderr:\n%s", code, out)
	}
	for _, want := range []string{"interrupted", "the command was stopped", "the config stays written and verified"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command went on after ctrl+c")
	}
	after, err := os.ReadFile(r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, r.want) {
		t.Errorf("the config holds %s, want the new content", describe(after, r.contents))
	}
	audit, err := os.ReadFile(filepath.Join(filepath.Dir(r.cfg), config.AuditFileName))
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, r.srv, string(audit))
	lines := strings.Split(strings.TrimSpace(string(audit)), "\n")
	var last config.AuditEntry
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Action != "then" || last.Command == nil || last.Command.Status != "interrupted" {
		t.Errorf("last audit entry = %+v, want the interrupted command", last)
	}
}
