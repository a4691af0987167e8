package afterwrite

import "github.com/fhirdoctor/fhirdoctor/config"

// BackendRoot is the folder a command runs in: the one holding the
// config's .settings.<env>/ folder, which is the backend's working
// directory; for a config elsewhere, the config's own folder. Callers that
// hold the loaded file use its Environment().Root, which is the same.
func BackendRoot(configPath string) string {
	return config.EnvironmentFor(configPath, "").Root
}
