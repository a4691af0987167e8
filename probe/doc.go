// Package probe diagnoses a tenant's Cerner (Oracle Health) SMART-on-FHIR
// credentials by measuring instead of guessing: it runs checks (DNS, TLS,
// clock, discovery, metadata, the token request and its variants, FHIR
// reads) concurrently over real HTTP, classifies every answer the way
// Cerner documents it, and turns the results into a ranked diagnosis with
// the evidence for and against each cause.
//
//	report, err := probe.Run(ctx, probe.Options{Tenant: t}, nil)
//
// It knows nothing of the UI: progress is a stream of Events, and the
// wizard, the plain output, --json and the markdown report all render the
// same Report.
package probe
