//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBrowserOpener: $BROWSER may hold a command with arguments; the URL is
// the last argument, and nothing goes through a shell. Over SSH nothing is
// started at all.
func TestBrowserOpener(t *testing.T) {
	dir := t.TempDir()
	got := filepath.Join(dir, "args")
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+got+".tmp && mv "+got+".tmp "+got+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BROWSER": script + " --new-window  --private"}
	open := browserOpener(func(k string) string { return env[k] })
	if err := open("https://example.test/a?b=c&d=$HOME"); err != nil {
		t.Fatal(err)
	}
	// The opener never waits for the browser: poll for what it wrote.
	var b []byte
	for i := 0; i < 500; i++ {
		var err error
		if b, err = os.ReadFile(got); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	want := "--new-window\n--private\nhttps://example.test/a?b=c&d=$HOME\n"
	if string(b) != want {
		t.Fatalf("browser got args %q, want %q", b, want)
	}

	env["SSH_CONNECTION"] = "10.0.0.1 22 10.0.0.2 22"
	if err := open("https://example.test/"); err != errNoBrowser {
		t.Fatalf("over SSH: %v, want errNoBrowser", err)
	}
}
