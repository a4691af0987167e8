//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// pausedRotate is a `fhirdoctor rotate` process stopped inside Save by the
// test hook, holding the lock.
type pausedRotate struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // Wait's, once exited is closed
	mu     sync.Mutex
	stderr bytes.Buffer
}

// rotateCmd is `rotate --yes --client-secret-stdin` as a script runs it.
func rotateCmd(bin, cfg, ca, secret, pauseAt string) *exec.Cmd {
	cmd := exec.Command(bin, "rotate", "--config", cfg, "--cacert", ca, "--client-secret-stdin", "--yes")
	cmd.Env = append(os.Environ(), "FHIRDOCTOR_TEST_PAUSE_AT="+pauseAt, "NO_COLOR=1", "FHIRDOCTOR_CONFIG=")
	cmd.Stdin = strings.NewReader(secret + "\n")
	return cmd
}

// startPaused starts rotate and returns once it says "PAUSED <step>".
func startPaused(t *testing.T, bin, cfg, ca, secret, step string) *pausedRotate {
	t.Helper()
	p := &pausedRotate{cmd: rotateCmd(bin, cfg, ca, secret, step), exited: make(chan struct{})}
	pipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	paused := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pipe)
		once := sync.Once{}
		for sc.Scan() {
			if sc.Text() == "PAUSED "+step {
				once.Do(func() { close(paused) })
				continue
			}
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		// Wait only after the last read of the pipe.
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	select {
	case <-paused:
		return p
	case <-p.exited:
		t.Fatalf("rotate exited (%v) without pausing at %q: %s", p.err, step, p.stderrText())
		return nil
	}
}

func (p *pausedRotate) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// kill sends SIGKILL: no deferred function, no cleanup runs.
func (p *pausedRotate) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("rotate was not killed by SIGKILL: %v", p.err)
	}
}

// resume lets the paused rotate finish and returns its exit code.
func (p *pausedRotate) resume(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	return p.cmd.ProcessState.ExitCode()
}

// afterRotate is the exact content a rotation to secret writes.
func afterRotate(t *testing.T, path string, before []byte, secret string) []byte {
	t.Helper()
	f, err := config.Parse(path, before)
	if err != nil {
		t.Fatal(err)
	}
	ten, err := f.Tenant("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setCredentials(f, ten, ten.Cerner.SystemApp.ClientID, config.NewSecret(secret)); err != nil {
		t.Fatal(err)
	}
	return f.Bytes()
}

// rotation is a secret-rotated sandbox whose console already issued the new
// secret, with the config's content before and after a rotation to it.
type rotation struct {
	srv       *sandbox.Server
	info      sandbox.Info
	cfg       string
	old, want []byte
	secret    string
	contents  map[string][]byte // names for describe
}

func newRotation(t *testing.T) rotation {
	t.Helper()
	srv := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"})
	info := srv.Info()
	old, err := os.ReadFile(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	_, secret := srv.Regenerate()
	want := afterRotate(t, info.ConfigFile, old, secret)
	return rotation{srv: srv, info: info, cfg: info.ConfigFile, old: old, want: want, secret: secret,
		contents: map[string][]byte{"the old content": old, "the new content": want}}
}

// leftovers lists Save's temporary files and the lock's sidecar.
func leftovers(t *testing.T, cfg string) (temps []string, lock bool) {
	t.Helper()
	dir, base := filepath.Split(cfg)
	temps, err := filepath.Glob(filepath.Join(dir, "."+base+".fhirdoctor-tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(cfg + ".lock")
	return temps, err == nil
}

// describe names content without printing it (a config holds a secret).
func describe(b []byte, names map[string][]byte) string {
	for name, want := range names {
		if bytes.Equal(b, want) {
			return name
		}
	}
	return "neither the old nor the new content (" + config.Fingerprint(string(b)) + ")"
}

// TestRotateCrashSafety (docs/security.md, "On disk") kills `rotate` with SIGKILL at
// every step of its write, with the real binary built with the test hook,
// and checks that the config then parses and is exactly the old or the new
// content (old before the rename, new after), that the next run leaves no
// temporary file or lock behind, and that two rotations at once leave one
// clean result and one clear error.
func TestRotateCrashSafety(t *testing.T) {
	bin := buildBinary(t, "fhirdoctor_testhooks")

	steps := []struct {
		step     string
		renamed  bool // the new content is in place
		tempLeft bool // the kill leaves a temporary file for the next run to remove
	}{
		{"locked", false, false},
		{"after-backup", false, false},
		{"after-temp-write", false, true},
		{"after-fsync", false, true},
		{"before-rename", false, true},
		{"after-rename", true, false},
	}
	for _, tc := range steps {
		t.Run("killed/"+tc.step, func(t *testing.T) {
			t.Parallel()
			r := newRotation(t)
			srv, info, cfg, old, secret, want, contents := r.srv, r.info, r.cfg, r.old, r.secret, r.want, r.contents

			startPaused(t, bin, cfg, info.CAFile, secret, tc.step).kill(t)

			got, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatalf("the config is gone after the kill: %v", err)
			}
			if _, err := config.Parse(cfg, got); err != nil {
				t.Fatalf("the config does not parse after the kill: %v", err)
			}
			wantNow, wantName := old, "the old content"
			if tc.renamed {
				wantNow, wantName = want, "the new content"
			}
			if !bytes.Equal(got, wantNow) {
				t.Fatalf("after a kill at %s the config holds %s, want %s", tc.step, describe(got, contents), wantName)
			}
			if st, err := os.Stat(cfg); err != nil {
				t.Fatal(err)
			} else if st.Mode().Perm() != 0o600 {
				t.Fatalf("config mode after the kill: %v, want 0600", st.Mode().Perm())
			}
			temps, _ := leftovers(t, cfg)
			if (len(temps) > 0) != tc.tempLeft {
				t.Fatalf("after a kill at %s: %d temporary files, want some: %v", tc.step, len(temps), tc.tempLeft)
			}

			// The next run rotates again (to a newer secret, so it writes)
			// and cleans up what the killed one left.
			_, next := srv.Regenerate()
			out, err := rotateCmd(bin, cfg, info.CAFile, next, "").CombinedOutput()
			assertNoSecret(t, srv, string(out))
			if err != nil {
				t.Fatalf("the run after the kill failed: %v\n%s", err, out)
			}
			after, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, afterRotate(t, cfg, got, next)) {
				t.Fatalf("the run after the kill wrote %s", describe(after, contents))
			}
			if temps, lock := leftovers(t, cfg); len(temps) > 0 || lock {
				t.Errorf("after the next run: temporary files %v, lock file left: %v", temps, lock)
			}
			backups, _ := filepath.Glob(cfg + ".bak.*")
			for _, b := range backups {
				data, err := os.ReadFile(b)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(data, old) && !bytes.Equal(data, want) {
					t.Errorf("backup %s holds %s", filepath.Base(b), describe(data, contents))
				}
				if st, err := os.Stat(b); err != nil || st.Mode().Perm() != 0o600 {
					t.Errorf("backup %s: %v, want mode 0600", filepath.Base(b), err)
				}
			}
		})
	}

	t.Run("two-rotations-at-once", func(t *testing.T) {
		t.Parallel()
		r := newRotation(t)
		srv, info, cfg, old, secret, want, contents := r.srv, r.info, r.cfg, r.old, r.secret, r.want, r.contents

		// The first holds the lock with its temporary file written...
		first := startPaused(t, bin, cfg, info.CAFile, secret, "after-temp-write")
		// ...while the second runs to the end.
		out, err := rotateCmd(bin, cfg, info.CAFile, secret, "").CombinedOutput()
		assertNoSecret(t, srv, string(out))
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("the second rotation: %v, want exit 1\n%s", err, out)
		}
		for _, s := range []string{"locked by another writer", "another fhirdoctor is writing", "try again", "nothing written"} {
			if !strings.Contains(string(out), s) {
				t.Errorf("the second rotation's error lacks %q:\n%s", s, out)
			}
		}
		if got, _ := os.ReadFile(cfg); !bytes.Equal(got, old) {
			t.Fatalf("while the first is paused the config holds %s", describe(got, contents))
		}

		if code := first.resume(t); code != 0 {
			t.Fatalf("the first rotation exited %d after resuming: %s", code, first.stderrText())
		}
		assertNoSecret(t, srv, first.stderrText())
		got, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("after both, the config holds %s, want the new content", describe(got, contents))
		}
		if temps, lock := leftovers(t, cfg); len(temps) > 0 || lock {
			t.Errorf("after both: temporary files %v, lock file left: %v", temps, lock)
		}
		audit, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), config.AuditFileName))
		if err != nil {
			t.Fatalf("no audit log: %v", err)
		}
		if n := bytes.Count(audit, []byte("\n")); n != 1 {
			t.Errorf("%d audit lines, want 1: the refused rotation wrote nothing", n)
		}
	})
}
