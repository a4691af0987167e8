package jwtauth

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// anyAlg lets the decoder read an assertion whatever it claims to be signed
// with: it shows, it does not verify.
var anyAlg = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.HS256, jose.HS384, jose.HS512,
}

// View is the readable part of an assertion: its header and claims. The
// signature is never part of it, and since the signature is what makes an
// assertion usable, a View is safe to print.
type View struct {
	Alg, KeyID, Typ string
	Issuer, Subject string
	Audience        []string
	JTI             string
	IssuedAt        time.Time
	Expiry          time.Time
	NotBefore       time.Time
	SignatureBytes  int
}

// Decode reads an assertion's header and claims without verifying it, for
// evidence. It accepts anything and never panics (it is fuzzed).
func Decode(raw string) (View, error) {
	var v View
	tok, err := jwt.ParseSigned(raw, anyAlg)
	if err != nil {
		return v, fmt.Errorf("not a signed JWT: %s", shortErr(err))
	}
	if len(tok.Headers) != 1 {
		return v, fmt.Errorf("not a compact JWT (%d signatures)", len(tok.Headers))
	}
	h := tok.Headers[0]
	v.Alg, v.KeyID = h.Algorithm, h.KeyID
	if t, ok := h.ExtraHeaders[jose.HeaderType].(string); ok {
		v.Typ = t
	}
	var c jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&c); err != nil {
		return v, fmt.Errorf("the claims do not decode: %s", shortErr(err))
	}
	v.Issuer, v.Subject, v.Audience, v.JTI = c.Issuer, c.Subject, c.Audience, c.ID
	if c.IssuedAt != nil {
		v.IssuedAt = c.IssuedAt.Time()
	}
	if c.Expiry != nil {
		v.Expiry = c.Expiry.Time()
	}
	if c.NotBefore != nil {
		v.NotBefore = c.NotBefore.Time()
	}
	if i := strings.LastIndexByte(raw, '.'); i >= 0 {
		v.SignatureBytes = len(raw[i+1:]) * 3 / 4
	}
	return v, nil
}

// Lines renders the view for evidence: header, claims, and the problems a
// SMART server would refuse, judged against what the request should be.
func (v View) Lines(want Request) []string {
	safe := func(s string) string { return printable(s, 120) }
	out := []string{
		fmt.Sprintf("assertion header: alg %s, kid %s, typ %s", safe(v.Alg), safe(v.KeyID), safe(orNone(v.Typ))),
		fmt.Sprintf("assertion claims: iss %s, sub %s, aud %s, jti %s", safe(v.Issuer), safe(v.Subject), safe(strings.Join(v.Audience, " ")), safe(v.JTI)),
	}
	if !v.IssuedAt.IsZero() && !v.Expiry.IsZero() {
		out = append(out, fmt.Sprintf("assertion lifetime: iat %s, exp %s (%s); signature %d bytes (not shown)",
			v.IssuedAt.UTC().Format(time.RFC3339), v.Expiry.UTC().Format(time.RFC3339), v.Expiry.Sub(v.IssuedAt), v.SignatureBytes))
	}
	for _, p := range v.Problems(want) {
		out = append(out, "assertion problem: "+p)
	}
	return out
}

// Problems lists what a SMART token endpoint would refuse in this assertion.
func (v View) Problems(want Request) []string {
	var p []string
	if v.Alg != RS384 && v.Alg != ES384 {
		p = append(p, fmt.Sprintf("alg %s: SMART servers accept RS384 or ES384", printable(v.Alg, 20)))
	}
	if v.KeyID == "" {
		p = append(p, "no kid in the header: the server cannot pick the key")
	} else if want.KeyID != "" && v.KeyID != want.KeyID {
		p = append(p, fmt.Sprintf("kid %s, but key_id is %s", printable(v.KeyID, 80), want.KeyID))
	}
	if want.ClientID != "" && (v.Issuer != want.ClientID || v.Subject != want.ClientID) {
		p = append(p, "iss and sub must both be client_id "+want.ClientID)
	}
	if want.TokenURL != "" && (len(v.Audience) != 1 || v.Audience[0] != want.TokenURL) {
		p = append(p, "aud must be the token URL exactly: "+want.TokenURL)
	}
	if v.JTI == "" {
		p = append(p, "no jti: the server cannot refuse replays, so it refuses the assertion")
	}
	switch {
	case v.Expiry.IsZero():
		p = append(p, "no exp")
	case !v.IssuedAt.IsZero() && v.Expiry.Sub(v.IssuedAt) > MaxLifetime:
		p = append(p, fmt.Sprintf("exp is %s after iat: at most %s is allowed", v.Expiry.Sub(v.IssuedAt), MaxLifetime))
	}
	return p
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// printable keeps decoded, attacker-controlled text to one short line.
func printable(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
