package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHangHunt(t *testing.T) {
	dir := os.Getenv("FZDIR")
	if dir == "" {
		t.Skip()
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		lines := strings.Split(string(b), "\n")
		var v string
		var w uint8
		for _, l := range lines {
			if strings.HasPrefix(l, "string(") {
				v, _ = strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(l, "string("), ")"))
			}
			if strings.HasPrefix(l, "byte(") || strings.HasPrefix(l, "uint8(") {
				s := l[strings.Index(l, "(")+1 : len(l)-1]
				n, err := strconv.ParseUint(s, 0, 8)
				if err != nil { r, _ := strconv.Unquote(s); if len(r) > 0 { n = uint64(r[0]) } }
				w = uint8(n)
			}
		}
		start := time.Now()
		done := make(chan struct{})
		go func() {
			inputs := map[string]string{"basic.yaml": "", "empty.yaml": "", "styles.yaml": ""}
			_ = inputs
			for _, name := range []string{"basic.yaml", "empty.yaml", "styles.yaml"} {
				b, _ := os.ReadFile(filepath.Join("testdata", "edits", name))
				f, _ := Parse(name, b)
				for _, p := range [][]string{PathClientSecret, PathClientID} {
					for _, tn := range []string{"default", "prod"} {
						f.Set(tn, p, v)
					}
				}
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("hang on %s: %q (w=%d)", e.Name(), v, w)
		}
		_ = start
	}
}
