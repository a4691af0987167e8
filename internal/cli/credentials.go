package cli

import (
	"fmt"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// setCredentials edits the two values a rotation changes on f, where they
// live (docs/config.md, "Where a secret lives"): the client id in the YAML,
// the secret in the YAML or on its .env line. Use a Clone of the file to
// preview.
func setCredentials(f *config.File, t config.Tenant, clientID string, secret config.Secret) (*config.CredentialEdit, error) {
	if app := t.Cerner.SystemApp; app.AuthMethod() == config.AuthPrivateKeyJWT {
		// A secret written next to a key would never be used (the key wins):
		// the write would look like a rotation and change nothing.
		return nil, fmt.Errorf("tenant %s's system app signs JWTs (private_key_jwt, key_id %s): it has no secret to write; rotate its key with `fhirdoctor rotate --new-key`", t.Name, app.KeyID)
	}
	return f.StageCredentials(t, clientID, secret)
}

// writeCredentials edits and saves: atomically, locked, backed up. The wizard
// and rotate both come through here. The first result is the file holding
// the secret (the .env file when it lives there).
func writeCredentials(f *config.File, t config.Tenant, clientID string, secret config.Secret, opts config.SaveOptions) ([]config.SaveResult, error) {
	ce, err := setCredentials(f, t, clientID, secret)
	if err != nil {
		return nil, err
	}
	return ce.Save(opts)
}

// firstResult is what a one-file summary shows.
func firstResult(rs []config.SaveResult) config.SaveResult {
	if len(rs) == 0 {
		return config.SaveResult{}
	}
	return rs[0]
}
