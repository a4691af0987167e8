package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// event marks the messages every screen receives, whichever is current:
// the results of async jobs (each screen checks the run it started) and the
// effects one screen has on another. Keys and form traffic go to the
// current screen only.
type event interface{ isEvent() }

// Cross-screen effects.

// optionChosenMsg: Step 2 chose how to get new credentials; Step 3
// prefills the client ID for Option A.
type optionChosenMsg struct{ option string }

// credentialsMsg: Step 3 accepted a new pair; Step 4 tests it.
type credentialsMsg struct {
	clientID string
	secret   config.Secret
}

// configWrittenMsg: Step 4's write ended; Step 5 reloads what was written.
type configWrittenMsg struct {
	result  config.SaveResult
	err     error
	aborted bool // the program was ending: nothing was written
}

// rediagnosedMsg: Step 1 ran the diagnosis again with the user's answer;
// Diagnose shows that run from now on.
type rediagnosedMsg struct{ report *probe.Report }

// Async results.

type tenantLoadedMsg struct {
	tenant config.Tenant
	err    error
}

type probeEventMsg struct {
	run   int
	event probe.Event
}

type probeDoneMsg struct {
	run    int
	report *probe.Report
	err    error
}

type tokenTestedMsg struct {
	run     int
	outcome probe.TokenOutcome
}

type diffMsg struct {
	run  int
	diff string
	err  error
}

type openedMsg struct{ err error }

type reportSavedMsg struct {
	path string
	err  error
}

func (optionChosenMsg) isEvent()  {}
func (credentialsMsg) isEvent()   {}
func (configWrittenMsg) isEvent() {}
func (rediagnosedMsg) isEvent()   {}
func (tenantLoadedMsg) isEvent()  {}
func (probeEventMsg) isEvent()    {}
func (probeDoneMsg) isEvent()     {}
func (tokenTestedMsg) isEvent()   {}
func (diffMsg) isEvent()          {}
func (openedMsg) isEvent()        {}
func (reportSavedMsg) isEvent()   {}

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func loadTenantCmd(load func(string) (config.Tenant, error), name string) tea.Cmd {
	return func() tea.Msg {
		t, err := load(name)
		return tenantLoadedMsg{tenant: t, err: err}
	}
}

// stream runs job in its own goroutine and feeds what it sends, then what
// it returns, into the program through ch; listen re-arms after each
// message until the job ends. Sends give up when ctx ends, so a quitting
// program never strands the goroutine. Probe runs and the provider's
// sign-in both report this way.
func stream(ctx context.Context, job func(ch chan tea.Msg, send func(tea.Msg)) tea.Msg) (chan tea.Msg, tea.Cmd) {
	ch := make(chan tea.Msg, 16)
	send := func(m tea.Msg) {
		select {
		case ch <- m:
		case <-ctx.Done():
		}
	}
	start := func() tea.Msg {
		go func() {
			defer close(ch)
			send(job(ch, send))
		}()
		return nil
	}
	return ch, tea.Batch(start, listen(ch))
}

// startProbe runs fn as a stream of probeEventMsg ending in probeDoneMsg.
func startProbe(ctx context.Context, fn func(context.Context, config.Tenant, Evidence, func(probe.Event)) (*probe.Report, error), t config.Tenant, ev Evidence, run int) (chan tea.Msg, tea.Cmd) {
	return stream(ctx, func(_ chan tea.Msg, send func(tea.Msg)) tea.Msg {
		rep, err := fn(ctx, t, ev, func(e probe.Event) { send(probeEventMsg{run: run, event: e}) })
		return probeDoneMsg{run: run, report: rep, err: err}
	})
}

func listen(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		m, ok := <-ch
		if !ok {
			return nil
		}
		return m
	}
}

func testTokenCmd(ctx context.Context, fn func(context.Context, config.Tenant, string, config.Secret) probe.TokenOutcome, t config.Tenant, id string, s config.Secret, run int) tea.Cmd {
	return func() tea.Msg {
		out := fn(ctx, t, id, s)
		return tokenTestedMsg{run: run, outcome: out}
	}
}

func diffCmd(fn func(string, string, config.Secret) (string, error), tenant, id string, s config.Secret, run int) tea.Cmd {
	return func() tea.Msg {
		d, err := fn(tenant, id, s)
		return diffMsg{run: run, diff: d, err: err}
	}
}

// writeCmd performs the one synchronous Deps.Write under guard.
func writeCmd(g *writeGuard, fn func(string, string, config.Secret) (config.SaveResult, error), tenant, id string, s config.Secret) tea.Cmd {
	return guardedWrite(g, func() (config.SaveResult, error) { return fn(tenant, id, s) })
}

// guardedWrite runs write under guard, so Run can wait for a write in
// progress and refuse to start one after quitting; secrets and keys alike.
func guardedWrite(g *writeGuard, write func() (config.SaveResult, error)) tea.Cmd {
	return func() tea.Msg {
		var msg configWrittenMsg
		ran := g.do(func() {
			res, err := write()
			if err == nil {
				g.record(res)
			}
			msg = configWrittenMsg{result: res, err: err}
		})
		if !ran {
			return configWrittenMsg{aborted: true}
		}
		return msg
	}
}

func openCmd(fn func(string) error, url string) tea.Cmd {
	return func() tea.Msg {
		if fn == nil {
			return openedMsg{err: errNoBrowser}
		}
		return openedMsg{err: fn(url)}
	}
}

func saveReportCmd(fn func(string, Session) error, path string, s Session) tea.Cmd {
	return func() tea.Msg {
		if fn == nil {
			return reportSavedMsg{path: path, err: errNoReport}
		}
		return reportSavedMsg{path: path, err: fn(path, s)}
	}
}
