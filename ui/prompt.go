package ui

import (
	"context"
	"errors"
	"fmt"
	"io"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// Confirm asks a yes/no question outside the wizard (rotate's "write?") as
// a huh Confirm on the terminal in and out, or as a line prompt when
// accessible; the default is no. ctrl+c, ctx ending or the end of input
// return ErrInterrupted.
func Confirm(ctx context.Context, in io.Reader, out io.Writer, question string, accessible bool) (bool, error) {
	var yes bool
	err := ask(ctx, in, out, accessible, huh.NewConfirm().Title(question).Affirmative("Yes").Negative("No").
		WithButtonAlignment(lipgloss.Left).Value(&yes))
	return yes && err == nil, err
}

// PromptSecret asks for a secret outside the wizard (rotate on a
// terminal) with the wizard's secret field: nothing echoed, the
// fingerprint of what was typed shown under it, the value checked by the
// paste normaliser before it is accepted.
func PromptSecret(ctx context.Context, in io.Reader, out io.Writer, question string, accessible bool) (config.Secret, error) {
	var v string
	field := newSecretInput(question, &v, validCredential)
	field.describe = func() string {
		if s, err := normalizePasted(v); err == nil {
			return "•••••• " + config.Fingerprint(s)
		}
		return "type or paste; nothing is echoed"
	}
	field.Input.Description(field.describe())
	if err := ask(ctx, in, out, accessible, field); err != nil {
		return config.Secret{}, err
	}
	s, err := normalizePasted(v)
	if err != nil {
		return config.Secret{}, fmt.Errorf("the new secret: %w", err)
	}
	return config.NewSecret(s), nil
}

// ask runs fields as one form in the wizard's theme.
func ask(ctx context.Context, in io.Reader, out io.Writer, accessible bool, fields ...huh.Field) error {
	st := newStyles(true, false)
	if accessible {
		r := newLineReader(ctx, in)
		_ = huh.NewForm(huh.NewGroup(fields...)).WithAccessible(true).WithInput(r).WithOutput(out).Run()
		if r.isEnded() {
			return ErrInterrupted
		}
		return nil
	}
	err := huh.NewForm(huh.NewGroup(fields...)).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return st.Form })).
		WithInput(in).WithOutput(out).RunWithContext(ctx)
	switch {
	case errors.Is(err, huh.ErrUserAborted), ctx.Err() != nil:
		return ErrInterrupted
	case err != nil:
		return fmt.Errorf("ui: %w", err)
	}
	return nil
}
