package probe

import (
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
		s.keyLoad.key, s.keyLoad.warnings, s.keyLoad.err = jwtauth.LoadKey(path)
		if s.keyLoad.key != nil {
			for _, v := range s.keyLoad.key.ScrubValues() {
				s.addSecret(v)
			}
		}
	})
	return s.keyLoad.key, s.keyLoad.warnings, s.keyLoad.err
}
