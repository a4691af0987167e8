package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
)

// Secret holds a credential (a client secret, an access token) so that it
// cannot be printed by accident. Every formatting path (String, GoString,
// %v, %+v, %#v, %q, JSON, text marshalling, slog) yields the mask with a
// fingerprint; the raw value is reachable only through Reveal, which is
// meant to be called where the value goes on the wire or into the file, and
// nowhere else (grep for it).
type Secret struct {
	v   string
	src Source
}

// NewSecret wraps a raw value.
func NewSecret(raw string) Secret { return Secret{v: raw} }

// WithSource returns the secret marked as living at src.
func (s Secret) WithSource(src Source) Secret { s.src = src; return s }

// Source says where the value lives (the zero Source for a value typed or
// built in code). Every output that shows the fingerprint shows it too.
func (s Secret) Source() Source { return s.src }

// Reveal returns the raw value. Call it only to put the value on the wire or
// into the config file.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// Equal compares two secrets' values (not their sources) without revealing
// either.
func (s Secret) Equal(o Secret) bool { return s.v == o.v }

// Fingerprint is "sha256:" and the first 8 hex digits of the SHA-256 of the
// value: enough to tell two secrets apart on screen, useless to an attacker.
// The empty secret has the fingerprint "(empty)".
func (s Secret) Fingerprint() string { return Fingerprint(s.v) }

// Fingerprint of a raw string, for values that are not yet a Secret (a token
// in a response body, say).
func Fingerprint(raw string) string {
	if raw == "" {
		return "(empty)"
	}
	sum := sha256.Sum256([]byte(raw))
	return "sha256:" + hex.EncodeToString(sum[:4])
}

// Mask is what every printing path shows.
func (s Secret) Mask() string {
	if s.v == "" {
		return "(empty)"
	}
	return "•••••• " + s.Fingerprint()
}

func (s Secret) String() string   { return s.Mask() }
func (s Secret) GoString() string { return "config.Secret{" + s.Mask() + "}" }

// Format covers every verb, so %x or %q cannot reach the raw bytes either.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.Mask())
	case 'v':
		if f.Flag('#') {
			_, _ = f.Write([]byte(s.GoString()))
			return
		}
		_, _ = f.Write([]byte(s.Mask()))
	default:
		_, _ = f.Write([]byte(s.Mask()))
	}
}

func (s Secret) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%q", s.Mask())), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Mask()), nil }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(s.Mask()) }
