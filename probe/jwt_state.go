package probe

import (
	"context"
	"slices"
	"sync"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// keyLoad is the JWT app's private key, read once per run: the key check,
// discovery (which alg?) and every token request share it, so the file is
// read once and every check judges the same bytes.
type keyLoad struct {
	once     sync.Once
	key      *jwtauth.Key
	warnings []string
	err      error
}

// jwtApp says whether the system app authenticates with a signed JWT.
func (s *state) jwtApp() bool {
	return s.opts.Tenant.Cerner.SystemApp.AuthMethod() == config.AuthPrivateKeyJWT
}

// clientKey loads the system app's private key (once) and registers its PEM
// lines as secrets to scrub.
func (s *state) clientKey() (*jwtauth.Key, []string, error) {
	s.keyLoad.once.Do(func() {
		path := s.opts.Tenant.Cerner.SystemApp.PrivateKeyPath
		if path == "" {
			s.keyLoad.err = &jwtauth.KeyError{Path: "", Problem: jwtauth.KeyMissing,
				Msg: "key_id is set but private_key_path is empty: name the private key file (relative paths start at the backend root)"}
			return
		}
		s.keyLoad.key, s.keyLoad.warnings, s.keyLoad.err = s.loadKey(path)
		if s.keyLoad.key != nil {
			for _, v := range s.keyLoad.key.ScrubValues() {
				s.addSecret(v)
			}
		}
	})
	return s.keyLoad.key, s.keyLoad.warnings, s.keyLoad.err
}

// keyLoadResult is jwtauth.LoadKey's answer for one path.
type keyLoadResult struct {
	key      *jwtauth.Key
	warnings []string
	err      error
}

// loadKey reads and parses the key file at path, once per shared run: the
// tenants of one app share a key file, and parsing an RSA key (with its
// precomputation) is milliseconds. A *jwtauth.Key is read-only once
// loaded, so tenants sign with the same one concurrently.
func (s *state) loadKey(path string) (*jwtauth.Key, []string, error) {
	sh := s.opts.Shared
	if sh == nil {
		return jwtauth.LoadKey(path)
	}
	// Reading a file does not take a context: nothing to cancel.
	r, _ := sh.keys.do(context.Background(), path, func() (keyLoadResult, bool) {
		k, w, err := jwtauth.LoadKey(path)
		return keyLoadResult{key: k, warnings: w, err: err}, true
	})
	return r.key, slices.Clone(r.warnings), r.err
}
