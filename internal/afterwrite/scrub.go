package afterwrite

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// Scrubber replaces every form of a known secret in text with the secret's
// fingerprint: the raw value, its form-URL and path encodings, and the
// Basic credential built from it with each known client id. A command run
// after the write may print the config it reads (or a token request it
// makes); what fhirdoctor shows and records of that output holds only
// fingerprints.
type Scrubber struct {
	// pairs is old, new, old, new... for strings.Replacer, longest needle
	// first so a Basic value is replaced whole, not around a raw secret.
	r       *strings.Replacer
	longest int
}

// NewScrubber scrubs secrets; clientIDs are the ids the secrets may be
// paired with in a Basic credential.
func NewScrubber(secrets []config.Secret, clientIDs ...string) *Scrubber {
	type pair struct{ needle, fp string }
	seen := map[string]bool{}
	var pairs []pair
	add := func(needle, fp string) {
		if needle == "" || seen[needle] {
			return
		}
		seen[needle] = true
		pairs = append(pairs, pair{needle, fp})
	}
	for _, s := range secrets {
		if s.IsZero() {
			continue
		}
		raw, fp := s.Reveal(), s.Fingerprint()
		for _, id := range clientIDs {
			add(base64.StdEncoding.EncodeToString([]byte(id+":"+raw)), fp)
			add(base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(raw))), fp)
		}
		add(raw, fp)
		add(url.QueryEscape(raw), fp)
		add(url.PathEscape(raw), fp)
	}
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].needle) > len(pairs[j].needle) })
	sc := &Scrubber{}
	var args []string
	for _, p := range pairs {
		args = append(args, p.needle, p.fp)
		sc.longest = max(sc.longest, len(p.needle))
	}
	if len(args) > 0 {
		sc.r = strings.NewReplacer(args...)
	}
	return sc
}

// String scrubs s.
func (sc *Scrubber) String(s string) string {
	if sc == nil || sc.r == nil {
		return s
	}
	return sc.r.Replace(s)
}

// maxLine bounds what a lineWriter holds back waiting for a newline: a
// command printing megabytes without one still streams.
const maxLine = 64 << 10

// lineWriter scrubs a stream line by line: a secret never spans a line (the
// pasted-value normaliser refuses line breaks), so scrubbing whole lines
// cannot miss one split across two writes. '\r' ends a line too, so
// progress bars still move. It is safe for concurrent use, so a command's
// stdout and stderr can share one.
type lineWriter struct {
	mu   sync.Mutex
	sc   *Scrubber
	out  io.Writer
	buf  []byte
	tail *tail
}

func newLineWriter(sc *Scrubber, out io.Writer, t *tail) *lineWriter {
	return &lineWriter{sc: sc, out: out, tail: t}
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if end := bytes.LastIndexAny(w.buf, "\n\r") + 1; end > 0 {
		if err := w.emit(w.sc.String(string(w.buf[:end]))); err != nil {
			return 0, err
		}
		w.buf = append(w.buf[:0], w.buf[end:]...)
		return len(p), nil
	}
	if len(w.buf) > maxLine {
		// No line end in sight. Every secret that starts before the last
		// longest-1 bytes ends inside the buffer, so scrubbing the whole
		// buffer catches it; those last bytes wait, since they may begin a
		// secret that continues in the next write.
		s := w.sc.String(string(w.buf))
		keep := min(max(w.sc.longestNeedle()-1, 0), len(s))
		if err := w.emit(s[:len(s)-keep]); err != nil {
			return 0, err
		}
		w.buf = append(w.buf[:0], s[len(s)-keep:]...)
	}
	return len(p), nil
}

// Flush emits what is held back (the last line, without its newline).
func (w *lineWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	err := w.emit(w.sc.String(string(w.buf)))
	w.buf = w.buf[:0]
	return err
}

// emit passes on text already scrubbed.
func (w *lineWriter) emit(s string) error {
	if w.tail != nil {
		w.tail.add(s)
	}
	if w.out == nil {
		return nil
	}
	_, err := io.WriteString(w.out, s)
	return err
}

func (sc *Scrubber) longestNeedle() int {
	if sc == nil {
		return 0
	}
	return sc.longest
}
