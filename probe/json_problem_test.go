package probe

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONProblem(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		truncated bool
		want      string
	}{
		{"cut at the cap", `{"a":"bbbb`, true, "larger than the 1 MiB cap"},
		{"ends mid-value", `{"access_token": "x", "scope": `, false, "ends in the middle of a value"},
		{"bomb", strings.Repeat("[", 20000), false, "nested deeper than 10000 levels"},
		{"syntax", `{"a" 1}`, false, "syntax error at byte 6"},
		{"wrong shape", `[1, 2]`, false, "a JSON array where an object was expected"},
		{"fine", `{"a": 1}`, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc struct{ A any }
			err := json.Unmarshal([]byte(tt.body), &doc)
			got := jsonProblem(err, tt.truncated)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("jsonProblem = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzRedactTokens: a token value in a body, closed or cut off by the cap,
// never survives into an evidence line.
func FuzzRedactTokens(f *testing.F) {
	f.Add(`{"token_type":"Bearer","access_token":"`, "FAKE-live-token", true)
	f.Add(`{"id_token" : "`, "FAKE.jwt.value", false)
	f.Fuzz(func(t *testing.T, prefix, token string, closed bool) {
		if len(token) < 8 || strings.ContainsAny(token, `"\`) || len(prefix) > 1000 {
			return
		}
		if !strings.HasSuffix(prefix, `"access_token":"`) && !strings.HasSuffix(prefix, `"id_token" : "`) {
			prefix += `"refresh_token":"`
		}
		body := prefix + token
		if closed {
			body += `","scope":"x"}`
		}
		if strings.Contains(redactTokens([]byte(body)), token) && !strings.Contains(prefix, token) {
			t.Fatalf("token survives redaction: %q", redactTokens([]byte(body)))
		}
	})
}
