package jwtauth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// AssertionType is the client_assertion_type of private_key_jwt.
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// MaxLifetime is the longest an assertion may live: SMART says exp at most
// five minutes ahead.
const MaxLifetime = 5 * time.Minute

// DefaultLifetime is what we sign: short of the limit, so a server whose
// clock runs a little behind ours still accepts it.
const DefaultLifetime = 4 * time.Minute

// Request is what an assertion asserts.
type Request struct {
	ClientID string
	KeyID    string
	TokenURL string // aud, exactly as the token request is sent
	// Lifetime is exp - iat; DefaultLifetime when zero. Tests set it past
	// MaxLifetime to see a server refuse it.
	Lifetime time.Duration
	// Alg overrides the key's algorithm (tests: RS256 to see it refused).
	Alg string
}

// Assertion is a signed client assertion. Value is a secret for its
// lifetime (anyone holding it can get a token), so it is a config.Secret.
type Assertion struct {
	Value  config.Secret
	Alg    string
	KeyID  string
	JTI    string
	Issued time.Time
	Expiry time.Time
}

// Sign makes a fresh assertion: a new jti every call, so a retried token
// request is a new assertion, never a replay.
func (k *Key) Sign(req Request, now time.Time) (Assertion, error) {
	if req.ClientID == "" {
		return Assertion{}, errors.New("cannot sign a client assertion without client_id")
	}
	if req.KeyID == "" {
		return Assertion{}, errors.New("cannot sign a client assertion without key_id (the kid the server looks the key up by)")
	}
	if u, err := url.Parse(req.TokenURL); err != nil || u.Host == "" {
		return Assertion{}, fmt.Errorf("token_url %q is not an absolute URL (it is the assertion's aud)", req.TokenURL)
	}
	alg := req.Alg
	if alg == "" {
		alg = k.Alg
	}
	life := req.Lifetime
	if life == 0 {
		life = DefaultLifetime
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), req.KeyID)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: k.signer}, opts)
	if err != nil {
		return Assertion{}, fmt.Errorf("cannot sign with %s using %s: %w", alg, k, err)
	}
	jti, err := newJTI()
	if err != nil {
		return Assertion{}, err
	}
	iat := now.Truncate(time.Second)
	exp := iat.Add(life)
	claims := jwt.Claims{
		Issuer:    req.ClientID,
		Subject:   req.ClientID,
		Audience:  jwt.Audience{req.TokenURL},
		ID:        jti,
		IssuedAt:  jwt.NewNumericDate(iat),
		NotBefore: jwt.NewNumericDate(iat),
		Expiry:    jwt.NewNumericDate(exp),
	}
	// go-jose writes a one-element Audience as a plain string, which
	// servers that compare aud as a string need.
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return Assertion{}, fmt.Errorf("signing the client assertion: %w", err)
	}
	return Assertion{Value: config.NewSecret(raw), Alg: alg, KeyID: req.KeyID, JTI: jti, Issued: iat, Expiry: exp}, nil
}

// newJTI is 128 random bits: unique across every assertion ever sent.
func newJTI() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random jti: %w", err)
	}
	return b64(b), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
