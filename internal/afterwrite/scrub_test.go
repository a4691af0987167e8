package afterwrite

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// fakeSecret is generated per test run in spirit: a FAKE value no server
// knows, with characters that change under URL encoding.
const fakeSecret = "FAKE-s3cr3t/with+plus=and&amp"

func TestScrubberForms(t *testing.T) {
	s := config.NewSecret(fakeSecret)
	sc := NewScrubber([]config.Secret{s, config.NewSecret("")}, "client-1")
	fp := s.Fingerprint()
	cases := []struct{ name, in, want string }{
		{"raw", "secret: " + fakeSecret + "\n", "secret: " + fp + "\n"},
		{"twice", fakeSecret + fakeSecret, fp + fp},
		{"query escaped", "client_secret=" + url.QueryEscape(fakeSecret), "client_secret=" + fp},
		{"path escaped", "/x/" + url.PathEscape(fakeSecret), "/x/" + fp},
		{"basic", "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("client-1:"+fakeSecret)), "Authorization: Basic " + fp},
		{"basic form-encoded", "Basic " + base64.StdEncoding.EncodeToString([]byte("client-1:"+url.QueryEscape(fakeSecret))), "Basic " + fp},
		{"nothing secret", "all good\n", "all good\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := sc.String(tc.in); got != tc.want {
				t.Errorf("scrubbed = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestScrubberNil(t *testing.T) {
	var sc *Scrubber
	if got := sc.String("x"); got != "x" {
		t.Errorf("nil scrubber changed text: %q", got)
	}
	if got := NewScrubber(nil).String("x"); got != "x" {
		t.Errorf("empty scrubber changed text: %q", got)
	}
}

// TestLineWriterSplits feeds the output in every split of two writes: a
// secret cut between writes is still scrubbed.
func TestLineWriterSplits(t *testing.T) {
	s := config.NewSecret(fakeSecret)
	sc := NewScrubber([]config.Secret{s})
	text := "line one\nthe secret is " + fakeSecret + " ok\r\nlast " + fakeSecret
	want := sc.String(text)
	for i := 0; i <= len(text); i++ {
		var out bytes.Buffer
		tl := &tail{}
		w := newLineWriter(sc, &out, tl)
		_, _ = w.Write([]byte(text[:i]))
		_, _ = w.Write([]byte(text[i:]))
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Fatalf("split at %d: output differs from the scrubbed text", i)
		}
		if tl.String() != want {
			t.Fatalf("split at %d: tail differs", i)
		}
	}
}

// TestLineWriterLongLine: a line longer than maxLine streams before its end
// and still never shows the secret, wherever the cut falls.
func TestLineWriterLongLine(t *testing.T) {
	s := config.NewSecret(fakeSecret)
	sc := NewScrubber([]config.Secret{s})
	for _, at := range []int{maxLine - 5, maxLine, maxLine + 3} {
		text := strings.Repeat("x", at) + fakeSecret + strings.Repeat("y", 100)
		var out bytes.Buffer
		w := newLineWriter(sc, &out, nil)
		for i := 0; i < len(text); i += 1000 {
			_, _ = w.Write([]byte(text[i:min(i+1000, len(text))]))
		}
		if out.Len() == 0 {
			t.Fatalf("at %d: nothing streamed before the line ended", at)
		}
		_ = w.Flush()
		if strings.Contains(out.String(), fakeSecret[:10]) {
			t.Fatalf("at %d: part of the secret reached the output", at)
		}
		if out.String() != sc.String(text) {
			t.Fatalf("at %d: output differs from the scrubbed text", at)
		}
	}
}

func TestTailKeepsTheEnd(t *testing.T) {
	tl := &tail{}
	for i := 0; i < 2000; i++ {
		tl.add("line " + strings.Repeat("z", 20) + "\n")
	}
	tl.add("the verdict\n")
	got := tl.String()
	if len(got) > tailBytes || !strings.HasSuffix(got, "the verdict\n") || !strings.HasPrefix(got, "line ") {
		t.Errorf("tail = %d bytes, starts %q, ends %q", len(got), got[:10], got[len(got)-12:])
	}
}

func TestBackendRoot(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/srv/backend/.settings.dev/config.yaml", "/srv/backend"},
		{"/srv/backend/.settings.staging/config.yaml", "/srv/backend"},
		{"/srv/backend/.settings./config.yaml", "/srv/backend/.settings."},
		{"/tmp/x/config.yaml", "/tmp/x"},
		{"config.yaml", "."},
	}
	for _, tc := range cases {
		if got := BackendRoot(tc.in); got != tc.want {
			t.Errorf("BackendRoot(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
