package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// looksLikeJSON says whether an answer claims or seems to be JSON: its
// Content-Type says so, or it starts with { or [.
func looksLikeJSON(ct string, body []byte) bool {
	if ct == "application/json" || strings.HasSuffix(ct, "+json") {
		return true
	}
	b := bytes.TrimSpace(body[:min(len(body), 64)])
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// jsonProblem says in a few words why body is not the JSON expected:
// truncated, nested too deep (a JSON bomb), a syntax error at an offset, or
// the wrong shape. truncated means the read stopped at the 1 MiB cap.
func jsonProblem(err error, truncated bool) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case truncated:
		return "answer larger than the 1 MiB cap: fhirdoctor stopped reading there"
	case err == nil:
		return ""
	case strings.Contains(err.Error(), "exceeded max depth"):
		return "nested deeper than 10000 levels (a JSON bomb): rejected without parsing further"
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		return "the JSON ends in the middle of a value (truncated answer)"
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d: %s", syn.Offset, clean(syn.Error(), 80))
	case errors.As(err, &typ):
		return fmt.Sprintf("a JSON %s where an object was expected", clean(typ.Value, 20))
	}
	return clean(err.Error(), 120)
}
