package afterwrite

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSuggest(t *testing.T) {
	pkg := `{"name": "backend", "scripts": {"start": "node .", "test": "jest", "test:cerner": "jest cerner",
		"auth:check": "node auth.js", "lint": "eslint .", "cerner-smoke": "node smoke.js", "test; rm -rf /": "x"}}`
	cases := []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  []string
	}{
		{name: "nothing", want: nil},
		{name: "env only", env: map[string]string{EnvThen: "make restart\n  ./scripts/test-cerner-auth.sh \n"}, want: []string{"make restart", "./scripts/test-cerner-auth.sh"}},
		{name: "npm scripts ranked", files: map[string]string{"package.json": pkg},
			want: []string{"npm run cerner-smoke", "npm run test:cerner", "npm run auth:check", "npm run test"}},
		{name: "yarn", files: map[string]string{"package.json": `{"scripts": {"test": "jest"}}`, "yarn.lock": ""}, want: []string{"yarn run test"}},
		{name: "env first", files: map[string]string{"package.json": `{"scripts": {"test": "jest"}}`}, env: map[string]string{EnvThen: "make restart"}, want: []string{"make restart", "npm run test"}},
		{name: "broken package.json", files: map[string]string{"package.json": `{"scripts": `}, want: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for n, c := range tc.files {
				if err := os.WriteFile(filepath.Join(root, n), []byte(c), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, s := range Suggest(root, func(k string) string { return tc.env[k] }) {
				got = append(got, s.Command)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Suggest = %q, want %q", got, tc.want)
			}
		})
	}
}
