// Command fhirdoctor gets an EHR integration's OAuth credentials from broken
// to verified: it probes a SMART on FHIR tenant (Cerner/Oracle Health, Epic),
// ranks root causes from evidence, and walks the user through the fix.
// The commands live in internal/cli.
package main

import (
	"os"

	"github.com/fhirdoctor/fhirdoctor/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
