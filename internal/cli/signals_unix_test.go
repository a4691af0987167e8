//go:build unix

package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestInterruptSignals: ctrl+c, SIGTERM and SIGHUP (a closed terminal)
// interrupt every command alike: exit 130, after the cleanup ran. The
// commands run as the built binary and get real signals, sent once they
// are provably busy (no sleeps): the sandbox once it printed its line, the
// probe once its first connection was accepted by a host that never answers.
func TestInterruptSignals(t *testing.T) {
	bin := buildBinary(t)
	signals := []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT}
	for _, sig := range signals {
		t.Run("sandbox/"+sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			cmd := exec.Command(bin, "sandbox", "--json")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil {
				t.Fatalf("no JSON line: %v", err)
			}
			var info struct {
				ConfigFile string `json:"config_file"`
			}
			if err := json.Unmarshal([]byte(line), &info); err != nil || info.ConfigFile == "" {
				t.Fatalf("not the sandbox line: %q", line)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := exitOf(t, cmd); code != 130 {
				t.Errorf("sandbox exited %d after %s, want 130", code, sig)
			}
			if _, err := os.Stat(filepath.Dir(info.ConfigFile)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the sandbox directory %s is still there after %s", filepath.Dir(info.ConfigFile), sig)
			}
		})
		t.Run("probe/"+sig.String(), func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			accepted := make(chan struct{}, 1)
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					defer c.Close() // held open, never answered
					select {
					case accepted <- struct{}{}:
					default:
					}
				}
			}()
			host := ln.Addr().String()
			cfg := filepath.Join(t.TempDir(), "config.yaml")
			writeFile(t, cfg, fmt.Sprintf(`tenants:
  default:
    cerner:
      system_app:
        client_id: "11111111-2222-4333-8444-555555555555"
        client_secret: "FAKE-signal-test-secret"
        token_url: "https://%[1]s/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/hosts/%[1]s/protocols/oauth2/profiles/smart-v1/token"
        scopes: "system/Patient.read"
`, host))
			cmd := exec.Command(bin, "probe", "--config", cfg, "--timeout", "60s", "--json")
			cmd.Env = append(os.Environ(), "NO_COLOR=1", "FHIRDOCTOR_CONFIG=")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-accepted:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the probe never connected")
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := exitOf(t, cmd); code != 130 {
				t.Errorf("probe exited %d after %s, want 130", code, sig)
			}
		})
	}
}

// exitOf waits for cmd (30 s at most: a hang is a failure, not a wait).
func exitOf(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the command did not exit within 30 s of the signal")
		return -1
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
