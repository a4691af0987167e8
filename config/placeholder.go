package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// placeholderRE is a whole value that names a variable: ${VAR} or $VAR. A
// value that merely contains `$` is a literal (docs/config.md).
var placeholderRE = regexp.MustCompile(`^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$`)

// Placeholder returns the variable a value names, if the whole value is
// ${VAR} or $VAR.
func Placeholder(v string) (string, bool) {
	m := placeholderRE.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	return m[1] + m[2], true
}

// SetEnvironment sets what the file is read with (placeholders, the
// backend root). Without it, the file is read with EnvironmentFor(path, "")
// and the process environment.
func (f *File) SetEnvironment(e Environment) {
	f.env = &e
	f.dotenvs = nil
}

// Environment is what the file is read with.
func (f *File) Environment() Environment {
	if f.env == nil {
		e := EnvironmentFor(f.path, "")
		f.env = &e
	}
	return *f.env
}

type dotenvLoad struct {
	d   *Dotenv
	err error
}

// Dotenv returns the .env file at path as it was read to resolve this
// file's placeholders (so that saving it refuses if it changed since).
func (f *File) Dotenv(path string) (*Dotenv, error) {
	if f.dotenvs == nil {
		f.dotenvs = map[string]dotenvLoad{}
	}
	if l, ok := f.dotenvs[path]; ok {
		return l.d, l.err
	}
	d, err := LoadDotenv(path)
	f.dotenvs[path] = dotenvLoad{d, err}
	return d, err
}

// resolve reads variable name where the backend would: the process
// environment, then the .env files in order. ref is where the YAML names it.
func (f *File) resolve(name string, ref Position) Secret {
	env := f.Environment()
	var shadowed Position
	for _, p := range env.DotenvFiles() {
		d, err := f.Dotenv(p)
		if err != nil {
			continue
		}
		if _, line, ok := d.Lookup(name); ok {
			shadowed = Position{File: p, Line: line}
			break
		}
	}
	if v, ok := env.lookup(name); ok {
		return NewSecret(v).WithSource(Source{Kind: SourceEnvironment, Var: name, Ref: ref, Shadowed: shadowed})
	}
	if shadowed.File != "" {
		d, _ := f.Dotenv(shadowed.File)
		v, _, _ := d.Lookup(name)
		return NewSecret(v).WithSource(Source{Kind: SourceDotenv, File: shadowed.File, Line: shadowed.Line, Var: name, Ref: ref})
	}
	return Secret{}.WithSource(Source{Kind: SourceUnresolved, Var: name, Ref: ref})
}

// whereLooked says where an unresolved variable was looked for, for the
// config-invalid message.
func (f *File) whereLooked() string {
	env := f.Environment()
	var names []string
	for _, p := range env.DotenvFiles() {
		n := filepath.Base(p)
		if _, err := f.Dotenv(p); err != nil {
			if notExist(err) {
				n += " (absent)"
			} else {
				n += " (unreadable)"
			}
		}
		names = append(names, n)
	}
	where := "in " + env.Root
	if len(env.EnvFiles) > 0 {
		where = "given with --env-file"
	}
	return fmt.Sprintf("the process environment, then %s %s", strings.Join(names, ", "), where)
}
