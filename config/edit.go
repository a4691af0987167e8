package config

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// ErrKeyNotFound is wrapped when a path to edit does not exist in the file
// and cannot be added: Set adds only a missing last key, and only to a block
// mapping; it never creates mappings, which would mean guessing layout.
var ErrKeyNotFound = errors.New("key not found")

// ErrEdit is wrapped when an edit cannot be made safely; the file content is
// left as it was.
var ErrEdit = errors.New("cannot edit config")

// Set replaces the scalar at tenants.<tenant>.<path...> ("" = the only
// tenant) with value. Only the bytes of that scalar change; the result is
// checked to read back exactly, with no other value changed, before it is
// kept: by re-parsing the whole file, or, for a plain one-line value, by
// the cheaper proof in fastedit.go. Error messages never contain the value.
func (f *File) Set(tenant string, path []string, value string) error {
	return f.set(tenant, path, value)
}

// SetSecret is Set for a secret.
func (f *File) SetSecret(tenant string, path []string, s Secret) error {
	// The one place the file's secrets are revealed: to be written.
	return f.set(tenant, path, s.Reveal())
}

func (f *File) set(tenant string, path []string, value string) error {
	where := strings.Join(path, ".")
	fail := func(pos Position, format string, args ...any) error {
		return fmt.Errorf("%s: %s: %w", pos, fmt.Sprintf(format, args...), ErrEdit)
	}
	if len(path) == 0 {
		return fmt.Errorf("config: empty path to edit: %w", ErrEdit)
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("config: new value for %s is not valid UTF-8: %w", where, ErrEdit)
	}
	t, err := f.parsed()
	if err != nil {
		return err
	}
	e, err := t.pickTenant(tenant)
	if err != nil {
		return err
	}
	tenant = t.keyText(e)
	cur, parentKey := t.deref(e.Value), ast.Node(e.Key)
	var mv *ast.MappingValueNode
	for i, key := range path {
		if _, ok := entries(cur); !ok {
			return fail(t.pos(parentKey), "tenant %q: `%s` is %s, not a mapping", tenant, strings.Join(path[:i], "."), kindOf(cur))
		}
		var merged bool
		mv, merged = t.lookup(cur, key)
		if mv == nil && i == len(path)-1 {
			if err := f.insertKey(t, cur, tenant, path, value); err == nil {
				return nil
			}
		}
		if mv == nil {
			return fmt.Errorf("%s: tenant %q has no `%s`; add `%s:` to the file by hand first: %w",
				t.pos(parentKey), tenant, strings.Join(path[:i+1], "."), key, ErrKeyNotFound)
		}
		if merged {
			return fail(t.pos(mv.Key), "tenant %q: `%s` comes from a merge key (<<); edit it where it is defined", tenant, strings.Join(path[:i+1], "."))
		}
		cur, parentKey = t.deref(mv.Value), mv.Key
	}
	if old, ok := t.scalar(mv.Value); ok && old == value && !isAlias(mv.Value) {
		return nil // nothing to change: keep the bytes as they are
	} else if name, isVar := Placeholder(strings.TrimSpace(old)); ok && isVar {
		// The value lives in the environment or a .env file: writing here
		// would put a secret in the YAML and unhook the variable
		// (SetSecretWhereItLives writes where the value lives).
		return fail(t.pos(mv.Key), "tenant %q: `%s` is the placeholder ${%s}; it is not replaced by a value", tenant, where, name)
	}
	start, end, style, err := t.valueSpan(mv)
	if err != nil {
		return fail(t.pos(mv.Key), "tenant %q: `%s`: %v", tenant, where, err)
	}
	site, fast := fastSite{}, false
	if !f.fullOnly {
		site, fast = t.fastSite(mv, append([]string{"tenants", tenant}, path...))
	}
	var lastErr error
	for _, st := range []quoteStyle{style, styleDouble} {
		text := render(value, st)
		if start == end && (end == 0 || f.src[end-1] == ':') {
			text = " " + text // an empty value: the insertion point is right after the colon
		}
		out := splice(f.src, start, end, text)
		if fast && site.accepts(text, value) {
			f.src, f.tr = out, nil // parsed() rebuilds the tree when it is next read
			observeEdit(f, true)
			return nil
		}
		nt, err := verifyEdit(t, out, tenant, path, value)
		if err == nil {
			f.src, f.tr = out, nt
			observeEdit(f, false)
			return nil
		}
		lastErr = err
	}
	return fail(t.pos(mv.Key), "tenant %q: `%s`: %v; the file is unchanged", tenant, where, lastErr)
}

func isAlias(n ast.Node) bool { _, ok := n.(*ast.AliasNode); return ok }

func splice(src []byte, start, end int, text string) []byte {
	out := make([]byte, 0, len(src)-(end-start)+len(text))
	out = append(out, src[:start]...)
	out = append(out, text...)
	return append(out, src[end:]...)
}

// valueSpan finds the bytes of mv's value in the source: [start, end), and
// the quoting they use. An empty value gives start == end just after the
// colon. Anchors and tags stay; an alias is replaced as a whole.
func (t *tree) valueSpan(mv *ast.MappingValueNode) (start, end int, style quoteStyle, err error) {
	n := mv.Value
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
			continue
		case *ast.TagNode:
			n = v.Value
			continue
		}
		break
	}
	if n == nil || t.implicitNull(n) {
		colon := mv.GetToken()
		off, ok := offsetOf(t.src, t.lines, colon.Position.Line, colon.Position.Column)
		if !ok || off >= len(t.src) || t.src[off] != ':' {
			return 0, 0, 0, errors.New("cannot locate the empty value in the file")
		}
		return off + 1, off + 1, stylePlain, nil
	}
	first, last := n.GetToken(), n.GetToken()
	switch v := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		return 0, 0, 0, fmt.Errorf("is %s, not a single value", kindOf(n))
	case *ast.LiteralNode:
		if v.Value != nil {
			last = v.Value.GetToken()
		}
	case *ast.AliasNode:
		if v.Value != nil {
			last = v.Value.GetToken()
		}
	}
	start, ok := offsetOf(t.src, t.lines, first.Position.Line, first.Position.Column)
	if !ok {
		return 0, 0, 0, errors.New("cannot locate the value in the file")
	}
	end = len(t.src)
	if next := nextToken(last); next != nil {
		if e, ok := offsetOf(t.src, t.lines, next.Position.Line, next.Position.Column); ok && e > start {
			end = e
		}
	}
	end = start + len(bytes.TrimRight(t.src[start:end], " \t\r\n"))
	if end <= start {
		return 0, 0, 0, errors.New("cannot locate the value in the file")
	}
	switch t.src[start] {
	case '"':
		style = styleDouble
	case '\'':
		style = styleSingle
	case '|', '>', '*':
		style = styleDouble // a block scalar or alias becomes a one-line string
	}
	return start, end, style, nil
}

// nextToken is the first token after tk that starts later in the file.
func nextToken(tk *token.Token) *token.Token {
	for n := tk.Next; n != nil; n = n.Next {
		if n.Position.Line > tk.Position.Line || (n.Position.Line == tk.Position.Line && n.Position.Column > tk.Position.Column) {
			return n
		}
	}
	return nil
}

// implicitNull reports a null written as nothing at all (`key:`), as
// opposed to `~` or `null`, which occupy bytes to replace.
func (t *tree) implicitNull(n ast.Node) bool {
	if _, ok := n.(*ast.NullNode); !ok {
		return false
	}
	tk := n.GetToken()
	off, ok := offsetOf(t.src, t.lines, tk.Position.Line, tk.Position.Column)
	if !ok {
		return true
	}
	rest := t.src[off:]
	for _, w := range []string{"~", "null", "Null", "NULL"} {
		if bytes.HasPrefix(rest, []byte(w)) {
			after := rest[len(w):]
			if len(after) == 0 || strings.ContainsRune(" \t\r\n#,}]", rune(after[0])) {
				return false
			}
		}
	}
	return true
}

// verifyEdit re-parses edited content and checks that the edited value
// reads back exactly and that no other value changed (an anchor shared via
// aliases would change several).
func verifyEdit(t *tree, out []byte, tenant string, path []string, value string) (*tree, error) {
	nt, err := parseTree(t.path, out)
	if err != nil {
		return nil, fmt.Errorf("the edited file would not parse (%v)", err)
	}
	e, err := nt.pickTenant(tenant)
	if err != nil {
		return nil, err
	}
	cur := nt.deref(e.Value)
	var mv *ast.MappingValueNode
	for _, k := range path {
		if mv, _ = nt.lookup(cur, k); mv == nil {
			return nil, errors.New("the edited key vanished on re-reading")
		}
		cur = nt.deref(mv.Value)
	}
	if got, ok := nt.scalar(mv.Value); !ok || got != value {
		return nil, errors.New("the new value does not read back identically")
	}
	target := append([]string{"tenants", tenant}, path...)
	before, err1 := t.leaves()
	after, err2 := nt.leaves()
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	var changed []string
	for k, v := range after {
		if was, ok := before[k]; k != leafKey(target) && (!ok || was != v) {
			changed = append(changed, k)
		}
	}
	if len(changed) > 0 {
		k := slices.Min(changed) // the same message whatever the map order
		return nil, fmt.Errorf("the value is shared (anchor/alias) with `%s`, which would change too; edit by hand", strings.ReplaceAll(k, "\x00", "."))
	}
	if len(after) < len(before) {
		return nil, errors.New("the edit removed other values")
	}
	return nt, nil
}

func leafKey(path []string) string { return strings.Join(path, "\x00") }

// leaves flattens every scalar reachable from the root, following aliases,
// keyed by path. Bounded so that an alias bomb cannot exhaust memory. A
// tree never changes, so the result is kept: the tree an edit verified is
// the "before" of the next edit (a rotation makes two).
func (t *tree) leaves() (map[string]string, error) {
	if t.leafMap != nil || t.leafErr != nil {
		return t.leafMap, t.leafErr
	}
	t.leafMap, t.leafErr = t.walkLeaves()
	return t.leafMap, t.leafErr
}

func (t *tree) walkLeaves() (map[string]string, error) {
	out := map[string]string{}
	budget := 100000
	var walk func(n ast.Node, path []string, depth int) error
	walk = func(n ast.Node, path []string, depth int) error {
		if budget--; budget < 0 || depth > 64 {
			return errors.New("the file is too deeply nested or aliased to verify the edit")
		}
		n = t.deref(n)
		if s, ok := t.scalar(n); ok {
			out[leafKey(path)] = s
			return nil
		}
		if es, ok := entries(n); ok {
			for _, e := range es {
				if err := walk(e.Value, append(path[:len(path):len(path)], t.keyText(e)), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if seq, ok := n.(*ast.SequenceNode); ok {
			for i, v := range seq.Values {
				if err := walk(v, append(path[:len(path):len(path)], fmt.Sprint(i)), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk(t.root, nil, 0)
}

// insertKey adds the missing last key of path to block mapping m, on a new
// line with the indentation of its siblings: after the last entry when that
// is a one-line value, otherwise above the first.
func (f *File) insertKey(t *tree, m ast.Node, tenant string, path []string, value string) error {
	es, ok := entries(m)
	if !ok || len(es) == 0 {
		return errors.New("not a mapping with entries")
	}
	if mn, ok := m.(*ast.MappingNode); ok && mn.IsFlowStyle {
		return errors.New("flow mapping")
	}
	key := path[len(path)-1]
	if !plainOK(key) {
		return errors.New("key needs quoting")
	}
	eol := "\n"
	if bytes.Contains(t.src, []byte("\r\n")) {
		eol = "\r\n"
	}
	type spot struct {
		at     int
		indent string
	}
	var spots []spot
	if last := es[len(es)-1]; true {
		if lineStart, indent, ok := t.keyLine(last); ok {
			if _, end, _, err := t.valueSpan(last); err == nil && !bytes.Contains(t.src[lineStart:end], []byte("\n")) {
				if nl := bytes.IndexByte(t.src[end:], '\n'); nl >= 0 {
					spots = append(spots, spot{end + nl + 1, indent})
				}
			}
		}
	}
	if lineStart, indent, ok := t.keyLine(es[0]); ok {
		spots = append(spots, spot{lineStart, indent})
	}
	for _, sp := range spots {
		for _, st := range []quoteStyle{stylePlain, styleDouble} {
			out := splice(f.src, sp.at, sp.at, sp.indent+key+": "+render(value, st)+eol)
			if nt, err := verifyEdit(t, out, tenant, path, value); err == nil {
				f.src, f.tr = out, nt
				observeEdit(f, false)
				return nil
			}
		}
	}
	return errors.New("the inserted key does not read back")
}

// keyLine returns the start of the line holding mv's key and the spaces
// before the key; ok is false when anything else precedes the key.
func (t *tree) keyLine(mv *ast.MappingValueNode) (lineStart int, indent string, ok bool) {
	kp := mv.Key.GetToken().Position
	if kp.Line < 1 || kp.Line > len(t.lines) {
		return 0, "", false
	}
	lineStart = t.lines[kp.Line-1]
	keyOff, ok := offsetOf(t.src, t.lines, kp.Line, kp.Column)
	if !ok || strings.Trim(string(t.src[lineStart:keyOff]), " ") != "" {
		return 0, "", false
	}
	return lineStart, string(t.src[lineStart:keyOff]), true
}
