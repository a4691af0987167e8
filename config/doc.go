// Package config finds, loads, validates, edits and writes fhirdoctor's
// YAML config file without losing a byte of what the user wrote.
//
// Edits splice new bytes over the edited scalar only, so comments, blank
// lines, key order, quoting and anchors elsewhere survive byte for byte;
// Save replaces the file atomically under an advisory lock, after a backup,
// and refuses when the file changed on disk since it was read. Secrets are
// held in Secret, whose every printing form is masked.
//
//	path, err := config.Discover(flagPath, os.Getenv)
//	f, err := config.Load(path)
//	findings := f.Validate()
//	t, err := f.Tenant(tenantFlag)
package config
