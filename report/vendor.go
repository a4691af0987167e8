package report

import "github.com/fhirdoctor/fhirdoctor/probe"

// console is the tenant's vendor console; ConsoleURL, when set (the demo's
// sandbox console), replaces its URL.
func (in Input) console() probe.Console {
	c := probe.ConsoleFor(in.Tenant.Vendor)
	if in.ConsoleURL != "" {
		c.URL = in.ConsoleURL
	}
	return c
}
