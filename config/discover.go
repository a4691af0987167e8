package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvConfig names the environment variable consulted after --config.
const EnvConfig = "FHIRDOCTOR_CONFIG"

// EnvNodeEnv names the backend's environment variable for its environment.
const EnvNodeEnv = "NODE_ENV"

// DefaultPaths are tried, relative to the working directory, when neither
// --config nor $FHIRDOCTOR_CONFIG is set, for the environment envName.
func DefaultPaths(envName string) []string {
	if envName == "" {
		envName = DefaultEnvName
	}
	return []string{
		filepath.Join(settingsPrefix+envName, "config.yaml"),
		filepath.Join("backend", settingsPrefix+envName, "config.yaml"),
	}
}

// NotFoundError says that no config file was found and where we looked.
type NotFoundError struct {
	Tried []string
	Env   string // how the environment was chosen, e.g. "--env prod"; "" for an explicit path
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	b.WriteString("no config file found")
	if e.Env != "" {
		b.WriteString(" for " + e.Env)
	}
	b.WriteString("; tried:\n")
	for _, p := range e.Tried {
		b.WriteString("  " + p + "\n")
	}
	b.WriteString("start with `fhirdoctor demo` (no credentials needed), or point at a file with --config FILE or $" + EnvConfig)
	return b.String()
}

// Is makes errors.Is(err, fs.ErrNotExist) true, for callers that only care
// that the file is missing.
func (e *NotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// Discover picks the config file for the default environment; see
// DiscoverEnv.
func Discover(flagPath string, getenv func(string) string) (string, error) {
	d, err := DiscoverEnv(flagPath, "", nil, getenv)
	return d.Path, err
}

// Discovery is the config file found and the environment it is read with.
type Discovery struct {
	Path string
	Env  Environment
}

// DiscoverEnv picks the config file: flagPath (--config), then
// $FHIRDOCTOR_CONFIG, then DefaultPaths of the environment, which is
// envName (--env), else $NODE_ENV, else dev, as the backend picks
// .settings.${NODE_ENV}. A path given explicitly must exist: an explicit but
// missing file is not silently replaced by a default one. The environment
// of an explicit file in a .settings.<env>/ folder is that <env> unless
// --env says otherwise. envFiles are the --env-file files. getenv is
// os.Getenv in production.
func DiscoverEnv(flagPath, envName string, envFiles []string, getenv func(string) string) (Discovery, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	name := envName
	if name == "" {
		name = getenv(EnvNodeEnv)
	}
	found := func(p string) (Discovery, error) {
		e := EnvironmentFor(p, envName)
		if envName == "" && !inSettingsDir(p) && name != "" {
			e.Name = name
		}
		e.EnvFiles = envFiles
		return Discovery{Path: p, Env: e}, nil
	}
	if flagPath != "" {
		p, err := explicit(flagPath, "--config")
		if err != nil {
			return Discovery{}, err
		}
		return found(p)
	}
	if env := getenv(EnvConfig); env != "" {
		p, err := explicit(env, "$"+EnvConfig)
		if err != nil {
			return Discovery{}, err
		}
		return found(p)
	}
	var tried []string
	for _, p := range DefaultPaths(name) {
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			return found(p)
		case err == nil:
			tried = append(tried, p+" (not a regular file)")
		default:
			tried = append(tried, p)
		}
	}
	how := "the default environment"
	switch {
	case envName != "":
		how = "--env " + envName
	case name != "":
		how = "$" + EnvNodeEnv + "=" + name
	}
	return Discovery{}, &NotFoundError{Tried: append([]string{"--config (not set)", "$" + EnvConfig + " (not set)"}, tried...), Env: how}
}

func inSettingsDir(p string) bool {
	b := filepath.Base(filepath.Dir(p))
	return strings.HasPrefix(b, settingsPrefix) && len(b) > len(settingsPrefix)
}

func explicit(p, source string) (string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &NotFoundError{Tried: []string{p + " (from " + source + ")"}}
		}
		return "", fmt.Errorf("config file %s (from %s): %w", p, source, err)
	}
	if fi.IsDir() {
		return "", fmt.Errorf("config file %s (from %s) is a directory; pass the file itself, e.g. %s", p, source, filepath.Join(p, "config.yaml"))
	}
	return p, nil
}
