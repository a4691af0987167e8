package config

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
)

// fullEdit makes the edit with the full verification only, for comparison.
func fullEdit(t *testing.T, path, tenant string, keys []string, value string) []byte {
	t.Helper()
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.fullOnly = true
	if err := f.Set(tenant, keys, value); err != nil {
		t.Fatalf("full verification: %v", err)
	}
	return f.Bytes()
}

// secretDoc is a one-tenant config whose client_secret line reads
// "client_secret:" + secret.
func secretDoc(secret string) string {
	return "tenants:\n  a:\n    cerner:\n      system_app:\n" +
		"        client_id: 11111111-2222-4333-8444-555555555555\n" +
		"        client_secret:" + secret + "\n" +
		"        token_url: https://h/token\n"
}

const anchoredApp = `tenants:
  a:
    cerner:
      system_app: &app
        client_id: 11111111-2222-4333-8444-555555555555
        client_secret: FAKE-old
  b:
    cerner:
      system_app: *app
`

const mergedApp = `base: &base
  client_secret: FAKE-old
tenants:
  a:
    cerner:
      system_app:
        <<: *base
        client_id: 11111111-2222-4333-8444-555555555555
`

const overriddenApp = `base: &base
  client_secret: FAKE-base
tenants:
  a:
    cerner:
      system_app:
        <<: *base
        client_secret: FAKE-old   # overrides the base
`

// TestEditFastPath: which edits skip the full re-parse, and that both
// ways write the same bytes and leave the File reading the new value.
func TestEditFastPath(t *testing.T) {
	const v = "FAKE-new"
	tests := []struct {
		name, in, tenant string
		fast             bool
		want             string // "" = the edit is refused and the content kept
	}{
		{"double-quoted", secretDoc(` "FAKE-old"   # c`), "", true, secretDoc(` "FAKE-new"   # c`)},
		{"single-quoted", secretDoc(` 'FAKE-old'`), "", true, secretDoc(` 'FAKE-new'`)},
		{"plain", secretDoc(` FAKE-old #c`), "", true, secretDoc(` FAKE-new #c`)},
		{"explicit-null", secretDoc(` ~`), "", true, secretDoc(` FAKE-new`)},
		{"crlf", strings.ReplaceAll(secretDoc(` FAKE-old`), "\n", "\r\n"), "", true, strings.ReplaceAll(secretDoc(` FAKE-new`), "\n", "\r\n")},
		{"last-line", strings.TrimSuffix(secretDoc(` FAKE-old`), "\n        token_url: https://h/token\n"), "", true, strings.TrimSuffix(secretDoc(` FAKE-new`), "\n        token_url: https://h/token\n")},
		{"over-a-merge-key", overriddenApp, "", true, strings.Replace(overriddenApp, "FAKE-old", v, 1)},
		{"implicit-null", secretDoc(``), "", false, secretDoc(` FAKE-new`)},
		{"block-scalar", secretDoc(" |\n          FAKE-old"), "", false, secretDoc(` "FAKE-new"`)},
		{"anchored-value", secretDoc(` &s FAKE-old`), "", false, secretDoc(` &s FAKE-new`)},
		{"tagged-value", secretDoc(` !!str FAKE-old`), "", false, ""}, // the full verification refuses it too
		{"alias-value", "x: &x FAKE-old\n" + secretDoc(` *x`), "", false, "x: &x FAKE-old\n" + secretDoc(` "FAKE-new"`)},
		{"alias-to-enclosing-mapping", anchoredApp, "a", false, ""},
		{"inherited-from-merge-key", mergedApp, "", false, ""},
		{"flow-mapping", "tenants:\n  a:\n    cerner:\n      system_app: {client_id: x, client_secret: FAKE-old}\n", "", false,
			"tenants:\n  a:\n    cerner:\n      system_app: {client_id: x, client_secret: FAKE-new}\n"},
		{"multi-line-quoted", secretDoc(" \"FAKE\n          -old\""), "", false, secretDoc(` "FAKE-new"`)},
		{"multi-line-plain", secretDoc(" FAKE\n          -old"), "", false, secretDoc(` FAKE-new`)},
		{"deeper-comment-below", secretDoc(" FAKE-old\n            # indented deeper"), "", false, secretDoc(" FAKE-new\n            # indented deeper")},
		{"tab-after-colon", secretDoc("\tFAKE-old"), "", false, ""}, // the parser puts the tab in the value
		{"no-space-before-comment", secretDoc(` "FAKE-old"#c`), "", false, secretDoc(` "FAKE-new"#c`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, t.TempDir(), tc.in)
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			err = f.SetSecret(tc.tenant, PathClientSecret, NewSecret(v))
			if edits(f).fast != 0 != tc.fast {
				t.Errorf("fast path taken: %v, want %v", edits(f).fast != 0, tc.fast)
			}
			if tc.want == "" {
				if !errors.Is(err, ErrEdit) || string(f.Bytes()) != tc.in || f.Changed() {
					t.Fatalf("err = %v, changed %v; want ErrEdit and the content kept", err, f.Changed())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(f.Bytes()); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
			if full := fullEdit(t, path, tc.tenant, PathClientSecret, v); string(full) != tc.want {
				t.Fatalf("the full verification writes\n%s", full)
			}
			tn, err := f.Tenant(tc.tenant)
			if err != nil {
				t.Fatal(err)
			}
			if tn.Cerner.SystemApp.ClientSecret.Reveal() != v {
				t.Fatal("Tenant does not read the new secret back")
			}
			if !f.Changed() || mustRead(t, path) != tc.in {
				t.Fatal("the edit touched the disk or Changed() is wrong")
			}
		})
	}
}

// TestEditRotateFastPath is the rotate flow: a client id, then its
// secret; each edit takes the fast path, and the File, its Save and a
// fresh Load all read both new values.
func TestEditRotateFastPath(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "edits", "basic.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, t.TempDir(), string(b))
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	const id = "99999999-2222-4333-8444-555555555555"
	check := func(f *File, wantID, wantSecret string) {
		t.Helper()
		tn, err := f.Tenant("")
		if err != nil {
			t.Fatal(err)
		}
		if tn.Cerner.SystemApp.ClientID != wantID || tn.Cerner.SystemApp.ClientSecret.Reveal() != wantSecret {
			t.Fatalf("Tenant reads client_id %q and secret %s", tn.Cerner.SystemApp.ClientID, tn.Cerner.SystemApp.ClientSecret.Fingerprint())
		}
		if fd := f.Validate(); len(fd) != 0 {
			t.Fatalf("findings after the edit: %v", fd)
		}
	}
	old, _ := f.Tenant("")
	if err := f.Set("", PathClientID, id); err != nil {
		t.Fatal(err)
	}
	check(f, id, old.Cerner.SystemApp.ClientSecret.Reveal())
	if err := f.SetSecret("", PathClientSecret, NewSecret(fakeSecret)); err != nil {
		t.Fatal(err)
	}
	check(f, id, fakeSecret)
	if edits(f).fast != 2 || edits(f).full != 0 {
		t.Fatalf("fast edits %d, full %d; want 2 fast", edits(f).fast, edits(f).full)
	}
	want := strings.Replace(strings.Replace(string(b), "11111111-2222-4333-8444-555555555555", id, 1), "'FAKE-secret-000000'", "'"+fakeSecret+"'", 1)
	if string(f.Bytes()) != want {
		t.Fatalf("content after both edits:\n%s", RedactedDiff("basic.yaml", []byte(want), f.Bytes(), NewSecret(fakeSecret)))
	}
	if _, err := f.Save(SaveOptions{NoBackup: true}); err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	check(g, id, fakeSecret)
}

// FuzzEditFastPathMatchesFull: for any value, and any text added to the
// end of the edited line (tail) or as lines after it (next), an edit
// allowed to take the fast path gives the same result (bytes, error or
// not, values read) as one made with the full verification, then again
// for a second edit of the same File.
func FuzzEditFastPathMatchesFull(f *testing.F) {
	tails := []string{"", "  # c", "#c", " x", ", y", " }", "\t", " \"q\""}
	nexts := []string{"", "          deeper", "  # c", "\n            z", "    - s", "        k: v", "  '"}
	for i, s := range fuzzSeeds {
		f.Add(s, uint8(i), tails[i%len(tails)], nexts[i%len(nexts)])
	}
	inputs := map[string][]byte{}
	for _, name := range []string{"basic.yaml", "empty.yaml", "styles.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "edits", name))
		if err != nil {
			f.Fatal(err)
		}
		inputs[name] = b
	}
	f.Fuzz(func(t *testing.T, value string, which uint8, tail, next string) {
		if len(value) > 256 || len(tail) > 64 || len(next) > 64 {
			return
		}
		tg := editTargets[int(which)%len(editTargets)]
		src := withLineText(t, inputs[tg.input], tg.tenant, tg.path, tail, next)
		fast, err := Parse(tg.input, src)
		if err != nil {
			return
		}
		full, _ := Parse(tg.input, src)
		full.fullOnly = true
		for i, v := range []string{value, "FAKE-" + value} {
			errF, errS := fast.Set(tg.tenant, tg.path, v), full.Set(tg.tenant, tg.path, v)
			if (errF == nil) != (errS == nil) {
				t.Fatalf("edit %d: fast-path error %v, full-verification error %v", i, errF, errS)
			}
			if !bytes.Equal(fast.Bytes(), full.Bytes()) {
				t.Fatalf("edit %d: the two ways wrote different bytes:\n%s", i, RedactedDiff("x", full.Bytes(), fast.Bytes()))
			}
			if errF != nil {
				return
			}
			tf, errF := fast.Tenant(tg.tenant)
			ts, errS := full.Tenant(tg.tenant)
			if (errF == nil) != (errS == nil) || !reflect.DeepEqual(tf, ts) {
				t.Fatalf("edit %d: Tenant differs: %v / %v", i, errF, errS)
			}
			lf, lfErr := mustTree(t, fast).leaves()
			ls, lsErr := mustTree(t, full).leaves()
			if (lfErr == nil) != (lsErr == nil) || !maps.Equal(lf, ls) {
				t.Fatalf("edit %d: the values read differ", i)
			}
			if got := readPath(t, fast, tg.tenant, tg.path); got != v {
				t.Fatalf("edit %d reads back %q, want %q", i, got, v)
			}
		}
	})
}

func mustTree(t *testing.T, f *File) *tree {
	t.Helper()
	tr, err := f.parsed()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// withLineText adds tail to the end of the line holding the value at
// path, and next as a line after it.
func withLineText(t *testing.T, src []byte, tenant string, path []string, tail, next string) []byte {
	t.Helper()
	if tail == "" && next == "" {
		return src
	}
	f, err := Parse("x.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	tr := mustTree(t, f)
	e, err := tr.pickTenant(tenant)
	if err != nil {
		t.Fatal(err)
	}
	var mv *ast.MappingValueNode
	n := tr.deref(e.Value)
	for _, k := range path {
		if mv, _ = tr.lookup(n, k); mv == nil {
			t.Fatalf("%v vanished", path)
		}
		n = tr.deref(mv.Value)
	}
	l := mv.Key.GetToken().Position.Line
	if l >= len(tr.lines) {
		return src
	}
	eol := tr.lines[l] - 1 // the line's '\n'
	out := append([]byte(nil), src[:eol]...)
	out = append(out, tail...)
	out = append(out, '\n')
	if next != "" {
		out = append(out, next...)
		out = append(out, '\n')
	}
	return append(out, src[eol+1:]...)
}
