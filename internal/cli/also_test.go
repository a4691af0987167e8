package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
)

func alsoTenant(name, id string) string {
	return "  " + name + ":\n    cerner:\n      system_app:\n        client_id: " + id + "\n        client_secret: FAKE-secret\n" +
		"        token_url: https://auth.example/tenants/t/hosts/h/protocols/oauth2/profiles/smart-v1/token\n        scopes: system/Patient.read\n"
}

// TestResolveAlso: which tenants each --also value names, and the values
// refused before anything is written.
func TestResolveAlso(t *testing.T) {
	root := t.TempDir()
	write := func(env, text string) string {
		p := filepath.Join(root, ".settings."+env, "config.yaml")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("tenants:\n"+text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dev := write("dev", alsoTenant("default", "app-1")+alsoTenant("clinic-north", "app-1")+alsoTenant("staging", "app-1")+alsoTenant("other", "app-2"))
	write("staging", alsoTenant("default", "app-1")+alsoTenant("east", "app-1")+alsoTenant("x", "app-2"))
	write("qa", alsoTenant("default", "app-2"))
	f, err := config.Load(dev)
	if err != nil {
		t.Fatal(err)
	}
	ten, err := f.Tenant("default")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		values []string
		want   []string // env-dir/tenant
		err    string
	}{
		{values: []string{"clinic-north"}, want: []string{"dev/clinic-north"}},
		{values: []string{"env:staging"}, want: []string{"staging/default", "staging/east"}},
		{values: []string{"tenant:staging"}, want: []string{"dev/staging"}},
		{values: []string{"dev"}, want: []string{"dev/clinic-north", "dev/staging"}},
		{values: []string{"clinic-north", "tenant:clinic-north", "dev"}, want: []string{"dev/clinic-north", "dev/staging"}},
		{values: []string{"staging"}, err: "names both"},
		{values: []string{"prod"}, err: "no such environment or tenant"},
		{values: []string{"env:clinic-north"}, err: "no such environment"},
		{values: []string{"default"}, err: "is the tenant being rotated"},
		{values: []string{"other"}, err: "uses client id app-2"},
		{values: []string{"qa"}, err: "no other tenant of"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.values, ","), func(t *testing.T) {
			got, err := resolveAlso(&IOStreams{Getenv: func(string) string { return "" }}, f, ten, tc.values)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range got {
				names = append(names, strings.TrimPrefix(filepath.Base(filepath.Dir(a.path)), ".settings.")+"/"+a.tenant)
			}
			if strings.Join(names, " ") != strings.Join(tc.want, " ") {
				t.Errorf("targets = %v, want %v", names, tc.want)
			}
		})
	}
}
