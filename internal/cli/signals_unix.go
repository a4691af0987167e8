//go:build unix

package cli

import (
	"os"
	"syscall"
)

// interruptSignals end a run with exit 130 after cleaning up: ctrl+c,
// SIGTERM (a service manager, kill) and SIGHUP (the terminal closed, an SSH
// session dropped), so a closed terminal during `demo` leaves nothing behind.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
