package probe

import "context"

// check is one diagnostic step. Checks are values so that the runner, the
// catalogue (--list-checks) and tests all see the same list.
type check struct {
	id, title, description string
	deps                   []string
	// afterFailure makes the check run once its deps finished, whatever
	// their status: it decides for itself whether it applies (token.encoding
	// and scopes exist to explain a failure).
	afterFailure bool
	run          func(context.Context, *state) Result
	// auth, when set, limits the check to apps that authenticate that way
	// ("secret" or "jwt"): a check that cannot apply is left out of the
	// run rather than shown as skipped.
	auth string
}

// Auth kinds a check can be limited to.
const (
	authSecret = "secret"
	authJWT    = "jwt"
)

// CheckInfo describes a check for --list-checks.
type CheckInfo struct {
	ID, Title, Description string
	Deps                   []string
}

// fhirResources are the resource types read by fhir.<Resource> checks.
var fhirResources = []string{"Observation", "Encounter", "DocumentReference", "Binary"}

func catalogue() []check {
	cs := []check{
		{id: "config", title: "Configuration", description: "the tenant loads and validates", run: checkConfig},
		{id: "key", title: "Private key", description: "private_key_jwt apps: private_key_path exists, is readable, parses, RSA >= 2048 bits or EC P-384 (a mode wider than 0600 warns)", deps: []string{"config"}, auth: authJWT, run: checkKey},
		{id: "jwks", title: "Published JWKS", description: "private_key_jwt apps with jwks_url: it answers a JWK Set holding key_id with this private key's public half", deps: []string{"key"}, afterFailure: true, auth: authJWT, run: checkJWKS},
		{id: "dns", title: "DNS", description: "the auth and FHIR hosts resolve", deps: []string{"config"}, run: checkDNS},
		{id: "tls", title: "TLS", description: "TLS version, chain, expiry, SNI and proxy for each host", deps: []string{"config"}, run: checkTLS},
		{id: "clock", title: "Clock", description: "local clock against the servers' Date headers (warns above 60 s)", deps: []string{"discovery", "metadata"}, afterFailure: true, run: checkClock},
		{id: "discovery", title: "SMART discovery", description: "{fhir_base}/.well-known/smart-configuration and its drift from the config", deps: []string{"config"}, run: checkDiscovery},
		{id: "metadata", title: "Capability statement", description: "{fhir_base}/metadata is FHIR 4.0.1 and its oauth-uris token URL agrees", deps: []string{"config"}, run: checkMetadata},
		{id: "token", title: "Token request", description: "client_credentials with Basic auth, or a freshly signed assertion (private_key_jwt) sent without waiting for discovery; every outcome classified", deps: []string{"config"}, run: checkToken},
		{id: "token.encoding", title: "Basic encoding", description: "on invalid_client with reserved characters in the secret: the other Basic encoding", deps: []string{"token"}, afterFailure: true, auth: authSecret, run: checkTokenEncoding},
		{id: "scopes", title: "Scopes", description: "each scope alone when the combined request fails on scope or grants fewer", deps: []string{"token"}, afterFailure: true, run: checkScopes},
		{id: "fhir.patient", title: "Read Patient", description: "Patient/{test_patient_id} with the token", deps: []string{"token"}, run: fhirCheck("Patient")},
	}
	for _, res := range fhirResources {
		c := check{id: "fhir." + res, title: "Read " + res, deps: []string{"token"}, run: fhirCheck(res)}
		switch res {
		case "Binary":
			c.description = "a Binary through a DocumentReference attachment (needs system/Binary.read)"
			c.deps = []string{"token", "fhir.DocumentReference"}
		default:
			c.description = res + "?patient={test_patient_id}&_count=1 (needs system/" + res + ".read)"
		}
		cs = append(cs, c)
	}
	cs = append(cs, check{id: ProviderAuthorizeID, title: "Provider authorize",
		description: "provider_app only: loopback redirect, S256 in discovery, the authorize endpoint accepts the client (no sign-in)",
		deps:        []string{"config"}, run: checkProviderAuthorize})
	return cs
}

// forApp keeps the checks that apply to how the app authenticates.
func forApp(cs []check, jwt bool) []check {
	out := cs[:0:0]
	for _, c := range cs {
		if c.auth == "" || (c.auth == authJWT) == jwt {
			out = append(out, c)
		}
	}
	return out
}

// Catalogue lists every check in the order reports show them.
func Catalogue() []CheckInfo {
	var out []CheckInfo
	for _, c := range catalogue() {
		out = append(out, CheckInfo{ID: c.id, Title: c.title, Description: c.description, Deps: c.deps})
	}
	return out
}
