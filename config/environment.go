package config

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultEnvName is the environment when neither --env nor $NODE_ENV names
// one, as in the backend.
const DefaultEnvName = "dev"

// settingsPrefix is the folder prefix of an environment's config:
// .settings.<env>/config.yaml in the backend root.
const settingsPrefix = ".settings."

// Environment is what a config file is read with: the backend environment
// it belongs to, the backend root, and where placeholders are resolved
// (docs/config.md, "Where a secret lives").
type Environment struct {
	// Name is the environment (dev, staging, prod, ...).
	Name string
	// Root is the backend root, the folder holding .settings.<env>/: the
	// backend's working directory, against which private_key_path and the
	// default .env files are resolved.
	Root string
	// EnvFiles are the --env-file files, in order; empty means the defaults
	// (DotenvFiles).
	EnvFiles []string
	// LookupEnv reads the process environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// EnvironmentFor is the environment of the config at path: the backend root
// is the folder holding its .settings.<env>/ folder (or the config's own
// folder when it is not in one), and the name is name, else the <env> of
// that folder, else DefaultEnvName.
func EnvironmentFor(path, name string) Environment {
	dir := filepath.Dir(path)
	root := dir
	base := filepath.Base(dir)
	if strings.HasPrefix(base, settingsPrefix) && len(base) > len(settingsPrefix) {
		root = filepath.Dir(dir)
		if name == "" {
			name = strings.TrimPrefix(base, settingsPrefix)
		}
	}
	if name == "" {
		name = DefaultEnvName
	}
	return Environment{Name: name, Root: root}
}

// DotenvFiles are the .env files placeholders are resolved from, in order
// (the first that defines a variable wins): the --env-file ones, else
// .env.<env>.local, .env.<env>, .env.local and .env in the backend root.
func (e Environment) DotenvFiles() []string {
	if len(e.EnvFiles) > 0 {
		return e.EnvFiles
	}
	name := e.Name
	if name == "" {
		name = DefaultEnvName
	}
	var out []string
	for _, n := range []string{".env." + name + ".local", ".env." + name, ".env.local", ".env"} {
		out = append(out, filepath.Join(e.Root, n))
	}
	return out
}

func (e Environment) lookup(name string) (string, bool) {
	if e.LookupEnv != nil {
		return e.LookupEnv(name)
	}
	return os.LookupEnv(name)
}

// resolvePath makes a relative path from the config absolute against the
// backend root.
func (e Environment) resolvePath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	root := e.Root
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return filepath.Join(root, p)
}

// EnvConfigFile is one environment's config file in a backend root.
type EnvConfigFile struct {
	Env  string // the <env> of .settings.<env>
	Path string
}

// EnvironmentConfigs lists the .settings.<env>/config.yaml files in the
// backend root, sorted by environment name. Another environment's copy of a
// credential is one a rotation may have left stale.
func EnvironmentConfigs(root string) []EnvConfigFile {
	matches, _ := filepath.Glob(filepath.Join(globEscape(root), settingsPrefix+"*", "config.yaml"))
	var out []EnvConfigFile
	for _, m := range matches {
		if fi, err := os.Stat(m); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		env := strings.TrimPrefix(filepath.Base(filepath.Dir(m)), settingsPrefix)
		if env == "" {
			continue
		}
		out = append(out, EnvConfigFile{Env: env, Path: m})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Env < out[j].Env })
	return out
}

// OtherEnvironmentConfigs is EnvironmentConfigs without the file at path.
func OtherEnvironmentConfigs(path string) []EnvConfigFile {
	env := EnvironmentFor(path, "")
	self, _ := filepath.Abs(path)
	var out []EnvConfigFile
	for _, c := range EnvironmentConfigs(env.Root) {
		if abs, _ := filepath.Abs(c.Path); abs == self || sameFile(abs, self) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
