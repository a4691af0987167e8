package ui

import (
	"reflect"
	"runtime"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// Keys typed ahead (a fast typist, a slow SSH session) reach the program
// before the results of the commands the previous key returned. Whatever a
// key starts must therefore be done when its Update returns, or the next
// key lands where the previous one left from. Two things used to wait for
// a round trip through the runtime:
//
//   - huh moves to the next field, and completes a form, by returning
//     commands (NextField, then nextGroup on the last field) whose messages
//     come back later: "enter, down" on a last question answered it, then
//     moved its cursor, changing the recorded answer;
//   - a screen changed through a message it returned: the keys after the
//     enter that left a screen went to that screen again.
//
// settleForm runs huh's moves at once, and navigation (common.goTo,
// common.advance) is done by the wizard before it reads the next message.

// huhMoves are huh's field and group moves, by function name: the group
// moves are unexported. A name huh changes falls back to the round trip,
// which TestTypeAhead catches.
var huhMoves = map[string]bool{
	"charm.land/huh/v2.NextField": true,
	"charm.land/huh/v2.PrevField": true,
	"charm.land/huh/v2.nextGroup": true,
	"charm.land/huh/v2.prevGroup": true,
}

// batchFunc is in the name of the closure tea.Batch and tea.Sequence return
// (after the caller's name where Batch is inlined); the closure only returns
// their commands, so calling it runs nothing.
const batchFunc = ".compactCmds["

func funcName(cmd tea.Cmd) string {
	return runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
}

// settleForm applies to f, now, the field and group moves in cmd (and in
// the batches it holds) and returns the rest of cmd to run as usual.
// Sequences stay whole: their order is theirs to keep.
func settleForm(f *huh.Form, cmd tea.Cmd) tea.Cmd {
	var rest []tea.Cmd
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		name := funcName(c)
		switch {
		case huhMoves[name]:
			if pending(f) {
				_, next := f.Update(c())
				queue = append(queue, next)
			}
		case strings.Contains(name, batchFunc):
			if b, ok := c().(tea.BatchMsg); ok {
				queue = append(queue, b...)
				continue
			}
			rest = append(rest, c)
		default:
			rest = append(rest, c)
		}
	}
	return tea.Batch(rest...)
}

// navigation is a screen change asked for while a message was handled:
// the effects for other screens, then the screen to show.
type navigation struct {
	to      screenID
	effects []tea.Msg
}

// goTo makes to the current screen once the message being handled is
// done, before the next one is read.
func (c *common) goTo(to screenID) tea.Cmd {
	c.nav = &navigation{to: to}
	return nil
}

// navigate makes the changes of screen asked for while msg was handled,
// each effect reaching every screen before the next screen is entered.
func (w *wizard) navigate() tea.Cmd {
	var cmds []tea.Cmd
	for w.c.nav != nil {
		n := *w.c.nav
		w.c.nav = nil
		for _, e := range n.effects {
			cmds = append(cmds, w.route(e))
		}
		cmds = append(cmds, w.show(n.to))
	}
	return tea.Batch(cmds...)
}
