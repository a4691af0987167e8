package cli

import (
	"github.com/fhirdoctor/fhirdoctor/config"
)

// setCredentials edits the two values a rotation changes, in place.
func setCredentials(f *config.File, tenant, clientID string, secret config.Secret) error {
	if err := f.Set(tenant, config.PathClientID, clientID); err != nil {
		return err
	}
	return f.SetSecret(tenant, config.PathClientSecret, secret)
}

// writeCredentials edits and saves: atomically, locked, backed up. The wizard
// and rotate both come through here.
func writeCredentials(f *config.File, tenant, clientID string, secret config.Secret, opts config.SaveOptions) (config.SaveResult, error) {
	if err := setCredentials(f, tenant, clientID, secret); err != nil {
		return config.SaveResult{}, err
	}
	return f.Save(opts)
}
