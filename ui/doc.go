// Package ui is the fhirdoctor wizard: a Bubble Tea v2 program that follows
// the seed report's action plan (Diagnose, five steps, Summary) with live
// evidence from probe, plus the same flow as plain line prompts for screen
// readers. It receives every operation as a function in Deps, so it depends
// only on the config and probe types, never on how they are implemented.
//
//	session, err := ui.Run(ctx, deps, ui.Options{Tenant: "default"}, os.Stdin, os.Stdout)
package ui
