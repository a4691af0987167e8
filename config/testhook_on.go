//go:build fhirdoctor_testhooks && unix

package config

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// PauseEnv names the step of Save at which a binary built with
// `-tags fhirdoctor_testhooks` stops: locked, after-backup,
// after-temp-write, after-fsync, before-rename or after-rename.
const PauseEnv = "FHIRDOCTOR_TEST_PAUSE_AT"

// pauseAt stops Save at the step named by $FHIRDOCTOR_TEST_PAUSE_AT: it
// writes "PAUSED <step>" to stderr and waits for SIGUSR1. The crash tests
// (crash_test.go at the repository root) read that line and then SIGKILL
// the process, or resume it, at exactly that point of the write, instead
// of guessing with sleeps.
func pauseAt(step string) {
	if os.Getenv(PauseEnv) != step {
		return
	}
	resume := make(chan os.Signal, 1)
	signal.Notify(resume, syscall.SIGUSR1)
	defer signal.Stop(resume)
	fmt.Fprintf(os.Stderr, "PAUSED %s\n", step)
	<-resume
}
