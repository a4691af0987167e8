package config

import (
	"fmt"
	"sort"
)

// Severity ranks a Finding.
type Severity int

const (
	// SeverityError makes the config unusable: validate exits 1.
	SeverityError Severity = iota
	// SeverityWarning is worth knowing but does not stop anything.
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Position is a place in a file. Line and Col are 1-based (Col counts
// characters, not bytes); Line 0 means the whole file.
type Position struct {
	File      string
	Line, Col int
}

func (p Position) String() string {
	switch {
	case p.Line <= 0:
		return p.File
	case p.Col <= 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Finding is one validation result.
type Finding struct {
	Severity Severity
	Pos      Position
	Tenant   string // "" for file-level findings
	Key      string // dotted path under the tenant, e.g. cerner.system_app.token_url
	Part     Part   // the part of the tenant it is about
	Message  string
}

// Part is a part of a tenant a command may use (a bit set), so that a
// command is refused only for errors in what it touches (scoped
// validation, docs/config.md).
type Part uint8

const (
	// PartTenant is the tenant as a whole: its shape, its vendor.
	PartTenant Part = 1 << iota
	// PartSystemApp is the system app: what a token request and rotate use.
	PartSystemApp
	// PartFHIR is the FHIR server: base_url, the test patients.
	PartFHIR
	// PartProviderApp is the provider app.
	PartProviderApp

	// PartAll is every part: `config validate`.
	PartAll = PartTenant | PartSystemApp | PartFHIR | PartProviderApp
)

// String is the compiler-style "file:line:col: error: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Pos, f.Severity, f.Message)
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Pos, fs[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return fs[i].Severity < fs[j].Severity
	})
}
