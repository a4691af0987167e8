//go:build windows

package afterwrite

import (
	"os/exec"
	"strings"
	"syscall"
)

var shell = []string{"cmd", "/C"}

// envKey: Windows environment names are case-insensitive.
func envKey(k string) string { return strings.ToUpper(k) }

// prepare passes the command line to cmd.exe as written: Go's argument
// quoting would escape the quotes cmd /C expects to see.
func prepare(cmd *exec.Cmd, line string, _ func() bool) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd /C ` + line}
}

func cleanup(*exec.Cmd) {}
