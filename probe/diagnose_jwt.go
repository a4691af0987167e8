package probe

import (
	"fmt"
	"slices"
	"time"
)

// syncWindow is how long a newly registered key may take to be accepted:
// Epic documents from minutes to about a day.
const syncWindow = 24 * time.Hour

// jwtApp reasons on a private_key_jwt app. Epic's refusal says nothing
// ("invalid_client", no description), so the evidence is what the user
// has: the key file, the published JWK Set, discovery's algorithms, the
// clock, and the server's own words when it gives any (Cerner's URNs).
func (d *diagnosis) jwtApp() {
	if !d.jwt {
		return
	}
	keyBad := d.acc[CausePrivateKeyUnreadable]
	unknown, mismatch := d.acc[CauseJWTKeyUnknown], d.acc[CauseJWTKeyMismatch]
	alg, prop, unreach := d.acc[CauseJWTAlgUnsupported], d.acc[CauseJWTKeyPropagating], d.acc[CauseJWKSUnreachable]
	secret := d.acc[CauseSecretInvalid]

	secret.verdict, secret.pro = "", nil
	secret.against("the app authenticates with a signed JWT (private_key_jwt), not a client secret", true)

	switch d.status("key") {
	case StatusFail:
		if d.facts("key").Cause == CausePrivateKeyUnreadable {
			keyBad.raise(VerdictConfirmed, line(d.by["key"]))
		}
	case StatusPass, StatusWarn:
		keyBad.against("key: "+d.by["key"].Summary, true)
	}

	tf := d.facts("token")
	class := TokenClass(tf.Class)
	tokenRan := d.by["token"] != nil && ran(d.status("token")) && tf.HTTPStatus != 0
	accepted := class == TokenOK
	refused := tokenRan && (class == TokenInvalidClient || class == TokenUnauthorized)
	all := []*causeAcc{unknown, mismatch, alg, prop, unreach}
	if accepted {
		for _, a := range all {
			a.against("token: issued with this key and kid: the server knows the key, accepts its alg and had it in time", true)
		}
		return
	}
	if !refused {
		for _, a := range all {
			if a.verdict == "" {
				a.against("not tested: the token request did not get a client refusal to explain", false)
			}
		}
	}
	strength := VerdictLikely
	if refused {
		strength = VerdictConfirmed
	}
	refusal := "token: " + d.summary("token")

	// The app's published JWK Set.
	jf := d.facts("jwks")
	switch st := d.status("jwks"); {
	case st == StatusFail && jf.Cause == CauseJWKSUnreachable:
		unreach.raise(VerdictLikely, line(d.by["jwks"]))
		if refused {
			unreach.raise(VerdictLikely, refusal)
		}
	case st == StatusFail && jf.Cause == CauseJWTKeyUnknown:
		unknown.raise(strength, line(d.by["jwks"]))
		mismatch.against("no key with this kid is published, so none can be a different key", false)
		unreach.against("jwks_url answered a JWK Set", true)
	case st == StatusFail && jf.Cause == CauseJWTKeyMismatch:
		mismatch.raise(strength, line(d.by["jwks"]))
		unknown.against("a key with this kid is published", false)
		unreach.against("jwks_url answered a JWK Set", true)
	case st == StatusPass || st == StatusWarn:
		unreach.against("jwks_url answered with this kid", true)
		unknown.against("jwks: "+d.by["jwks"].Summary, false)
		mismatch.against("jwks: "+d.by["jwks"].Summary, false)
	case st == StatusSkip && jf.Class == classNoJWKSURL:
		unreach.against("no jwks_url: the server does not fetch the app's keys", true)
	}

	// Discovery's algorithms against the key's.
	df, kf := d.facts("discovery"), d.facts("key")
	switch {
	case df.Cause == CauseJWTAlgUnsupported:
		alg.raise(strength, line(d.by["discovery"]))
	case kf.KeyAlg != "" && slices.Contains(df.Algs, kf.KeyAlg):
		alg.against(fmt.Sprintf("discovery lists %s among the signing algorithms", kf.KeyAlg), true)
	case ran(d.status("discovery")) && len(df.Algs) == 0:
		alg.raise(VerdictPossible, "")
		alg.against("discovery does not list token_endpoint_auth_signing_alg_values_supported: unmeasured", false)
	}

	// Cerner names the failure; its words are evidence.
	switch tf.URN {
	case "invalid-signature":
		unknown.raise(VerdictLikely, refusal)
		mismatch.raise(VerdictLikely, refusal)
	case "invalid-claims":
		d.acc[CauseClockSkew].raise(VerdictPossible, refusal)
	}

	// Propagation needs positive evidence of a recent registration.
	reg := kf
	if jf.RegisteredAt.After(reg.RegisteredAt) {
		reg = jf
	}
	if refused {
		switch {
		case reg.RegisteredAt.IsZero():
			prop.raise(VerdictPossible, "")
			prop.against("nothing says the key was registered recently (probe --key-uploaded-at TIME adds that evidence)", false)
		case reg.RegisteredAgo < syncWindow:
			prop.raise(VerdictLikely, fmt.Sprintf("the key was registered %s ago (%s); a new key can take from minutes to a day to be accepted", reg.RegisteredAgo.Round(time.Second), reg.RegisteredFrom))
		default:
			prop.against(fmt.Sprintf("the key was registered %s ago (%s), longer than a sync takes", reg.RegisteredAgo.Round(time.Hour), reg.RegisteredFrom), true)
		}
	}

	// When nothing measured decides, both key causes stay likely; the
	// cheaper fix (register the key) ranks first through causeOrder.
	decided := keyBad.verdict == VerdictConfirmed || unknown.verdict != "" || mismatch.verdict != "" ||
		alg.verdict == VerdictConfirmed || unreach.verdict == VerdictLikely || prop.verdict == VerdictLikely ||
		d.acc[CauseClockSkew].verdict == VerdictLikely
	if refused && !decided {
		unknown.raise(VerdictLikely, refusal+": nothing measured rules out a kid the server does not know")
		mismatch.raise(VerdictLikely, refusal+": nothing measured rules out a kid registered with another public key")
	}
	if refused && prop.verdict == VerdictLikely {
		for _, a := range []*causeAcc{unknown, mismatch} {
			if a.verdict == "" {
				a.raise(VerdictPossible, "")
				a.against("the refusal is also what a key not yet synced gets", false)
			}
		}
	}
}

// summary is a check's summary, "" when it did not run.
func (d *diagnosis) summary(id string) string {
	if c, ok := d.by[id]; ok {
		return c.Summary
	}
	return ""
}
