package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// keyDeps gives the wizard a JWT app's key rotation, with the same rules
// as rotate --new-key (cmd_rotate_key.go): an RSA 3072 pair beside the
// current key, tested before anything is written, the old key kept.
func (w *wizardBackend) keyDeps() ui.KeyDeps {
	return ui.KeyDeps{
		MakeKey: w.makeKey,
		TestKey: func(ctx context.Context, t config.Tenant, kid string) probe.TokenOutcome {
			key, err := w.keyByID(kid)
			if err != nil {
				return probe.TokenOutcome{Cause: probe.CausePrivateKeyUnreadable, Summary: err.Error()}
			}
			return probe.RequestTokenWithKey(ctx, w.probeOptions(t), t.Cerner.SystemApp.ClientID, key, kid)
		},
		Diff:  w.keyDiff,
		Write: w.writeKey,
		Wait:  w.keyWait,
	}
}

func (w *wizardBackend) makeKey(tenant string) (ui.NewKey, error) {
	w.mu.Lock()
	t, err := w.f.Tenant(tenant)
	root := w.f.Environment().Root
	w.mu.Unlock()
	if err != nil {
		return ui.NewKey{}, err
	}
	key, err := jwtauth.Generate(jwtauth.RS384)
	if err != nil {
		return ui.NewKey{}, err
	}
	kid := jwtauth.DefaultKeyID(key, time.Now())
	dir := root
	if p := t.Cerner.SystemApp.PrivateKeyPath; p != "" {
		dir = filepath.Dir(p)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	files, err := key.WriteFiles(dir, kid, time.Now())
	if err != nil {
		return ui.NewKey{}, err
	}
	jwks, err := jwtauth.JWKS(key.PublicJWK(kid))
	if err != nil {
		return ui.NewKey{}, err
	}
	w.mu.Lock()
	if w.keys == nil {
		w.keys = map[string]*jwtauth.Key{}
	}
	w.keys[kid] = key
	w.mu.Unlock()
	return ui.NewKey{KeyID: kid, Alg: key.String(), Thumbprint: key.Thumbprint(), PrivatePath: files.Private,
		JWKSPath: files.JWKS, CertPath: files.Certificate, JWKS: string(jwks)}, nil
}

func (w *wizardBackend) keyByID(kid string) (*jwtauth.Key, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if k := w.keys[kid]; k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("no key with kid %s was made in this session", kid)
}

func (w *wizardBackend) keyDiff(tenant, clientID, kid string) (string, error) {
	key, err := w.keyByID(kid)
	if err != nil {
		return "", err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.f.Tenant(tenant)
	if err != nil {
		return "", err
	}
	scratch, err := config.Parse(w.f.Path(), w.f.Bytes())
	if err != nil {
		return "", err
	}
	if err := setKey(scratch, t.Name, t.Cerner.SystemApp, clientID, configKeyPath(w.f, key.Path), kid); err != nil {
		return "", err
	}
	return config.RedactedDiff(filepath.Base(w.f.Path()), w.f.Bytes(), scratch.Bytes(), config.Secret{}, config.Secret{}), nil
}

func (w *wizardBackend) writeKey(tenant, clientID, kid string) (config.SaveResult, error) {
	key, err := w.keyByID(kid)
	if err != nil {
		return config.SaveResult{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.f.Tenant(tenant)
	if err != nil {
		return config.SaveResult{}, err
	}
	old := t.Cerner.SystemApp
	if err := setKey(w.f, t.Name, old, clientID, configKeyPath(w.f, key.Path), kid); err != nil {
		return config.SaveResult{}, err
	}
	res, err := w.f.Save(config.SaveOptions{})
	if err != nil {
		return res, err
	}
	w.g.audit(w.io, config.AuditEntry{
		Config: w.f.Path(), Tenant: t.Name, Action: "wizard-rotate-key",
		OldClientID: old.ClientID, NewClientID: clientID,
		OldKeyID: old.KeyID, NewKeyID: kid, NewKeyThumbprint: key.Thumbprint(),
		Verification: "passed", Backup: res.BackupPath, Written: []string{res.Path},
	})
	// What remains and "Run after writing" measure against this write.
	rot := keyRotated(w.f, t.Name, old, clientID, key, kid)
	w.last = &rot
	return res, nil
}
