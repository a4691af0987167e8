package ui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// errQuit ends the line flow when the user types q or input ends.
var errQuit = errors.New("quit")

// RunAccessible runs the same flow as Run as plain line prompts: no cursor
// movement, no colour, no spinner, every state change a sentence on its own
// line, so a screen reader can follow it. The secret is read without echo
// when in is a terminal.
func RunAccessible(ctx context.Context, deps Deps, opts Options, in io.Reader, out io.Writer) (Session, error) {
	if err := deps.check(); err != nil {
		return Session{}, err
	}
	a := &lineFlow{ctx: ctx, deps: deps, opts: opts, in: bufio.NewReader(in), out: out}
	a.session = Session{ConfigPath: deps.ConfigPath, StartedAt: time.Now().UTC()}
	a.readSecret = a.readLine
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		a.readSecret = func() (string, error) {
			b, err := term.ReadPassword(f.Fd())
			fmt.Fprintln(out)
			if err != nil {
				return "", fmt.Errorf("reading the secret: %w", err)
			}
			return string(b), nil
		}
	}
	err := a.run()
	a.session.Remaining = remaining(a.session)
	if errors.Is(err, errQuit) {
		a.say("Quit. Nothing more was done.")
		return a.session, nil
	}
	return a.session, err
}

type lineFlow struct {
	ctx        context.Context
	deps       Deps
	opts       Options
	in         *bufio.Reader
	out        io.Writer
	readSecret func() (string, error)
	session    Session
	tenant     config.Tenant
	newID      string
	newSecret  config.Secret
	outcome    *probe.TokenOutcome
	written    bool
}

func (a *lineFlow) say(format string, args ...any) { fmt.Fprintf(a.out, format+"\n", args...) }

func (a *lineFlow) readLine() (string, error) {
	line, err := a.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		if errors.Is(err, io.EOF) {
			return "", errQuit
		}
		return "", fmt.Errorf("reading input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// ask prints a prompt and returns the trimmed answer; q quits.
func (a *lineFlow) ask(prompt string) (string, error) {
	fmt.Fprint(a.out, prompt+" ")
	s, err := a.readLine()
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "q") {
		return "", errQuit
	}
	return s, nil
}

// navigate asks what to do after a screen: continue, back, skip.
func (a *lineFlow) navigate(cur step) (step, error) {
	ans, err := a.ask("Press enter to continue, b to go back, s to skip, q to quit:")
	if err != nil {
		return cur, err
	}
	switch strings.ToLower(ans) {
	case "b":
		return max(stepDiagnose, cur-1), nil
	case "s":
		a.session.Skipped = appendOnce(a.session.Skipped, cur.String())
	}
	return cur + 1, nil
}

func (a *lineFlow) run() error {
	cur := stepDiagnose
	for {
		a.say("")
		a.say("== %s ==", cur)
		var next step
		var err error
		switch cur {
		case stepDiagnose:
			next, err = a.diagnose()
		case stepStatus:
			next, err = a.status()
		case stepRegenerate:
			next, err = a.regenerate()
		case stepUpdate:
			next, err = a.update()
		case stepTest:
			next, err = a.test()
		case stepVerify:
			next, err = a.verify()
		case stepSummary:
			return a.summary()
		}
		if err != nil {
			return err
		}
		cur = next
	}
}

func (a *lineFlow) diagnose() (step, error) {
	a.say("Config: %s", a.deps.ConfigPath)
	if a.tenant.Name == "" {
		name, err := a.pickTenant()
		if err != nil {
			return stepDiagnose, err
		}
		t, err := a.deps.LoadTenant(name)
		if err != nil {
			a.say("The tenant could not be loaded: %v", err)
			return stepDiagnose, fmt.Errorf("loading tenant: %w", err)
		}
		a.tenant = t
		a.session.Tenant = t.Name
		a.session.ClientIDOld = t.Cerner.SystemApp.ClientID
		a.session.FingerprintOld = t.Cerner.SystemApp.ClientSecret.Fingerprint()
	}
	a.say("Tenant: %s", a.tenant.Name)
	a.say("Client ID: %s", a.tenant.Cerner.SystemApp.ClientID)
	if src := a.tenant.Cerner.SystemApp.ClientSecret.Source().String(); src != "" {
		a.say("Client secret: %s, from %s", a.tenant.Cerner.SystemApp.ClientSecret.Mask(), src)
	} else {
		a.say("Client secret: %s", a.tenant.Cerner.SystemApp.ClientSecret.Mask())
	}
	rep := a.probe(a.tenant)
	a.session.Diagnosis = rep
	if rep != nil {
		a.diagnosis(rep.Diagnosis)
	}
	return a.navigate(stepDiagnose)
}

func (a *lineFlow) pickTenant() (string, error) {
	switch {
	case a.opts.Tenant != "":
		return a.opts.Tenant, nil
	case len(a.deps.Tenants) == 0:
		return "", nil
	case len(a.deps.Tenants) == 1:
		return a.deps.Tenants[0], nil
	}
	a.say("The config has %d tenants:", len(a.deps.Tenants))
	for i, t := range a.deps.Tenants {
		a.say("  %d. %s", i+1, t)
	}
	for {
		ans, err := a.ask("Tenant number [1]:")
		if err != nil {
			return "", err
		}
		if ans == "" {
			return a.deps.Tenants[0], nil
		}
		n, err := strconv.Atoi(ans)
		if err == nil && n >= 1 && n <= len(a.deps.Tenants) {
			return a.deps.Tenants[n-1], nil
		}
		a.say("Type a number from 1 to %d.", len(a.deps.Tenants))
	}
}

// probe runs the checks and says each one as it finishes.
func (a *lineFlow) probe(t config.Tenant) *probe.Report {
	a.say("Running the checks. Each result is printed as it finishes.")
	var mu sync.Mutex
	rep, err := a.deps.Probe(a.ctx, t, func(e probe.Event) {
		if e.Kind != probe.EventFinished {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		a.sayCheck(e.Title, e.Result)
	})
	if err != nil {
		a.say("The probe stopped: %v", err)
		return rep
	}
	a.say("%s.", passedLine(rep))
	return rep
}

func (a *lineFlow) sayCheck(title string, r probe.Result) {
	line := fmt.Sprintf("%s: %s: %s", r.Status, title, r.Summary)
	if d := formatDuration(r.Duration); d != "" {
		line += " (" + d + ")"
	}
	a.say("%s", line)
	if r.Status == probe.StatusFail || r.Status == probe.StatusWarn {
		for _, e := range r.Evidence {
			a.say("  evidence: %s", e)
		}
		if r.Remedy != "" {
			a.say("  fix: %s", r.Remedy)
		}
	}
}

func (a *lineFlow) diagnosis(d probe.Diagnosis) {
	if d.Top == probe.CauseOK {
		a.say("No problem found. You can still rotate the secret.")
		return
	}
	if d.Top == probe.CauseEdgeBlock {
		a.say("%s", edgeBlockAdvice)
	}
	a.say("Diagnosis, most likely first:")
	for i, c := range d.Causes {
		line := fmt.Sprintf("%d. %s: %s", i+1, c.ID, c.Verdict)
		if c.Step > 0 {
			line += fmt.Sprintf(", fixed by Step %d", c.Step)
		}
		a.say("%s", line)
		for _, e := range c.Evidence {
			a.say("   evidence: %s", e)
		}
		if c.Fix != "" && c.Verdict != probe.VerdictRuledOut {
			a.say("   fix: %s", c.Fix)
		}
	}
}

func (a *lineFlow) status() (step, error) {
	a.say("Code Console: %s", a.deps.ConsoleURL)
	a.say("Navigate to My Apps, then System Apps, and find application %s.", a.tenant.Cerner.SystemApp.ClientID)
	if ans, err := a.ask("Open the Code Console in your browser now? y or n [n]:"); err != nil {
		return stepStatus, err
	} else if strings.EqualFold(ans, "y") && a.deps.OpenURL != nil {
		if err := a.deps.OpenURL(a.deps.ConsoleURL); err != nil {
			a.say("Could not open a browser (%v): open the link yourself.", err)
		}
	}
	a.say("Record what you see; the answers go into the report. Press enter to leave one blank.")
	a.session.Checklist = a.session.Checklist[:0]
	for i, q := range checklist {
		prompt := q + " y, n or u for unsure:"
		if i == expiryQuestion {
			prompt = q + " a date, never or unknown:"
		}
		ans, err := a.ask(prompt)
		if err != nil {
			return stepStatus, err
		}
		if i != expiryQuestion {
			ans = map[string]string{"y": "yes", "n": "no", "u": "not sure"}[strings.ToLower(ans)]
		}
		a.session.Checklist = append(a.session.Checklist, ChecklistAnswer{Question: q, Answer: ans})
	}
	return a.navigate(stepStatus)
}

func (a *lineFlow) regenerate() (step, error) {
	app := a.tenant.Cerner.SystemApp
	a.say("Option A: regenerate the secret of the same app %s in the Code Console. The client ID stays.", app.ClientID)
	a.say("Option B: create a new system app for tenant %s with these scopes:", tenantID(app.TokenURL))
	for _, s := range app.Scopes {
		a.say("  %s", s)
	}
	for {
		ans, err := a.ask("Option A or B? Type a or b [a]; s skips the step, back goes back:")
		if err != nil {
			return stepRegenerate, err
		}
		switch strings.ToLower(ans) {
		case "", "a":
			a.session.Option = "A"
			return stepUpdate, nil
		case "b":
			a.session.Option = "B"
			return stepUpdate, nil
		case "s":
			a.session.Skipped = appendOnce(a.session.Skipped, stepRegenerate.String())
			return stepUpdate, nil
		case "back":
			return stepStatus, nil
		}
		a.say("Type a for Option A, b for Option B, s to skip or back.")
	}
}

func (a *lineFlow) update() (step, error) {
	prefill := ""
	if a.session.Option != "B" {
		prefill = a.tenant.Cerner.SystemApp.ClientID
	}
	for {
		prompt := "Client ID:"
		if prefill != "" {
			prompt = "Client ID [" + prefill + "]:"
		}
		raw, err := a.ask(prompt)
		if err != nil {
			return stepUpdate, err
		}
		if raw == "" {
			raw = prefill
		}
		id, err := normalizePasted(raw)
		if err != nil {
			a.say("Client ID: %v", err)
			continue
		}
		a.newID = id
		break
	}
	for {
		fmt.Fprint(a.out, "Client secret (not shown as you type): ")
		raw, err := a.readSecret()
		if err != nil {
			return stepUpdate, err
		}
		v, err := normalizePasted(raw)
		if err != nil {
			a.say("Client secret: %v", err)
			continue
		}
		a.newSecret = config.NewSecret(v)
		break
	}
	a.session.ClientIDNew = a.newID
	a.session.FingerprintNew = a.newSecret.Fingerprint()
	a.say("New client secret fingerprint: %s (the file holds %s).", a.newSecret.Fingerprint(), a.session.FingerprintOld)
	a.outcome = nil
	return a.navigate(stepUpdate)
}

func (a *lineFlow) test() (step, error) {
	if a.newSecret.IsZero() {
		a.say("No new credentials yet.")
		return a.navigate(stepTest)
	}
	a.say("Requesting a token with the new pair. Nothing is written yet.")
	out := a.deps.TestToken(a.ctx, a.tenant, a.newID, a.newSecret)
	out.Token = config.Secret{}
	a.outcome = &out
	a.session.TokenTest = &out
	if out.OK {
		a.say("Token issued: HTTP %d, expires_in %d seconds.", out.HTTPStatus, out.ExpiresIn)
	} else {
		a.say("Token refused: HTTP %d, cause %s. %s", out.HTTPStatus, out.Cause, out.Summary)
		for _, e := range out.Evidence {
			a.say("  evidence: %s", e)
		}
		if out.Remedy != "" {
			a.say("  fix: %s", out.Remedy)
		}
	}
	a.say("Requested scopes: %s", orNone(out.Requested))
	a.say("Granted scopes: %s", orNone(out.Granted))
	diff, err := a.deps.Diff(a.tenant.Name, a.newID, a.newSecret)
	if err != nil {
		a.say("The diff could not be made: %v", err)
	} else {
		a.say("Changes to the config, secrets shown as fingerprints:")
		a.say("%s", strings.TrimRight(diff, "\n"))
	}
	prompt := "Write these changes? y or n [n]:"
	if !out.OK {
		ans, err := a.ask("e to edit again, back to go back, w to write anyway, s to skip [e]:")
		if err != nil {
			return stepTest, err
		}
		switch strings.ToLower(ans) {
		case "", "e":
			return stepUpdate, nil
		case "back":
			return stepRegenerate, nil
		case "s":
			a.session.Skipped = appendOnce(a.session.Skipped, stepTest.String())
			return stepVerify, nil
		}
		prompt = "These credentials failed the test. Type yes to write them anyway:"
	}
	ans, err := a.ask(prompt)
	if err != nil {
		return stepTest, err
	}
	if !(strings.EqualFold(ans, "y") && out.OK) && !(strings.EqualFold(ans, "yes")) {
		a.say("Nothing was written.")
		return a.navigate(stepTest)
	}
	res, err := a.deps.Write(a.tenant.Name, a.newID, a.newSecret)
	if err != nil {
		a.say("Nothing was written: %v", err)
		return a.navigate(stepTest)
	}
	a.written = true
	a.session.Written, a.session.WroteAnyway = true, !out.OK
	a.session.SavedPath, a.session.BackupPath = res.Path, res.BackupPath
	a.say("Wrote %s. Backup: %s.", res.Path, orNone([]string{res.BackupPath}))
	return stepVerify, nil
}

func (a *lineFlow) verify() (step, error) {
	if a.written {
		t, err := a.deps.LoadTenant(a.tenant.Name)
		if err != nil {
			a.say("The written config could not be read back: %v", err)
			return a.navigate(stepVerify)
		}
		a.tenant = t
	}
	rep := a.probe(a.tenant)
	a.session.Verify = rep
	if name := patientName(rep); name != "" {
		a.say("Patient: %s", name)
	}
	return a.navigate(stepVerify)
}

func (a *lineFlow) summary() error {
	s := a.session
	s.Remaining = remaining(s)
	a.say("File: %s", s.ConfigPath)
	if s.Written {
		a.say("Backup: %s", orNone([]string{s.BackupPath}))
		a.say("Client ID: %s to %s", s.ClientIDOld, s.ClientIDNew)
		a.say("Client secret: %s to %s", s.FingerprintOld, s.FingerprintNew)
	} else {
		a.say("No change was written.")
	}
	if s.Verify != nil {
		a.say("%s.", passedLine(s.Verify))
	}
	for _, r := range s.Remaining {
		a.say("Remains: %s", r)
	}
	if a.deps.SaveReport == nil {
		return nil
	}
	path := a.opts.reportPath()
	ans, err := a.ask("Save the markdown report to " + path + "? y or n [n]:")
	if err != nil || !strings.EqualFold(ans, "y") {
		return err
	}
	s.ReportPath = path
	if err := a.deps.SaveReport(path, s); err != nil {
		a.say("The report was not saved: %v", err)
		return nil
	}
	a.session.ReportPath = path
	a.say("Saved the report to %s.", path)
	return nil
}

func orNone(list []string) string {
	var kept []string
	for _, s := range list {
		if s != "" {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return "none"
	}
	return strings.Join(kept, " ")
}
