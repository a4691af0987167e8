package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// idTokenAlgs are the algorithms an id_token may be signed with; "none"
// and HMAC (which a public client cannot verify) are refused.
var idTokenAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512}

// idTokenLeeway forgives clocks a little apart when judging exp.
const idTokenLeeway = time.Minute

// idTokenExpect is what the id_token must say.
type idTokenExpect struct {
	issuer, jwksURI, clientID, nonce string
	now                              time.Time
}

// verifyIDToken checks the id_token of the round trip: the signature with
// the keys at discovery's jwks_uri, then iss, aud, exp and nonce. line is
// the evidence when all hold; problem says exactly which part failed.
func verifyIDToken(ctx context.Context, s *state, raw string, want idTokenExpect) (line, problem string) {
	fail := func(format string, args ...any) (string, string) {
		return "", "id_token not verified: " + fmt.Sprintf(format, args...)
	}
	tok, err := jwt.ParseSigned(raw, idTokenAlgs)
	if err != nil {
		return fail("not a JWT signed with an asymmetric algorithm (%s)", clean(err.Error(), 100))
	}
	h := tok.Headers[0]
	if want.jwksURI == "" {
		return fail("discovery has no jwks_uri, so the signature cannot be checked")
	}
	resp, _, err := s.get(ctx, want.jwksURI, "application/json", "")
	if err != nil {
		_, _, text := transportFailure(err, hostOf(want.jwksURI))
		return fail("jwks_uri %s did not answer (%s)", want.jwksURI, text)
	}
	if resp.Status != 200 {
		return fail("jwks_uri %s answered %d", want.jwksURI, resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(resp.Body, &set); err != nil {
		return fail("jwks_uri %s is not a JWK Set", want.jwksURI)
	}
	candidates := set.Keys
	if h.KeyID != "" {
		candidates = set.Key(h.KeyID)
		if len(candidates) == 0 {
			return fail("signed with kid %s, which jwks_uri does not publish", clean(h.KeyID, 80))
		}
	}
	var claims jwt.Claims
	var extra struct {
		Nonce string `json:"nonce"`
	}
	verified := false
	for _, k := range candidates {
		if tok.Claims(k.Key, &claims, &extra) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return fail("the signature (%s, kid %s) does not verify with the keys at jwks_uri", h.Algorithm, orNone(clean(h.KeyID, 80)))
	}
	switch {
	case claims.Issuer == "":
		return fail("no iss")
	case want.issuer != "" && !issuerMatches(claims.Issuer, want.issuer):
		return fail("iss %s is not discovery's issuer %s", clean(claims.Issuer, 120), want.issuer)
	case !slices.Contains([]string(claims.Audience), want.clientID):
		return fail("aud %s does not name the client %s", clean(strings.Join(claims.Audience, " "), 120), want.clientID)
	case claims.Expiry == nil:
		return fail("no exp")
	case !want.now.Before(claims.Expiry.Time().Add(idTokenLeeway)):
		return fail("expired at %s (check the clock)", claims.Expiry.Time().UTC().Format(time.RFC3339))
	case want.nonce != "" && extra.Nonce != want.nonce:
		if extra.Nonce == "" {
			return fail("the nonce sent with the sign-in is missing from the id_token")
		}
		return fail("nonce differs from the one sent with the sign-in (a replayed or foreign id_token)")
	}
	nonce := "nonce"
	if want.nonce == "" {
		nonce = "no nonce sent"
	}
	return fmt.Sprintf("id_token verified (kid %s, %s; iss %s, aud, exp %s, %s)", orNone(clean(h.KeyID, 80)), h.Algorithm,
		clean(claims.Issuer, 120), claims.Expiry.Time().UTC().Format(time.RFC3339), nonce), ""
}

// issuerMatches accepts discovery's issuer itself, or an issuer under it
// (Cerner's id_tokens name a per-tenant OIDC issuer below the
// authorization server's).
func issuerMatches(got, issuer string) bool {
	if got == issuer {
		return true
	}
	base := strings.TrimRight(issuer, "/") + "/"
	return strings.HasPrefix(got, base)
}
