package sandbox

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// tokenLifetime is Cerner's: 570 s, longer than the SMART spec's advice, and normal.
const tokenLifetime = 570 * time.Second

// grant is what an access token stands for. Guarded by Server.mu.
type grant struct {
	tenant   string
	clientID string
	scope    string // as granted, space-separated
	scopes   []resourceScope
	patient  string // patient context of a provider launch; "" for system tokens
	expires  time.Time
	revoked  bool
}

func newGrant(tenant, clientID string, granted []string, patient string, now time.Time) *grant {
	g := &grant{tenant: tenant, clientID: clientID, scope: strings.Join(granted, " "), patient: patient, expires: now.Add(tokenLifetime)}
	for _, s := range granted {
		if sc, ok, err := parseResourceScope(s); ok && err == nil {
			g.scopes = append(g.scopes, sc)
		}
	}
	return g
}

// permits says whether the grant allows op ('r' read, 's' search) on resource; patient
// scopes only reach the launch's patient, which the caller checks with ownPatient.
func (g *grant) permits(resource string, op byte) (ok, patientOnly bool) {
	for _, sc := range g.scopes {
		if !sc.allows(resource, op) {
			continue
		}
		if sc.context != "patient" {
			return true, false
		}
		ok, patientOnly = true, true
	}
	return ok, patientOnly
}

// signer makes JWTs the way an authorization server does: ES256 with a published key.
type signer struct {
	key *ecdsa.PrivateKey
	kid string
}

func newSigner(key *ecdsa.PrivateKey) (*signer, error) {
	pub, err := key.PublicKey.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encode signing key: %w", err)
	}
	sum := sha256.Sum256(pub)
	return &signer{key: key, kid: "sandbox-" + base64.RawURLEncoding.EncodeToString(sum[:6])}, nil
}

func (s *signer) sign(claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": s.kid, "typ": "JWT"})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	input := b64(header) + "." + b64(payload)
	digest := sha256.Sum256([]byte(input))
	r, sv, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	sig := make([]byte, 64) // JWS wants fixed-width r||s, not ASN.1
	r.FillBytes(sig[:32])
	sv.FillBytes(sig[32:])
	return input + "." + b64(sig), nil
}

// jwk is the public key as jwks_uri publishes it.
func (s *signer) jwk() map[string]string {
	pub, _ := s.key.PublicKey.Bytes() // 0x04 || X || Y, checked in newSigner
	return map[string]string{
		"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": s.kid,
		"x": b64(pub[1:33]), "y": b64(pub[33:65]),
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// randomToken is an opaque URL-safe random string of n bytes of entropy.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b64(b)
}

// newUUID is a random (version 4) UUID, the shape of Cerner-Correlation-Id.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// issueAccessToken mints a Cerner-shaped JWT for g and remembers it. Call with s.mu held.
func (s *Server) issueAccessTokenLocked(g *grant, sub string, now time.Time) (string, error) {
	claims := map[string]any{
		"sub": sub,
		"urn:cerner:authorization:claims:version:1": map[string]any{
			"ver": "1.0", "tnt": g.tenant, "azs": g.scope,
		},
		"azp": g.clientID,
		"aud": s.fhirBase(),
		"iss": s.issuer(),
		"exp": g.expires.Unix(),
		"iat": now.Unix(),
		"jti": newUUID(),
	}
	tok, err := s.signer.sign(claims)
	if err != nil {
		return "", err
	}
	s.grants[tok] = g
	s.issued = append(s.issued, tok)
	return tok, nil
}
