package probe

import (
	"strings"
	"testing"
)

func TestConsoleFor(t *testing.T) {
	tests := []struct {
		vendor, name, url string
	}{
		{"", "the Cerner Code Console", "https://code-console.cerner.com/"},
		{"cerner", "the Cerner Code Console", "https://code-console.cerner.com/"},
		{" Epic ", "Epic on FHIR", "https://fhir.epic.com/Developer/Apps"},
		{"meditech", "the vendor's developer portal", ""},
	}
	for _, tt := range tests {
		c := ConsoleFor(tt.vendor)
		if c.Name != tt.name || c.URL != tt.url {
			t.Errorf("ConsoleFor(%q) = %+v, want %q at %q", tt.vendor, c, tt.name, tt.url)
		}
	}
	if got := (Console{Name: "the vendor's developer portal"}).Where(); got != "the vendor's developer portal" {
		t.Errorf("Where without a URL = %q, want the name alone", got)
	}
}

// A fix done in a console names the tenant's vendor's console, and no fix
// keeps its {console} placeholder, whatever the vendor.
func TestDiagnoseForNamesTheVendorsConsole(t *testing.T) {
	net := []CheckResult{cr("config", StatusPass, "ok", nil), cr("dns", StatusPass, "ok", nil)}
	wrong := append(net, cr("token", StatusFail, "401", &Facts{Class: string(TokenInvalidClient), Cause: CauseSecretInvalid, HTTPStatus: 401, OAuthJSON: true}))
	tests := []struct{ vendor, want, notWant string }{
		{"", "in the Cerner Code Console", "Epic"},
		{"epic", "in Epic on FHIR", "Cerner Code Console"},
		{"meditech", "in the vendor's developer portal", "Code Console"},
	}
	for _, tt := range tests {
		d := DiagnoseFor(wrong, tt.vendor)
		if d.Top != CauseSecretInvalid {
			t.Fatalf("%s: top %s", tt.vendor, d.Top)
		}
		var all strings.Builder
		for _, c := range d.Causes {
			all.WriteString(c.Fix + "\n")
		}
		if !strings.Contains(d.Causes[0].Fix, tt.want) || strings.Contains(all.String(), tt.notWant) {
			t.Errorf("vendor %q: fixes\n%s\nwant %q, not %q", tt.vendor, all.String(), tt.want, tt.notWant)
		}
	}
	for id := range causeFix {
		d := DiagnoseFor([]CheckResult{cr("config", StatusPass, "ok", nil), cr("token", StatusFail, "x", &Facts{Cause: id})}, "epic")
		for _, c := range d.Causes {
			if strings.Contains(c.Fix, "{") {
				t.Errorf("%s: fix keeps a placeholder: %q", c.ID, c.Fix)
			}
		}
	}
}
