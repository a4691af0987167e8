package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxFileSize caps what Load reads: a config is a few KiB, so anything
// bigger is the wrong file (a log, a dump) and is refused before parsing.
const MaxFileSize = 4 << 20

// File is a loaded config: its bytes, exactly as written, and the parsed
// tree used to read and edit them. A File is not safe for concurrent use,
// not even for reads: the first read after an edit may re-parse.
type File struct {
	path     string
	src      []byte // current content, after edits
	base     []byte // content Save expects to find on disk
	fromDisk bool   // base came from disk (Load), so a vanished file is a change
	tr       *tree  // parse of src; nil after a fast-path edit until needed (see parsed)
	fs       fsys   // nil means the real file system

	env     *Environment          // nil until SetEnvironment or first use
	dotenvs map[string]dotenvLoad // the .env files read to resolve placeholders

	// fullOnly turns the fast path off: tests compare it with the full
	// verification (fastedit_test.go).
	fullOnly bool
}

// ParseError is a file that cannot be used at all. Pos.Line is 0 when the
// problem is the whole file (missing, empty, too big).
type ParseError struct {
	Pos Position
	Msg string
	Err error // the underlying cause, if any
}

func (e *ParseError) Error() string { return e.Pos.String() + ": " + e.Msg }
func (e *ParseError) Unwrap() error { return e.Err }

// Load reads and parses the file at path.
func Load(path string) (*File, error) {
	data, err := readCapped(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	f.fromDisk = true
	return f, nil
}

func readCapped(path string) ([]byte, error) {
	fail := func(msg string, err error) error {
		return &ParseError{Pos: Position{File: path}, Msg: msg, Err: err}
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fail("config file does not exist (run `fhirdoctor demo` to start without one, or pass --config FILE)", err)
	case errors.Is(err, fs.ErrPermission):
		return nil, fail("config file is not readable (permission denied)", err)
	case err != nil:
		return nil, fail("cannot read config file", err)
	case fi.IsDir():
		return nil, fail("is a directory, not a config file; pass the file itself, e.g. "+path+"/config.yaml", nil)
	case !fi.Mode().IsRegular():
		return nil, fail("is not a regular file (a device, pipe or socket); pass a YAML config file", nil)
	case fi.Size() > MaxFileSize:
		return nil, fail(fmt.Sprintf("is %s; a config file is at most %s, so this is probably not the right file", humanSize(fi.Size()), humanSize(MaxFileSize)), nil)
	}
	r, err := os.Open(path)
	if err != nil {
		return nil, fail("cannot open config file", err)
	}
	defer r.Close()
	// Read one byte past the cap: the file may have grown since Stat.
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fail("cannot read config file", err)
	}
	if len(data) > MaxFileSize {
		return nil, fail(fmt.Sprintf("is larger than %s, so this is probably not the right file", humanSize(MaxFileSize)), nil)
	}
	return data, nil
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Parse parses data as the content of path (which is only used in messages
// and by Save). Save treats data as what is on disk at path.
func Parse(path string, data []byte) (*File, error) {
	t, err := parseTree(path, data)
	if err != nil {
		return nil, err
	}
	src := bytes.Clone(data)
	return &File{path: path, src: src, base: src, tr: t}, nil
}

// parsed returns the tree of the current content. A fast-path edit
// (fastedit.go) leaves none, because it proves what changed without
// parsing; the tree is rebuilt here, once, when something reads it.
func (f *File) parsed() (*tree, error) {
	if f.tr == nil {
		t, err := parseTree(f.path, f.src)
		if err != nil {
			return nil, fmt.Errorf("config: re-reading the edited content: %w", err)
		}
		f.tr = t
	}
	return f.tr, nil
}

// Path returns the path the file was loaded from, as given.
func (f *File) Path() string { return f.path }

// Bytes returns the current content, including edits not yet saved. The
// caller must not modify it.
func (f *File) Bytes() []byte { return f.src }

// Changed reports whether edits made the content differ from what was loaded
// (or last saved).
func (f *File) Changed() bool { return !bytes.Equal(f.src, f.base) }

// parseTree checks data for the ways a file can be unusable, then parses it.
func parseTree(path string, data []byte) (t *tree, err error) {
	fail := func(line, col int, msg string, cause error) error {
		return &ParseError{Pos: Position{File: path, Line: line, Col: col}, Msg: msg, Err: cause}
	}
	if len(data) > MaxFileSize {
		return nil, fail(0, 0, fmt.Sprintf("is %s; a config file is at most %s, so this is probably not the right file", humanSize(int64(len(data))), humanSize(MaxFileSize)), nil)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(0, 0, "config file is empty; it needs a `tenants:` mapping (see `fhirdoctor demo` for a ready example)", nil)
	}
	lines := lineStarts(data)
	if i := bytes.IndexByte(data, 0); i >= 0 {
		l, c := lineCol(data, lines, i)
		return nil, fail(l, c, "binary file (NUL byte): not a YAML config; is this the right file?", nil)
	}
	if !utf8.Valid(data) {
		i := firstInvalidUTF8(data)
		l, c := lineCol(data, lines, i)
		return nil, fail(l, c, "not UTF-8 text (invalid byte); save the file as UTF-8", nil)
	}
	defer func() {
		// The YAML parser has panicked on hostile input before; a config
		// file must never crash the tool.
		if r := recover(); r != nil {
			t, err = nil, fail(0, 0, fmt.Sprintf("cannot parse YAML (parser failure: %v)", r), nil)
		}
	}()
	// The parser miscounts lines after a comment ending in CRLF; CRLF and LF
	// files have the same lines and columns, so parse an LF copy and keep
	// the original bytes for editing.
	parseSrc := data
	if i := bytes.IndexByte(data, '\r'); i >= 0 {
		if j := loneCR(data); j >= 0 {
			l, c := lineCol(data, lines, j)
			return nil, fail(l, c, "carriage return without a line feed; save the file with LF or CRLF line endings", nil)
		}
		parseSrc = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	af, err := parser.ParseBytes(parseSrc, parser.ParseComments)
	if err != nil {
		return nil, yamlError(path, data, lines, err)
	}
	var docs []*ast.DocumentNode
	for _, d := range af.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		switch d.Body.(type) {
		case *ast.CommentGroupNode, *ast.CommentNode, *ast.DirectiveNode:
			continue
		}
		docs = append(docs, d)
	}
	switch {
	case len(docs) == 0:
		return nil, fail(0, 0, "config file has no settings (only comments); it needs a `tenants:` mapping", nil)
	case len(docs) > 1:
		p := nodePos(docs[1].Body)
		return nil, fail(p.Line, p.Col, "config file holds more than one YAML document (`---`); keep one", nil)
	}
	body := docs[0].Body
	if _, ok := entries(body); !ok {
		p := nodePos(body)
		return nil, fail(p.Line, p.Col, "top level is "+kindOf(body)+"; it must be a mapping with a `tenants:` key", nil)
	}
	return newTree(path, data, lines, body), nil
}

// yamlError turns a parser error into a positioned, plain message.
func yamlError(path string, data []byte, lines []int, err error) error {
	pe := &ParseError{Pos: Position{File: path}, Msg: "malformed YAML", Err: err}
	var se *yaml.SyntaxError
	if !errors.As(err, &se) || se.Token == nil {
		pe.Msg = "malformed YAML: " + scrub(firstLine(err.Error()))
		return pe
	}
	pe.Pos.Line, pe.Pos.Col = se.Token.Position.Line, se.Token.Position.Column
	msg := se.Message
	if l := pe.Pos.Line; l >= 1 && l <= len(lines) {
		line := lineText(data, lines, l)
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if strings.Contains(indent, "\t") {
			pe.Pos.Col = strings.IndexByte(indent, '\t') + 1
			pe.Msg = "tab character in indentation; YAML indents with spaces only"
			return pe
		}
	}
	var key string
	var dl, dc int
	if n, _ := fmt.Sscanf(msg, "mapping key %q already defined at [%d:%d]", &key, &dl, &dc); n == 3 {
		pe.Msg = fmt.Sprintf("duplicate key %q (first defined at line %d, column %d); remove one", key, dl, dc)
		if !nameLike.MatchString(key) {
			// A long or punctuated "key" may be a secret pasted on its own
			// line: the position says where, without echoing it.
			pe.Msg = fmt.Sprintf("duplicate key (first defined at line %d, column %d); remove one", dl, dc)
		}
		return pe
	}
	pe.Msg = "malformed YAML: " + scrub(msg)
	return pe
}

// quotedText is text a parser message quotes from the file.
var quotedText = regexp.MustCompile(`"[^"\n]*"|'[^'\n]{2,}'`)

// nameLike is a key an error message may name: schema keys and tenant
// names are short identifiers; a secret is long or punctuated.
var nameLike = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,24}$`)

// scrub removes file text the parser quotes in its messages: the broken
// line may hold a secret. The position says where to look.
func scrub(msg string) string { return quotedText.ReplaceAllString(msg, "(text at the position)") }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func loneCR(b []byte) int {
	for i, c := range b {
		if c == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
			return i
		}
	}
	return -1
}

// Finding presents the failure as an error finding, so `config validate`
// prints a file it cannot parse the same way as one with bad values.
func (e *ParseError) Finding() Finding {
	return Finding{Severity: SeverityError, Pos: e.Pos, Message: e.Msg}
}
