package config

import (
	"regexp"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// secretLine matches a line whose key names a credential, capturing the
// key part and the value after it.
var secretLine = regexp.MustCompile(`(?i)^(\s*(?:-\s+)?["']?[\w.-]*(?:secret|password|passwd|access_token|refresh_token|api_key)["']?\s*:)(.*)$`)

// RedactedDiff renders a unified diff of old and new (labelled a/name and
// b/name) with every occurrence of each secret's raw value replaced by its
// mask, and the value of every client_secret-like line replaced by the
// mask of what it holds. It returns "" when the two are equal.
func RedactedDiff(name string, old, new []byte, secrets ...Secret) string {
	a, b := redact(string(old), secrets), redact(string(new), secrets)
	if a == b {
		return ""
	}
	return udiff.Unified("a/"+name, "b/"+name, a, b)
}

func redact(text string, secrets []Secret) string {
	for _, s := range secrets {
		if !s.IsZero() {
			text = strings.ReplaceAll(text, s.Reveal(), s.Mask())
		}
	}
	lines := strings.SplitAfter(text, "\n")
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		body := strings.TrimRight(l, "\r\n")
		m := secretLine.FindStringSubmatch(body)
		if m == nil {
			out = append(out, l)
			continue
		}
		// A value can continue on more-indented lines (a block scalar, a
		// wrapped string): they belong to the secret too.
		value := m[2]
		keyIndent := indentOf(body)
		for i+1 < len(lines) {
			next := strings.TrimRight(lines[i+1], "\r\n")
			if strings.TrimSpace(next) != "" && indentOf(next) <= keyIndent {
				break
			}
			if strings.TrimSpace(next) == "" && !continues(lines[i+1:], keyIndent) {
				break
			}
			value += "\n" + next
			i++
		}
		if strings.TrimSpace(value) == "" {
			out = append(out, l)
			continue
		}
		out = append(out, m[1]+" "+maskValue(value)+l[len(body):])
	}
	return strings.Join(out, "")
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// continues reports whether blank lines are followed by more of an
// indented value.
func continues(lines []string, keyIndent int) bool {
	for _, l := range lines {
		if t := strings.TrimRight(l, "\r\n"); strings.TrimSpace(t) != "" {
			return indentOf(t) > keyIndent
		}
	}
	return false
}

// maskValue masks a secret line's value. The mask's fingerprint is that of
// the decoded value, so it matches Secret.Fingerprint on screen; text the
// earlier replacement already masked is left as it is.
func maskValue(raw string) string {
	v := strings.TrimSpace(raw)
	if !strings.Contains(v, "\n") && (strings.HasPrefix(v, "•") || v == "(empty)") {
		return v
	}
	decoded := v
	if f, err := parser.ParseBytes([]byte("k: "+strings.TrimLeft(raw, " ")+"\n"), 0); err == nil && len(f.Docs) == 1 && f.Docs[0].Body != nil {
		t := &tree{anchors: map[string]ast.Node{}}
		if es, ok := entries(f.Docs[0].Body); ok && len(es) == 1 {
			if s, ok := t.scalar(es[0].Value); ok {
				decoded = s
			}
		}
	}
	if strings.HasPrefix(decoded, "•••••• sha256:") {
		return decoded // masked already, by the secrets given
	}
	return NewSecret(decoded).Mask()
}
