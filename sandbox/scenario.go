package sandbox

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrUnknownScenario is returned by Start for a scenario name that Scenarios does not list.
var ErrUnknownScenario = errors.New("unknown sandbox scenario")

// Scenario names one behaviour of the sandbox, as docs/design.md ("The sandbox") lists them.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// behaviour is what a scenario changes; the zero value is a healthy Cerner.
type behaviour struct {
	staleSecret   bool     // the config holds a secret the server no longer accepts
	edgeBlock     bool     // token endpoint answers like a WAF: 403 text/plain
	systemScopes  []string // scopes registered on the system app
	invalidTenant bool     // the system app is not enabled for the tenant
	fhirForbidden bool     // resource server refuses every read with insufficient_scope
	outage        bool     // 503 HTML from the whole TLS host
	skew          time.Duration
	slow          bool

	// private_key_jwt apps (the Epic vendor)
	keys    keySetup // how the app's public keys are registered
	ecKey   bool     // the configured key is P-384 (else RSA)
	rsaOnly bool     // the token endpoint accepts RS384 only
}

type scenarioDef struct {
	Scenario
	behaviour
}

// ConfiguredScopes are the scopes the generated config asks for (a typical integration's set,
// without system/Composition.read which the sandbox does not support).
const ConfiguredScopes = "system/Patient.read system/Observation.read system/DocumentReference.read system/Encounter.read system/Binary.read"

var (
	healthyScopes = strings.Fields(ConfiguredScopes + " system/Condition.read system/AllergyIntolerance.read")
	partialScopes = []string{"system/Patient.read", "system/Observation.read", "system/Encounter.read"}
	// Registered, but none of them is configured: the token request filters everything out.
	unrelatedScopes = []string{"system/Condition.read", "system/AllergyIntolerance.read"}
)

var scenarioDefs = []scenarioDef{
	{Scenario{"healthy", "everything works"},
		behaviour{systemScopes: healthyScopes}},
	{Scenario{"secret-rotated", "the configured secret no longer works (401 invalid_client, URN invalid-client-credentials); the console issues the new one"},
		behaviour{systemScopes: healthyScopes, staleSecret: true}},
	{Scenario{"access-denied", "token endpoint answers 403 text/plain \"Access denied\": no JSON, no correlation id"},
		behaviour{systemScopes: healthyScopes, edgeBlock: true}},
	{Scenario{"empty-scopes", "no configured scope is registered on the app (400 invalid_scope, URN empty-scopes)"},
		behaviour{systemScopes: unrelatedScopes}},
	{Scenario{"partial-scopes", "some configured scopes are not registered; the token grants the rest"},
		behaviour{systemScopes: partialScopes}},
	{Scenario{"invalid-tenant", "the app is not enabled for the tenant (400 invalid_grant, URN invalid-tenant)"},
		behaviour{systemScopes: healthyScopes, invalidTenant: true}},
	{Scenario{"fhir-insufficient-scope", "token fine; resource reads answer 403 insufficient_scope"},
		behaviour{systemScopes: healthyScopes, fhirForbidden: true}},
	{Scenario{"outage", "503 HTML error page from the token endpoint and the FHIR host"},
		behaviour{systemScopes: healthyScopes, outage: true}},
	{Scenario{"clock-skew", "Date headers 10 minutes ahead; everything else healthy"},
		behaviour{systemScopes: healthyScopes, skew: 10 * time.Minute}},
	{Scenario{"slow", "every answer waits 30 s, longer than any sensible --timeout, or until the client gives up"},
		behaviour{systemScopes: healthyScopes, slow: true}},
}

// Scenarios lists the Cerner scenarios in docs/design.md's order; the first is the default.
func Scenarios() []Scenario { return ScenariosFor(VendorCerner) }

// ScenariosFor lists a vendor's scenarios ("" = cerner); the first is the default.
func ScenariosFor(vendor string) []Scenario {
	defs := defsFor(vendor)
	out := make([]Scenario, len(defs))
	for i, d := range defs {
		out[i] = d.Scenario
	}
	return out
}

func defsFor(vendor string) []scenarioDef {
	if vendor == VendorEpic {
		return epicScenarioDefs
	}
	return scenarioDefs
}

func lookupScenario(vendor, name string) (scenarioDef, error) {
	defs := defsFor(vendor)
	if name == "" {
		return defs[0], nil
	}
	names := make([]string, len(defs))
	for i, d := range defs {
		if d.Name == name {
			return d, nil
		}
		names[i] = d.Name
	}
	return scenarioDef{}, fmt.Errorf("%w %q for vendor %s: choose one of %s", ErrUnknownScenario, name, vendor, strings.Join(names, ", "))
}
