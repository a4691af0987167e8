package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestVerifyIDTokenFailures: each part of an id_token that does not hold is
// named. The tokens are signed here; the keys come from the sandbox's real
// jwks_uri, which does not publish the test's key.
func TestVerifyIDTokenFailures(t *testing.T) {
	srv, opts := startSandbox(t, sandbox.Options{}, 5*time.Second)
	client, err := NewHTTPClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	s := &state{opts: opts.withDefaults(), client: client}
	jwks := "https://" + hostOf(srv.Info().TokenURL) + "/jwk" // the sandbox's jwks_uri
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sign := func(kid string, alg jose.SignatureAlgorithm, k any) string {
		sg, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: k}, (&jose.SignerOptions{}).WithHeader("kid", kid))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := jwt.Signed(sg).Claims(jwt.Claims{Issuer: "https://x/", Audience: jwt.Audience{"c"}, Expiry: jwt.NewNumericDate(time.Now().Add(time.Hour))}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	want := idTokenExpect{issuer: "https://x/", jwksURI: jwks, clientID: "c", now: time.Now()}
	for _, tc := range []struct {
		name, raw string
		want      idTokenExpect
		problem   string
	}{
		{"kid not published", sign("mine", jose.ES256, key), want, "signed with kid mine, which jwks_uri does not publish"},
		{"HMAC", sign("h", jose.HS256, []byte(strings.Repeat("k", 32))), want, "not a JWT signed with an asymmetric algorithm"},
		{"no jwks_uri", sign("mine", jose.ES256, key), idTokenExpect{clientID: "c", now: time.Now()}, "discovery has no jwks_uri"},
		{"garbage", "a.b.c", want, "not a JWT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line, problem := verifyIDToken(context.Background(), s, tc.raw, tc.want)
			if line != "" || !strings.Contains(problem, tc.problem) {
				t.Errorf("line %q problem %q, want %q", line, problem, tc.problem)
			}
		})
	}
	if !issuerMatches("https://a/tenants/t/oidc/idsps/t/", "https://a/") || issuerMatches("https://ab/", "https://a") || !issuerMatches("https://a", "https://a") {
		t.Error("issuerMatches")
	}
}
