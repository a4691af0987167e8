package config

import (
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"
)

// AuditFileName is the audit trail written beside the config file.
const AuditFileName = "fhirdoctor-audit.log"

// AuditEntry is one line of the audit trail: who changed which credentials
// of which config, and whether the new ones were verified. It holds
// fingerprints, never a secret.
type AuditEntry struct {
	Time                 time.Time `json:"time"`
	User                 string    `json:"user"`
	Host                 string    `json:"host"`
	Config               string    `json:"config"`
	Tenant               string    `json:"tenant"`
	Action               string    `json:"action"`
	OldClientID          string    `json:"old_client_id"`
	NewClientID          string    `json:"new_client_id"`
	OldSecretFingerprint string    `json:"old_secret_fingerprint"`
	NewSecretFingerprint string    `json:"new_secret_fingerprint"`
	// Key rotations of JWT apps: key ids and the new key's RFC 7638
	// thumbprint (public: it identifies the key, it cannot sign).
	OldKeyID         string `json:"old_key_id,omitempty"`
	NewKeyID         string `json:"new_key_id,omitempty"`
	NewKeyThumbprint string `json:"new_key_thumbprint,omitempty"`
	Verification     string `json:"verification"`
	Backup           string `json:"backup,omitempty"`
	// SecretSource is where the old secret lived (config.yaml:19,
	// .env:4 (VAR)): the new one was written there.
	SecretSource string `json:"secret_source,omitempty"`
	// Written lists the files replaced: the .env file holding the secret,
	// the config when the client id changed.
	Written []string `json:"written,omitempty"`
	// Command is set for Action "then": a command run after the write.
	Command *AuditCommand `json:"command,omitempty"`
}

// AuditCommand records a command run after the write (rotate --then, the
// wizard's last step): its command line with every known secret replaced
// by its fingerprint, how it ended, and how long it took. Never its output.
type AuditCommand struct {
	Line       string `json:"line"`
	Dir        string `json:"dir"`
	Status     string `json:"status"`
	ExitStatus int    `json:"exit_status"` // -1 when it did not exit by itself
	DurationMS int64  `json:"duration_ms"`
}

// AppendAudit appends e as one JSON line to the audit log beside the config
// file it names (mode 0600), filling time, user and host when empty. It
// returns the log's path.
func AppendAudit(e AuditEntry) (string, error) {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if e.User == "" {
		if u, err := user.Current(); err == nil {
			e.User = u.Username
		}
	}
	if e.Host == "" {
		e.Host, _ = os.Hostname()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	path := filepath.Join(filepath.Dir(e.Config), AuditFileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return path, fmt.Errorf("audit log %s: %w", path, err)
	}
	// One write of one line: O_APPEND keeps concurrent writers' lines whole.
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return path, fmt.Errorf("audit log %s: %w", path, err)
	}
	return path, nil
}
