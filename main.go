// Command fhirdoctor gets an EHR integration's OAuth credentials from broken
// to verified: it probes a SMART on FHIR tenant (Cerner/Oracle Health, Epic),
// ranks root causes from evidence, and walks the user through the fix.
// The commands live in internal/cli.
package main

import (
	"os"

	"github.com/fhirdoctor/fhirdoctor/internal/cli"
)

// stopProfile ends the profiles of a -tags fhirdoctor_profile build
// (profile_hook.go); it does nothing otherwise.
var stopProfile = func() {}

func main() {
	code := cli.Main()
	stopProfile()
	os.Exit(code)
}
