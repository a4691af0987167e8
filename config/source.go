package config

import (
	"fmt"
	"path/filepath"
)

// SourceKind says where a secret's value comes from (docs/config.md, "Where
// a secret lives").
type SourceKind int

const (
	// SourceNone is a value that came from nowhere in particular: typed by
	// the user, or built in code.
	SourceNone SourceKind = iota
	// SourceYAML is a literal in the config file.
	SourceYAML
	// SourceDotenv is a placeholder resolved from a line of a .env file.
	SourceDotenv
	// SourceEnvironment is a placeholder resolved from the process
	// environment (or, for probe --from-env, the variable itself).
	SourceEnvironment
	// SourceUnresolved is a placeholder no variable defines: the value is
	// empty and the tenant is invalid.
	SourceUnresolved
)

// Source is where a value lives: the file and line to edit, or the variable
// to change. It is safe to print: it never holds the value.
type Source struct {
	Kind SourceKind
	// File is the config or .env file holding the value (SourceYAML,
	// SourceDotenv); Line is its 1-based line there.
	File string
	Line int
	// Var is the placeholder's variable (SourceDotenv, SourceEnvironment,
	// SourceUnresolved).
	Var string
	// Ref is where the YAML refers to the variable (`${Var}`), for a value
	// resolved from a placeholder.
	Ref Position
	// Shadowed is a .env line defining Var that the environment overrides
	// (SourceEnvironment only): editing it would change nothing.
	Shadowed Position
}

// String is the short form every output shows next to a fingerprint:
// `config.yaml:19`, `.env:4 (CERNER_CLIENT_SECRET)`,
// `environment (CERNER_CLIENT_SECRET)`.
func (s Source) String() string {
	switch s.Kind {
	case SourceYAML:
		return fmt.Sprintf("%s:%d", filepath.Base(s.File), s.Line)
	case SourceDotenv:
		return fmt.Sprintf("%s:%d (%s)", filepath.Base(s.File), s.Line, s.Var)
	case SourceEnvironment:
		return "environment (" + s.Var + ")"
	case SourceUnresolved:
		return "unresolved (" + s.Var + ")"
	}
	return ""
}

// Writable reports whether fhirdoctor can write a new value where this one
// lives: a YAML literal or a .env line. A value in the process environment
// (or unresolved) has to be changed by the user.
func (s Source) Writable() bool { return s.Kind == SourceYAML || s.Kind == SourceDotenv }
