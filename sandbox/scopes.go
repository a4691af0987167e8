package sandbox

import (
	"errors"
	"strings"
)

// supportedResources are the resource types of scopes_supported. Composition is absent on
// purpose: the real sandbox does not list it, and integrations ask for it (docs/design.md, "The sandbox").
var supportedResources = []string{
	"Account", "AllergyIntolerance", "Appointment", "Binary", "CarePlan", "CareTeam", "ChargeItem",
	"Communication", "Condition", "Consent", "Coverage", "Device", "DiagnosticReport",
	"DocumentReference", "Encounter", "FamilyMemberHistory", "Goal", "Immunization", "InsurancePlan",
	"Location", "Media", "MedicationAdministration", "MedicationDispense", "MedicationRequest",
	"NutritionOrder", "Observation", "Organization", "Patient", "Person", "Practitioner", "Procedure",
	"Provenance", "Questionnaire", "QuestionnaireResponse", "RelatedPerson", "Schedule",
	"ServiceRequest", "Slot", "Specimen",
}

// identityScopes are the non-resource scopes the authorization server knows.
var identityScopes = []string{"openid", "profile", "fhirUser", "launch", "launch/patient", "launch/encounter", "offline_access", "online_access"}

// scopesSupported is discovery's list: SMART v1 (.read) and v2 (.rs) forms for each context.
func scopesSupported() []string {
	out := append([]string(nil), identityScopes...)
	for _, ctx := range []string{"system", "user", "patient"} {
		for _, r := range supportedResources {
			out = append(out, ctx+"/"+r+".read", ctx+"/"+r+".rs")
		}
	}
	return out
}

var (
	errWildcardScope    = errors.New("wildcard scopes are not supported")
	errMalformedScope   = errors.New("malformed scope")
	errUnsupportedScope = errors.New("scope is not supported by this server")
)

// resourceScope is a parsed SMART scope such as system/Observation.read or patient/Patient.rs.
type resourceScope struct {
	context  string // system, user or patient
	resource string
	ops      string // v2 letters, c r u d s; v1 read = "rs", write = "cud"
}

// parseResourceScope parses a v1 or v2 resource scope; ok is false for identity scopes.
func parseResourceScope(s string) (sc resourceScope, ok bool, err error) {
	ctx, rest, found := strings.Cut(s, "/")
	if !found || (ctx != "system" && ctx != "user" && ctx != "patient") {
		return resourceScope{}, false, nil
	}
	res, perm, found := strings.Cut(rest, ".")
	if !found || res == "" || perm == "" {
		return resourceScope{}, true, errMalformedScope
	}
	if res == "*" || perm == "*" {
		return resourceScope{}, true, errWildcardScope
	}
	sc = resourceScope{context: ctx, resource: res}
	switch perm {
	case "read":
		sc.ops = "rs"
	case "write":
		sc.ops = "cud"
	default:
		// v2: letters from "cruds", each at most once, in that order (SMART 2.0 3.1).
		perm, _, _ = strings.Cut(perm, "?") // v2 query-restricted scopes: the filter is ignored
		if perm == "" {
			return resourceScope{}, true, errMalformedScope
		}
		order := "cruds"
		last := -1
		for _, c := range perm {
			i := strings.IndexRune(order, c)
			if i <= last {
				return resourceScope{}, true, errMalformedScope
			}
			last = i
		}
		sc.ops = perm
	}
	return sc, true, nil
}

// readOnly says whether the scope asks only for read and search.
func (sc resourceScope) readOnly() bool {
	return strings.Trim(sc.ops, "rs") == ""
}

func (sc resourceScope) allows(resource string, op byte) bool {
	return sc.resource == resource && strings.IndexByte(sc.ops, op) >= 0
}

// checkSupported says whether the authorization server knows the scope at all. The
// sandbox is read-only, like most production Cerner registrations.
func checkSupported(s string) error {
	for _, id := range identityScopes {
		if s == id {
			return nil
		}
	}
	sc, ok, err := parseResourceScope(s)
	if err != nil {
		return err
	}
	if !ok || !sc.readOnly() || !isSupportedResource(sc.resource) {
		return errUnsupportedScope
	}
	return nil
}

func isSupportedResource(r string) bool {
	for _, s := range supportedResources {
		if s == r {
			return true
		}
	}
	return false
}

// registeredCovers says whether a registration (v1 strings as the console stores them)
// covers the requested scope, in either SMART version.
func registeredCovers(registered map[string]bool, requested string) bool {
	if registered[requested] {
		return true
	}
	sc, ok, err := parseResourceScope(requested)
	if !ok || err != nil || !sc.readOnly() {
		return false
	}
	return registered[sc.context+"/"+sc.resource+".read"]
}
