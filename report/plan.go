package report

import "github.com/fhirdoctor/fhirdoctor/probe"

// PlanStep is one step of the action plan (docs/design.md), marked for a
// diagnosis: does it apply, and why (or why not).
type PlanStep struct {
	Step    int
	Title   string
	Applies bool
	Note    string
}

// Plan marks the five-step action plan for a top cause. The plan is the
// one people follow by hand (docs/design.md); what changes is that we say which steps the evidence
// supports instead of prescribing all of them.
func Plan(top probe.CauseID, c probe.Console) []PlanStep {
	notes := map[int]string{}
	applies := map[int]bool{}
	set := func(step int, ok bool, note string) { applies[step], notes[step] = ok, note }
	switch top {
	case probe.CauseSecretInvalid, probe.CauseClientUnknown:
		set(1, true, "confirm the app is listed and active, and whether its secret was rotated")
		set(2, true, "regenerate the secret (Option A), or create a new system app (Option B) if the app is gone")
		set(3, true, "put the new client id and secret in the config file")
		set(4, true, "request a token with the new pair before relying on it")
		set(5, true, "read the test patient and each granted resource")
	case probe.CauseEdgeBlock:
		set(1, true, "the app's status is worth a look, but the 403 came from before the OAuth server")
		set(2, false, "a new secret is unlikely to help: retry from another network or through the expected egress, and ask Cerner support whether an IP restriction applies")
		set(3, false, "nothing to change until the request reaches the OAuth server")
		set(4, true, "re-run the token request from the network that is expected to work")
		set(5, false, "after the token request succeeds")
	case probe.CauseScopeNotGranted:
		set(1, true, "compare the scopes granted in "+c.Name+" with the ones configured")
		set(2, true, "grant the missing scopes to the app (or create an app with them: Option B)")
		set(3, true, "or remove the scopes the app does not need from the config")
		set(4, true, "request a token with the corrected scopes")
		set(5, true, "read each granted resource")
	case probe.CauseTenantMismatch:
		set(1, true, "check the app is enabled for this tenant")
		set(2, false, "a new secret does not change the tenant")
		set(3, true, "use the token URL that discovery advertises for this tenant")
		set(4, true, "request a token against the corrected URL")
		set(5, true, "read the test patient")
	case probe.CauseFHIRAccess:
		set(1, true, "check the resource scopes granted to the app")
		set(2, false, "the credentials work; no new secret needed")
		set(3, false, "nothing to change unless scopes are missing from the config")
		set(4, false, "the token request already succeeds")
		set(5, true, "re-run the FHIR reads once the scopes are granted")
	case probe.CauseJWTKeyUnknown, probe.CauseJWTKeyMismatch:
		set(1, true, "compare the public keys registered for the app in "+c.Name+" (their kids) with key_id and the key file")
		set(2, true, "rotate the key (Option A): make a key pair and upload its public half, or upload this key's public half under key_id")
		set(3, true, "write private_key_path and key_id once the server accepts the key, never before")
		set(4, true, "request a token signed with the new key before relying on it")
		set(5, true, "read the test patient and each granted resource")
	case probe.CauseJWTAlgUnsupported:
		set(1, true, "check the algorithms the server accepts (discovery's token_endpoint_auth_signing_alg_values_supported)")
		set(2, true, "make a key of an accepted algorithm (RS384 or ES384) and upload its public half")
		set(3, true, "write private_key_path and key_id once the server accepts the key")
		set(4, true, "request a token signed with the new key")
		set(5, true, "read the test patient and each granted resource")
	case probe.CauseJWTKeyPropagating:
		set(1, true, "confirm the key is listed under its kid in "+c.Name+", and when it was uploaded")
		set(2, false, "a new key starts the wait again: keep the one already uploaded")
		set(3, false, "nothing to change yet: `fhirdoctor rotate --adopt-key FILE --kid K` writes the config once the key is accepted")
		set(4, true, "retry the token request later (each retry signs a fresh assertion); a key can take up to a day to sync")
		set(5, false, "after the token request succeeds")
	case probe.CauseJWKSUnreachable:
		set(1, true, "check the JWK Set URL registered for the app in "+c.Name)
		set(2, false, "a new key does not help while the server cannot fetch the JWK Set")
		set(3, true, "publish the JWK Set where the server can fetch it (public HTTPS, a valid certificate), or correct jwks_url")
		set(4, true, "request a token once the JWK Set is reachable")
		set(5, true, "read the test patient and each granted resource")
	case probe.CausePrivateKeyUnreadable:
		set(1, false, "the server was not asked: this machine could not sign with the key")
		set(2, false, "only if the key is lost: then rotate it (Option A)")
		set(3, true, "point private_key_path at a readable, unencrypted RSA (2048 bits or more) or P-384 private key")
		set(4, true, "request a token signed with the key")
		set(5, true, "read the test patient and each granted resource")
	case probe.CauseOK:
		for s := 1; s <= 4; s++ {
			set(s, false, "not needed: the credentials work")
		}
		set(5, true, "verified: the token works and the FHIR reads succeed")
	default: // network, tls, clock, outage, config: outside the plan
		for s := 1; s <= 5; s++ {
			set(s, false, "not until "+Headline(top)+" is fixed")
		}
	}
	var out []PlanStep
	for s := 1; s <= 5; s++ {
		out = append(out, PlanStep{Step: s, Title: StepTitle(s), Applies: applies[s], Note: notes[s]})
	}
	return out
}

// NextAction is the one thing to do now.
func NextAction(top probe.CauseID, c probe.Console) string {
	switch top {
	case probe.CauseOK:
		return "Nothing: the credentials work end to end."
	case probe.CauseSecretInvalid, probe.CauseClientUnknown:
		return "Open " + c.Where() + ", regenerate the secret, then run `fhirdoctor` (or `fhirdoctor rotate`) to test and save it."
	case probe.CauseEdgeBlock:
		return "Run `fhirdoctor probe` from another network or through the expected egress; if it passes there, ask Cerner support which IP restriction applies. Do not rotate the secret yet."
	case probe.CauseScopeNotGranted:
		return "Grant the missing scopes in " + c.Where() + ", or remove them from the config, then run `fhirdoctor probe`."
	case probe.CauseTenantMismatch:
		return "Use the token URL that discovery advertises for this tenant (see the discovery check), then run `fhirdoctor probe`."
	case probe.CauseFHIRAccess:
		return "Grant the resource scopes the reads need, then run `fhirdoctor probe`."
	case probe.CauseServerOutage:
		return "Wait and retry: the servers answered with errors or not at all. Check Cerner's status page before changing anything."
	case probe.CauseNetwork:
		return "Fix the network path (DNS, proxy, firewall) to the Cerner hosts, then run `fhirdoctor probe`."
	case probe.CauseTLS:
		return "Fix TLS verification: pass your proxy's CA with `--cacert`, or fix the certificate problem named above."
	case probe.CauseClockSkew:
		return "Synchronise this machine's clock (NTP), then run `fhirdoctor probe`."
	case probe.CauseConfigInvalid:
		return "Fix the config file: run `fhirdoctor config validate` for every finding with its line and column."
	case probe.CauseJWTKeyUnknown, probe.CauseJWTKeyMismatch:
		return "Run `fhirdoctor rotate --new-key`: it makes a key pair, shows the public key to upload in " + c.Where() +
			", and writes private_key_path and key_id once the server accepts it. Or upload this key's public half under key_id."
	case probe.CauseJWTAlgUnsupported:
		return "Run `fhirdoctor rotate --new-key --alg ES384` (or RS384: whichever discovery lists), upload the public key in " + c.Where() + ", and let it write the config once the server accepts it."
	case probe.CauseJWTKeyPropagating:
		return "Wait: the key was uploaded recently and can take up to a day to be accepted. Do not make another key; `fhirdoctor rotate --adopt-key FILE --kid K` polls and writes the config once it is."
	case probe.CauseJWKSUnreachable:
		return "Make the JWK Set at jwks_url reachable from the server (public HTTPS, a valid certificate, a JSON JWK Set), then run `fhirdoctor probe`."
	case probe.CausePrivateKeyUnreadable:
		return "Fix private_key_path: the file must exist, be readable by this process and hold an unencrypted RSA (2048 bits or more) or P-384 private key; `fhirdoctor probe` says which of these fails."
	}
	return "Run `fhirdoctor probe -v` for the full evidence."
}
