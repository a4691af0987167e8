package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// editTargets are the values the edit fuzz targets change.
var editTargets = []struct {
	input, tenant string
	path          []string
}{
	{"basic.yaml", "", PathClientSecret},
	{"basic.yaml", "", PathClientID},
	{"basic.yaml", "", []string{"cerner", "provider_app", "client_id"}},
	{"empty.yaml", "", PathClientSecret},
	{"styles.yaml", "default", PathClientSecret},
	{"styles.yaml", "default", PathClientID},
	{"styles.yaml", "default", []string{"cerner", "provider_app", "client_id"}},
	{"styles.yaml", "prod", PathClientSecret},
	{"styles.yaml", "prod", PathClientID},
}

var fuzzSeeds = []string{
	"yes", "012345", `p@ss: w0rd #x'y"z`, "*star", "&amp", "ünïcødé ✓", "", "a\nb", " lead", "trail ",
	"\x00", "\u2028", "\ufeff", "'", "\"", "\\", "- x", "? x", "#", "null", "~", "0x1F", "FAKE+/=:%",
}

// FuzzEditRoundTrip: load → Set → bytes → load reads the value back
// exactly, and nothing outside the edited value's lines changes.
func FuzzEditRoundTrip(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, uint8(i))
	}
	inputs := map[string][]byte{}
	for _, name := range []string{"basic.yaml", "empty.yaml", "styles.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "edits", name))
		if err != nil {
			f.Fatal(err)
		}
		inputs[name] = b
	}
	targets := editTargets
	f.Fuzz(func(t *testing.T, value string, which uint8) {
		if len(value) > 256 {
			// Credentials are short; long inputs only slow the minimizer.
			return
		}
		tg := targets[int(which)%len(targets)]
		file, err := Parse(tg.input, inputs[tg.input])
		if err != nil {
			t.Fatal(err)
		}
		old := strings.Split(string(file.Bytes()), "\n")
		err = file.Set(tg.tenant, tg.path, value)
		if !utf8.ValidString(value) {
			if err == nil {
				t.Fatal("Set accepted invalid UTF-8")
			}
			return
		}
		if err != nil {
			t.Fatalf("Set: %v", err)
		}
		g, err := Parse(tg.input, file.Bytes())
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if got := readPath(t, g, tg.tenant, tg.path); got != value {
			t.Fatalf("reads back as %q, want %q", got, value)
		}
		if got := readPath(t, file, tg.tenant, tg.path); got != value {
			t.Fatalf("the edited File reads back %q, want %q", got, value)
		}
		assertOnlyEditedLinesChanged(t, old, strings.Split(string(file.Bytes()), "\n"))
	})
}

var pastedErr = regexp.MustCompile(`^the pasted value (is empty|is not valid UTF-8 text|` +
	`contains whitespace \((a space|a tab|a line break|U\+[0-9A-F]{4,6})\) at character \d+ of \d+; paste one value, without spaces or line breaks|` +
	`contains an invisible character \(U\+[0-9A-F]{4,6}\) at character \d+ of \d+; copy it again from the source): pasted value rejected$`)

func FuzzNormalizePasted(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
		f.Add("\"" + s + "\"\r\n")
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizePasted(in)
		if err != nil {
			if !pastedErr.MatchString(err.Error()) {
				t.Fatalf("unexpected error text (it may echo the value): %q", err)
			}
			return
		}
		if out == "" || !strings.Contains(in, out) {
			t.Fatalf("%q -> %q", in, out)
		}
		for _, r := range out {
			if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("%q -> %q keeps %U", in, out, r)
			}
		}
	})
}

// FuzzParse: no input makes Parse, Validate or Tenant panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"basic.yaml", "edits/empty.yaml", "edits/styles.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "tenants:", "tenants: [", "a: &a [*a]", "tenants:\n\tx: 1", "tenants: {a: {cerner: {system_app: *x}}}", "\xff", "a: 1\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		file.Validate()
		for _, n := range append(file.TenantNames(), "") {
			file.Tenant(n)
			file.ValidateTenant(n)
			file.Set(n, PathClientSecret, "FAKE-fuzz")
		}
	})
}

// FuzzDotenv: any bytes parse without panicking, and setting any value of a
// defined key either fails with the file unchanged or reads back exactly
// with every other key's value unchanged.
func FuzzDotenv(f *testing.F) {
	for _, tc := range dotenvCases {
		f.Add([]byte(tc.src), "n3w value")
	}
	f.Add([]byte("export S='a\\'b' # c\r\nT=\"x\\ny\"\n"), "it's \"q\" `b`")
	f.Fuzz(func(t *testing.T, src []byte, value string) {
		d := ParseDotenv(".env", src)
		keys := d.Keys()
		if len(keys) == 0 {
			return
		}
		before := d.values()
		key := keys[len(value)%len(keys)]
		if err := d.set(key, value); err != nil {
			if d.Changed() {
				t.Fatalf("failed edit changed the file: %v", err)
			}
			return
		}
		after := ParseDotenv(".env", d.Bytes()).values()
		for k, v := range before {
			want := v
			if k == key {
				want = value
			}
			if after[k] != want {
				t.Fatalf("key %q reads %q after setting %q, want %q", k, after[k], key, want)
			}
		}
		if len(after) != len(before) {
			t.Fatalf("keys %v became %v", before, after)
		}
	})
}
