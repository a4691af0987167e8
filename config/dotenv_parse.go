package config

import "strings"

// The .env reader. It reads a file the way Node's dotenv (v16, the
// backend's reader) does, and records where each value is so it can be
// edited in place. godotenv cannot be used: it expands $VAR inside values,
// with no option to turn that off, and it reports no positions. The rules,
// from dotenv's LINE pattern:
//
//   - a definition starts a line: optional blanks, optional `export `, a key
//     of [A-Za-z0-9_.-], then `=` (blanks around it allowed) or `:` and at
//     least one blank;
//   - a value quoted with ', " or ` runs to the matching quote (a backslash
//     before the quote keeps it inside, backslash included) and may span
//     lines; only blanks and a `# comment` may follow it on its last line;
//     the quotes are removed, and in "double quotes" \n and \r become a
//     line feed and a carriage return;
//   - any other value runs to the first `#` or the end of the line and is
//     trimmed (so `a#b` is `a`);
//   - nothing is expanded: `$VAR` stays as written;
//   - lines that match nothing are ignored; a key defined twice takes the
//     last value.

// dotenvDef is one definition in a .env file.
type dotenvDef struct {
	key   string
	value string
	line  int // 1-based line of the key
	// [start, end) is the value as written, quotes included; start == end
	// for an empty value.
	start, end int
	quote      byte // 0 for an unquoted value
}

// parseDotenv returns the definitions of src in file order.
func parseDotenv(src []byte) []dotenvDef {
	var defs []dotenvDef
	line := 1
	for i := 0; i < len(src); {
		eol := lineEnd(src, i)
		if d, next, ok := parseDotenvDef(src, i, eol); ok {
			d.line = line
			defs = append(defs, d)
			line += countLineBreaks(src[i:next])
			i = next
			continue
		}
		line += countLineBreaks(src[i:nextLine(src, eol)])
		i = nextLine(src, eol)
	}
	return defs
}

// lineEnd is the offset of the line break (\n, \r\n or \r) ending the line
// that holds i, or len(src).
func lineEnd(src []byte, i int) int {
	for ; i < len(src); i++ {
		if src[i] == '\n' || src[i] == '\r' {
			return i
		}
	}
	return i
}

// nextLine is the start of the line after the break at eol.
func nextLine(src []byte, eol int) int {
	switch {
	case eol >= len(src):
		return len(src)
	case src[eol] == '\r' && eol+1 < len(src) && src[eol+1] == '\n':
		return eol + 2
	}
	return eol + 1
}

func countLineBreaks(b []byte) int {
	n := 0
	for i, c := range b {
		if c == '\n' || (c == '\r' && (i+1 == len(b) || b[i+1] != '\n')) {
			n++
		}
	}
	return n
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' }

func isKeyByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// parseDotenvDef reads a definition starting on the line [i, eol); next is
// where the following line starts (after a multi-line quoted value, later).
func parseDotenvDef(src []byte, i, eol int) (d dotenvDef, next int, ok bool) {
	p := i
	for p < eol && isBlank(src[p]) {
		p++
	}
	if strings.HasPrefix(string(src[p:eol]), "export") {
		q := p + len("export")
		if q < eol && isBlank(src[q]) {
			for q < eol && isBlank(src[q]) {
				q++
			}
			// `export KEY=...`; but `export=1` or `export =1` defines "export".
			if q < eol && isKeyByte(src[q]) {
				p = q
			}
		}
	}
	ks := p
	for p < eol && isKeyByte(src[p]) {
		p++
	}
	if p == ks {
		return d, 0, false
	}
	d.key = string(src[ks:p])
	s := p
	for s < eol && isBlank(src[s]) {
		s++
	}
	switch {
	case s < eol && src[s] == '=':
		p = s + 1
	case p < eol && src[p] == ':' && p+1 < eol && isBlank(src[p+1]):
		p++
	default:
		return d, 0, false
	}
	for p < eol && isBlank(src[p]) {
		p++
	}
	if p < eol {
		if q := src[p]; q == '\'' || q == '"' || q == '`' {
			if end, after, found := closingQuote(src, p, q); found {
				body := string(src[p+1 : end])
				d.value = unquoteDotenv(body, q)
				d.start, d.end, d.quote = p, end+1, q
				return d, after, true
			}
		}
	}
	// Unquoted: to the first '#' or the end of the line, trimmed.
	v := p
	for v < eol && src[v] != '#' {
		v++
	}
	raw := strings.TrimRight(string(src[p:v]), " \t\v\f")
	d.start, d.end = p, p+len(raw)
	d.value = raw
	// dotenv strips matching outer quotes from whatever it matched, even
	// when the quoted form did not apply (`'a' b` stays, `'a'` is a).
	if len(raw) >= 2 {
		if q := raw[0]; (q == '\'' || q == '"' || q == '`') && raw[len(raw)-1] == q {
			d.value = unquoteDotenv(raw[1:len(raw)-1], q)
		}
	}
	return d, nextLine(src, eol), true
}

// closingQuote finds the quote closing the value opened at open: the
// farthest one reachable by passing only backslash-escaped quotes, after
// which the line holds nothing but blanks and a comment (dotenv's pattern
// backtracks the same way). after is where the next line starts.
func closingQuote(src []byte, open int, q byte) (end, after int, ok bool) {
	var cands []int
	for j := open + 1; j < len(src); j++ {
		if src[j] != q {
			continue
		}
		cands = append(cands, j)
		if src[j-1] != '\\' || j-1 == open {
			break
		}
	}
	for k := len(cands) - 1; k >= 0; k-- {
		j := cands[k]
		eol := lineEnd(src, j+1)
		rest := strings.TrimLeft(string(src[j+1:eol]), " \t\v\f")
		if rest == "" || rest[0] == '#' {
			return j, nextLine(src, eol), true
		}
	}
	return 0, 0, false
}

func unquoteDotenv(body string, q byte) string {
	if strings.ContainsRune(body, '\r') {
		// dotenv reads the file with every line break made \n.
		body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	}
	if q == '"' {
		body = strings.ReplaceAll(body, `\n`, "\n")
		body = strings.ReplaceAll(body, `\r`, "\r")
	}
	return body
}
