package cli

// The helpers every test of this package shares: running the command with
// buffers or as a built binary, sandboxes, the no-secret assertion, and the
// wizard driver (teatest, pinned profile, every frame kept).

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/uitest"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// frames keeps every byte the program wrote, to scan all of them.
type frames struct {
	mu  sync.Mutex
	all bytes.Buffer
}

func (f *frames) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.all.Write(p)
}

func (f *frames) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.all.String()
}

// wizardDriver runs the real wizard, wired to w as main wires it, in a
// teatest program with a pinned colour profile. It waits on the frames the
// model draws (uitest.Screen: the output stream holds only the cells that
// changed) and keeps every byte the program wrote, to scan for secrets.
type wizardDriver struct {
	t      *testing.T
	srv    *sandbox.Server
	tm     *teatest.TestModel
	screen *uitest.Screen
	seen   *frames
}

// startWizard uses 100x60: tall enough that the diagnosis is on screen
// without scrolling, so the text the driver waits for is never scrolled off.
// srv is the sandbox w talks to: its secrets are redacted from the frame a
// failed wait prints.
func startWizard(t *testing.T, srv *sandbox.Server, w *wizardBackend, opts ui.Options) *wizardDriver {
	t.Helper()
	return startWizardSized(t, srv, w, opts, 100, 60)
}

// startWizardSized is startWizard in a window of the given size: goldens
// of whole screens use one wide enough that no line is cut or wrapped at a
// place that depends on a duration's digits.
func startWizardSized(t *testing.T, srv *sandbox.Server, w *wizardBackend, opts ui.Options, width, height int) *wizardDriver {
	t.Helper()
	opts.NoColor = true
	screen := uitest.NewScreen()
	tm := teatest.NewTestModel(t, screen.Wrap(ui.New(w.deps(), opts)),
		teatest.WithInitialTermSize(width, height),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return &wizardDriver{t: t, srv: srv, tm: tm, screen: screen, seen: &frames{}}
}

// waitFor blocks until a frame drawn after every key sent so far shows
// want. On failure it prints the last frame with every secret the sandbox
// knows replaced.
func (d *wizardDriver) waitFor(want string) {
	d.t.Helper()
	last, ok := d.screen.WaitFor(d.tm.Send, want, 60*time.Second) // a bound for a stuck wizard, not a timing assertion
	d.drain()
	if !ok {
		d.t.Fatalf("the wizard never showed %q; last frame (secrets redacted):\n%s", want, redact(d.srv, last))
	}
}

// everything is every byte the program wrote and every frame the model
// drew, for the no-secret scans.
func (d *wizardDriver) everything() string { return d.seen.String() + "\n" + d.screen.All() }

// drain moves what the program wrote so far into seen.
func (d *wizardDriver) drain() {
	b, _ := io.ReadAll(d.tm.Output())
	_, _ = d.seen.Write(b)
}

// namedKeys are the keys key takes by name.
var namedKeys = map[string]rune{"enter": tea.KeyEnter, "down": tea.KeyDown, "up": tea.KeyUp, "backspace": tea.KeyBackspace, "tab": tea.KeyTab, "esc": tea.KeyEscape}

// key presses a named key (enter, down, up, backspace, tab, esc) or a
// single-character one.
func (d *wizardDriver) key(k string) {
	if code, ok := namedKeys[k]; ok {
		d.tm.Send(tea.KeyPressMsg{Code: code})
		return
	}
	d.tm.Send(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
}

// typeText presses each character of s, as a user types it: shortcuts
// that swallow letters show here, where a paste would hide them.
func (d *wizardDriver) typeText(s string) {
	for _, r := range s {
		d.key(string(r))
	}
}

// toStep3 continues past Diagnose, enters through Step 1's five
// questions, takes Option A and waits for Step 3's secret field.
func (d *wizardDriver) toStep3() {
	d.t.Helper()
	d.waitFor("Diagnosis")
	d.key("enter")
	d.waitFor("Record")
	for range 5 {
		d.key("enter")
	}
	d.waitFor("Which option")
	d.key("enter")
	d.waitFor("echoed")
}

// writeAndVerify pastes secret on Step 3, lets Step 4 test the pair and
// write it, and continues past Step 5's passing verification: the part of
// a rotation every wizard test against the sandbox goes through.
func (d *wizardDriver) writeAndVerify(secret string) {
	d.t.Helper()
	d.paste(secret)
	d.key("enter")
	d.waitFor("Write these")
	d.key("w")
	d.waitFor("backup")
	d.key("enter")
	d.waitFor("passed")
	d.key("enter")
}

// paste sends text the way a terminal's bracketed paste does.
func (d *wizardDriver) paste(s string) { d.tm.Send(tea.PasteMsg{Content: s}) }

// final waits for the program to end and returns its model.
func (d *wizardDriver) final() ui.Model {
	d.t.Helper()
	fm, ok := uitest.Unwrap(d.tm.FinalModel(d.t, teatest.WithFinalTimeout(60*time.Second))).(ui.Model)
	d.drain()
	if !ok {
		d.t.Fatal("final model is not a ui.Model")
	}
	return fm
}

// runCLI runs the command tree in-process with buffers, the way main does.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	io := &IOStreams{
		In:     strings.NewReader(stdin),
		Out:    &out,
		Err:    &errb,
		Getenv: func(k string) string { return env[k] },
	}
	code = run(context.Background(), io, args)
	return out.String(), errb.String(), code
}

// startSandbox starts a sandbox for one test and stops it after.
func startSandbox(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	opts.Dir = t.TempDir()
	srv, err := sandbox.Start(opts)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// assertNoSecret fails if any text holds a secret or token the sandbox ever
// knew, raw, form-encoded or inside a Basic value. It never prints one.
func assertNoSecret(t *testing.T, srv *sandbox.Server, texts ...string) {
	t.Helper()
	for i, text := range texts {
		for _, n := range secretNeedles(srv) {
			if n != "" && strings.Contains(text, n) {
				t.Fatalf("output %d holds a secret or token (%d bytes)", i, len(n))
			}
		}
	}
}

// secretNeedles is every form in which a secret or token the sandbox ever
// knew could show: raw, form-encoded, inside a Basic value.
func secretNeedles(srv *sandbox.Server) []string {
	var needles []string
	for _, s := range srv.Secrets() {
		needles = append(needles, s, url.QueryEscape(s),
			base64.StdEncoding.EncodeToString([]byte(srv.ClientID()+":"+s)),
			base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(srv.ClientID())+":"+url.QueryEscape(s))))
	}
	return append(needles, srv.IssuedTokens()...)
}

// redact replaces in text every secret or token the sandbox ever knew, so
// a failing test can print a screen.
func redact(srv *sandbox.Server, text string) string {
	for _, n := range secretNeedles(srv) {
		if n != "" {
			text = strings.ReplaceAll(text, n, "[REDACTED]")
		}
	}
	return text
}

// buildBinary builds the real command into a test directory; tags select
// test hooks (config/testhook_on.go). Benchmarks use it too, untagged.
func buildBinary(tb testing.TB, tags ...string) string {
	tb.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		tb.Skip("the go tool is not on PATH: cannot build the binary")
	}
	bin := filepath.Join(tb.TempDir(), "fhirdoctor")
	args := []string{"build", "-o", bin}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	// The binary is the module root's main package.
	cmd := exec.Command(goTool, append(args, "github.com/fhirdoctor/fhirdoctor")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func sandboxArgs(srv *sandbox.Server, args ...string) []string {
	info := srv.Info()
	return append(args, "--config", info.ConfigFile, "--cacert", info.CAFile)
}

// newWizardBackend wires the wizard to a sandbox as main does.
func newWizardBackend(t *testing.T, srv *sandbox.Server, io *IOStreams) *wizardBackend {
	t.Helper()
	f, err := config.Load(srv.Info().ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	// Placeholders resolve from io's environment, never the test process's.
	env := config.EnvironmentFor(f.Path(), "")
	env.LookupEnv = io.lookupEnv
	f.SetEnvironment(env)
	g := &globals{timeout: 10 * time.Second}
	return &wizardBackend{g: g, io: io, f: f, rootCAs: srv.CertPool(), consoleURL: srv.Info().ConsoleURL, tested: map[string]bool{}}
}
