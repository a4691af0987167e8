package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	mk := func(p string) string {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(validConfig), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flagFile := mk("flag.yaml")
	envFile := mk("env.yaml")
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvConfig {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		flag     string
		env      string
		setup    func()
		want     string
		errParts []string
	}{
		{name: "nothing", errParts: []string{".settings.dev/config.yaml", "backend/.settings.dev/config.yaml", "fhirdoctor demo", "--config"}},
		{name: "flag wins", flag: flagFile, env: envFile, want: flagFile},
		{name: "env next", env: envFile, want: envFile},
		{name: "missing flag file is not replaced by a default", flag: "nope.yaml", setup: func() { mk(DefaultPaths("")[0]) }, errParts: []string{"nope.yaml (from --config)"}},
		{name: "missing env file", env: "gone.yaml", errParts: []string{"gone.yaml (from $FHIRDOCTOR_CONFIG)"}},
		{name: "flag is a directory", flag: dir, errParts: []string{"is a directory"}},
		{name: "first default", want: DefaultPaths("")[0]},
		{name: "backend default", setup: func() { os.Remove(DefaultPaths("")[0]); mk(DefaultPaths("")[1]) }, want: DefaultPaths("")[1]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			got, err := Discover(tc.flag, env(tc.env))
			if tc.errParts != nil {
				if err == nil {
					t.Fatalf("Discover = %q, want an error", got)
				}
				for _, p := range tc.errParts {
					if !strings.Contains(err.Error(), p) {
						t.Errorf("error %q does not mention %q", err, p)
					}
				}
				var nf *NotFoundError
				if errors.As(err, &nf) && !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("NotFoundError is not fs.ErrNotExist")
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Discover = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDiscoverEnv(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, p := range []string{".settings.dev/config.yaml", "backend/.settings.prod/config.yaml", ".settings.staging/config.yaml", "other/config.yaml"} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(validConfig), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, flag, envName, nodeEnv string
		wantPath, wantEnv, wantRoot  string
		err                          string
	}{
		{name: "default dev", wantPath: ".settings.dev/config.yaml", wantEnv: "dev", wantRoot: "."},
		{name: "--env prod finds backend/", envName: "prod", wantPath: "backend/.settings.prod/config.yaml", wantEnv: "prod", wantRoot: "backend"},
		{name: "NODE_ENV", nodeEnv: "staging", wantPath: ".settings.staging/config.yaml", wantEnv: "staging", wantRoot: "."},
		{name: "--env over NODE_ENV", envName: "prod", nodeEnv: "staging", wantPath: "backend/.settings.prod/config.yaml", wantEnv: "prod", wantRoot: "backend"},
		{name: "explicit file names its env", flag: "backend/.settings.prod/config.yaml", nodeEnv: "staging", wantPath: "backend/.settings.prod/config.yaml", wantEnv: "prod", wantRoot: "backend"},
		{name: "explicit file elsewhere takes NODE_ENV", flag: "other/config.yaml", nodeEnv: "staging", wantPath: "other/config.yaml", wantEnv: "staging", wantRoot: "other"},
		{name: "missing env", envName: "qa", err: "no config file found for --env qa; tried:\n  --config (not set)\n  $FHIRDOCTOR_CONFIG (not set)\n  .settings.qa/config.yaml\n  backend/.settings.qa/config.yaml\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == EnvNodeEnv {
					return tc.nodeEnv
				}
				return ""
			}
			d, err := DiscoverEnv(tc.flag, tc.envName, []string{"x.env"}, getenv)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Path != tc.wantPath || d.Env.Name != tc.wantEnv || d.Env.Root != tc.wantRoot || len(d.Env.EnvFiles) != 1 {
				t.Errorf("got %q env %q root %q files %v", d.Path, d.Env.Name, d.Env.Root, d.Env.EnvFiles)
			}
		})
	}
	others := OtherEnvironmentConfigs(".settings.dev/config.yaml")
	if len(others) != 1 || others[0].Env != "staging" {
		t.Errorf("other environments = %+v, want staging", others)
	}
}
