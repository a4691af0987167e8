//go:build !unix

package cli

import (
	"os"
	"syscall"
)

// interruptSignals end a run with exit 130 after cleaning up. Windows has no
// SIGHUP; closing the console window arrives as an interrupt.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}
