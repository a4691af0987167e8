package config

import (
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// tree is a parsed config with the helpers to read it by key and to map
// token positions back to byte offsets.
type tree struct {
	path    string
	src     []byte
	lines   []int // byte offset of each line's start
	root    ast.Node
	anchors map[string]ast.Node

	leafMap map[string]string // leaves(), once computed
	leafErr error
}

func newTree(path string, src []byte, lines []int, root ast.Node) *tree {
	t := &tree{path: path, src: src, lines: lines, root: root, anchors: map[string]ast.Node{}}
	ast.Walk(anchorCollector(t.anchors), root)
	return t
}

type anchorCollector map[string]ast.Node

func (a anchorCollector) Visit(n ast.Node) ast.Visitor {
	if an, ok := n.(*ast.AnchorNode); ok && an.Name != nil {
		a[an.Name.GetToken().Value] = an.Value
	}
	return a
}

// pos is where n starts, for messages.
func (t *tree) pos(n ast.Node) Position {
	p := nodePos(n)
	p.File = t.path
	return p
}

func nodePos(n ast.Node) Position {
	if n == nil {
		return Position{}
	}
	if mv, ok := n.(*ast.MappingValueNode); ok && mv.Key != nil {
		n = mv.Key
	}
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 {
		// A block mapping's token is its first colon; its first key reads better.
		return nodePos(m.Values[0].Key)
	}
	tk := n.GetToken()
	if tk == nil {
		return Position{}
	}
	return Position{Line: tk.Position.Line, Col: tk.Position.Column}
}

// deref follows anchors, aliases and tags to the node that holds the data.
func (t *tree) deref(n ast.Node) ast.Node {
	for i := 0; i < 64 && n != nil; i++ { // bounded: aliases can be made to loop
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			if v.Value == nil {
				return nil
			}
			n = t.anchors[v.Value.GetToken().Value]
		default:
			return n
		}
	}
	return nil
}

// entries returns the key/value pairs of a mapping node in file order. The
// parser gives a one-entry mapping as a bare MappingValueNode.
func entries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}

// lookup finds key in mapping m (already dereferenced). Keys pulled in by a
// merge key (<<: *base) are found too, with merged set.
func (t *tree) lookup(m ast.Node, key string) (mv *ast.MappingValueNode, merged bool) {
	es, _ := entries(m)
	for _, e := range es {
		if _, isMerge := e.Key.(*ast.MergeKeyNode); !isMerge && t.keyText(e) == key {
			return e, false
		}
	}
	for _, e := range es {
		if _, isMerge := e.Key.(*ast.MergeKeyNode); !isMerge {
			continue
		}
		srcs := []ast.Node{t.deref(e.Value)}
		if seq, ok := srcs[0].(*ast.SequenceNode); ok {
			srcs = seq.Values
		}
		for _, s := range srcs {
			if found, _ := t.lookup(t.deref(s), key); found != nil {
				return found, true
			}
		}
	}
	return nil, false
}

func (t *tree) keyText(mv *ast.MappingValueNode) string {
	k := ast.Node(mv.Key)
	if _, ok := k.(*ast.MergeKeyNode); ok {
		return "<<"
	}
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		k = mk.Value
	}
	s, _ := t.scalar(k)
	return s
}

// scalar returns the string a scalar node stands for: decoded quotes for
// strings, the source text for numbers and booleans (so 012345 stays
// "012345"), "" for null. ok is false for mappings and sequences.
func (t *tree) scalar(n ast.Node) (string, bool) {
	n = t.deref(n)
	switch v := n.(type) {
	case nil:
		return "", true
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// kindOf names a node's kind for messages.
func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case nil, *ast.NullNode:
		return "empty"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	}
	return "a " + strings.TrimSuffix(strings.TrimPrefix(n.Type().String(), "ast."), "Type")
}

func lineStarts(b []byte) []int {
	starts := []int{0}
	for i, c := range b {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineCol converts a byte offset into a 1-based line and character column.
func lineCol(b []byte, lines []int, off int) (int, int) {
	l := 0
	for l+1 < len(lines) && lines[l+1] <= off {
		l++
	}
	return l + 1, utf8.RuneCount(b[lines[l]:off]) + 1
}

// offsetOf converts a parser position (1-based line, character column) to
// a byte offset; the parser's own offsets are not reliable.
func offsetOf(b []byte, lines []int, line, col int) (int, bool) {
	if line < 1 || line > len(lines) || col < 1 {
		return 0, false
	}
	off := lines[line-1]
	for i := 1; i < col; i++ {
		if off >= len(b) || b[off] == '\n' {
			return 0, false
		}
		_, n := utf8.DecodeRune(b[off:])
		off += n
	}
	return off, true
}

func lineText(b []byte, lines []int, line int) string {
	start := lines[line-1]
	end := len(b)
	if line < len(lines) {
		end = lines[line] - 1
	}
	return strings.TrimSuffix(string(b[start:end]), "\r")
}
