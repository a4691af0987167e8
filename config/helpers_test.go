package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// fakeSecret is the credential the tests write; no test output may show it.
const fakeSecret = "FAKE-n3w-s3cr3t-0123456789abcdef"

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the output:\n%s", path, RedactedDiff(name, want, got, NewSecret(fakeSecret)))
	}
}

// writeTemp writes content to dir/config.yaml and returns the path.
func writeTemp(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustParse(t *testing.T, content string) *File {
	t.Helper()
	f, err := Parse("config.yaml", []byte(content))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noSecret fails when s contains the raw fake secret.
func noSecret(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range append(secrets, fakeSecret) {
		if sec != "" && strings.Contains(s, sec) {
			t.Fatalf("%s contains a raw secret", what)
		}
	}
}

const validConfig = `# fhirdoctor config (FAKE credentials)
tenants:
  default:
    cerner:
      system_app:
        client_id: "11111111-2222-4333-8444-555555555555"
        client_secret: "FAKE-old-secret-000000"
        token_url: "https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token"
        scopes: "system/Patient.read system/Observation.read"
`
