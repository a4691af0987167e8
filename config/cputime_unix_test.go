//go:build unix

package config

import (
	"syscall"
	"time"
)

// processCPU is the user and system CPU time this process has used: on a
// shared machine a benchmark's wall time mostly measures the run queue.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
