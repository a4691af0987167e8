package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// maxJWKSBytes bounds a JWK Set we parse: real ones are a few kilobytes.
const maxJWKSBytes = 1 << 20

// PublicJWK is the key's public half as a JWK with kid, alg and use: what
// the app publishes or uploads.
func (k *Key) PublicJWK(kid string) jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.Public(), KeyID: kid, Algorithm: k.Alg, Use: "sig"}
}

// JWKS renders a JWK Set of public keys, indented for a human to upload.
func JWKS(keys ...jose.JSONWebKey) ([]byte, error) {
	for _, k := range keys {
		if !k.IsPublic() {
			return nil, errors.New("refusing to write a private key into a JWK Set")
		}
	}
	b, err := json.MarshalIndent(jose.JSONWebKeySet{Keys: keys}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the JWK Set: %w", err)
	}
	return append(b, '\n'), nil
}

// PublishedKey is one entry of a parsed JWK Set, as evidence needs it.
type PublishedKey struct {
	KeyID      string
	Alg        string
	Kty        string
	Thumbprint string
	Public     crypto.PublicKey
	// Private is true when the set held private material: a publishing
	// mistake worth shouting about.
	Private bool
}

// ParseJWKS reads a JWK Set document. Entries that do not parse are
// reported in skipped (with their index) instead of failing the set: a
// server uses the keys it understands.
func ParseJWKS(data []byte) (keys []PublishedKey, skipped []string, err error) {
	if len(data) > maxJWKSBytes {
		return nil, nil, fmt.Errorf("the JWK Set is %d bytes, more than %d: not a key set", len(data), maxJWKSBytes)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("not a JWK Set: %s", jsonErrText(err))
	}
	if doc.Keys == nil {
		return nil, nil, errors.New(`not a JWK Set: no "keys" array`)
	}
	for i, raw := range doc.Keys {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(raw); err != nil {
			skipped = append(skipped, fmt.Sprintf("keys[%d]: %s", i, shortErr(err)))
			continue
		}
		pk := PublishedKey{KeyID: jwk.KeyID, Alg: jwk.Algorithm, Private: !jwk.IsPublic()}
		pub := jwk.Public()
		pk.Public = pub.Key
		switch pub.Key.(type) {
		case *rsa.PublicKey:
			pk.Kty = "RSA"
		case *ecdsa.PublicKey:
			pk.Kty = "EC"
		default:
			pk.Kty = fmt.Sprintf("%T", pub.Key)
		}
		if pub.Key != nil {
			pk.Thumbprint = thumbprint(pub.Key)
		}
		keys = append(keys, pk)
	}
	return keys, skipped, nil
}

// Matches reports whether pub is this key's public half.
func (k *Key) Matches(pub crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := k.Public().(equaler)
	return ok && pub != nil && e.Equal(pub)
}

func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s is a JSON %s", orTop(te.Field), te.Value)
	}
	return shortErr(err)
}

func orTop(f string) string {
	if f == "" {
		return "the document"
	}
	return f
}

func shortErr(err error) string {
	m := err.Error()
	if len(m) > 100 {
		m = m[:100] + "…"
	}
	return m
}
