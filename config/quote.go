package config

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// quoteStyle is how a scalar is written in the file.
type quoteStyle int

const (
	stylePlain quoteStyle = iota
	styleSingle
	styleDouble
)

var (
	plainSafe = regexp.MustCompile(`^[A-Za-z0-9_./][A-Za-z0-9_./+=~@%:-]*$`)
	// Strings a YAML 1.1 or 1.2 reader (PyYAML, the backend's own loader)
	// would turn into a number, boolean, null or timestamp.
	yamlNumber = regexp.MustCompile(`^[-+]?(` +
		`0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|` +
		`([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?|\.(inf|Inf|INF))$`)
	yamlSpecial   = regexp.MustCompile(`^(?i:y|n|yes|no|true|false|on|off|null|\.nan)$`)
	yamlTimestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}`)
)

// plainOK reports whether s can be written unquoted and still read back as
// the same string by any YAML reader.
func plainOK(s string) bool {
	return plainSafe.MatchString(s) && !strings.HasSuffix(s, ":") &&
		!yamlNumber.MatchString(s) && !yamlSpecial.MatchString(s) && !yamlTimestamp.MatchString(s)
}

// singleOK reports whether s can be single-quoted on one line.
func singleOK(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// render writes s as a one-line scalar, in style when that is safe and in
// double quotes otherwise.
func render(s string, style quoteStyle) string {
	switch {
	case style == stylePlain && plainOK(s):
		return s
	case style == styleSingle && singleOK(s):
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return doubleQuote(s)
}

// doubleQuote escapes everything a YAML double-quoted scalar cannot hold
// literally, and every line break YAML 1.1 knows (NEL, LS, PS), so the
// value stays on one line.
func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff || !unicode.IsPrint(r):
			if r > 0xffff {
				fmt.Fprintf(&b, `\U%08x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
