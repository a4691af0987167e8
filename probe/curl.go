package probe

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
)

// CurlLine renders req as a curl command the user can rerun. It never holds
// a credential: a Basic value becomes a printf of the client id and
// $FHIRDOCTOR_CLIENT_SECRET piped through `base64 -w0` (GNU base64 wraps at
// 76 columns otherwise, which breaks the header), and a Bearer token becomes
// $FHIRDOCTOR_ACCESS_TOKEN. body is the form body, "" for none.
func CurlLine(req *http.Request, body string) string {
	var b strings.Builder
	b.WriteString("curl -sS -i")
	if req.Method != "" && req.Method != http.MethodGet {
		b.WriteString(" -X " + req.Method)
	}
	u := *req.URL
	u.User = nil
	b.WriteString(" " + shellQuote(u.String()))
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "User-Agent" {
			continue
		}
		for _, v := range req.Header[k] {
			if k == "Authorization" {
				b.WriteString(" -H " + curlAuthorization(v))
				continue
			}
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if body != "" {
		b.WriteString(" --data " + shellQuote(body))
	}
	return b.String()
}

func curlAuthorization(v string) string {
	scheme, cred, _ := strings.Cut(v, " ")
	switch strings.ToLower(scheme) {
	case "basic":
		id := "$FHIRDOCTOR_CLIENT_ID"
		if raw, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if before, _, ok := strings.Cut(string(raw), ":"); ok {
				id = before
			}
		}
		// The id is not secret; quote it for the inner printf argument.
		return `"Authorization: Basic $(printf '%s:%s' ` + shellQuote(id) + ` "$FHIRDOCTOR_CLIENT_SECRET" | base64 -w0)"`
	case "bearer":
		return `"Authorization: Bearer $FHIRDOCTOR_ACCESS_TOKEN"`
	}
	return shellQuote("Authorization: " + scheme + " [REDACTED]")
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
