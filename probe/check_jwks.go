package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
)

// classNoJWKSURL marks the jwks check skipped for want of a jwks_url.
const classNoJWKSURL = "no-jwks-url"

// checkJWKS fetches the JWK Set the app publishes at jwks_url, as a server
// registered with that URL does, and checks that key_id is in it with this
// private key's public half. A registry that says when each key was
// registered (a registered_at member, as the sandbox's console does) gives
// the evidence that a refused key may still be propagating.
func checkJWKS(ctx context.Context, s *state) Result {
	if !s.jwtApp() {
		return skipped("the system app authenticates with a client secret, not a key")
	}
	app := s.opts.Tenant.Cerner.SystemApp
	if app.JWKSURL == "" {
		r := skipped("no jwks_url: the public key is registered with the server directly, so there is nothing to fetch")
		r.Facts = &Facts{Class: classNoJWKSURL}
		return r
	}
	resp, req, err := s.getPublic(ctx, app.JWKSURL, "application/json")
	if err != nil {
		class, _, text := transportFailure(err, hostOf(app.JWKSURL))
		r := Result{Status: StatusFail, Summary: "jwks_url does not answer: " + text,
			Facts:  &Facts{Cause: CauseJWKSUnreachable, Class: string(class)},
			Remedy: "Publish the JWK Set at jwks_url (reachable from the internet over https, since the server fetches it), or fix jwks_url (step 3)."}
		r.Evidence = []string{"GET " + app.JWKSURL + ": no answer (" + text + ")"}
		return r
	}
	f := &Facts{Cause: CauseJWKSUnreachable, HTTPStatus: resp.Status, Latency: resp.Latency}
	r := Result{Facts: f, Evidence: []string{fmt.Sprintf("GET %s: %d in %s", req.URL.Redacted(), resp.Status, ms(resp.Latency))}}
	if resp.Status != 200 {
		r.Status = StatusFail
		r.Summary = fmt.Sprintf("jwks_url answered %d %s", resp.Status, bodyGist(contentType(resp.Header), resp.Body))
		r.Remedy = "The server fetches the app's keys from jwks_url: make it answer 200 with the JWK Set."
		return r
	}
	keys, skippedKeys, err := jwtauth.ParseJWKS(resp.Body)
	if err != nil {
		r.Status = StatusFail
		r.Summary = "jwks_url does not serve a JWK Set: " + err.Error()
		r.Remedy = "Serve {\"keys\": [...]} with the app's public keys at jwks_url (rotate --jwks-out writes one)."
		return r
	}
	for _, sk := range skippedKeys {
		r.Evidence = append(r.Evidence, "unusable entry: "+sk)
	}
	kids := make([]string, 0, len(keys))
	for _, k := range keys {
		kids = append(kids, fmt.Sprintf("%s (%s %s)", clean(k.KeyID, 60), k.Kty, orNone(clean(k.Alg, 10))))
		if k.Private {
			r.Evidence = append(r.Evidence, "warning: kid "+clean(k.KeyID, 60)+" is published WITH its private part: replace the key now, it is compromised")
		}
	}
	r.Evidence = append(r.Evidence, fmt.Sprintf("%d key(s): %s", len(keys), strings.Join(kids, ", ")))
	key, _, kerr := s.clientKey()
	var found *jwtauth.PublishedKey
	for i := range keys {
		if keys[i].KeyID == app.KeyID {
			found = &keys[i]
		}
	}
	switch {
	case found == nil:
		f.Cause, f.Class = CauseJWTKeyUnknown, "kid-absent"
		r.Status = StatusFail
		r.Summary = "key_id " + app.KeyID + " is not in the JWK Set at jwks_url"
		r.Remedy = "Publish this key's public JWK under kid " + app.KeyID + " at jwks_url (keep the old keys until the backend switched), or set key_id to a published kid."
		return r
	case kerr != nil:
		r.Status = StatusWarn
		r.Summary = "kid " + app.KeyID + " is published; the private key could not be read to compare"
		f.Cause = ""
		return r
	case !key.Matches(found.Public):
		f.Cause, f.Class = CauseJWTKeyMismatch, "kid-other-key"
		r.Status = StatusFail
		r.Summary = "kid " + app.KeyID + " is published with another public key than private_key_path's"
		r.Evidence = append(r.Evidence, "published thumbprint "+found.Thumbprint+", private key's "+key.Thumbprint())
		r.Remedy = "Publish this private key's public JWK under kid " + app.KeyID + ", or point private_key_path at the key that kid belongs to."
		return r
	}
	f.Cause = ""
	r.Status = StatusPass
	r.Summary = "kid " + app.KeyID + " is published with this private key's public half"
	if found.Alg != "" && found.Alg != key.Alg {
		r.Status = StatusWarn
		r.Evidence = append(r.Evidence, fmt.Sprintf("warning: the published key says alg %s, the assertion is signed %s", clean(found.Alg, 10), key.Alg))
	}
	if at, ok := registeredAt(resp.Body, app.KeyID); ok {
		f.RegisteredAt, f.RegisteredFrom, f.RegisteredAgo = at, "registered_at in the JWK Set", s.opts.Now().Sub(at)
		r.Evidence = append(r.Evidence, fmt.Sprintf("registered_at %s (%s ago)", at.UTC().Format(time.RFC3339), s.opts.Now().Sub(at).Round(time.Second)))
	}
	return r
}

// registeredAt reads a registered_at member of the key with kid: not part
// of RFC 7517, but what a registry that records it (the sandbox's console)
// adds.
func registeredAt(body []byte, kid string) (time.Time, bool) {
	var doc struct {
		Keys []struct {
			KID          string `json:"kid"`
			RegisteredAt string `json:"registered_at"`
		} `json:"keys"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return time.Time{}, false
	}
	for _, k := range doc.Keys {
		if k.KID == kid && k.RegisteredAt != "" {
			t, err := time.Parse(time.RFC3339, k.RegisteredAt)
			return t, err == nil
		}
	}
	return time.Time{}, false
}
