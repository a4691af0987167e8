package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOtherEnvironments(t *testing.T) {
	srv, err := Start(Options{Scenario: "secret-rotated", Dir: t.TempDir(), OtherEnvironments: []string{"staging"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	main, err := os.ReadFile(srv.Info().ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(filepath.Dir(srv.Info().ConfigFile), ".settings.staging", "config.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), string(main)) {
		t.Error("the staging config is not a copy of config.yaml")
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if _, err := Start(Options{Dir: t.TempDir(), OtherEnvironments: []string{"../x"}}); err == nil {
		t.Error("a path as an environment name was accepted")
	}
}
