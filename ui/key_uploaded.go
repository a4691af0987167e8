package ui

import "time"

// uploadQuestion is Step 1's question for a JWT app whose refusal may be a
// key the server has not synced yet (docs/jwt.md, "The wizard"): the
// answer is the positive evidence jwt-key-propagating needs.
const uploadQuestion = "When did you upload this key?"

// uploadHint is what the Input takes, shown as its placeholder and, in the
// accessible mode, after the question. It fits the field's 40 characters;
// a date and time (2026-12-01 14:05, RFC 3339) is taken too, and the
// refusal message lists every form.
const uploadHint = "20m ago, 14:05, earlier or unknown"

// Evidence is what the user told the wizard that no check can measure;
// the probe weighs it as it weighs `probe --key-uploaded-at`.
type Evidence struct {
	// KeyUploadedAt is when the user uploaded the public key registered
	// under KeyID; zero when not known.
	KeyUploadedAt time.Time
	KeyID         string
}

// forTenant is the evidence that applies to t: an upload time is about one
// key, so none once the config names another (after a rotation).
func (e Evidence) forTenant(kid string) Evidence {
	if e.KeyID != kid {
		return Evidence{}
	}
	return e
}
