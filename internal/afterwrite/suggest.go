package afterwrite

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// EnvThen names the variable holding the command the wizard suggests for
// its "Run after writing" step (one per line).
const EnvThen = "FHIRDOCTOR_THEN"

// maxPackageJSON bounds the package.json read for suggestions.
const maxPackageJSON = 1 << 20

// Suggestion is a command the wizard offers to run after the write. It is
// only ever a suggestion: nothing runs until the user confirms it.
type Suggestion struct {
	Command string
	From    string // where it came from: "$FHIRDOCTOR_THEN", "package.json script test:cerner"
}

// Suggest lists the commands to offer: the lines of $FHIRDOCTOR_THEN, then
// the scripts of the backend root's package.json whose name mentions
// cerner, auth or test (in that order), run with the package manager whose
// lock file is there.
func Suggest(root string, getenv func(string) string) []Suggestion {
	var out []Suggestion
	if getenv != nil {
		for _, l := range strings.Split(getenv(EnvThen), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, Suggestion{Command: l, From: "$" + EnvThen})
			}
		}
	}
	return append(out, packageScripts(root)...)
}

func packageScripts(root string) []Suggestion {
	fi, err := os.Stat(filepath.Join(root, "package.json"))
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxPackageJSON {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(root, "package.json"))
	if err != nil {
		return nil
	}
	var pkg struct {
		Scripts map[string]json.RawMessage `json:"scripts"`
	}
	if json.Unmarshal(b, &pkg) != nil {
		return nil
	}
	rank := func(name string) int {
		n := strings.ToLower(name)
		switch {
		case strings.Contains(n, "cerner"):
			return 0
		case strings.Contains(n, "auth"):
			return 1
		case strings.Contains(n, "test"):
			return 2
		}
		return -1
	}
	var names []string
	for name := range pkg.Scripts {
		if rank(name) >= 0 && safeScriptName(name) {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := rank(names[i]), rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	runner := packageRunner(root)
	out := make([]Suggestion, 0, len(names))
	for _, name := range names {
		out = append(out, Suggestion{Command: runner + " " + name, From: "package.json script " + name})
	}
	return out
}

// safeScriptName keeps names that need no shell quoting: a suggestion is
// shown and run as it reads.
func safeScriptName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":-_.", r)) {
			return false
		}
	}
	return true
}

// packageRunner is the command that runs a script, by lock file.
func packageRunner(root string) string {
	for _, c := range []struct{ lock, run string }{
		{"pnpm-lock.yaml", "pnpm run"}, {"yarn.lock", "yarn run"}, {"bun.lockb", "bun run"}, {"bun.lock", "bun run"},
	} {
		if _, err := os.Stat(filepath.Join(root, c.lock)); err == nil {
			return c.run
		}
	}
	return "npm run"
}
