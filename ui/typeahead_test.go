package ui

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// stepper drives a Model the way Bubble Tea does, without a program, so a
// test decides when each command's message arrives: Update, then View,
// per message; a command runs only when the test says so.
type stepper struct {
	t       *testing.T
	m       Model
	pending []tea.Cmd
}

func newStepper(t *testing.T, deps Deps) *stepper {
	s := &stepper{t: t, m: New(deps, Options{NoColor: true})}
	s.deliver(tea.WindowSizeMsg{Width: 100, Height: 60})
	s.pending = append(s.pending, s.m.Init())
	return s
}

func (s *stepper) deliver(msg tea.Msg) {
	_, cmd := s.m.Update(msg)
	s.pending = append(s.pending, cmd)
	s.m.View()
}

// isTimer says cmd sleeps before its message (spinner, cursor blink):
// those never come here, as on a machine too slow to deliver them.
func isTimer(cmd tea.Cmd) bool {
	n := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	return strings.Contains(n, "bubbletea/v2.Tick") || strings.Contains(n, "cursor.(*Model).Blink")
}

// run runs the pending commands in order, each message delivered as it
// comes, until none is left or done says stop.
func (s *stepper) run(done func() bool) {
	for n := 0; len(s.pending) > 0 && (done == nil || !done()); n++ {
		if n > 100000 {
			s.t.Fatal("the commands never settle")
		}
		cmd := s.pending[0]
		s.pending = s.pending[1:]
		if cmd == nil || isTimer(cmd) {
			continue
		}
		switch msg := cmd().(type) {
		case nil, tea.QuitMsg:
		case tea.BatchMsg:
			s.pending = append(s.pending, msg...)
		default:
			if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
				// A sequence: its commands in order, ahead of the rest.
				seq := v.Convert(reflect.TypeFor[[]tea.Cmd]()).Interface().([]tea.Cmd)
				s.pending = append(append([]tea.Cmd(nil), seq...), s.pending...)
				continue
			}
			s.deliver(msg)
		}
	}
}

func (s *stepper) keys(ks ...string) {
	for _, k := range ks {
		if code, ok := namedKeys[k]; ok {
			s.deliver(tea.KeyPressMsg{Code: code})
			continue
		}
		s.deliver(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
	}
}

// TestTypeAhead types a rotation up to Step 4 in one go, every
// key before any command's message arrives, as a slow terminal delivers
// keys typed ahead: each key must act on the screen and field the keys
// before it led to. Before forms settled their moves at once and screens
// changed before the next key, the keys after Diagnose's enter all went
// to Diagnose, and a key after a form's last answer went to that answer.
func TestTypeAhead(t *testing.T) {
	const newClient = "FAKE-new-client"
	w := newFakeWorld(probe.CauseSecretInvalid)
	s := newStepper(t, w.deps())
	diagnose := s.m.w.screens[stepDiagnose].(*diagnoseScreen)
	s.run(diagnose.done)
	if !diagnose.done() {
		t.Fatal("Diagnose never finished")
	}

	s.keys("enter", // Diagnose: continue
		"y", "y", "enter", "n", // Step 1: listed, active, no expiry, scopes not granted
		"enter",         // the last question keeps "unknown": Step 1 is done
		"down", "enter", // Step 2: Option B
	)
	for _, r := range newClient { // Step 3: the new app's client ID, then its secret
		s.keys(string(r))
	}
	s.keys("enter")
	s.deliver(tea.PasteMsg{Content: fakeNewSecret})
	s.keys("enter")
	check := func(when string) {
		t.Helper()
		if s.m.w.cur != stepTest {
			t.Fatalf("%s: on %q, want Step 4", when, s.m.w.current().title())
		}
		if got := s.m.Session(); got.NewClientID != newClient || got.NewFingerprint != config.Fingerprint(fakeNewSecret) {
			t.Errorf("%s: Step 3 handed on client %q, secret %s", when, got.NewClientID, got.NewFingerprint)
		}
		var got []string
		for _, a := range s.m.Session().Checklist {
			got = append(got, a.Answer)
		}
		if want := "yes yes unknown no unknown"; strings.Join(got, " ") != want {
			t.Errorf("%s: checklist %q, want %q", when, strings.Join(got, " "), want)
		}
		if s.m.Session().Option != optionB {
			t.Errorf("%s: option %q, want B", when, s.m.Session().Option)
		}
	}
	check("with every command still pending")
	s.run(nil)
	check("once the commands ran")
}

// holds says cmd is want or a batch that holds it.
func holds(cmd, want tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	if funcName(cmd) == funcName(want) {
		return true
	}
	if strings.Contains(funcName(cmd), batchFunc) {
		if b, ok := cmd().(tea.BatchMsg); ok {
			for _, c := range b {
				if holds(c, want) {
					return true
				}
			}
		}
	}
	return false
}

// TestSettleForm: huh's moves inside a batch are applied at once, the rest
// of the batch is kept to run, and a sequence is left whole.
func TestSettleForm(t *testing.T) {
	var a, b string
	first, second := huh.NewInput().Value(&a), huh.NewInput().Value(&b)
	f := huh.NewForm(huh.NewGroup(first, second))
	f.Init()
	other := func() tea.Msg { return refreshMsg{} }

	rest := settleForm(f, tea.Batch(other, huh.NextField))
	if f.GetFocusedField() != second {
		t.Fatal("NextField inside a batch did not move the focus")
	}
	if !holds(rest, other) {
		t.Error("the rest of the batch lost the other command")
	}

	seq := tea.Sequence(huh.PrevField, other)
	if rest := settleForm(f, seq); funcName(rest) != funcName(seq) || f.GetFocusedField() != second {
		t.Error("a sequence was not left whole")
	}

	settleForm(f, tea.Batch(other, huh.NextField)) // the last field: nextGroup completes the form
	if f.State != huh.StateCompleted {
		t.Errorf("form state %v after NextField on its last field, want completed", f.State)
	}
}
