package ui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// TestConfirm: rotate's question, as a huh Confirm fed keys the way a
// terminal sends them, and as a line prompt: worded answers, no as the
// default, anything else asked again, the end of input an interruption.
func TestConfirm(t *testing.T) {
	tests := []struct {
		name       string
		accessible bool
		in         string
		want       bool
		err        error
	}{
		{"terminal y", false, "y", true, nil},
		{"terminal n", false, "n", false, nil},
		{"terminal enter is no", false, "\r", false, nil},
		{"terminal ctrl+c", false, "\x03", false, ErrInterrupted},
		{"lines yes", true, "yes\n", true, nil},
		{"lines asked again", true, "maybe\ny\n", true, nil},
		{"lines default no", true, "\n", false, nil},
		{"lines end of input", true, "", false, ErrInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			got, err := Confirm(context.Background(), strings.NewReader(tt.in), &out, "Write these changes?", tt.accessible)
			if got != tt.want || !errors.Is(err, tt.err) || tt.err == nil && err != nil {
				t.Fatalf("got %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// TestPromptSecret: the secret field outside the wizard takes a piped
// line (the no-terminal fallback), normalises it, asks again for what
// cannot be a secret, and never writes it out.
func TestPromptSecret(t *testing.T) {
	var out bytes.Buffer
	in := "FAKE-two values\n'" + fakeNewSecret + "'\r\n"
	s, err := PromptSecret(context.Background(), strings.NewReader(in), &out, "Client secret", true)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Equal(config.NewSecret(fakeNewSecret)) {
		t.Errorf("secret %s, want %s", s.Fingerprint(), config.Fingerprint(fakeNewSecret))
	}
	if !strings.Contains(out.String(), "whitespace") {
		t.Error("the refused value was not asked again with the reason")
	}
	if strings.Contains(out.String(), "FAKE-") {
		t.Error("the prompt wrote the secret")
	}
	if _, err := PromptSecret(context.Background(), strings.NewReader(""), &out, "Client secret", true); !errors.Is(err, ErrInterrupted) {
		t.Errorf("end of input: %v, want ErrInterrupted", err)
	}
}

// TestPromptSecretTerminal: typed on a terminal, the secret is never
// echoed; the screen shows its fingerprint.
func TestPromptSecretTerminal(t *testing.T) {
	var out bytes.Buffer
	s, err := PromptSecret(context.Background(), strings.NewReader(fakeNewSecret+"\r"), &out, "Client secret", false)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Equal(config.NewSecret(fakeNewSecret)) {
		t.Errorf("secret %s, want %s", s.Fingerprint(), config.Fingerprint(fakeNewSecret))
	}
	if strings.Contains(out.String(), "FAKE-") || strings.Contains(out.String(), "new-secret") {
		t.Error("the terminal showed the secret")
	}
}
