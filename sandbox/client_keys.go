package sandbox

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DefaultPropagation is how long a newly registered public key takes before
// the token endpoint accepts it (Epic can take from minutes to a day).
const DefaultPropagation = 20 * time.Second

// maxAssertionLifetime is SMART's limit on exp - now; assertionLeeway
// forgives clocks a few seconds apart.
const (
	maxAssertionLifetime = 5 * time.Minute
	assertionLeeway      = 10 * time.Second
)

// clientKey is one registered public key. Guarded by Server.mu.
type clientKey struct {
	jwk          jose.JSONWebKey
	registeredAt time.Time
}

// keyRegistry is the public keys registered for the app's client
// assertions, plus the jti values seen (replay refusal). Guarded by Server.mu.
type keyRegistry struct {
	keys []clientKey
	// jwksURL, when set, replaces keys: the server fetches the app's JWK
	// Set from it for every assertion (Epic's "JWK Set URL" registration).
	jwksURL string
	jtis    map[string]time.Time // jti → exp
}

// registeredKeyJSON is a key as GET {console_url}/jwks shows it.
type registeredKeyJSON struct {
	jose.JSONWebKey
	RegisteredAt time.Time
}

func (k registeredKeyJSON) MarshalJSON() ([]byte, error) {
	b, err := k.JSONWebKey.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["registered_at"] = k.RegisteredAt.UTC().Format(time.RFC3339)
	return json.Marshal(m)
}

// replace installs a new registered set. A key already registered (same
// kid and public key) keeps its registration time; the others start now.
func (reg *keyRegistry) replace(set []jose.JSONWebKey, now time.Time) {
	var next []clientKey
	for _, k := range set {
		at := now
		for _, old := range reg.keys {
			if old.jwk.KeyID == k.KeyID && sameKey(old.jwk.Key, k.Key) {
				at = old.registeredAt
			}
		}
		next = append(next, clientKey{jwk: k, registeredAt: at})
	}
	reg.keys = next
}

func sameKey(a, b any) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

// refusal is why the sandbox refused an assertion. A real Epic tells the
// client nothing; the sandbox keeps the reason for tests and its log.
type refusal struct {
	kind, detail string
}

func (r *refusal) Error() string { return r.kind + ": " + r.detail }

// Refusal kinds, one per check a SMART server makes on an assertion.
const (
	RefusedMalformed   = "malformed"
	RefusedAlg         = "alg-unsupported"
	RefusedClient      = "unknown-client"
	RefusedUnknownKey  = "unknown-key"
	RefusedPropagating = "key-propagating"
	RefusedSignature   = "bad-signature"
	RefusedAudience    = "wrong-aud"
	RefusedExpiry      = "bad-exp"
	RefusedReplay      = "jti-replayed"
	RefusedJWKSFetch   = "jwks-unreachable"
)

// verifyAssertion checks a private_key_jwt client assertion the way SMART
// Backend Services says a server must: alg, client, kid, propagation,
// signature, aud, exp and a jti never seen before. It locks s.mu itself (a
// JWK Set URL is fetched without holding it).
func (s *Server) verifyAssertion(raw, wantClient, aud string, algs []string, now time.Time) *refusal {
	all := []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512, jose.HS256, jose.EdDSA}
	tok, err := jwt.ParseSigned(raw, all)
	if err != nil || len(tok.Headers) != 1 {
		return &refusal{RefusedMalformed, "not a compact signed JWT"}
	}
	h := tok.Headers[0]
	if !slices.Contains(algs, h.Algorithm) {
		return &refusal{RefusedAlg, fmt.Sprintf("alg %s is not accepted (accepted: %v)", h.Algorithm, algs)}
	}
	var c jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&c); err != nil {
		return &refusal{RefusedMalformed, "claims do not decode"}
	}
	if c.Issuer != wantClient || c.Subject != wantClient {
		return &refusal{RefusedClient, fmt.Sprintf("iss %q / sub %q is not a registered client", c.Issuer, c.Subject)}
	}
	if h.KeyID == "" {
		return &refusal{RefusedUnknownKey, "no kid in the header"}
	}
	keys, ref := s.clientKeys()
	if ref != nil {
		return ref
	}
	var key *clientKey
	for i := range keys {
		if keys[i].jwk.KeyID == h.KeyID {
			key = &keys[i]
		}
	}
	if key == nil {
		return &refusal{RefusedUnknownKey, "no registered key has kid " + h.KeyID}
	}
	if ready := key.registeredAt.Add(s.propagation()); now.Before(ready) {
		return &refusal{RefusedPropagating, fmt.Sprintf("kid %s was registered at %s and is accepted from %s", h.KeyID, key.registeredAt.UTC().Format(time.RFC3339), ready.UTC().Format(time.RFC3339))}
	}
	if err := tok.Claims(key.jwk.Key, &c); err != nil {
		return &refusal{RefusedSignature, "the signature does not verify with the key registered as " + h.KeyID}
	}
	if len(c.Audience) != 1 || c.Audience[0] != aud {
		return &refusal{RefusedAudience, fmt.Sprintf("aud %v is not the token URL %s", []string(c.Audience), aud)}
	}
	switch {
	case c.Expiry == nil:
		return &refusal{RefusedExpiry, "no exp"}
	case !now.Before(c.Expiry.Time().Add(assertionLeeway)):
		return &refusal{RefusedExpiry, "expired at " + c.Expiry.Time().UTC().Format(time.RFC3339)}
	case c.Expiry.Time().After(now.Add(maxAssertionLifetime + assertionLeeway)):
		return &refusal{RefusedExpiry, fmt.Sprintf("exp is %s ahead, more than 5 minutes", c.Expiry.Time().Sub(now).Round(time.Second))}
	case c.NotBefore != nil && c.NotBefore.Time().After(now.Add(assertionLeeway)):
		return &refusal{RefusedExpiry, "nbf is in the future"}
	}
	if c.ID == "" {
		return &refusal{RefusedReplay, "no jti"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys.jtis == nil {
		s.keys.jtis = make(map[string]time.Time)
	}
	for j, exp := range s.keys.jtis {
		if now.After(exp.Add(assertionLeeway)) {
			delete(s.keys.jtis, j)
		}
	}
	if _, seen := s.keys.jtis[c.ID]; seen {
		return &refusal{RefusedReplay, "jti " + c.ID + " was already used"}
	}
	s.keys.jtis[c.ID] = c.Expiry.Time()
	return nil
}

// clientKeys is a copy of the registered set, or the set fetched from the
// registered JWK Set URL.
func (s *Server) clientKeys() ([]clientKey, *refusal) {
	s.mu.Lock()
	url := s.keys.jwksURL
	keys := slices.Clone(s.keys.keys)
	s.mu.Unlock()
	if url == "" {
		return keys, nil
	}
	set, err := fetchJWKS(url)
	if err != nil {
		return nil, &refusal{RefusedJWKSFetch, err.Error()}
	}
	out := make([]clientKey, len(set))
	for i, k := range set {
		out[i] = clientKey{jwk: k} // fetched keys are as old as the epoch: no propagation
	}
	return out, nil
}

// jwksFetchTimeout bounds the server's fetch of an app's JWK Set URL.
const jwksFetchTimeout = 2 * time.Second

func fetchJWKS(rawURL string) ([]jose.JSONWebKey, error) {
	c := &http.Client{Timeout: jwksFetchTimeout}
	resp, err := c.Get(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetching the JWK Set URL: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the JWK Set URL answered %d", resp.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, errors.New("the JWK Set URL did not answer a JWK Set")
	}
	return set.Keys, nil
}

func (s *Server) propagation() time.Duration {
	switch {
	case s.opts.Propagation < 0:
		return 0
	case s.opts.Propagation == 0:
		return DefaultPropagation
	}
	return s.opts.Propagation
}

// parsePublicJWKS reads a JWK Set posted to the console: public RSA or EC
// keys with a kid, nothing else.
func parsePublicJWKS(body []byte) ([]jose.JSONWebKey, error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("not a JWK Set: %w", err)
	}
	for i, k := range set.Keys {
		switch {
		case k.KeyID == "":
			return nil, fmt.Errorf("keys[%d] has no kid", i)
		case !k.IsPublic():
			return nil, fmt.Errorf("keys[%d] (%s) holds private key material: upload the public key only", i, k.KeyID)
		case !k.Valid():
			return nil, fmt.Errorf("keys[%d] (%s) is not a valid key", i, k.KeyID)
		}
	}
	return set.Keys, nil
}
