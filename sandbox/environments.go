package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeOtherEnvironments writes Options.OtherEnvironments' configs: a copy
// of config.yaml, same client id and secret, in .settings.<env>/ beside
// it, where a backend keeps each environment's settings. A real team's
// staging file shares the dev app more often than not, and regenerating
// the secret breaks both: the demo shows that.
func (s *Server) writeOtherEnvironments() error {
	for _, env := range s.opts.OtherEnvironments {
		if env == "" || strings.ContainsAny(env, `/\`) || strings.HasPrefix(env, ".") {
			return fmt.Errorf("sandbox: %q is not an environment name", env)
		}
		dir := filepath.Join(s.dir, ".settings."+env)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("sandbox: create %s: %w", dir, err)
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "# The %s environment's settings: the same system app as %s.\n", env, s.configFile())
		b.Write(s.config)
		p := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			return fmt.Errorf("sandbox: write %s: %w", p, err)
		}
		if err := os.Chmod(p, 0o600); err != nil {
			return fmt.Errorf("sandbox: restrict %s: %w", p, err)
		}
	}
	return nil
}
