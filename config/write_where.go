package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrNotWritable is wrapped when a value cannot be written where it lives:
// it is in the process environment, or a placeholder nothing defines.
var ErrNotWritable = errors.New("the value cannot be written where it lives")

// EnvironmentValueError is a secret that lives in the process environment.
// The environment wins over .env files (as with dotenv), so fhirdoctor
// cannot change it: the message says what the user must change.
type EnvironmentValueError struct {
	Key      string   // the YAML key naming the variable, e.g. cerner.system_app.client_secret
	Ref      Position // where the YAML names it
	Var      string
	Shadowed Position // a .env line defining Var too, which changes nothing while Var is set
}

func (e *EnvironmentValueError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is ${%s} (%s), and %s is set in the process environment, which wins over every .env file: fhirdoctor cannot write it. Update %s where it is set (the shell profile, the service's environment, the CI or secret manager's variable) and restart what reads it",
		e.Key, e.Var, e.Ref, e.Var, e.Var)
	if e.Shadowed.File != "" {
		fmt.Fprintf(&b, "; %s:%d defines %s too, but the environment shadows that line (unset %s to use it)", filepath.Base(e.Shadowed.File), e.Shadowed.Line, e.Var, e.Var)
	}
	b.WriteString("; nothing was written")
	return b.String()
}

func (e *EnvironmentValueError) Unwrap() error { return ErrNotWritable }

// Clone copies the file and the .env files read for it, so that edits to
// the copy (to show a diff, say) leave the original as it is. Saving the
// copy has the original's guarantees: it refuses if the disk changed since
// the original was read.
func (f *File) Clone() *File {
	g := *f
	if f.env != nil {
		e := *f.env
		g.env = &e
	}
	g.dotenvs = make(map[string]dotenvLoad, len(f.dotenvs))
	for k, l := range f.dotenvs {
		if l.d != nil {
			d := *l.d
			l.d = &d
		}
		g.dotenvs[k] = l
	}
	return &g
}

// SetSecretWhereItLives writes secret where the value at key (a path under
// the tenant, e.g. SystemApp.Key("client_secret")) lives: over a literal in
// the YAML, or, for a placeholder, on the line of the .env file that
// defines the variable; the placeholder itself is never replaced. It
// returns that .env file when it edited one (nil for the YAML). A variable
// in the process environment, or one nothing defines, is an error wrapping
// ErrNotWritable, and nothing is edited.
func (f *File) SetSecretWhereItLives(tenant string, key []string, secret Secret) (*Dotenv, error) {
	name, pos, src, err := f.locate(tenant, key)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, f.SetSecret(tenant, key, secret)
	}
	if err := notWritable(key, name, pos, src, f); err != nil {
		return nil, err
	}
	d, err := f.Dotenv(src.File)
	if err != nil {
		return nil, err
	}
	if err := d.SetSecret(name, secret); err != nil {
		return nil, err
	}
	return d, nil
}

// CheckWritable is nil when a new value for key can be written where the
// current one lives, else the error SetSecretWhereItLives would return
// (wrapping ErrNotWritable), so a command can refuse before asking for it.
func (f *File) CheckWritable(tenant string, key []string) error {
	name, pos, src, err := f.locate(tenant, key)
	if err != nil || name == "" {
		return err
	}
	return notWritable(key, name, pos, src, f)
}

// locate reads the value at key: the variable it names ("" for a literal
// or a missing key), where, and where the variable's value comes from.
func (f *File) locate(tenant string, key []string) (name string, pos Position, src Source, err error) {
	t, err := f.parsed()
	if err != nil {
		return "", pos, src, err
	}
	e, err := t.pickTenant(tenant)
	if err != nil {
		return "", pos, src, err
	}
	cur := t.deref(e.Value)
	var raw string
	for i, k := range key {
		mv, _ := t.lookup(cur, k)
		if mv == nil {
			return "", pos, src, nil
		}
		if i == len(key)-1 {
			raw, _ = t.scalar(mv.Value)
			pos = t.pos(mv.Value)
		}
		cur = t.deref(mv.Value)
	}
	name, ok := Placeholder(strings.TrimSpace(raw))
	if !ok {
		return "", pos, src, nil
	}
	return name, pos, f.resolve(name, pos).Source(), nil
}

func notWritable(key []string, name string, pos Position, src Source, f *File) error {
	switch src.Kind {
	case SourceDotenv:
		return nil
	case SourceEnvironment:
		return &EnvironmentValueError{Key: dotted(key), Ref: pos, Var: name, Shadowed: src.Shadowed}
	}
	return fmt.Errorf("%s: %s is ${%s}, which is not set (looked in %s): define it in a .env file or the environment first: %w", pos, dotted(key), name, f.whereLooked(), ErrNotWritable)
}

// Original is the content as read from disk (or last saved).
func (d *Dotenv) Original() []byte { return d.base }

// CredentialEdit is a rotation staged in memory: the config file and, when
// the secret lives in one, the .env file, both edited in place.
type CredentialEdit struct {
	File   *File
	Dotenv *Dotenv // nil when the secret lives in the YAML
	// Original is the config before the edit, for the diff.
	original []byte
	old      Secret
	secret   Secret
}

// StageCredentials edits the system app's client id (when it changes) and
// writes its secret where it lives, on f itself (use a Clone to preview).
// Nothing is edited when the secret cannot be written.
func (f *File) StageCredentials(t Tenant, clientID string, secret Secret) (*CredentialEdit, error) {
	app := t.Cerner.SystemApp
	ce := &CredentialEdit{File: f, original: f.Bytes(), old: app.ClientSecret, secret: secret}
	d, err := f.SetSecretWhereItLives(t.Name, app.Key("client_secret"), secret)
	if err != nil {
		return nil, err
	}
	ce.Dotenv = d
	if clientID != app.ClientID {
		if err := f.Set(t.Name, app.Key("client_id"), clientID); err != nil {
			return nil, err
		}
	}
	return ce, nil
}

// Diff is the redacted unified diff of every file the edit changes.
func (ce *CredentialEdit) Diff() string {
	var b strings.Builder
	if !bytesEqual(ce.original, ce.File.Bytes()) {
		b.WriteString(RedactedDiff(filepath.Base(ce.File.Path()), ce.original, ce.File.Bytes(), ce.old, ce.secret))
	}
	if d := ce.Dotenv; d != nil {
		b.WriteString(RedactedDiff(filepath.Base(d.Path()), d.Original(), d.Bytes(), ce.old, ce.secret))
	}
	return b.String()
}

// Files lists the paths the edit changes, the .env file first.
func (ce *CredentialEdit) Files() []string {
	var out []string
	if ce.Dotenv != nil && ce.Dotenv.Changed() {
		out = append(out, ce.Dotenv.Path())
	}
	if ce.File.Changed() {
		out = append(out, ce.File.Path())
	}
	return out
}

// Save writes the .env file (if edited), then the config (if edited), each
// with Save's guarantees. The .env file goes first: when only the secret
// changes, the config is not written at all.
func (ce *CredentialEdit) Save(opts SaveOptions) ([]SaveResult, error) {
	var out []SaveResult
	if d := ce.Dotenv; d != nil && d.Changed() {
		res, err := d.Save(opts)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	if ce.File.Changed() {
		res, err := ce.File.Save(opts)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }
