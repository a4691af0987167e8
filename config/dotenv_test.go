package config

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

// dotenvCases were read by Node's dotenv 16.6 (dotenv.parse), the reader the
// backend uses; scripts/node-consumer.sh checks the same property on real
// rotations.
var dotenvCases = []struct {
	src  string
	want map[string]string
}{
	{"A=1\nB=two words  \n", map[string]string{"A": "1", "B": "two words"}},
	{"export A=x\n  export   B = 'y'  # c\n", map[string]string{"A": "x", "B": "y"}},
	{"A=abc#def\nB='abc#def'\nC=\"a\\nb\"\nD='a\\nb'\n", map[string]string{"A": "abc", "B": "abc#def", "C": "a\nb", "D": "a\\nb"}},
	{"A=$HOME\nB=${X}\nC=\"$Y\"\n", map[string]string{"A": "$HOME", "B": "${X}", "C": "$Y"}},
	{"A='multi\nline'\nB=2\n", map[string]string{"A": "multi\nline", "B": "2"}},
	{"A=\"q\\\"x\"\nB='it\\'s'\n", map[string]string{"A": "q\\\"x", "B": "it\\'s"}},
	{"A='x' y\nB=\n C = \n", map[string]string{"A": "'x' y", "B": "", "C": ""}},
	{"A: b\nC:d\n# A=9\n", map[string]string{"A": "b"}},
	{"A=1\nA=2\n", map[string]string{"A": "2"}},
	{"A=1\r\nB='x'\r\nC=\"y\"\r\n", map[string]string{"A": "1", "B": "x", "C": "y"}},
	{"K.X-1=v\nexport=1\nexport\n", map[string]string{"K.X-1": "v", "export": "1"}},
	{"A=`b'c\"`\nB=  spaced value # comment\n", map[string]string{"A": "b'c\"", "B": "spaced value"}},
	{"A=\"unterminated\nB=2\n", map[string]string{"A": "\"unterminated", "B": "2"}},
}

func TestDotenvParse(t *testing.T) {
	for _, tc := range dotenvCases {
		got := ParseDotenv(".env", []byte(tc.src)).values()
		if !maps.Equal(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestDotenvLines(t *testing.T) {
	d := ParseDotenv(".env", []byte("# top\nA='multi\nline'\r\n\nexport B=2\nB=3 # last wins\n"))
	for _, c := range []struct {
		key  string
		line int
	}{{"A", 2}, {"B", 6}} {
		if _, line, ok := d.Lookup(c.key); !ok || line != c.line {
			t.Errorf("%s: line %d ok=%v, want %d", c.key, line, ok, c.line)
		}
	}
	if got := strings.Join(d.Keys(), ","); got != "A,B" {
		t.Errorf("Keys = %s", got)
	}
}

// TestDotenvSet: one value's bytes change, the rest of the file (comments,
// order, `export `, other quoting) is byte-identical, and a value that
// needs quoting is single-quoted.
func TestDotenvSet(t *testing.T) {
	const src = "# secrets for dev\nexport CERNER_CLIENT_SECRET=old-secret   # rotated 2026-01\nOTHER=\"keep $ME\"\n"
	tests := []struct {
		name, src, key, value, want string
	}{
		{"bare stays bare", src, "CERNER_CLIENT_SECRET", "FAKE-n3w", "# secrets for dev\nexport CERNER_CLIENT_SECRET=FAKE-n3w   # rotated 2026-01\nOTHER=\"keep $ME\"\n"},
		{"needs quotes", src, "CERNER_CLIENT_SECRET", "FAKE n3w#1", "# secrets for dev\nexport CERNER_CLIENT_SECRET='FAKE n3w#1'   # rotated 2026-01\nOTHER=\"keep $ME\"\n"},
		{"dollar is quoted", src, "CERNER_CLIENT_SECRET", "FAKE$x", "# secrets for dev\nexport CERNER_CLIENT_SECRET='FAKE$x'   # rotated 2026-01\nOTHER=\"keep $ME\"\n"},
		{"quote kept", "S=\"old\"\n", "S", "FAKE-n3w", "S=\"FAKE-n3w\"\n"},
		{"single quote inside", "S='old'\n", "S", "FAKE'n3w", "S=\"FAKE'n3w\"\n"},
		{"empty value", "S=\nT=1\n", "S", "FAKE-n3w", "S=FAKE-n3w\nT=1\n"},
		{"crlf", "A=1\r\nS=old\r\nB=2\r\n", "S", "FAKE-n3w", "A=1\r\nS=FAKE-n3w\r\nB=2\r\n"},
		{"last definition", "S=first\nS=second\n", "S", "FAKE-n3w", "S=first\nS=FAKE-n3w\n"},
		{"multi-line value", "S='a\nb'\nT=1\n", "S", "FAKE-n3w", "S='FAKE-n3w'\nT=1\n"},
		{"colon form", "S: old\n", "S", "FAKE-n3w", "S: FAKE-n3w\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := ParseDotenv(".env", []byte(tc.src))
			if err := d.SetSecret(tc.key, NewSecret(tc.value)); err != nil {
				t.Fatal(err)
			}
			if got := string(d.Bytes()); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			if v, _, _ := d.Lookup(tc.key); v != tc.value {
				t.Errorf("reads back %q", v)
			}
		})
	}
	d := ParseDotenv(".env", []byte(src))
	err := d.SetSecret("MISSING", NewSecret(fakeSecret))
	if !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("missing key: %v", err)
	}
	err = d.SetSecret("OTHER", NewSecret("a'b\"c`d\ne"))
	if !errors.Is(err, ErrEdit) || d.Changed() {
		t.Errorf("unwritable value: err %v, changed %v", err, d.Changed())
	}
	noSecret(t, "error", err.Error(), "a'b\"c`d")
}
