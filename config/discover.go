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

// DefaultPaths are tried, relative to the working directory, when neither
// --config nor $FHIRDOCTOR_CONFIG is set.
var DefaultPaths = []string{
	filepath.Join(".settings.dev", "config.yaml"),
	filepath.Join("backend", ".settings.dev", "config.yaml"),
}

// NotFoundError says that no config file was found and where we looked.
type NotFoundError struct {
	Tried []string
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	b.WriteString("no config file found; tried:\n")
	for _, p := range e.Tried {
		b.WriteString("  " + p + "\n")
	}
	b.WriteString("start with `fhirdoctor demo` (no credentials needed), or point at a file with --config FILE or $" + EnvConfig)
	return b.String()
}

// Is makes errors.Is(err, fs.ErrNotExist) true, for callers that only care
// that the file is missing.
func (e *NotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// Discover picks the config file: flagPath (--config), then
// $FHIRDOCTOR_CONFIG, then DefaultPaths. A path given explicitly must exist:
// an explicit but missing file is not silently replaced by a default one.
// getenv is os.Getenv in production.
func Discover(flagPath string, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var tried []string
	if flagPath != "" {
		return explicit(flagPath, "--config")
	}
	if env := getenv(EnvConfig); env != "" {
		return explicit(env, "$"+EnvConfig)
	}
	for _, p := range DefaultPaths {
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			return p, nil
		case err == nil:
			tried = append(tried, p+" (not a regular file)")
		default:
			tried = append(tried, p)
		}
	}
	return "", &NotFoundError{Tried: append([]string{"--config (not set)", "$" + EnvConfig + " (not set)"}, tried...)}
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
