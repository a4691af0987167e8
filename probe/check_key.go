package probe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// checkKey reads the JWT app's private key file: it exists, is readable,
// parses, and is a key SMART servers accept (RSA of 2048 bits or more, or
// EC P-384). A mode wider than 0600 is a warning only: containers mount
// keys 0440 or 0644 for the backend's user.
func checkKey(_ context.Context, s *state) Result {
	if !s.jwtApp() {
		return skipped("the system app authenticates with a client secret, not a key")
	}
	app := s.opts.Tenant.Cerner.SystemApp
	key, warnings, err := s.clientKey()
	if err != nil {
		r := Result{Status: StatusFail, Summary: err.Error(), Facts: &Facts{Cause: CausePrivateKeyUnreadable}}
		var ke *jwtauth.KeyError
		if errors.As(err, &ke) {
			r.Facts.Class = string(ke.Problem)
		}
		r.Remedy = "Point private_key_path at the app's PEM private key (readable by the backend's user), or make a new key pair with `fhirdoctor rotate --new-key`."
		return r
	}
	f := &Facts{KeyAlg: key.Alg}
	r := Result{Status: StatusPass, Facts: f,
		Summary: fmt.Sprintf("%s, kid %s", key, orNone(app.KeyID)),
		Evidence: []string{
			fmt.Sprintf("private_key_path %s (mode %04o)", app.PrivateKeyPath, key.Mode),
			fmt.Sprintf("public key thumbprint (RFC 7638, SHA-256) %s", key.Thumbprint()),
			"the key itself is never shown",
		}}
	if app.KeyID == "" {
		r.Status = StatusFail
		r.Summary = "private_key_path is set but key_id is empty: the server looks the key up by kid"
		r.Remedy = "Set key_id to the kid the public key was registered under (step 3)."
		f.Cause = CauseConfigInvalid
		return r
	}
	if up := s.opts.KeyUploadedAt; !up.IsZero() {
		f.RegisteredAt, f.RegisteredFrom, f.RegisteredAgo = up, "--key-uploaded-at", s.opts.Now().Sub(up)
		r.Evidence = append(r.Evidence, fmt.Sprintf("public key uploaded at %s (%s ago, --key-uploaded-at)", up.UTC().Format(time.RFC3339), s.opts.Now().Sub(up).Round(time.Second)))
	}
	for _, w := range warnings {
		r.Status = StatusWarn
		r.Evidence = append(r.Evidence, "warning: "+w)
		r.Remedy = fmt.Sprintf("chmod 600 %s", app.PrivateKeyPath)
	}
	return r
}
