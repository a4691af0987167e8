// Package jwtauth is SMART Backend Services client authentication
// (private_key_jwt): the app's private key file, its public JWK Set, and the
// signed client assertion that replaces a client secret.
//
// It is a package of its own because three places need the same rules and
// none of them owns them: probe signs assertions and checks the key file,
// rotate makes and writes new key pairs, and both read JWK Sets. Keeping the
// rules here (RS384 for RSA of at least 2048 bits, ES384 for P-384, aud =
// token URL, exp at most five minutes ahead, a fresh jti each time) means a
// probe and a rotation cannot disagree about what a valid key is.
// docs/jwt.md states the contract.
//
//	key, warnings, err := jwtauth.LoadKey(path)
//	a, err := key.Sign(jwtauth.Request{ClientID: id, KeyID: kid, TokenURL: tokenURL}, time.Now())
//	// a.Value is a config.Secret: it goes on the wire through Reveal and nowhere else.
package jwtauth
