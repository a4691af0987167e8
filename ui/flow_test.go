package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// TestFlowNeverShowsSecret types the new secret, writes, verifies and
// checks that no byte the program ever wrote holds it, and that Write got
// exactly the typed pair.
func TestFlowNeverShowsSecret(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	d := startWizard(t, w, w.deps(), Options{})
	d.waitFor("Diagnosis")
	d.keys("enter")
	d.waitFor("Record")
	d.keys("enter")
	d.waitFor("Regenerate")
	d.keys("enter")
	d.waitFor("echoed")
	d.tm.Type("FAKE-typo")
	d.keys("ctrl+u")
	// A paste with the usual debris: quotes, spaces, CRLF.
	d.tm.Send(tea.PasteMsg{Content: "  '" + fakeNewSecret + "'\r\n"})
	d.keys("enter")
	d.waitFor("Write")
	d.keys("w")
	d.waitFor("backup")
	d.keys("enter")
	d.waitFor("passed")
	d.keys("enter")
	d.waitFor("remains")
	fm, screen := d.final()

	all := d.all.String() + screen
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
	if !s.Written || s.FingerprintNew != config.Fingerprint(fakeNewSecret) || s.FingerprintOld != config.Fingerprint(fakeOldSecret) {
		t.Errorf("session: written=%v new=%s old=%s", s.Written, s.FingerprintNew, s.FingerprintOld)
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
	d.waitFor("Diagnosis")
	d.keys("enter")
	d.waitFor("Record")
	d.keys("enter")
	d.waitFor("Regenerate")
	d.keys("enter")
	d.waitFor("echoed")
	d.tm.Type(fakeNewSecret)
	d.keys("enter")
	d.waitFor("Write")
	d.keys("w")
	<-entered
	d.keys("ctrl+c")
	d.waitFor("Finishing")
	close(release)
	// No Quit from the test: the program must end by itself once written.
	fm, ok := d.tm.FinalModel(t, teatest.WithFinalTimeout(60*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a ui.Model")
	}
	if len(w.writes) != 1 || !fm.Session().Written {
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
			m.step = stepUpdate
			m.update.focusField(fieldSecret)
			m.handle(tea.PasteMsg{Content: tt.paste})
			got, errMsg := m.update.inputs[fieldSecret].Value(), m.update.errs[fieldSecret]
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

// TestAccessibleFlow runs the line-prompt flow to the end and pins its
// transcript; regenerate with -update.
func TestAccessibleFlow(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	input := strings.Join([]string{
		"",                          // Diagnose: continue
		"n",                         // do not open a browser
		"y", "y", "never", "n", "u", // checklist
		"",                        // Step 1: continue
		"a",                       // Option A
		"",                        // keep the client ID
		"FAKE-a b",                // refused: inner space
		`"` + fakeNewSecret + `"`, // accepted
		"",                        // Step 3: continue
		"y",                       // write
		"",                        // Step 5: continue
		"y",                       // save the report
	}, "\n") + "\n"
	var out bytes.Buffer
	s, err := RunAccessible(context.Background(), w.deps(), Options{}, strings.NewReader(input), &out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "new-secret") {
		t.Fatal("transcript contains the secret")
	}
	if len(w.writes) != 1 || w.writes[0].secret != fakeNewSecret || !s.Written || len(w.saved) != 1 {
		t.Fatalf("writes=%d written=%v saved=%d", len(w.writes), s.Written, len(w.saved))
	}
	if got := s.Checklist[2].Answer; got != "never" {
		t.Errorf("expiry answer %q", got)
	}
	teatestGolden(t, out.Bytes())
}
