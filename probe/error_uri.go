package probe

import (
	"net/url"
	"regexp"
	"strings"
)

var urnRE = regexp.MustCompile(`(?i)urn:`)

// errorURI is Cerner's error_uri decoded:
// https://authorization.cerner.com/errors/{urn}/instances/{id}?client=..&tenant=..
type errorURI struct {
	URN      string // urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials
	Code     string // invalid-client-credentials: the URN's last segment
	Instance string // the instance id, which is the correlation id support asks for
	Client   string
	Tenant   string
}

// decodeErrorURI pulls the URN and its parts out of an error_uri, whether
// the URN is percent-encoded or not. ok is false when no URN is found.
func decodeErrorURI(raw string) (e errorURI, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return e, false
	}
	path := raw
	if u, err := url.Parse(raw); err == nil {
		q := u.Query()
		e.Client, e.Tenant = q.Get("client"), q.Get("tenant")
		path = u.EscapedPath()
		if u.Scheme == "urn" {
			path = "urn:" + u.Opaque
		}
	}
	if i := strings.Index(path, "/errors/"); i >= 0 {
		rest := strings.Split(path[i+len("/errors/"):], "/")
		e.URN = unescapePath(rest[0])
		if len(rest) >= 3 && rest[1] == "instances" {
			e.Instance = unescapePath(rest[2])
		}
	} else if loc := urnRE.FindStringIndex(unescapePath(path)); loc != nil {
		// A regexp, not ToLower+Index: lowering can change byte offsets.
		e.URN = unescapePath(path)[loc[0]:]
	}
	e.URN = strings.TrimRight(e.URN, "/")
	if !strings.HasPrefix(strings.ToLower(e.URN), "urn:") {
		return errorURI{Client: e.Client, Tenant: e.Tenant}, false
	}
	e.Code = e.URN[strings.LastIndex(e.URN, ":")+1:]
	return e, e.Code != ""
}

func unescapePath(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// urnMeaning explains the documented error codes in the user's terms, and
// the cause each one points to.
var urnMeaning = map[string]struct {
	cause CauseID
	text  string
}{
	"invalid-client-credentials":     {CauseSecretInvalid, "the client secret is wrong (rotated or regenerated?), or Basic auth was used for a public client"},
	"invalid-authorization-header":   {CauseSecretInvalid, "the Authorization header is malformed (base64 wrapped by a newline? a JWT sent as Bearer?)"},
	"invalid-signature":              {CauseSecretInvalid, "the client assertion's signature does not verify"},
	"unknown-client":                 {CauseClientUnknown, "no client with this id is known to the authorization server (deleted app or wrong client_id)"},
	"terminated-client":              {CauseClientUnknown, "the client was terminated (revoked) in {console}"},
	"denied-by-server":               {CauseClientUnknown, "the authorization server denies this client"},
	"unauthorized-client-for-tenant": {CauseTenantMismatch, "the client is not enabled for this tenant"},
	"tenant-terminated":              {CauseTenantMismatch, "the tenant is terminated"},
	"invalid-tenant":                 {CauseTenantMismatch, "the tenant in the token URL is wrong, or the app is not enabled for it"},
	"empty-scopes":                   {CauseScopeNotGranted, "none of the requested scopes is registered on the app"},
	"code-invalid-or-expired":        {CauseConfigInvalid, "the authorization code is expired or was already used"},
}
