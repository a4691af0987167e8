package afterwrite

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// Written is the rotation that just happened: what Compute measures the
// rest of the system against.
type Written struct {
	Config string // the config file written
	// Env is the environment it was read in (dev, staging, ...).
	Env         string
	Tenant      string
	OldClientID string
	ClientID    string
	OldSecret   config.Secret
	Secret      config.Secret
	// TokenLifetime is the expires_in of the token the new credentials got:
	// the server issues every token of this app for as long, so a token the
	// backend cached before the regeneration works at most that long after
	// it. 0 when unknown (the write was not verified).
	TokenLifetime time.Duration
	// KeyID is the new key id of a JWT app's rotation ("" for a secret):
	// places with the same client id and another key id are stale.
	KeyID string
	// OldKeyFile is the private key a JWT app's rotation replaced: to retire
	// once the backend runs with the new one.
	OldKeyFile string
	// NewKeyFile is the private key the rotation wrote: a stale place of the
	// same app adopts it (rotate --adopt-key), so the server, which knows
	// one key per kid, sees one key.
	NewKeyFile string
	// Load reads another config file; nil means config.Load.
	Load func(path string) (*config.File, error)
	// Getenv reads the process environment (for the CERNER_* variables the
	// backend falls back to); nil means none is consulted.
	Getenv func(string) string
}

// PlaceStatus says whether another place's copy of the credentials still
// works after the rotation.
type PlaceStatus string

const (
	// Stale: same client id, another secret. After a regeneration the old
	// secret is refused, so this place is broken (or soon will be, once its
	// cached token expires).
	Stale PlaceStatus = "stale"
	// Updated: it already holds the new secret (a shared .env file, say).
	Updated PlaceStatus = "updated"
	// OldApp: it uses the client id this rotation moved away from (a new
	// app, Option B). The old app still works until someone deletes it.
	OldApp PlaceStatus = "old-app"
)

// Place is another tenant, in this file or another environment's, that
// uses the rotated client id.
type Place struct {
	Env         string      `json:"env,omitempty"` // the <env> of its .settings.<env>/ folder
	File        string      `json:"file"`
	Tenant      string      `json:"tenant"`
	Status      PlaceStatus `json:"status"`
	ClientID    string      `json:"client_id"`
	Fingerprint string      `json:"secret_fingerprint"`
	// OldSecret: the stale value is the one the rotation replaced (rather
	// than some other secret).
	OldSecret bool `json:"old_secret,omitempty"`
	// Source is where its secret lives (config.yaml:19, .env:4 (VAR),
	// environment (VAR)).
	Source string `json:"source,omitempty"`
	// ByHand: fhirdoctor cannot write its value (it lives in the process
	// environment).
	ByHand bool `json:"by_hand,omitempty"`
	// Also is the `rotate --also` value that updates it ("" for ByHand and
	// for a key rotation's places).
	Also string `json:"also,omitempty"`
	// Adopt is, after a key rotation, the command that gives this place the
	// new key once it is tested there (rotate --adopt-key ... --tenant).
	Adopt string `json:"adopt,omitempty"`
}

// Remains is what a rotation leaves to do before the running system uses
// the new credentials.
type Remains struct {
	ClientID string `json:"client_id"`
	// CachedTokenSeconds bounds how long after the regeneration a token the
	// backend cached may keep working (0: unknown). Until the backend
	// restarts or reloads, it runs on that token and then fails.
	CachedTokenSeconds int     `json:"cached_token_max_seconds"`
	Places             []Place `json:"places"`
	// ByHand are values outside any file fhirdoctor can write: environment
	// variables, CI variables, secret managers.
	ByHand []string `json:"by_hand"`
	// KeyID is the new key id after a JWT app's key rotation ("" after a
	// secret's): the backend must restart to sign with it.
	KeyID string `json:"key_id,omitempty"`
	// RetireKey is the old private key file of a JWT app.
	RetireKey string `json:"retire_key,omitempty"`
	// Unreadable are config files that could not be checked, with why.
	Unreadable []string `json:"unreadable,omitempty"`

	secrets   []config.Secret
	clientIDs []string
}

// Stale lists the places still on the old credentials that fhirdoctor can
// update (rotate --also, the wizard's list). A key rotation's are not among
// them: each adopts the key with its own command (Place.Adopt).
func (r Remains) Stale() []Place {
	var out []Place
	for _, p := range r.Places {
		if p.Status == Stale && !p.ByHand && p.Also != "" {
			out = append(out, p)
		}
	}
	return out
}

// Secrets are every secret Compute read (and the old and new ones), for a
// Scrubber; ClientIDs are the ids they may be paired with.
func (r Remains) Secrets() []config.Secret { return r.secrets }
func (r Remains) ClientIDs() []string      { return r.clientIDs }

// Compute looks at every tenant of the written file and of the other
// environments' files beside it, and reports the ones that share the
// rotated client id.
func Compute(w Written) Remains {
	load := w.Load
	if load == nil {
		load = config.Load
	}
	r := Remains{
		ClientID:           w.ClientID,
		CachedTokenSeconds: int(w.TokenLifetime / time.Second),
		KeyID:              w.KeyID,
		RetireKey:          w.OldKeyFile,
		Places:             []Place{},
		ByHand:             []string{},
		secrets:            []config.Secret{w.OldSecret, w.Secret},
		clientIDs:          uniq(w.OldClientID, w.ClientID),
	}
	files := append([]config.EnvConfigFile{{Env: w.Env, Path: w.Config}}, config.OtherEnvironmentConfigs(w.Config)...)
	for i, ef := range files {
		f, err := load(ef.Path)
		if err != nil {
			r.Unreadable = append(r.Unreadable, fmt.Sprintf("%s: %v", ef.Path, err))
			continue
		}
		for _, name := range f.TenantNames() {
			if i == 0 && name == w.Tenant {
				continue
			}
			t, err := f.Tenant(name)
			if err != nil {
				continue
			}
			sa := t.Cerner.SystemApp
			r.secrets = append(r.secrets, sa.ClientSecret)
			r.clientIDs = uniq(append(r.clientIDs, sa.ClientID)...)
			p := Place{Env: ef.Env, File: ef.Path, Tenant: name, ClientID: sa.ClientID, Fingerprint: credential(sa)}
			switch {
			case sa.ClientID == w.ClientID && sameCredential(sa, w):
				p.Status = Updated
			case sa.ClientID == w.ClientID:
				p.Status = Stale
				p.OldSecret = sa.ClientSecret.Equal(w.OldSecret)
			case sa.ClientID == w.OldClientID:
				p.Status = OldApp
			default:
				continue
			}
			p.Source, p.ByHand = placeSource(sa, ef.Path)
			switch {
			case w.KeyID != "" && p.Status == Stale:
				p.Adopt = adoptCommand(w, ef.Path, name)
			case !p.ByHand && p.Status != Updated:
				p.Also = name
				if i > 0 {
					p.Also = ef.Env
				}
			}
			if p.ByHand && p.Status != Updated {
				r.ByHand = append(r.ByHand, fmt.Sprintf("%s (tenant %s of %s)", p.Source, name, ef.Path))
			}
			r.Places = append(r.Places, p)
		}
	}
	if w.Getenv != nil {
		// The variables the backend falls back to without its YAML (and
		// `probe --from-env` reads).
		if v := w.Getenv("CERNER_CLIENT_SECRET"); v != "" && !config.NewSecret(v).Equal(w.Secret) {
			if id := w.Getenv("CERNER_CLIENT_ID"); id == "" || id == w.ClientID || id == w.OldClientID {
				r.ByHand = append(r.ByHand, "environment (CERNER_CLIENT_SECRET): holds "+config.Fingerprint(v))
			}
			r.secrets = append(r.secrets, config.NewSecret(v))
		}
	}
	if !w.Secret.Equal(w.OldSecret) && !w.Secret.IsZero() {
		r.ByHand = append(r.ByHand, "CI variables and secret managers that hold the old secret "+w.OldSecret.Fingerprint()+" (fhirdoctor cannot see them)")
	}
	return r
}

// credential is what tells a place's credentials apart on screen: the
// secret's fingerprint, or a JWT app's key id.
func credential(a config.SystemApp) string {
	if a.AuthMethod() == config.AuthPrivateKeyJWT {
		return "key " + a.KeyID
	}
	return a.ClientSecret.Fingerprint()
}

// sameCredential: the place already authenticates the way the rotation set.
func sameCredential(a config.SystemApp, w Written) bool {
	if w.KeyID != "" || a.AuthMethod() == config.AuthPrivateKeyJWT {
		return a.KeyID == w.KeyID
	}
	return a.ClientSecret.Equal(w.Secret)
}

// placeSource says where a place's credential lives, and whether only the
// user can change it there (a value in the process environment, or a
// placeholder nothing defines).
func placeSource(a config.SystemApp, file string) (string, bool) {
	if a.AuthMethod() == config.AuthPrivateKeyJWT {
		return a.PrivateKeyPath, false
	}
	src := a.ClientSecret.Source()
	switch src.Kind {
	case config.SourceEnvironment, config.SourceUnresolved:
		return src.String(), true
	case config.SourceNone:
		return filepath.Base(file), false
	}
	return src.String(), false
}

func uniq(ss ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// adoptCommand is the rotate --adopt-key line that gives another tenant of
// the same app the key a rotation wrote: tested there before it is written.
func adoptCommand(w Written, file, tenant string) string {
	key := w.NewKeyFile
	if key == "" {
		key = "NEW-KEY.pem"
	}
	return "fhirdoctor rotate --adopt-key " + ShellWord(key) + " --kid " + ShellWord(w.KeyID) +
		" --config " + ShellWord(file) + " --tenant " + ShellWord(tenant)
}

// ShellWord quotes s for a POSIX shell when it needs it: the commands
// fhirdoctor prints for people to paste.
func ShellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
