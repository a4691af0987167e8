package uitest

import (
	"bytes"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// rows shows one row, then another after any key: the wizard's Step 1
// with the expiry question focused, then Step 2's question on that row.
type rows struct{ next bool }

func (r rows) Init() tea.Cmd { return nil }

func (r rows) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		r.next = true
	}
	return r, nil
}

func (r rows) View() tea.View {
	if r.next {
		return tea.NewView("┃ Which option?")
	}
	return tea.NewView("┃ When does/did it expire?")
}

// TestWaitForSeesTextWrittenInPart pins why the wizard drivers wait on
// frames: once the first row is on the terminal, the renderer turns it into
// the second by writing "ich option?" after the cells both share, so the
// output stream never holds "Which option" (the flake of
// TestWizardAgainstSandbox). Screen.WaitFor sees the frame the model drew.
func TestWaitForSeesTextWrittenInPart(t *testing.T) {
	s := NewScreen()
	tm := teatest.NewTestModel(t, s.Wrap(rows{}), teatest.WithInitialTermSize(40, 3),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	var out bytes.Buffer
	// The first row must be on the terminal before the key: wait for the
	// bytes themselves, which a first frame writes whole.
	teatest.WaitFor(t, io.TeeReader(tm.Output(), &out), func(b []byte) bool {
		return bytes.Contains(b, []byte("expire?"))
	}, teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	if last, ok := s.WaitFor(tm.Send, "Which option", 60*time.Second); !ok {
		t.Fatalf("WaitFor never saw the second row; last frame:\n%s", last)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	if _, ok := Unwrap(tm.FinalModel(t, teatest.WithFinalTimeout(60*time.Second))).(rows); !ok {
		t.Fatal("Unwrap did not return the wrapped model")
	}
	rest, _ := io.ReadAll(tm.Output())
	out.Write(rest)
	if !bytes.Contains(out.Bytes(), []byte("ich option?")) {
		t.Fatalf("the second row never reached the output: %q", out.Bytes())
	}
	if bytes.Contains(out.Bytes(), []byte("Which option")) {
		t.Fatalf("the renderer wrote the row whole (%q): this test no longer shows the partial write", out.Bytes())
	}
}
