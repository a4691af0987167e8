// Package sandbox is an embedded, Cerner-like SMART on FHIR server on loopback.
//
// It exists so that tests, `fhirdoctor demo` and `fhirdoctor sandbox` can exercise every
// check against real HTTP over real TLS without network access or real credentials. It
// imitates what Cerner (Oracle Health) does, quirks included: Basic-authenticated
// client_credentials with expires_in 570, error JSON whose error_uri carries a URN,
// Cerner-Correlation-Id headers, SMART discovery and a CapabilityStatement with the
// oauth-uris extension, FHIR R4 reads with insufficient_scope and invalid_token, a
// provider app using authorization code + PKCE (public, or confidential with
// Options.ConfidentialProvider), and a simulated Code Console where the
// system account's secret is regenerated. A Scenario turns on one documented failure.
//
// With Options.Vendor "epic" it imitates an Epic backend-services server instead: the
// token endpoint accepts only private_key_jwt client assertions and answers every client
// failure {"error":"invalid_client","error_description":null}; the console registers the
// app's public keys (each accepted Options.Propagation after registration); the app's key
// is generated at start beside the config. The Cerner vendor accepts private_key_jwt for a
// system account whose key is registered too. Options.Now injects the clock, so tests move
// time instead of sleeping.
//
//	srv, err := sandbox.Start(sandbox.Options{Scenario: "secret-rotated"})
//	defer srv.Close()
//	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}}
//
// Every credential it hands out is fake and deterministic (tokens and the
// confidential provider app's secret excepted), so golden files stay stable. The package imports nothing else from this module.
package sandbox
