package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// TestUploadAnswerIsEvidence: a JWT app refused as jwt-key-unknown is
// asked when its key was uploaded; a time reruns the diagnosis with it
// (the probe gets it), the answer lands in the report as typed, and
// Diagnose shows the new run. "earlier" moves straight on and tells the
// probe nothing.
func TestUploadAnswerIsEvidence(t *testing.T) {
	t.Run("a time", func(t *testing.T) {
		w := newFakeWorld(probe.CauseJWTKeyUnknown)
		w.jwt = true
		d := startWizard(t, w, w.deps(), Options{})
		d.answerUpload("20m ago")
		d.keys("enter")
		d.waitFor("Which option")
		d.keys("esc", "esc")
		d.waitFor("Checks")
		fm, screen := d.final()
		if !strings.Contains(screen, "Diagnosis jwt-key-propagating") {
			t.Errorf("Diagnose does not show the rerun:\n%s", screen)
		}
		s := fm.Session()
		if s.Diagnosis == nil || s.Diagnosis.Diagnosis.Top != probe.CauseJWTKeyPropagating {
			t.Fatalf("the session's diagnosis was not rerun")
		}
		last := s.Checklist[len(s.Checklist)-1]
		if last.Question != uploadQuestion || last.Answer != "20m ago" {
			t.Errorf("report answer %q: %q, want the answer as typed", last.Question, last.Answer)
		}
		if s.Checklist[4].Question != keyQuestion {
			t.Errorf("a JWT app was asked %q", s.Checklist[4].Question)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.evidence) != 2 || !w.evidence[0].KeyUploadedAt.IsZero() {
			t.Fatalf("probe runs %d, want the diagnosis and one rerun", len(w.evidence))
		}
		if ev := w.evidence[1]; !ev.KeyUploadedAt.Equal(fakeNow.Add(-20*time.Minute)) || ev.KeyID != fakeKeyID {
			t.Errorf("the rerun was told %+v", ev)
		}
	})
	t.Run("earlier", func(t *testing.T) {
		w := newFakeWorld(probe.CauseJWTKeyUnknown)
		w.jwt = true
		d := startWizard(t, w, w.deps(), Options{})
		d.waitFor("Diagnosis")
		d.keys("enter")
		d.waitFor(uploadQuestion)
		d.keys("enter", "enter", "enter", "enter", "enter")
		d.tm.Type("earlier")
		d.keys("enter")
		d.waitFor("Which option")
		fm, _ := d.final()
		s := fm.Session()
		if s.Diagnosis.Diagnosis.Top != probe.CauseJWTKeyUnknown {
			t.Errorf("top %s, want the first diagnosis kept", s.Diagnosis.Diagnosis.Top)
		}
		if a := s.Checklist[len(s.Checklist)-1]; a.Answer != "earlier" {
			t.Errorf("answer %q", a.Answer)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.evidence) != 1 {
			t.Errorf("%d probe runs, want the diagnosis only", len(w.evidence))
		}
	})
	t.Run("a secret app is not asked", func(t *testing.T) {
		w := newFakeWorld(probe.CauseSecretInvalid)
		d := startWizard(t, w, w.deps(), Options{})
		d.waitFor("Diagnosis")
		d.keys("enter")
		d.waitFor("Record")
		d.keys("enter", "enter", "enter", "enter", "enter")
		d.waitFor("Which option")
		fm, _ := d.final()
		for _, a := range fm.Session().Checklist {
			if a.Question == uploadQuestion || a.Question == keyQuestion {
				t.Errorf("a secret app was asked %q", a.Question)
			}
		}
	})
}

// TestAccessibleUploadAnswer: the accessible mode asks the same field as a
// line prompt; a refused answer is asked again, and a time reruns the
// diagnosis, printed before "What next?".
func TestAccessibleUploadAnswer(t *testing.T) {
	w := newFakeWorld(probe.CauseJWTKeyUnknown)
	w.jwt = true
	input := strings.Join([]string{
		"",                 // Diagnose: continue
		"", "", "", "", "", // the checklist left unknown
		"soonish",    // not a time: asked again
		"45 min ago", // the upload time
		"q",          // What next? quit
	}, "\n") + "\n"
	var out bytes.Buffer
	s, err := RunAccessible(context.Background(), w.deps(), Options{}, strings.NewReader(input), &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{uploadQuestion + " " + uploadHint + " [unknown]:", "say how long ago",
		"Diagnosed again with your answer:", "Diagnosis jwt-key-propagating", "you uploaded the key ~45 minutes ago"} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}
	if a := s.Checklist[len(s.Checklist)-1]; a.Question != uploadQuestion || a.Answer != "45 min ago" {
		t.Errorf("report answer %q: %q", a.Question, a.Answer)
	}
	if s.Diagnosis.Diagnosis.Top != probe.CauseJWTKeyPropagating {
		t.Errorf("top %s after the answer", s.Diagnosis.Diagnosis.Top)
	}
}
