package config

import (
	"bytes"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// The fast path: an edit that provably changes only the edited value is
// kept without re-parsing the whole file (verifyEdit), which is most of the
// cost of an edit on a large file. It applies to the common case only,
// a line of the form
//
//	<spaces>key:<blanks><one-line scalar>[<blanks>[# comment]]
//
// in a chain of block mappings from the root, with no anchor, tag, alias or
// merge key on the way (so no alias can share the value). Replacing that
// scalar by another complete one-line scalar cannot change how any other
// byte of the file is read:
//   - everything before the value is the same text, read the same way;
//   - the new scalar ends on its line and the rest of the line is blanks
//     and a comment, which mean nothing;
//   - the next non-blank line is indented no deeper than the key, so it can
//     neither continue a plain scalar nor belong to the value: it is read
//     the same way whichever scalar precedes it.
//
// What the new value reads as is then checked by parsing the line on its
// own (a few dozen bytes), as is the old value, which confirms that the
// line means the same on its own as within the file. Anything else takes
// the full verification.

// fastSite is the line of a value the fast path may replace.
type fastSite struct {
	lead string // between the colon and the value
	rest string // after the value, to the end of its line (no line break)
}

// fastSite reports whether mv's value, reached from the root by keys, may
// be replaced on the fast path.
func (t *tree) fastSite(mv *ast.MappingValueNode, keys []string) (fastSite, bool) {
	if got, ok := t.plainPath(keys); !ok || got != mv {
		return fastSite{}, false
	}
	switch mv.Value.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode,
		*ast.NullNode, *ast.InfinityNode, *ast.NanNode:
	default:
		return fastSite{}, false // block scalars, aliases, anchors, tags, collections
	}
	if _, ok := mv.Key.(*ast.MappingKeyNode); ok || t.implicitNull(mv.Value) {
		return fastSite{}, false
	}
	start, end, _, err := t.valueSpan(mv)
	if err != nil || end <= start {
		return fastSite{}, false
	}
	lineStart, indent, ok := t.keyLine(mv)
	colon := mv.GetToken()
	if !ok || colon == nil {
		return fastSite{}, false
	}
	colonOff, ok := offsetOf(t.src, t.lines, colon.Position.Line, colon.Position.Column)
	if !ok || colonOff < lineStart || colonOff >= start || t.src[colonOff] != ':' {
		return fastSite{}, false
	}
	// Key, colon and the whole value on one line.
	if bytes.ContainsAny(t.src[lineStart:end], "\r\n") {
		return fastSite{}, false
	}
	site := fastSite{lead: string(t.src[colonOff+1 : start])}
	if site.lead == "" || strings.Trim(site.lead, " \t") != "" {
		return fastSite{}, false
	}
	next := len(t.src)
	if nl := bytes.IndexByte(t.src[end:], '\n'); nl >= 0 {
		next = end + nl + 1
		site.rest = strings.TrimSuffix(string(t.src[end:end+nl]), "\r")
	} else {
		site.rest = string(t.src[end:])
	}
	if site.rest != "" {
		if c := site.rest[0]; c != ' ' && c != '\t' {
			return fastSite{}, false
		}
		if r := strings.TrimLeft(site.rest, " \t"); r != "" && r[0] != '#' {
			return fastSite{}, false
		}
	}
	if !shallowNext(t.src[next:], len(indent)) {
		return fastSite{}, false
	}
	// The line read on its own gives what the whole file gives.
	n, ok := parseValueLine(site.lead + string(t.src[start:end]) + site.rest)
	if !ok || n.Type() != mv.Value.Type() {
		return fastSite{}, false
	}
	was, _ := t.scalar(mv.Value)
	if got, ok := (&tree{}).scalar(n); !ok || got != was {
		return fastSite{}, false
	}
	return site, true
}

// accepts reports whether text, spliced over the value, is a one-line
// scalar that reads back as exactly value (a string).
func (s fastSite) accepts(text, value string) bool {
	if text == "" || strings.ContainsAny(text, "\r\n\u0085\u2028\u2029") {
		return false
	}
	n, ok := parseValueLine(s.lead + text + s.rest)
	if !ok {
		return false
	}
	sn, ok := n.(*ast.StringNode)
	return ok && sn.Value == value
}

// plainPath follows keys from the root through block mappings only, never
// through an anchor, tag, alias or merge key, and returns the last entry.
func (t *tree) plainPath(keys []string) (*ast.MappingValueNode, bool) {
	cur := t.root
	var mv *ast.MappingValueNode
	for _, k := range keys {
		switch m := cur.(type) {
		case *ast.MappingNode:
			if m.IsFlowStyle {
				return nil, false
			}
		case *ast.MappingValueNode:
		default:
			return nil, false
		}
		var merged bool
		if mv, merged = t.lookup(cur, k); mv == nil || merged {
			return nil, false
		}
		cur = mv.Value
	}
	return mv, mv != nil
}

// shallowNext reports whether the first line of b that holds anything
// but blanks is indented by at most indent spaces (or there is none).
func shallowNext(b []byte, indent int) bool {
	for len(b) > 0 {
		line := b
		if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
			line, b = b[:nl], b[nl+1:]
		} else {
			b = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.Trim(line, " \t")) == 0 {
			continue
		}
		n := len(line) - len(bytes.TrimLeft(line, " "))
		return line[n] != '\t' && n <= indent
	}
	return true
}

// parseValueLine parses "k:" + line as a document of its own and returns
// the value; ok is false unless that is one mapping entry.
func parseValueLine(line string) (n ast.Node, ok bool) {
	defer func() {
		if recover() != nil {
			n, ok = nil, false
		}
	}()
	af, err := parser.ParseBytes([]byte("k:"+line+"\n"), 0)
	if err != nil || len(af.Docs) != 1 || af.Docs[0] == nil {
		return nil, false
	}
	es, ok := entries(af.Docs[0].Body)
	if !ok || len(es) != 1 || es[0].Value == nil {
		return nil, false
	}
	return es[0].Value, true
}

// onEdit hears which verification each kept edit used. It is nil in the
// product; export_test.go sets it so tests can count the paths taken.
var onEdit func(f *File, fast bool)

func observeEdit(f *File, fast bool) {
	if onEdit != nil {
		onEdit(f, fast)
	}
}
