package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrPasted is wrapped by NormalizePasted's rejections.
var ErrPasted = errors.New("pasted value rejected")

// quotePairs are the wrappers a copied value often brings along: shell and
// YAML quotes, Markdown backticks, and word processors' curly quotes.
var quotePairs = [][2]string{{`"`, `"`}, {`'`, `'`}, {"`", "`"}, {"\u201c", "\u201d"}, {"\u2018", "\u2019"}}

// NormalizePasted cleans a pasted credential: it trims surrounding
// whitespace (including a trailing \r\n), invisible marks and one pair of
// wrapping quotes. It rejects what cannot be a credential, an empty value
// or inner whitespace and control characters (two values pasted at once, a
// line break), saying why and where without echoing the value.
func NormalizePasted(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("the pasted value is not valid UTF-8 text: %w", ErrPasted)
	}
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || invisible(r) })
	for _, q := range quotePairs {
		if len(s) >= len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) {
			s = s[len(q[0]) : len(s)-len(q[1])]
			break
		}
	}
	if s == "" {
		return "", fmt.Errorf("the pasted value is empty: %w", ErrPasted)
	}
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case unicode.IsSpace(r):
			return "", fmt.Errorf("the pasted value contains whitespace (%s) at character %d of %d; paste one value, without spaces or line breaks: %w",
				runeName(r), pos, utf8.RuneCountInString(s), ErrPasted)
		case unicode.IsControl(r) || invisible(r):
			return "", fmt.Errorf("the pasted value contains an invisible character (U+%04X) at character %d of %d; copy it again from the source: %w",
				r, pos, utf8.RuneCountInString(s), ErrPasted)
		}
	}
	return s, nil
}

// invisible reports format characters that copy-paste picks up from web
// pages: zero-width spaces and joiners, word joiners, the BOM, bidi marks.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r)
}

func runeName(r rune) string {
	switch r {
	case ' ':
		return "a space"
	case '\t':
		return "a tab"
	case '\n', '\r':
		return "a line break"
	}
	return fmt.Sprintf("U+%04X", r)
}
