package afterwrite

import (
	"strings"
	"sync"
)

// tailBytes is how much of a command's output a Result keeps for the
// summary and the report: the end of a test run is where its verdict is.
const tailBytes = 4 << 10

// tail keeps the last tailBytes of scrubbed output, cut at a line start.
type tail struct {
	mu sync.Mutex
	b  strings.Builder
}

func (t *tail) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.WriteString(s)
	if t.b.Len() <= 2*tailBytes {
		return
	}
	keep := t.b.String()[t.b.Len()-tailBytes:]
	if i := strings.IndexByte(keep, '\n'); i >= 0 && i+1 < len(keep) {
		keep = keep[i+1:]
	}
	t.b.Reset()
	t.b.WriteString(keep)
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.b.String()
	if len(s) > tailBytes {
		s = s[len(s)-tailBytes:]
		if i := strings.IndexByte(s, '\n'); i >= 0 && i+1 < len(s) {
			s = s[i+1:]
		}
	}
	return s
}
