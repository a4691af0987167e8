//go:build unix

package config

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes a non-blocking exclusive flock on a sidecar "<file>.lock".
// The sidecar, not the config itself, is locked because Save replaces the
// config's inode; the sidecar is removed on unlock, and a lock whose
// sidecar was removed meanwhile is retried so two writers never both win.
func lockFile(target string) (unlock func(), err error) {
	name := target + ".lock"
	for attempt := 0; attempt < 3; attempt++ {
		fh, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, fmt.Errorf("creating lock file %s: %w", name, err)
		}
		if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			fh.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("another fhirdoctor is writing %s (it holds %s); try again when it has finished: %w", target, name, ErrLocked)
			}
			return nil, fmt.Errorf("locking %s: %w", name, err)
		}
		held, err1 := fh.Stat()
		onDisk, err2 := os.Stat(name)
		if err1 == nil && err2 == nil && os.SameFile(held, onDisk) {
			return func() {
				os.Remove(name)
				fh.Close()
			}, nil
		}
		fh.Close() // the previous holder removed the sidecar under us: start over
	}
	return nil, fmt.Errorf("another fhirdoctor is writing %s: %w", target, ErrLocked)
}
