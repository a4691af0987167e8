package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"
)

// Dotenv is a loaded .env file: its bytes as written and the definitions
// read from them (dotenv_parse.go). Like File, it edits one value in place
// and saves atomically; it is not safe for concurrent use.
type Dotenv struct {
	path     string
	src      []byte
	base     []byte
	fromDisk bool
	defs     []dotenvDef
	last     map[string]int // key -> index of its last definition in defs
	fs       fsys
}

// LoadDotenv reads the .env file at path. A missing file is an error
// wrapping fs.ErrNotExist.
func LoadDotenv(path string) (*Dotenv, error) {
	data, err := readCapped(path)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Msg = strings.Replace(pe.Msg, "config file", ".env file", 1)
		}
		return nil, err
	}
	d := ParseDotenv(path, data)
	d.fromDisk = true
	return d, nil
}

// ParseDotenv reads data as the content of the .env file at path. Lines
// dotenv would ignore are ignored: it never fails.
func ParseDotenv(path string, data []byte) *Dotenv {
	src := bytes.Clone(data)
	d := &Dotenv{path: path, src: src, base: src}
	d.setDefs(parseDotenv(src))
	return d
}

func (d *Dotenv) setDefs(defs []dotenvDef) {
	d.defs = defs
	d.last = make(map[string]int, len(defs))
	for i, x := range defs {
		d.last[x.key] = i
	}
}

// Path is the file's path as given.
func (d *Dotenv) Path() string { return d.path }

// Bytes is the current content, edits included. Do not modify it.
func (d *Dotenv) Bytes() []byte { return d.src }

// Changed reports whether edits made the content differ from what was read.
func (d *Dotenv) Changed() bool { return !bytes.Equal(d.src, d.base) }

// Lookup returns the value of key and the line defining it (the last
// definition, as dotenv reads it).
func (d *Dotenv) Lookup(key string) (value string, line int, ok bool) {
	if i := d.def(key); i >= 0 {
		return d.defs[i].value, d.defs[i].line, true
	}
	return "", 0, false
}

// Keys lists the defined keys in file order, each once.
func (d *Dotenv) Keys() []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range d.defs {
		if !seen[x.key] {
			seen[x.key] = true
			out = append(out, x.key)
		}
	}
	return out
}

func (d *Dotenv) def(key string) int {
	if i, ok := d.last[key]; ok {
		return i
	}
	return -1
}

// values is every key's value as dotenv reads it.
func (d *Dotenv) values() map[string]string {
	m := map[string]string{}
	for _, x := range d.defs {
		m[x.key] = x.value
	}
	return m
}

// SetSecret replaces the value of key, which must be defined, with the
// secret: only the bytes of the value change (the `export ` prefix, the
// comment, the other lines stay), quoted only when it must be. The result
// is re-read and kept only if key reads back exactly and nothing else
// changed. Errors never contain the value.
func (d *Dotenv) SetSecret(key string, s Secret) error {
	// Revealed to be written into the file, and nowhere else.
	return d.set(key, s.Reveal())
}

func (d *Dotenv) set(key, value string) error {
	i := d.def(key)
	if i < 0 {
		return fmt.Errorf("%s: %s is not defined there: %w", d.path, key, ErrKeyNotFound)
	}
	x := d.defs[i]
	if x.value == value {
		return nil
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("%s:%d: the new value of %s is not valid UTF-8: %w", d.path, x.line, key, ErrEdit)
	}
	before := d.values()
	for _, text := range dotenvRenderings(value, x.quote) {
		out := splice(d.src, x.start, x.end, text)
		defs := parseDotenv(out)
		nd := &Dotenv{defs: defs}
		after := nd.values()
		if got, ok := after[key]; !ok || got != value || len(after) != len(before) {
			continue
		}
		same := true
		for k, v := range before {
			if k != key && after[k] != v {
				same = false
				break
			}
		}
		if same {
			d.src = out
			d.setDefs(defs)
			return nil
		}
	}
	return fmt.Errorf("%s:%d: %s: no quoting reads the new value back exactly in a .env file (it holds ', \" and ` together, or a line break); the file is unchanged: %w", d.path, x.line, key, ErrEdit)
}

// dotenvRenderings are the ways to write value, best first: in the quoting
// the line already uses when it can hold it, bare when nothing needs
// quoting, else single quotes (which dotenv reads literally), then the
// others.
func dotenvRenderings(value string, was byte) []string {
	var out []string
	fits := func(q byte) bool {
		if strings.IndexByte(value, q) >= 0 || strings.ContainsAny(value, "\r\n") {
			return false
		}
		// In double quotes dotenv turns \n and \r into line breaks.
		return q != '"' || !strings.Contains(value, `\n`) && !strings.Contains(value, `\r`)
	}
	if was != 0 && fits(was) {
		out = append(out, string(was)+value+string(was))
	}
	if was == 0 && bareDotenvOK(value) {
		out = append(out, value)
	}
	for _, q := range []byte{'\'', '"', '`'} {
		if fits(q) {
			out = append(out, string(q)+value+string(q))
		}
	}
	return out
}

// bareDotenvOK reports whether value can be written without quotes: it
// reads back as itself, and holds nothing a reader that expands $VAR (or a
// person) would take differently.
func bareDotenvOK(v string) bool {
	if v == "" {
		return true
	}
	if strings.TrimSpace(v) != v || strings.ContainsAny(v, "#'\"`$\\ \t\r\n") {
		return false
	}
	return true
}

// Save writes the edited content with Save's guarantees (save.go): atomic,
// locked, backed up, refused when the file changed on disk.
func (d *Dotenv) Save(opts SaveOptions) (SaveResult, error) {
	fsys := d.fs
	if fsys == nil {
		fsys = osFS{}
	}
	res, replaced, err := saveBytes(fsys, d.path, d.base, d.src, d.fromDisk, opts)
	if replaced {
		d.base, d.fromDisk = d.src, true
	}
	if err != nil {
		return res, fmt.Errorf("config: saving %s: %w", d.path, err)
	}
	return res, nil
}

// notExist reports a missing file behind a load error.
func notExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
