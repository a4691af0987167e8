package probe

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
)

// CurlLine renders req as a curl command the user can rerun. It never holds
// a credential: a Basic value becomes `-u "<client id>:$FHIRDOCTOR_CLIENT_SECRET"`
// (curl builds the header itself, on every platform; a base64 pipeline
// would need GNU's -w0 flag), and a Bearer token becomes
// $FHIRDOCTOR_ACCESS_TOKEN. body is the form body, "" for none. curl -u
// sends the id and secret unencoded, which is what the token.encoding check
// compares with.
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
				b.WriteString(" " + curlAuthorization(v))
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
				// The id is not secret; inside double quotes (so the shell
				// expands the secret's variable) it is escaped, not
				// interpreted.
				id = doubleQuoteEscape(before)
			}
		}
		return `-u "` + id + `:$FHIRDOCTOR_CLIENT_SECRET"`
	case "bearer":
		return `-H "Authorization: Bearer $FHIRDOCTOR_ACCESS_TOKEN"`
	}
	return "-H " + shellQuote("Authorization: "+scheme+" [REDACTED]")
}

// doubleQuoteEscape escapes what a POSIX shell interprets inside "...".
func doubleQuoteEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\\"$`", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
