package probe

import "strings"

// Console is where a vendor's apps, secrets and public keys are managed: the
// place fixes and the action plan send people to (docs/design.md, "Causes
// and the action plan"). An Epic tenant is never sent to Cerner's.
type Console struct {
	// Name reads in a sentence: "the Cerner Code Console", "Epic on FHIR".
	Name string
	// URL is empty for vendors whose console we cannot name with confidence:
	// a wrong link during an outage costs more than no link.
	URL string
}

// consoles are the vendors of docs/config.md's `ehr.vendor` whose console we
// know. Oracle Health system accounts (JWT ones included) live in Cerner's.
var consoles = map[string]Console{
	"cerner": {Name: "the Cerner Code Console", URL: "https://code-console.cerner.com/"},
	"epic":   {Name: "Epic on FHIR", URL: "https://fhir.epic.com/Developer/Apps"},
}

// ConsoleFor is vendor's console; an unknown vendor gets a generic name and
// no URL. An empty vendor is Cerner's, as in config (docs/config.md).
func ConsoleFor(vendor string) Console {
	v := strings.ToLower(strings.TrimSpace(vendor))
	if v == "" {
		v = "cerner"
	}
	if c, ok := consoles[v]; ok {
		return c
	}
	return Console{Name: "the vendor's developer portal"}
}

// Where is the console in a sentence: its name, then its URL in brackets
// when known.
func (c Console) Where() string {
	if c.URL == "" {
		return c.Name
	}
	return c.Name + " (" + c.URL + ")"
}
