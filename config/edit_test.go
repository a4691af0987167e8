package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditGolden(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		tenant string
		path   []string
		value  string
		secret bool
		lines  int  // lines the diff removes (and adds); 0 = don't check
		fast   bool // the edit takes the fast path (fastedit.go)
	}{
		{"client-secret", "basic.yaml", "", PathClientSecret, fakeSecret, true, 1, true},
		{"client-id-plain", "basic.yaml", "", []string{"cerner", "provider_app", "client_id"}, "abcdef01-2222-4333-8444-555555555555", false, 1, true},
		{"client-id-yes", "basic.yaml", "default", PathClientID, "yes", false, 1, true},
		{"secret-punctuation", "basic.yaml", "", PathClientSecret, `p@ss: w0rd #x'y"z`, true, 1, true},
		{"secret-set-empty", "basic.yaml", "", PathClientSecret, "", true, 1, true},
		{"empty-secret", "empty.yaml", "", PathClientSecret, fakeSecret, true, 1, false},
		{"empty-client-id", "empty.yaml", "", PathClientID, "012345", false, 1, false},
		{"anchored-client-id", "styles.yaml", "default", PathClientID, "33333333-2222-4333-8444-555555555555", false, 1, false},
		{"block-secret", "styles.yaml", "default", PathClientSecret, fakeSecret, true, 2, false},
		{"folded-token-url", "styles.yaml", "default", []string{"cerner", "system_app", "token_url"}, "https://127.0.0.1:8443/tenants/t/hosts/h/token", false, 2, false},
		{"flow-client-id", "styles.yaml", "default", []string{"cerner", "provider_app", "client_id"}, "*not-an-alias", false, 1, false},
		{"null-secret", "styles.yaml", "prod", PathClientSecret, fakeSecret, true, 1, true},
		{"aligned-client-id", "styles.yaml", "prod", PathClientID, "ünïcødé-✓", false, 1, true},
		{"patient-id-int", "styles.yaml", "default", []string{"cerner", "test_patient_id"}, "12724067", false, 1, true},
		{"missing-secret-added", "missing.yaml", "", PathClientSecret, fakeSecret, true, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join("testdata", "edits", tc.input)
			f, err := Load(in)
			if err != nil {
				t.Fatal(err)
			}
			old := append([]byte(nil), f.Bytes()...)
			if tc.secret {
				err = f.SetSecret(tc.tenant, tc.path, NewSecret(tc.value))
			} else {
				err = f.Set(tc.tenant, tc.path, tc.value)
			}
			if err != nil {
				t.Fatal(err)
			}
			if fast := edits(f).fast == 1; fast != tc.fast || edits(f).fast+edits(f).full != 1 {
				t.Errorf("fast path: %d edits, full verification: %d; want the fast path %v", edits(f).fast, edits(f).full, tc.fast)
			}
			if full := fullEdit(t, in, tc.tenant, tc.path, tc.value); string(full) != string(f.Bytes()) {
				t.Errorf("the full verification writes other bytes:\n%s", RedactedDiff(tc.input, full, f.Bytes(), NewSecret(tc.value)))
			}
			var secrets []Secret
			if tc.secret {
				secrets = append(secrets, NewSecret(tc.value))
			}
			diff := RedactedDiff(tc.input, old, f.Bytes(), secrets...)
			if tc.secret {
				noSecret(t, "diff", diff, tc.value)
			}
			golden(t, filepath.Join("edits", tc.name+".out.yaml"), f.Bytes())
			golden(t, filepath.Join("edits", tc.name+".diff"), []byte(diff))
			if tc.lines > 0 {
				removed, added := changedLines(strings.Split(string(old), "\n"), strings.Split(string(f.Bytes()), "\n"))
				if removed != tc.lines || added != 1 {
					t.Errorf("the edit replaces %d lines with %d, want %d with 1", removed, added, tc.lines)
				}
			}
			// Read back through a fresh load.
			g, err := Parse(in, f.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if got := readPath(t, g, tc.tenant, tc.path); got != tc.value {
				t.Error("the edited value does not read back identically")
			}
		})
	}
}

// readPath reads a scalar back through the tree, as Set's verification does.
func readPath(t *testing.T, f *File, tenant string, path []string) string {
	t.Helper()
	tr, err := f.parsed()
	if err != nil {
		t.Fatal(err)
	}
	e, err := tr.pickTenant(tenant)
	if err != nil {
		t.Fatal(err)
	}
	n := tr.deref(e.Value)
	var s string
	for _, k := range path {
		mv, _ := tr.lookup(n, k)
		if mv == nil {
			t.Fatalf("%v vanished", path)
		}
		n = tr.deref(mv.Value)
		s, _ = tr.scalar(mv.Value)
	}
	return s
}

func TestEditValuesReadBack(t *testing.T) {
	values := []string{
		"yes", "no", "on", "Off", "true", "null", "~", "012345", "0x1F", "1e3", "1_000", ".inf", ".NaN", "12:30", "2024-01-02",
		`p@ss: w0rd #x'y"z`, "*alias", "&anchor", "!tag", "%percent", "@at", "`tick", "- dash", "-", "?", ":", "key:", "a: b",
		"{flow}", "[seq]", "a,b", "#hash", "trailing ", " leading", "", "ünïcødé ✓ 日本", "emoji 🔑",
		"back\\slash", "tab\there", "new\nline", "cr\rlf", "nul\x00byte", "bell\x07", "del\x7f", "nel\u0085", "ls\u2028ps\u2029",
		"bom\ufeff", "zwsp\u200b", "'single'", "\"double\"", "FAKE+/=:%secret", "11111111-2222-4333-8444-555555555555",
	}
	inputs := []string{"basic.yaml", "empty.yaml", "styles.yaml"}
	paths := [][]string{PathClientID, PathClientSecret}
	for _, input := range inputs {
		for _, tenant := range []string{"default", "prod"} {
			if tenant == "prod" && input != "styles.yaml" {
				continue
			}
			for _, path := range paths {
				for i, v := range values {
					name := input + "/" + tenant + "/" + path[len(path)-1] + "/" + strings.Repeat("v", 1) + string(rune('a'+i%26)) + string(rune('0'+i/26))
					t.Run(name, func(t *testing.T) {
						f, err := Load(filepath.Join("testdata", "edits", input))
						if err != nil {
							t.Fatal(err)
						}
						old := strings.Split(string(f.Bytes()), "\n")
						if err := f.Set(tenant, path, v); err != nil {
							t.Fatalf("Set(value %d): %v", i, err)
						}
						g, err := Parse("x.yaml", f.Bytes())
						if err != nil {
							t.Fatalf("re-parse: %v", err)
						}
						if got := readPath(t, g, tenant, path); got != v {
							t.Fatalf("value %d reads back as %q", i, got)
						}
						tn, err := g.Tenant(tenant)
						if err != nil {
							t.Fatal(err)
						}
						_ = tn
						assertOnlyEditedLinesChanged(t, old, strings.Split(string(f.Bytes()), "\n"))
					})
				}
			}
		}
	}
}

// changedLines counts the lines of old and new outside their common
// prefix and suffix: the edited run.
func changedLines(old, new []string) (removed, added int) {
	pre := 0
	for pre < len(old) && pre < len(new) && old[pre] == new[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(new)-pre && old[len(old)-1-suf] == new[len(new)-1-suf] {
		suf++
	}
	return len(old) - pre - suf, len(new) - pre - suf
}

// assertOnlyEditedLinesChanged checks that at most one line differs when
// the edited value was on one line.
func assertOnlyEditedLinesChanged(t *testing.T, old, new []string) {
	t.Helper()
	if removed, added := changedLines(old, new); added > 1 || removed > 1 && removed != added+1 {
		t.Errorf("the edit replaced %d lines with %d", removed, added)
	}
}

func TestEditErrors(t *testing.T) {
	src := `tenants:
  a:
    cerner:
      system_app: &sys
        client_id: &id 11111111-2222-4333-8444-555555555555
        client_secret: FAKE-a
        nested: {x: 1}
  b:
    cerner:
      system_app:
        <<: *sys
        client_secret: FAKE-b
  c:
    cerner:
      system_app:
        client_id: *id
  d:
    cerner:
      system_app: *sys
`
	tests := []struct {
		tenant string
		path   []string
		want   string
		is     error
	}{
		{"a", PathClientID, "config.yaml:5:9: tenant \"a\": `cerner.system_app.client_id`: the value is shared (anchor/alias) with `tenants.b.cerner.system_app.<<.client_id`, which would change too; edit by hand", ErrEdit},
		{"b", PathClientID, "config.yaml:5:9: tenant \"b\": `cerner.system_app.client_id` comes from a merge key (<<); edit it where it is defined", ErrEdit},
		{"a", []string{"cerner", "system_app", "nested"}, "config.yaml:7:9: tenant \"a\": `cerner.system_app.nested`: is a mapping, not a single value", ErrEdit},
		{"a", []string{"cerner", "system_app", "client_secret", "deeper"}, "config.yaml:6:9: tenant \"a\": `cerner.system_app.client_secret` is a string, not a mapping", ErrEdit},
		{"a", []string{"cerner", "provider_app", "client_id"}, "config.yaml:3:5: tenant \"a\" has no `cerner.provider_app`; add `provider_app:` to the file by hand first", ErrKeyNotFound},
		{"d", []string{"cerner", "system_app", "scopes"}, "config.yaml:19:7: tenant \"d\" has no `cerner.system_app.scopes`; add `scopes:` to the file by hand first", ErrKeyNotFound},
		{"", PathClientID, "config.yaml: 4 tenants (a, b, c, d); pick one with --tenant", ErrTenant},
		{"z", PathClientID, `config.yaml: no tenant "z"; available: a, b, c, d`, ErrTenant},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			f := mustParse(t, src)
			err := f.Set(tc.tenant, tc.path, "FAKE-new")
			if err == nil {
				t.Fatal("Set succeeded")
			}
			if got := strings.TrimSuffix(strings.TrimSuffix(err.Error(), ": "+tc.is.Error()), "; the file is unchanged"); got != tc.want {
				t.Errorf("error:\n got %q\nwant %q", err, tc.want)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error does not wrap %v", tc.is)
			}
			if string(f.Bytes()) != src {
				t.Error("a failed Set changed the content")
			}
			noSecret(t, "error", err.Error(), "FAKE-new")
		})
	}
	// Editing the alias itself replaces it with a plain value and leaves the anchor alone.
	f := mustParse(t, src)
	if err := f.Set("c", PathClientID, "44444444-2222-4333-8444-555555555555"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f.Bytes()), "client_id: &id 11111111") || !strings.Contains(string(f.Bytes()), "client_id: \"44444444-2222-4333-8444-555555555555\"\n") {
		t.Errorf("alias edit:\n%s", f.Bytes())
	}
}

func TestEditCRLF(t *testing.T) {
	src := strings.ReplaceAll(validConfig, "\n", "\r\n")
	f := mustParse(t, src)
	if err := f.SetSecret("", PathClientSecret, NewSecret(fakeSecret)); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, `"FAKE-old-secret-000000"`, `"`+fakeSecret+`"`, 1)
	if string(f.Bytes()) != want {
		t.Error("CRLF file: the edit changed more than the value")
	}
}

func TestEditNoChange(t *testing.T) {
	b, err := os.ReadFile("testdata/edits/basic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := mustParse(t, string(b))
	if err := f.Set("", PathClientID, "11111111-2222-4333-8444-555555555555"); err != nil || f.Changed() {
		t.Fatalf("setting the same value changed the file (err %v)", err)
	}
}
