package ui

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/fhirdoctor/fhirdoctor/internal/uitest"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// driver runs the wizard in a teatest program at 80x24 with a pinned
// colour profile. It waits on the frames the model draws (uitest.Screen:
// the output stream holds only the cells that changed) and keeps every
// byte the program wrote, so a test can scan all output for the secret.
type driver struct {
	t      *testing.T
	tm     *teatest.TestModel
	screen *uitest.Screen
	world  *fakeWorld
	mu     sync.Mutex
	all    bytes.Buffer
	// height is the window's; a golden holds exactly that many lines.
	height int
}

func startWizard(t *testing.T, world *fakeWorld, deps Deps, opts Options) *driver {
	t.Helper()
	return startWizardSized(t, world, deps, opts, 80, 24)
}

func startWizardSized(t *testing.T, world *fakeWorld, deps Deps, opts Options, width, height int) *driver {
	t.Helper()
	opts.NoColor = true
	screen := uitest.NewScreen()
	tm := teatest.NewTestModel(t, screen.Wrap(New(deps, opts)),
		teatest.WithInitialTermSize(width, height),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return &driver{t: t, tm: tm, screen: screen, world: world, height: height}
}

// waitFor blocks until a frame drawn after every key sent so far shows s.
// On failure it prints the last frame without the fake secrets.
func (d *driver) waitFor(s string) {
	d.t.Helper()
	last, ok := d.screen.WaitFor(d.tm.Send, s, 60*time.Second) // a bound for a stuck wizard, not a timing assertion
	rest, _ := io.ReadAll(d.tm.Output())
	_, _ = d.Write(rest)
	if !ok {
		for _, secret := range []string{fakeNewSecret, fakeOldSecret, "FAKE-access-token"} {
			last = strings.ReplaceAll(last, secret, "[REDACTED]")
		}
		d.t.Fatalf("the wizard never showed %q; last frame (fake secrets redacted):\n%s", s, last)
	}
}

// waitWritten blocks until the bytes the program wrote hold s: for a test
// of what reaches the terminal (an escape sequence), not of what it shows.
func (d *driver) waitWritten(s string) {
	d.t.Helper()
	teatest.WaitFor(d.t, io.TeeReader(d.tm.Output(), d), func([]byte) bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return bytes.Contains(d.all.Bytes(), []byte(s))
	}, teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func (d *driver) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.all.Write(p)
}

var namedKeys = map[string]rune{
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "down": tea.KeyDown, "up": tea.KeyUp,
	"tab": tea.KeyTab, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp,
}

// keys presses named keys ("enter", "down") or single characters.
func (d *driver) keys(ks ...string) {
	for _, k := range ks {
		if code, ok := namedKeys[k]; ok {
			d.tm.Send(tea.KeyPressMsg{Code: code})
			continue
		}
		if k == "ctrl+c" {
			d.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			continue
		}
		r := []rune(k)[0]
		d.tm.Send(tea.KeyPressMsg{Code: r, Text: k})
	}
}

// toUploadAnswer continues past Diagnose, enters through Step 1's first
// five questions and types answer to "When did you upload this key?".
func (d *driver) toUploadAnswer(answer string) {
	d.waitFor("Diagnosis")
	d.keys("enter")
	d.waitFor(uploadQuestion)
	d.keys("enter", "enter", "enter", "enter", "enter")
	d.tm.Type(answer)
}

// answerUpload submits that answer and waits for the diagnosis it reruns.
func (d *driver) answerUpload(answer string) {
	d.toUploadAnswer(answer)
	d.keys("enter")
	d.waitFor("Diagnosed again")
}

// toStep3 continues past Diagnose, answers nothing at Step 1 (enter
// through its five questions), takes Option A and waits for Step 3.
func (d *driver) toStep3() {
	d.waitFor("Diagnosis")
	d.keys("enter")
	d.waitFor("Record")
	d.keys("enter", "enter", "enter", "enter", "enter")
	d.waitFor("Which option")
	d.keys("enter")
	d.waitFor("echoed")
}

// final quits and returns the last screen as plain text.
func (d *driver) final() (Model, string) {
	d.t.Helper()
	if err := d.tm.Quit(); err != nil {
		d.t.Fatal(err)
	}
	fm, ok := uitest.Unwrap(d.tm.FinalModel(d.t, teatest.WithFinalTimeout(60*time.Second))).(Model)
	if !ok {
		d.t.Fatal("final model is not a ui.Model")
	}
	rest, _ := io.ReadAll(d.tm.Output())
	_, _ = d.Write(rest)
	return fm, plain(fm.View().Content)
}

// plain renders a frame through the NoTTY profile: text only, so goldens
// read as the screen reads.
func plain(s string) string {
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.NoTTY}
	_, _ = w.WriteString(s)
	return b.String()
}

func (d *driver) golden() Model {
	d.t.Helper()
	fm, screen := d.final()
	if got := strings.Count(screen, "\n") + 1; got != d.height {
		d.t.Errorf("screen has %d lines, want %d", got, d.height)
	}
	teatest.RequireEqualOutput(d.t, []byte(screen))
	return fm
}

// TestScreens pins every screen at 80x24; regenerate with
// go test ./ui/ -run TestScreens -update.
func TestScreens(t *testing.T) {
	toStep4 := func(d *driver, secret string) {
		d.toStep3()
		d.tm.Type(secret)
		d.keys("enter")
	}
	tests := []struct {
		name  string
		top   probe.CauseID
		opts  Options
		multi bool
		// provider gives the tenant a provider app and a passing round trip.
		provider bool
		// after wires the after-the-write operations (fakeAfter).
		after bool
		// jwt makes the tenant a JWT app refused as jwt-key-unknown.
		jwt bool
		// width and height default to 80x24.
		width, height int
		drive         func(d *driver)
	}{
		{name: "diagnose", top: probe.CauseSecretInvalid, drive: func(d *driver) { d.waitFor("Diagnosis") }},
		{name: "diagnose_evidence", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			d.waitFor("Diagnosis")
			d.keys("up", "up", "e")
			d.waitFor("scopes_supported")
		}},
		{name: "diagnose_edge_block", top: probe.CauseEdgeBlock, drive: func(d *driver) {
			d.waitFor("unlikely")
		}},
		// Below 24 rows the header is one line and the tenant and client one
		// each, so the verdict and its evidence still fit above the checks.
		{name: "diagnose_edge_block_60x20", top: probe.CauseEdgeBlock, width: 60, height: 20, drive: func(d *driver) {
			d.waitFor("unlikely")
		}},
		{name: "diagnose_60x20", top: probe.CauseSecretInvalid, width: 60, height: 20, drive: func(d *driver) {
			d.waitFor("Diagnosis")
		}},
		{name: "diagnose_tenant_picker", top: probe.CauseSecretInvalid, multi: true, drive: func(d *driver) {
			d.waitFor("choose")
			d.keys("down")
			d.waitFor("staging")
		}},
		{name: "provider_app", top: probe.CauseSecretInvalid, provider: true, drive: func(d *driver) {
			d.waitFor("press p")
			d.keys("p")
			d.waitFor("reads data")
		}},
		{name: "step1_status", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			d.waitFor("Diagnosis")
			d.keys("enter")
			d.waitFor("Record")
			d.keys("y", "y")
			d.tm.Type("never")
			d.keys("enter", "n")
			d.waitFor("no")
		}},
		{name: "step1_key_upload", top: probe.CauseJWTKeyUnknown, jwt: true, drive: func(d *driver) {
			d.toUploadAnswer("20m ago") // the final model has it: no wait needed
		}},
		{name: "step1_key_upload_rediagnosed", top: probe.CauseJWTKeyUnknown, jwt: true, drive: func(d *driver) {
			d.answerUpload("20m ago")
		}},
		{name: "step2_key_propagating", top: probe.CauseJWTKeyUnknown, jwt: true, drive: func(d *driver) {
			d.answerUpload("20m ago")
			d.keys("enter")
			d.waitFor("still syncing")
		}},
		{name: "step2_regenerate", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			d.waitFor("Diagnosis")
			d.keys("enter")
			d.waitFor("Record")
			d.keys("enter", "enter", "enter", "enter", "enter")
			d.waitFor("Which option")
			d.keys("down", "c")
			d.waitFor("tenant ID and scopes")
		}},
		{name: "step3_update_rejected", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			d.toStep3()
			d.tm.Send(tea.PasteMsg{Content: "FAKE-two\tvalues\n"})
			d.waitFor("whitespace")
		}},
		{name: "step4_test_ok", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			toStep4(d, fakeNewSecret)
			d.waitFor("Write these")
		}},
		{name: "step4_test_ok_60x20", top: probe.CauseSecretInvalid, width: 60, height: 20, drive: func(d *driver) {
			toStep4(d, fakeNewSecret)
			d.waitFor("Write these")
		}},
		{name: "step4_test_failed", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			toStep4(d, "FAKE-still-wrong")
			d.waitFor("Write it anyway?") // the question: the help bar says "write anyway" before the diff is in
		}},
		{name: "step5_verify", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			toStep4(d, fakeNewSecret)
			d.waitFor("Write these")
			d.keys("w")
			d.waitFor("backup")
			d.keys("enter")
			d.waitFor("passed")
		}},
		{name: "summary", top: probe.CauseSecretInvalid, drive: func(d *driver) {
			toStep4(d, fakeNewSecret)
			d.waitFor("Write these")
			d.keys("w")
			d.waitFor("backup")
			d.keys("enter")
			d.waitFor("passed")
			d.keys("enter")
			d.waitFor("remains")
			d.keys("r")
			d.waitFor("Report saved")
		}},
		{name: "summary_after", top: probe.CauseSecretInvalid, after: true, drive: func(d *driver) {
			toSummary(d, toStep4)
			d.waitFor("Update these stale places too?")
		}},
		{name: "run_after_writing", top: probe.CauseSecretInvalid, after: true, drive: func(d *driver) {
			toSummary(d, toStep4)
			d.waitFor("Update these stale places too?")
			d.keys("x", "enter") // pick the first place and write it
			d.waitFor("Run a command now")
			if !d.world.wasUpdated("clinic-north@dev") {
				d.t.Error("the picked place was not written")
			}
			d.keys("y")
			d.waitFor("Runs with sh -c")
			d.keys("enter")
			d.waitFor("now?")
			d.keys("y")
			d.waitFor("exit 0 in 1.2s")
		}},
		{name: "summary_after_run", top: probe.CauseSecretInvalid, after: true, drive: func(d *driver) {
			toSummary(d, toStep4)
			d.waitFor("Update these stale places too?")
			d.keys("enter") // none picked
			d.waitFor("Run a command now")
			d.keys("y")
			d.waitFor("Runs with sh -c")
			d.keys("enter")
			d.waitFor("now?")
			d.keys("y")
			d.waitFor("exit 0 in 1.2s")
			d.keys("enter")
			d.waitFor("Save the report?")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFakeWorld(tt.top)
			w.jwt = tt.jwt
			deps := w.deps()
			if tt.after {
				deps.After = w.fakeAfter()
			}
			if tt.multi {
				deps.Tenants = []string{"default", "staging", "prod"}
			}
			if tt.provider {
				deps = withProvider(deps, passingRoundTrip)
			}
			width, height := max(tt.width, 80), max(tt.height, 24)
			if tt.width > 0 {
				width, height = tt.width, tt.height
			}
			d := startWizardSized(t, w, deps, tt.opts, width, height)
			tt.drive(d)
			d.golden()
		})
	}
}

// toSummary writes the new pair and continues to the Summary.
func toSummary(d *driver, toStep4 func(*driver, string)) {
	toStep4(d, fakeNewSecret)
	d.waitFor("Write these")
	d.keys("w")
	d.waitFor("backup")
	d.keys("enter")
	d.waitFor("passed")
	d.keys("enter")
}

func teatestGolden(t *testing.T, b []byte) {
	t.Helper()
	teatest.RequireEqualOutput(t, b)
}
