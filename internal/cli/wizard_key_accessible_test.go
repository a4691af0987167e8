package cli

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// TestWizardRotatesKeyAccessible runs the key rotation through the
// accessible mode's line prompts: the same screens and forms, answered
// line by line; the public key is uploaded when Step 3 asks.
func TestWizardRotatesKeyAccessible(t *testing.T) {
	t.Run("option A", func(t *testing.T) { rotateKeyAccessible(t, false) })
	t.Run("option B, a new app", func(t *testing.T) { rotateKeyAccessible(t, true) })
}

func rotateKeyAccessible(t *testing.T, newApp bool) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown", Propagation: -1})
	oldKey := srv.EpicKeyPath()
	newID := ""
	if newApp {
		newID = srv.NewEpicApp()
	}
	w := newWizardBackend(t, srv, &IOStreams{Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }})
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var mu sync.Mutex
	var transcript strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan ui.Session, 1)
	go func() {
		s, err := ui.RunAccessible(ctx, w.deps(), ui.Options{ReportPath: filepath.Join(t.TempDir(), "r.md")}, inR, outW)
		if err != nil && err != ui.ErrInterrupted {
			t.Errorf("RunAccessible: %v", err)
		}
		_ = outW.Close()
		done <- s
	}()
	answer := func(s string) { _, _ = io.WriteString(inW, s+"\n") }
	// Answer each prompt as it appears: uploads the key at Step 3's
	// question, writes at Step 4's, and otherwise takes the default.
	pickB := false
	sc := bufio.NewScanner(outR)
	sc.Split(scanPrompts)
	for sc.Scan() {
		chunk := sc.Text()
		mu.Lock()
		transcript.WriteString(chunk)
		mu.Unlock()
		switch {
		case newApp && strings.Contains(chunk, "Which option?"):
			// Answered at its prompt: the pipe takes an answer only once
			// the prompt reads.
			pickB = true
		case pickB && strings.HasPrefix(chunk, "Type a number"):
			pickB = false
			answer("2")
		case newApp && strings.Contains(chunk, "New app's client ID"):
			answer(newID)
		case strings.Contains(chunk, "Uploaded the public key?"):
			jwks, _ := filepath.Glob(filepath.Join(filepath.Dir(oldKey), "*.jwks.json"))
			if len(jwks) != 1 {
				t.Fatalf("%d public key files", len(jwks))
			}
			registerJWKS(t, srv, jwks[0])
			answer("y")
		case strings.Contains(chunk, "Write these changes?"):
			answer("y")
		case strings.Contains(chunk, "== Summary =="):
			_ = inW.Close()
		case strings.HasSuffix(strings.TrimRight(chunk, " "), ":"), strings.HasSuffix(strings.TrimRight(chunk, " "), "]"):
			answer("")
		}
	}
	s := <-done
	text := transcript.String()
	if !s.Written() {
		t.Fatalf("nothing written\n%s", text)
	}
	f, _ := config.Load(srv.Info().ConfigFile)
	tenant, _ := f.Tenant("")
	if tenant.Cerner.SystemApp.KeyID == sandbox.EpicKeyID {
		t.Fatalf("key_id unchanged\n%s", text)
	}
	if newApp && tenant.Cerner.SystemApp.ClientID != newID {
		t.Fatalf("client_id %q, want the new app's %q\n%s", tenant.Cerner.SystemApp.ClientID, newID, text)
	}
	for _, want := range []string{"Rotate the key", "Upload this public key:", "Token issued"} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	assertNoKeyMaterial(t, []string{oldKey}, text)
}

// scanPrompts splits output at prompts (a line that ends without a
// newline, waiting for an answer) as well as at newlines.
func scanPrompts(data []byte, atEOF bool) (int, []byte, error) {
	if i := strings.IndexByte(string(data), '\n'); i >= 0 {
		return i + 1, data[:i+1], nil
	}
	if len(data) > 0 && (strings.HasSuffix(string(data), ": ") || strings.HasSuffix(string(data), "] ")) {
		return len(data), data, nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
