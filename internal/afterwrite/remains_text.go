package afterwrite

import (
	"fmt"
	"time"
)

// Lines renders r as plain text, one item a line, for `rotate` and logs.
func (r Remains) Lines() []string {
	var out []string
	switch {
	case r.KeyID != "":
		// Until it restarts, the running backend signs with the old key:
		// fine while that key is registered, broken if it never was.
		out = append(out, "! restart or reload the backend: it signs with the new key (kid "+r.KeyID+") only then")
	case r.CachedTokenSeconds > 0:
		out = append(out, fmt.Sprintf("! restart or reload the backend: a token it cached before the regeneration works for up to %s after it (expires_in %d), then it fails", time.Duration(r.CachedTokenSeconds)*time.Second, r.CachedTokenSeconds))
	default:
		out = append(out, "! restart or reload the backend: until then it runs on a token it cached before the regeneration")
	}
	for _, p := range r.Places {
		out = append(out, p.Line())
	}
	for _, h := range r.ByHand {
		out = append(out, "! by hand: "+h)
	}
	if r.RetireKey != "" {
		out = append(out, "! retire the old key "+r.RetireKey+" after the backend has restarted")
	}
	for _, u := range r.Unreadable {
		out = append(out, "? could not check "+u)
	}
	return out
}

// Line is one place as text.
func (p Place) Line() string {
	where := "tenant " + p.Tenant
	if p.Env != "" {
		where = p.Env + ", " + where
	}
	src := p.Fingerprint
	if p.Source != "" {
		src += " (" + p.Source + ")"
	}
	switch p.Status {
	case Updated:
		return fmt.Sprintf("✓ updated  %s: %s", where, src)
	case OldApp:
		return fmt.Sprintf("• old app  %s: still on client id %s; update it before you delete that app", where, p.ClientID)
	}
	what := "another secret"
	if p.OldSecret {
		what = "the old secret"
	}
	fix := "update it by hand"
	switch {
	case p.Adopt != "":
		what, fix = "another key", p.Adopt
	case p.Also != "":
		fix = "fhirdoctor rotate --also " + p.Also
	}
	return fmt.Sprintf("✗ stale    %s: %s, %s → %s", where, what, src, fix)
}
