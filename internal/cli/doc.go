// Package cli holds fhirdoctor's commands (cobra run through fang), the
// IOStreams every byte of I/O goes through, and the one mapping from errors
// to exit codes (docs/design.md, "Exit codes"). The binary's main.go only
// calls Main.
//
// Each command is an Options struct, a NewCmdX constructor and an xRun
// function, as in gh.
package cli
