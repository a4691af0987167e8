package config

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizePasted(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{"plain", "FAKEabc123", "FAKEabc123", ""},
		{"trailing newline", "FAKEabc123\n", "FAKEabc123", ""},
		{"trailing crlf", "FAKEabc123\r\n", "FAKEabc123", ""},
		{"surrounding spaces", "  \tFAKEabc123  ", "FAKEabc123", ""},
		{"double quotes", `"FAKEabc123"`, "FAKEabc123", ""},
		{"single quotes and newline", "'FAKEabc123'\n", "FAKEabc123", ""},
		{"curly quotes", "\u201cFAKEabc123\u201d", "FAKEabc123", ""},
		{"backticks", "`FAKEabc123`", "FAKEabc123", ""},
		{"zero-width around", "\u200bFAKEabc123\ufeff", "FAKEabc123", ""},
		{"inner quote kept", `FAKE"abc'123`, `FAKE"abc'123`, ""},
		{"one quote only", `"FAKEabc123`, `"FAKEabc123`, ""},
		{"reserved characters", "FAKE+/=:%abc", "FAKE+/=:%abc", ""},
		{"unicode", "FAKE-ü✓", "FAKE-ü✓", ""},
		{"empty", "", "", "the pasted value is empty"},
		{"only whitespace", " \r\n", "", "the pasted value is empty"},
		{"empty quotes", `""`, "", "the pasted value is empty"},
		{"inner space", "FAKE abc", "", "the pasted value contains whitespace (a space) at character 5 of 8"},
		{"two lines", "FAKEabc\nFAKEdef", "", "the pasted value contains whitespace (a line break) at character 8 of 15"},
		{"space inside quotes", `" FAKEabc"`, "", "the pasted value contains whitespace (a space) at character 1 of 8"},
		{"control character", "FAKE\x07abc", "", "the pasted value contains an invisible character (U+0007) at character 5 of 8"},
		{"zero-width inside", "FAKE\u200babc", "", "the pasted value contains an invisible character (U+200B) at character 5 of 8"},
		{"nbsp inside", "FAKE\u00a0abc", "", "the pasted value contains whitespace (U+00A0) at character 5 of 8"},
		{"invalid utf-8", "FAKE\xffabc", "", "the pasted value is not valid UTF-8 text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizePasted(tc.in)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) || !errors.Is(err, ErrPasted) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "abc") {
					t.Fatal("the error echoes the value")
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizePasted = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
