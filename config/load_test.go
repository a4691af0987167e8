package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := bytes.Repeat([]byte("# padding padding padding padding\n"), 20<<20/34)
	tests := []struct {
		name string
		path string
		want string // the whole error message, with the file name replaced by F
	}{
		{"missing", filepath.Join(dir, "missing.yaml"), "F: config file does not exist (run `fhirdoctor demo` to start without one, or pass --config FILE)"},
		{"empty", write("empty.yaml", nil), "F: config file is empty; it needs a `tenants:` mapping (see `fhirdoctor demo` for a ready example)"},
		{"whitespace only", write("ws.yaml", []byte("\n  \n")), "F: config file is empty; it needs a `tenants:` mapping (see `fhirdoctor demo` for a ready example)"},
		{"only comments", write("comments.yaml", []byte("# nothing\n")), "F: config file has no settings (only comments); it needs a `tenants:` mapping"},
		{"directory", dir, "F: is a directory, not a config file; pass the file itself, e.g. F/config.yaml"},
		{"binary", write("bin.yaml", []byte("tenants:\n  a\x00b: 1\n")), "F:2:4: binary file (NUL byte): not a YAML config; is this the right file?"},
		{"not utf-8", write("latin1.yaml", []byte("tenants:\n  caf\xe9: 1\n")), "F:2:6: not UTF-8 text (invalid byte); save the file as UTF-8"},
		{"20 MB", write("big.yaml", big), "F: is 20.0 MiB; a config file is at most 4.0 MiB, so this is probably not the right file"},
		{"malformed", write("bad.yaml", []byte("tenants:\n  a: [1, 2\n")), "F:2:6: malformed YAML: sequence end token ']' not found"},
		{"tabs", write("tabs.yaml", []byte("tenants:\n\tdefault: {}\n")), "F:2:1: tab character in indentation; YAML indents with spaces only"},
		{"duplicate keys", write("dup.yaml", []byte("tenants:\n  a: {}\n  a: {}\n")), `F:3:3: duplicate key "a" (first defined at line 2, column 3); remove one`},
		{"top-level list", write("list.yaml", []byte("- tenants\n")), "F:1:1: top level is a list; it must be a mapping with a `tenants:` key"},
		{"two documents", write("docs.yaml", []byte("tenants: {}\n---\nother: 1\n")), "F:3:1: config file holds more than one YAML document (`---`); keep one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.path)
			_, err := Load(tc.path)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			got := strings.ReplaceAll(err.Error(), tc.path, "F")
			got = strings.ReplaceAll(got, dir, "F")
			if got != tc.want {
				t.Errorf("error:\n got %q\nwant %q", got, tc.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error is %T, want *ParseError", err)
			}
			after, _ := os.ReadFile(tc.path)
			if !bytes.Equal(before, after) {
				t.Error("Load changed the file")
			}
		})
	}
}

func TestLoadMissingIsNotExist(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want it to wrap fs.ErrNotExist", err)
	}
}

func TestParseKeepsBytes(t *testing.T) {
	f := mustParse(t, validConfig)
	if string(f.Bytes()) != validConfig || f.Path() != "config.yaml" || f.Changed() {
		t.Fatal("Parse did not keep the content as given")
	}
}

// TestParseErrorsDoNotLeak: a syntax error on the secret's line must not
// quote the secret back.
func TestParseErrorsDoNotLeak(t *testing.T) {
	for _, v := range []string{`"FAKEabcdef`, `'FAKEabcdef`, `|FAKEabcdef`, `FAKEabcdef: x`, `[FAKEabcdef`, `{FAKEabcdef`, `"FAKE\qabcdef"`, "@FAKEabcdef"} {
		t.Run(v, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte("tenants:\n  a:\n    client_secret: "+v+"\n"))
			if err == nil {
				t.Fatal("parsed")
			}
			noSecret(t, "error", err.Error(), "FAKEabcdef", "abcdef")
			if !strings.HasPrefix(err.Error(), "c.yaml:3:") {
				t.Errorf("error %q does not point at line 3", err)
			}
		})
	}
}
