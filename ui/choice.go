package ui

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// choice is a huh Select whose accessible prompt takes what people type:
// an option's number, its letter or its words ("y", "yes"), and asks again
// for anything else. huh's own accessible Select takes numbers only. On a
// terminal it is the Select, untouched.
type choice[T comparable] struct {
	*huh.Select[T]
	question string
	value    *T
	opts     []choiceOpt[T]
}

type choiceOpt[T comparable] struct {
	label string
	value T
	// words are the answers that pick it besides its number, lower case;
	// the first is the one the prompt names.
	words []string
}

func opt[T comparable](label string, value T, words ...string) choiceOpt[T] {
	return choiceOpt[T]{label: label, value: value, words: words}
}

func newChoice[T comparable](question string, value *T, opts ...choiceOpt[T]) *choice[T] {
	h := make([]huh.Option[T], len(opts))
	for i, o := range opts {
		h[i] = huh.NewOption(o.label, o.value)
	}
	s := huh.NewSelect[T]().Title(question).Options(h...).Value(value)
	return &choice[T]{Select: s, question: question, value: value, opts: opts}
}

// Update keeps the wrapper in the group: huh stores what Update returns.
func (c *choice[T]) Update(msg tea.Msg) (huh.Model, tea.Cmd) {
	_, cmd := c.Select.Update(msg)
	return c, cmd
}

// set picks v, moving the Select's cursor to it as a key press would.
func (c *choice[T]) set(v T) {
	*c.value = v
	c.Select.Value(c.value)
}

// RunAccessible asks on one line when every option is one word
// (yes/no/unknown), else lists the options numbered first.
func (c *choice[T]) RunAccessible(w io.Writer, r io.Reader) error {
	short := true
	var names []string
	for _, o := range c.opts {
		short = short && !strings.Contains(o.label, " ")
		if len(o.words) > 0 {
			names = append(names, o.words[0])
		}
	}
	hint := orList(names)
	if !short {
		fmt.Fprintln(w, c.question)
		for i, o := range c.opts {
			fmt.Fprintf(w, "  %d. %s\n", i+1, o.label)
		}
		hint = "a number"
		if len(names) > 0 {
			hint += ", or " + orList(names)
		}
	}
	for {
		if short {
			fmt.Fprintf(w, "%s %s [%s]: ", c.question, hint, c.labelOf(*c.value))
		} else {
			fmt.Fprintf(w, "Type %s [%s]: ", hint, c.labelOf(*c.value))
		}
		line, err := readLine(r)
		if err != nil {
			fmt.Fprintln(w)
			return err
		}
		if v, ok := c.parse(line); ok {
			c.set(v)
			return nil
		}
		fmt.Fprintf(w, "Not an answer here: type %s.\n", hint)
	}
}

// parse maps an answer to an option; empty keeps the current one.
func (c *choice[T]) parse(s string) (T, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return *c.value, true
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(c.opts) {
		return c.opts[n-1].value, true
	}
	for _, o := range c.opts {
		if s == strings.ToLower(o.label) {
			return o.value, true
		}
		for _, w := range o.words {
			if s == w {
				return o.value, true
			}
		}
	}
	var zero T
	return zero, false
}

func (c *choice[T]) labelOf(v T) string {
	for _, o := range c.opts {
		if o.value == v {
			if len(o.words) > 0 {
				return o.words[0]
			}
			return o.label
		}
	}
	return ""
}

// orList is "a, b or c".
func orList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
