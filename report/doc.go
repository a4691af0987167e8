// Package report renders a probe.Report for people and programs: the
// doctor-style text of `fhirdoctor probe`, the versioned --json document
// and the markdown diagnostic report of `fhirdoctor report` and the
// wizard's summary. It is a package of its own because four front ends
// (probe, report, rotate, the wizard) render the same results; it imports
// no UI package, so colour comes in as plain functions.
package report
