package cli

import (
	"github.com/fhirdoctor/fhirdoctor/config"
)

// setCredentials edits the two values a rotation changes on f, where they
// live (docs/config.md, "Where a secret lives"): the client id in the YAML,
// the secret in the YAML or on its .env line. Use a Clone of the file to
// preview.
func setCredentials(f *config.File, t config.Tenant, clientID string, secret config.Secret) (*config.CredentialEdit, error) {
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
