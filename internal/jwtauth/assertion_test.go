package jwtauth

import (
	"crypto/elliptic"
	"math/big"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func big1() *big.Int { return big.NewInt(1) }

func TestSign(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	req := Request{ClientID: "client-1", KeyID: "kid-1", TokenURL: "https://ehr.example/oauth2/token"}
	for _, tc := range []struct {
		name string
		key  *Key
		alg  jose.SignatureAlgorithm
	}{
		{"RSA", must(FromSigner(rsaKey(t, 2048), "r")), jose.RS384},
		{"P-384", must(FromSigner(ecKey(t, elliptic.P384()), "e")), jose.ES384},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := tc.key.Sign(req, now)
			if err != nil {
				t.Fatal(err)
			}
			raw := a.Value.Reveal()
			tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{tc.alg})
			if err != nil {
				t.Fatal(err)
			}
			h := tok.Headers[0]
			if h.KeyID != "kid-1" || h.ExtraHeaders[jose.HeaderType] != "JWT" {
				t.Errorf("header kid %q typ %v", h.KeyID, h.ExtraHeaders[jose.HeaderType])
			}
			var c jwt.Claims
			if err := tok.Claims(tc.key.Public(), &c); err != nil {
				t.Fatalf("signature: %v", err)
			}
			if err := c.Validate(jwt.Expected{Issuer: "client-1", Subject: "client-1", AnyAudience: jwt.Audience{req.TokenURL}, Time: now.Add(time.Minute)}); err != nil {
				t.Error(err)
			}
			if life := c.Expiry.Time().Sub(c.IssuedAt.Time()); life > MaxLifetime || life <= 0 {
				t.Errorf("lifetime %s", life)
			}
			if !strings.Contains(raw, ".") || strings.Contains(a.Value.String(), raw[:20]) {
				t.Error("the assertion's String must be masked")
			}
			// aud is a plain string, as servers comparing strings need.
			v, err := Decode(raw)
			if err != nil || len(v.Audience) != 1 || len(v.Problems(req)) != 0 {
				t.Errorf("decode %+v %v problems %q", v, err, v.Problems(req))
			}
			b, _ := a.Value.MarshalJSON()
			if strings.Contains(string(b), "eyJ") {
				t.Error("JSON form leaks the assertion")
			}
			a2, _ := tc.key.Sign(req, now)
			if a2.JTI == a.JTI {
				t.Error("jti reused")
			}
		})
	}
}

func TestSignRefusesIncompleteRequests(t *testing.T) {
	k := must(FromSigner(ecKey(t, elliptic.P384()), "e"))
	for _, req := range []Request{
		{KeyID: "k", TokenURL: "https://x/t"},
		{ClientID: "c", TokenURL: "https://x/t"},
		{ClientID: "c", KeyID: "k", TokenURL: "/token"},
	} {
		if _, err := k.Sign(req, time.Now()); err == nil {
			t.Errorf("%+v signed", req)
		}
	}
}

func TestDecodeProblems(t *testing.T) {
	k := must(FromSigner(rsaKey(t, 2048), "r"))
	want := Request{ClientID: "c", KeyID: "k", TokenURL: "https://x/token"}
	a, err := k.Sign(Request{ClientID: "c", KeyID: "k", TokenURL: "https://x/other", Lifetime: 10 * time.Minute, Alg: "RS256"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v, err := Decode(a.Value.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(v.Lines(want), "\n")
	for _, w := range []string{"alg RS256: SMART servers accept RS384 or ES384", "aud must be the token URL exactly: https://x/token", "exp is 10m0s after iat: at most 5m0s is allowed", "signature 256 bytes (not shown)"} {
		if !strings.Contains(got, w) {
			t.Errorf("lines lack %q:\n%s", w, got)
		}
	}
	sig := a.Value.Reveal()[strings.LastIndexByte(a.Value.Reveal(), '.')+1:]
	if strings.Contains(got, sig[:16]) {
		t.Error("the signature is in the evidence")
	}
	if _, err := Decode("not.a.jwt"); err == nil {
		t.Error("garbage decoded")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
