//go:build unix

package afterwrite

import (
	"os/exec"
	"syscall"
)

var shell = []string{"sh", "-c"}

func envKey(k string) string { return k }

// prepare starts the command in a process group of its own, so that
// stopping it reaches whatever it started (a test runner's workers), and so
// that the terminal's ctrl+c reaches fhirdoctor, which decides: SIGINT to the
// group when the user interrupted, SIGTERM when the timeout passed.
func prepare(cmd *exec.Cmd, _ string, interrupted func() bool) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		sig := syscall.SIGTERM
		if interrupted() {
			sig = syscall.SIGINT
		}
		return syscall.Kill(-cmd.Process.Pid, sig)
	}
}

// cleanup kills what is left of a stopped command's group. Only a stopped
// one: a command that exited by itself may have started a server in the
// background on purpose.
func cleanup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
