package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/uitest"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// TestFlowNeverShowsSecret types the new secret, writes, verifies and
// checks that no byte the program ever wrote holds it, and that Write got
// exactly the typed pair.
func TestFlowNeverShowsSecret(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	d := startWizard(t, w, w.deps(), Options{})
	d.toStep3()
	d.tm.Type("FAKE-typo")
	d.keys("ctrl+u")
	// A paste with the usual debris: quotes, spaces, CRLF.
	d.tm.Send(tea.PasteMsg{Content: "  '" + fakeNewSecret + "'\r\n"})
	d.keys("enter")
	d.waitFor("Write these")
	d.keys("w")
	d.waitFor("backup")
	d.keys("enter")
	d.waitFor("passed")
	d.keys("enter")
	d.waitFor("remains")
	fm, screen := d.final()

	all := d.all.String() + d.screen.All() + screen
	for _, leak := range []string{fakeNewSecret, fakeOldSecret, "FAKE-access-token", "new-secret", "FAKE-typo"} {
		if strings.Contains(all, leak) {
			t.Errorf("output contains %q", leak)
		}
	}
	if !strings.Contains(screen, "6 of 6 checks passed") {
		t.Errorf("summary lacks the pass line:\n%s", screen)
	}
	want := writeCall{tenant: "default", clientID: fakeClientID, secret: fakeNewSecret}
	if len(w.writes) != 1 || w.writes[0] != want {
		t.Fatalf("writes = %d calls, want exactly one of the typed pair", len(w.writes))
	}
	s := fm.Session()
	if !s.Written() || s.NewFingerprint != config.Fingerprint(fakeNewSecret) || s.OldFingerprint != config.Fingerprint(fakeOldSecret) {
		t.Errorf("session: written=%v new=%s old=%s", s.Written(), s.NewFingerprint, s.OldFingerprint)
	}
	if s.TokenTest == nil || !s.TokenTest.Token.IsZero() {
		t.Error("session must keep the token test without its token")
	}
}

// TestQuitWaitsForWrite presses ctrl+c while Write blocks: the program must
// stay up until the write returns, then quit with the write done.
func TestQuitWaitsForWrite(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	deps := w.deps()
	entered, release := make(chan struct{}), make(chan struct{})
	inner := deps.Write
	deps.Write = func(tenant, id string, s config.Secret) (config.SaveResult, error) {
		close(entered)
		<-release
		return inner(tenant, id, s)
	}
	d := startWizard(t, w, deps, Options{})
	d.toStep3()
	d.tm.Type(fakeNewSecret)
	d.keys("enter")
	d.waitFor("Write these")
	d.keys("w")
	<-entered
	d.keys("ctrl+c")
	d.waitFor("Finishing")
	close(release)
	// No Quit from the test: the program must end by itself once written.
	fm, ok := uitest.Unwrap(d.tm.FinalModel(t, teatest.WithFinalTimeout(60*time.Second))).(Model)
	if !ok {
		t.Fatal("final model is not a ui.Model")
	}
	if len(w.writes) != 1 || !fm.Session().Written() {
		t.Fatalf("write did not complete before quitting: writes=%d", len(w.writes))
	}
}

// TestPasteNormalised wires paste debris through the Step 3 field.
func TestPasteNormalised(t *testing.T) {
	tests := []struct {
		name, paste, want, errPart string
	}{
		{"trailing newline", fakeNewSecret + "\n", fakeNewSecret, ""},
		{"crlf and spaces", "  " + fakeNewSecret + " \r\n", fakeNewSecret, ""},
		{"double quotes", `"` + fakeNewSecret + `"`, fakeNewSecret, ""},
		{"single quotes", "'" + fakeNewSecret + "'\n", fakeNewSecret, ""},
		{"inner space", "FAKE-a b", "", "whitespace"},
		{"inner newline", "FAKE-a\nFAKE-b", "", "whitespace"},
		{"control char", "FAKE-a\x07b", "", "U+0007"},
		{"empty", " \n", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(newFakeWorld(probe.CauseSecretInvalid).deps(), Options{})
			m.w.goTo(stepUpdate)
			u := m.w.screens[stepUpdate].(*updateScreen)
			u.f.NextField()
			if !focused(u.f, u.secIn) {
				t.Fatal("the secret field is not focused")
			}
			m.w.handle(tea.PasteMsg{Content: tt.paste})
			got, errMsg := u.secret, u.pasteErr
			if got != tt.want {
				t.Errorf("value fingerprint %s, want %s", config.Fingerprint(got), config.Fingerprint(tt.want))
			}
			if tt.errPart == "" && errMsg != "" || !strings.Contains(errMsg, tt.errPart) {
				t.Errorf("error %q, want it to mention %q", errMsg, tt.errPart)
			}
			if strings.Contains(errMsg, "FAKE-") {
				t.Errorf("error echoes the value: %q", errMsg)
			}
		})
	}
}

// TestAccessibleFlow runs the accessible rendering to the end with piped
// answers: worded and lettered answers alike, invalid ones asked again,
// "b" at Step 2 meaning Option B, a piped secret; it pins the transcript
// (regenerate with -update).
func TestAccessibleFlow(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	input := strings.Join([]string{
		"",                        // Diagnose: continue
		"yes",                     // still listed
		"y",                       // active
		"2026-02-30",              // not a date: asked again
		"never",                   // expiry
		"maybe",                   // not an answer: asked again
		"no",                      // scopes granted
		"unknown",                 // rotated
		"",                        // Step 1: continue
		"b",                       // Option B, not back
		"",                        // Step 2: continue
		fakeClientID,              // the new app's client ID
		"FAKE-a b",                // refused: inner space
		`"` + fakeNewSecret + `"`, // accepted
		"",                        // Step 3: continue
		"perhaps",                 // not yes or no: asked again
		"yes",                     // write
		"",                        // Step 4: continue
		"",                        // Step 5: continue
		"y",                       // save the report
	}, "\n") + "\n"
	var out bytes.Buffer
	s, err := RunAccessible(context.Background(), w.deps(), Options{}, strings.NewReader(input), &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "new-secret") {
		t.Fatal("transcript contains the secret")
	}
	if len(w.writes) != 1 || w.writes[0].secret != fakeNewSecret || !s.Written() || len(w.saved) != 1 {
		t.Fatalf("writes=%d written=%v saved=%d\n%s", len(w.writes), s.Written(), len(w.saved), out.String())
	}
	want := []string{"yes", "yes", "never", "no", "unknown"}
	for i, a := range w.saved[0].Checklist {
		if a.Answer != want[i] {
			t.Errorf("answer %d = %q, want %q", i+1, a.Answer, want[i])
		}
	}
	if s.Option != optionB {
		t.Errorf("option %q, want B", s.Option)
	}
	for _, asked := range []string{"type a date as YYYY-MM-DD", "Not an answer here", "whitespace", "invalid input"} {
		if !strings.Contains(out.String(), asked) {
			t.Errorf("transcript lacks %q: an invalid answer was not asked again", asked)
		}
	}
	teatestGolden(t, out.Bytes())
}

// TestAccessibleEndOfInput: input ending at a prompt ends the run as
// interrupted, with nothing written.
func TestAccessibleEndOfInput(t *testing.T) {
	for _, input := range []string{"", "\n", "\nyes\n"} {
		w := newFakeWorld(probe.CauseSecretInvalid)
		var out bytes.Buffer
		_, err := RunAccessible(context.Background(), w.deps(), Options{}, strings.NewReader(input), &out)
		if !errors.Is(err, ErrInterrupted) {
			t.Errorf("input %q: err %v, want ErrInterrupted", input, err)
		}
		if len(w.writes) != 0 {
			t.Errorf("input %q: wrote", input)
		}
	}
}

// TestAccessibleContextEnds: ctx ending (ctrl+c, SIGTERM) while a prompt
// waits ends the run at once as interrupted.
func TestAccessibleContextEnds(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		_, err := RunAccessible(ctx, w.deps(), Options{}, pr, &out)
		done <- err
	}()
	for !strings.Contains(out.String(), "What next?") {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err %v, want ErrInterrupted", err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInterruptOrQuit: ctrl+c ends the run as interrupted (exit 130 in
// the command); q is a quit, whose code the command takes from the
// diagnosis.
func TestInterruptOrQuit(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want error
	}{{"ctrl+c", ErrInterrupted}, {"q", nil}} {
		t.Run(tc.key, func(t *testing.T) {
			w := newFakeWorld(probe.CauseSecretInvalid)
			d := startWizard(t, w, w.deps(), Options{})
			d.waitFor("Diagnosis")
			d.keys(tc.key)
			fm, ok := uitest.Unwrap(d.tm.FinalModel(t, teatest.WithFinalTimeout(60*time.Second))).(Model)
			if !ok {
				t.Fatal("final model is not a ui.Model")
			}
			s, err := fm.finish(context.Background(), nil)
			if !errors.Is(err, tc.want) || tc.want == nil && err != nil {
				t.Errorf("err %v, want %v", err, tc.want)
			}
			if s.Diagnosis == nil || s.Latest() != s.Diagnosis {
				t.Error("the session lost the diagnosis the exit code comes from")
			}
		})
	}
}

// TestWriteAnywayAsksTwice: w on a pair that failed the test only selects
// "Write anyway"; the second press writes.
func TestWriteAnywayAsksTwice(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	d := startWizard(t, w, w.deps(), Options{})
	d.toStep3()
	d.tm.Type("FAKE-still-wrong")
	d.keys("enter")
	d.waitFor("Write it anyway?")
	d.keys("w")
	d.waitFor("again to write them anyway")
	w.mu.Lock()
	n := len(w.writes)
	w.mu.Unlock()
	if n != 0 {
		t.Fatal("one w wrote a pair that failed the test")
	}
	d.keys("w")
	d.waitFor("backup")
	fm, _ := d.final()
	if len(w.writes) != 1 || !fm.Session().WroteAnyway {
		t.Fatalf("writes=%d wroteAnyway=%v", len(w.writes), fm.Session().WroteAnyway)
	}
}
