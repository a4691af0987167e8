package cli

// What rotate knows once the rotated tenant is written: the rotation, the
// files read back, and what remains (docs/after-the-write.md). --also is in
// rotate_also.go, --then in rotate_then.go.

import (
	"fmt"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
)

// rotated is the pair a rotate wrote and what it replaced.
type rotated struct {
	file, tenant          string
	env                   config.Environment // the rotated file's
	oldClientID, clientID string
	oldSecret, secret     config.Secret
	lifetime              time.Duration // expires_in of the verifying token
	// A key rotation's (secret is then zero): the new key_id, the private
	// key files written and replaced, and every PEM line of both keys,
	// which --then output must never show.
	kid, keyFile, oldKeyFile string
	keyLines                 []config.Secret
}

// scrubber hides, in what commands run after the write print, every secret
// rem read and, after a key rotation, both private keys' PEM lines.
func (r rotated) scrubber(rem afterwrite.Remains) *afterwrite.Scrubber {
	return afterwrite.NewScrubber(append(rem.Secrets(), r.keyLines...), rem.ClientIDs()...)
}

// secretFingerprint is the new secret's fingerprint for the audit line;
// empty for a key rotation, which has no secret.
func (r rotated) secretFingerprint() string {
	if r.secret.IsZero() {
		return ""
	}
	return r.secret.Fingerprint()
}

func (r rotated) remains(io *IOStreams) afterwrite.Remains {
	return afterwrite.Compute(afterwrite.Written{
		Config: r.file, Env: r.env.Name, Tenant: r.tenant,
		Load: func(path string) (*config.File, error) {
			if path == r.file {
				return loadWith(path, r.env)
			}
			return loadOther(io, path)
		},
		OldClientID: r.oldClientID, ClientID: r.clientID,
		OldSecret: r.oldSecret, Secret: r.secret,
		TokenLifetime: r.lifetime, Getenv: io.Getenv,
		KeyID: r.kid, NewKeyFile: r.keyFile, OldKeyFile: r.oldKeyFile,
	})
}

// loadWith loads a config file read with env (placeholders, .env files).
func loadWith(path string, env config.Environment) (*config.File, error) {
	f, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	f.SetEnvironment(env)
	return f, nil
}

// loadOther loads another environment's config file the way the backend
// would read it when started in that environment: its own .env files, this
// process's environment.
func loadOther(io *IOStreams, path string) (*config.File, error) {
	env := config.EnvironmentFor(path, "")
	env.LookupEnv = io.lookupEnv
	return loadWith(path, env)
}

// checkWritten reads the file back from disk (and the .env file the secret
// lives in): the rotation is done only if the backend, reading the same
// files, gets the new pair.
func checkWritten(path string, env config.Environment, tenant, clientID string, secret config.Secret) error {
	f, err := loadWith(path, env)
	if err != nil {
		return fmt.Errorf("the file was written but cannot be read back: %w", err)
	}
	t, err := f.Tenant(tenant)
	if err != nil {
		return fmt.Errorf("the file was written but tenant %s cannot be read back: %w", tenant, err)
	}
	sa := t.Cerner.SystemApp
	if sa.ClientID != clientID || !sa.ClientSecret.Equal(secret) {
		return fmt.Errorf("%s was written, but reading it back gives client id %s and secret %s, not %s and %s: check the file",
			path, sa.ClientID, sa.ClientSecret.Fingerprint(), clientID, secret.Fingerprint())
	}
	return nil
}

// printRemains lists what the rotation leaves to do.
func printRemains(io *IOStreams, rem afterwrite.Remains) {
	fmt.Fprintln(io.Out, "What remains")
	for _, l := range rem.Lines() {
		fmt.Fprintln(io.Out, "  "+l)
	}
}
