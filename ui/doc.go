// Package ui is the fhirdoctor wizard: a Bubble Tea v2 program that follows
// the action plan (Diagnose, five steps, Summary; docs/design.md, "Causes
// and the action plan") with live evidence from probe. Each screen is its
// own model behind the screen interface (screen.go), sharing one common
// state; every question is a huh v2 field. The accessible mode runs the
// same screens and forms as plain line prompts (run_accessible.go). It
// receives every operation as a function in Deps, so it depends only on the
// config, probe and report types, never on how they are implemented.
//
//	session, err := ui.Run(ctx, deps, ui.Options{Tenant: "default"}, os.Stdin, os.Stdout)
package ui
