package config

import (
	"strings"
	"testing"
)

func TestRedactedDiff(t *testing.T) {
	oldSecret, newSecret := "FAKE-old-secret-000000", fakeSecret
	tests := []struct {
		name     string
		old, new string
		secrets  []Secret
		want     []string // lines the diff must contain
	}{
		{
			name:    "secret line, secrets given",
			old:     "a: 1\nclient_secret: \"" + oldSecret + "\"\n",
			new:     "a: 1\nclient_secret: \"" + newSecret + "\"\n",
			secrets: []Secret{NewSecret(oldSecret), NewSecret(newSecret)},
			want:    []string{"-client_secret: " + NewSecret(oldSecret).Mask(), "+client_secret: " + NewSecret(newSecret).Mask()},
		},
		{
			name: "secret line, no secrets given: the fingerprint is of the decoded value",
			old:  "client_secret: 'FAKE-it''s'\n",
			new:  "client_secret: \"" + newSecret + "\"   # new\n",
			want: []string{"-client_secret: " + NewSecret("FAKE-it's").Mask(), "+client_secret: " + NewSecret(newSecret).Mask()},
		},
		{
			name:    "secret anywhere else",
			old:     "# old one was " + newSecret + "\nx: 1\n",
			new:     "# old one was " + newSecret + "\nx: 2\n",
			secrets: []Secret{NewSecret(newSecret)},
			want:    []string{" # old one was " + NewSecret(newSecret).Mask(), "-x: 1", "+x: 2"},
		},
		{
			name: "block scalar secret",
			old:  "s:\n  client_secret: |\n    " + oldSecret + "\n  b: 1\n",
			new:  "s:\n  client_secret: \"" + newSecret + "\"\n  b: 1\n",
			want: []string{"-  client_secret: " + NewSecret(oldSecret+"\n").Mask(), "+  client_secret: " + NewSecret(newSecret).Mask(), "   b: 1"},
		},
		{
			name: "other credential keys",
			old:  "password: FAKE-pw1\naccess_token: FAKE-tok1\ntoken_url: https://x\n",
			new:  "password: FAKE-pw2\naccess_token: FAKE-tok2\ntoken_url: https://y\n",
			want: []string{"-password: " + NewSecret("FAKE-pw1").Mask(), "+access_token: " + NewSecret("FAKE-tok2").Mask(), "+token_url: https://y"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := RedactedDiff("config.yaml", []byte(tc.old), []byte(tc.new), tc.secrets...)
			noSecret(t, "diff", d, oldSecret, "FAKE-it", "FAKE-pw", "FAKE-tok")
			if !strings.HasPrefix(d, "--- a/config.yaml\n+++ b/config.yaml\n") {
				t.Errorf("missing header:\n%s", d)
			}
			lines := strings.Split(d, "\n")
			for _, w := range tc.want {
				found := false
				for _, l := range lines {
					found = found || l == w
				}
				if !found {
					t.Errorf("diff lacks line %q:\n%s", w, d)
				}
			}
		})
	}
	if d := RedactedDiff("x", []byte("a: 1\n"), []byte("a: 1\n")); d != "" {
		t.Errorf("equal inputs give %q", d)
	}
}
