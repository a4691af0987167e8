package afterwrite

import (
	"path/filepath"
	"strings"
)

// BackendRoot is the folder a command runs in: the one holding the
// config's .settings.<env>/ folder, which is the backend's working
// directory; for a config elsewhere, the config's own folder.
func BackendRoot(configPath string) string {
	dir := filepath.Dir(configPath)
	if base := filepath.Base(dir); strings.HasPrefix(base, ".settings.") && len(base) > len(".settings.") {
		return filepath.Dir(dir)
	}
	return dir
}
