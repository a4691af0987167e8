package ui

import (
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Step 1 sends each tenant to its own vendor's console: an Epic app to Epic
// on FHIR, never to Cerner's Code Console; a vendor without a known console
// gets no link and no "o console" key that would open nothing.
func TestConsolePerVendor(t *testing.T) {
	tests := []struct {
		vendor  string
		want    string // Step 1 says this
		url     string // o opens this; "" when there is no console key
		notWant string
	}{
		{vendor: "epic", want: "In Epic on FHIR, look at the application", url: "https://fhir.epic.com/Developer/Apps", notWant: "cerner"},
		{vendor: "cerner", want: "In the Cerner Code Console", url: "https://code-console.cerner.com/", notWant: "epic"},
		{vendor: "meditech", want: "In the vendor's developer portal, look at", notWant: "Console      "},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			w := newFakeWorld(probe.CauseJWTKeyUnknown)
			w.jwt, w.vendor = true, tt.vendor
			d := startWizard(t, w, w.deps(), Options{})
			d.waitFor("Diagnosis")
			d.keys("enter")
			d.waitFor(uploadQuestion)
			if tt.url != "" {
				d.keys("o")
				d.waitFor("Opened the link")
			}
			_, screen := d.final()
			if !strings.Contains(screen, tt.want) {
				t.Errorf("Step 1 does not say %q:\n%s", tt.want, screen)
			}
			if strings.Contains(strings.ToLower(screen), strings.ToLower(tt.notWant)) {
				t.Errorf("Step 1 says %q:\n%s", tt.notWant, screen)
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			switch {
			case tt.url == "" && strings.Contains(screen, "o console"):
				t.Errorf("a console key without a console:\n%s", screen)
			case tt.url != "" && (len(w.opened) != 1 || w.opened[0] != tt.url):
				t.Errorf("o opened %q, want %q", w.opened, tt.url)
			}
		})
	}
}
