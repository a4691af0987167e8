//go:build !unix

package config

// lockFile is a no-op where flock does not exist; the changed-on-disk check
// still stops most lost updates.
func lockFile(string) (func(), error) { return func() {}, nil }
