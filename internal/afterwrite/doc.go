// Package afterwrite is what happens once a rotation has written and
// verified the config: the commands the user asked to run next (`rotate
// --then`, the wizard's "Run after writing" step) and the places the
// rotation left behind (other environment files and tenants with the same
// client id, the backend's cached token, values to update by hand). See
// docs/after-the-write.md.
//
// It is a package of its own because both front ends use it and neither may
// own it: the wizard (ui) and the commands (cli) run the same commands with
// the same scrubbing, and ui must not import cli. It depends on config only,
// so it sits beside probe in the dependency order cli -> ui -> probe ->
// config, and it never prints: callers choose where output goes.
package afterwrite
