package cli

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// errNoTerminal names the commands that do the wizard's job without one.
var errNoTerminal = errors.New("the wizard needs a terminal; without one use `fhirdoctor probe` to diagnose, `fhirdoctor rotate --client-secret-stdin` to rotate the secret, or --accessible for plain line prompts")

func runWizard(ctx context.Context, io *IOStreams, g *globals) error {
	return runWizardWith(ctx, io, g, "", nil)
}

// runWizardWith runs the wizard on the resolved config; demo passes the
// sandbox's console and CA. An empty consoleURL means each tenant's vendor
// console (report.ConsoleFor).
func runWizardWith(ctx context.Context, io *IOStreams, g *globals, consoleURL string, rootCAs *x509.CertPool) error {
	if !g.accessible && !io.Interactive() {
		return errNoTerminal
	}
	f, err := g.loadFile(io)
	if err != nil {
		return err
	}
	w := &wizardBackend{g: g, io: io, f: f, rootCAs: rootCAs, consoleURL: consoleURL, tested: map[string]bool{}}
	if consoleURL == "" {
		// A real backend's environment; the demo's sandbox config has none.
		w.envName = f.Environment().Name
	}
	opts := ui.Options{Tenant: g.tenant, NoColor: g.noColor}
	var s ui.Session
	if g.accessible {
		s, err = ui.RunAccessible(ctx, w.deps(), opts, io.In, io.Out)
	} else {
		s, err = ui.Run(ctx, w.deps(), opts, io.In, io.Out)
	}
	if s.Written() {
		fmt.Fprintf(io.Err, "✓ wrote %s (backup %s); secret %s → %s\n", s.WrittenPath, report.OrNone(s.BackupPath), s.OldFingerprint, s.NewFingerprint)
	}
	if err != nil {
		return err // ui.ErrInterrupted: exitCode makes it 130
	}
	return wizardOutcome(s)
}

// wizardOutcome is how a wizard the user quit ends (docs/wizard.md, "Exit
// codes"): with the code of the latest diagnosis (Step 5's run when it ran),
// 0 only once the credentials verified end to end, so
// `fhirdoctor && deploy` never goes on with broken credentials.
func wizardOutcome(s ui.Session) error {
	latest := s.Latest()
	if latest == nil {
		return fmt.Errorf("quit before the diagnosis finished: %w", ui.ErrInterrupted)
	}
	code := probe.ExitCode(latest.Diagnosis.Top)
	if code == 0 {
		for _, r := range s.Then {
			if !r.OK() {
				// Written and verified, but a command run after failed.
				return &thenFailedError{command: r.Command, outcome: r.Outcome()}
			}
		}
	}
	return newDiagnosisError(code, "wizard: %s", latest.Diagnosis.Top)
}

// wizardBackend gives the wizard its operations on one loaded config file.
// The file is loaded once, so a write refuses if someone changed it on disk
// while the wizard ran.
type wizardBackend struct {
	g          *globals
	io         *IOStreams
	rootCAs    *x509.CertPool
	consoleURL string
	envName    string // shown in the wizard's header

	mu sync.Mutex // guards f and tested: the wizard calls from several goroutines
	f  *config.File
	// tested records which pairs passed a token test, keyed by client id and
	// secret fingerprint, so the audit line can say whether a write was
	// verified or written anyway.
	tested map[string]bool
	// keys are the key pairs made for a JWT app's rotation, by kid.
	keys map[string]*jwtauth.Key
	// keyWait bounds Step 4's wait for a new key (0: the wizard's default).
	keyWait time.Duration
	// lifetime is each tested pair's token expires_in, and last the
	// rotation the last write made: what "What remains" measures.
	lifetime map[string]int
	last     *rotated
	// now is the clock of the probe runs and of Step 1's "20m ago"
	// (time.Now when nil); tests share the sandbox's.
	now func() time.Time
}

// wizardAnswer names the wizard's answer in the evidence, as
// --key-uploaded-at names the flag.
const wizardAnswer = "your answer in the wizard"

func pairKey(clientID string, s config.Secret) string { return clientID + " " + s.Fingerprint() }

func (w *wizardBackend) probeOptions(t config.Tenant) probe.Options {
	w.mu.Lock()
	defer w.mu.Unlock()
	o := w.g.probeOptions(w.f, t)
	o.RootCAs = w.rootCAs
	o.Now = w.now
	return o
}

func (w *wizardBackend) deps() ui.Deps {
	return ui.Deps{
		ConfigPath:  w.f.Path(),
		Environment: w.envName,
		Tenants:     w.f.TenantNames(),
		LoadTenant: func(name string) (config.Tenant, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.f.Tenant(name)
		},
		Probe: func(ctx context.Context, t config.Tenant, ev ui.Evidence, onEvent func(probe.Event)) (*probe.Report, error) {
			o := w.probeOptions(t)
			if !ev.KeyUploadedAt.IsZero() {
				// The same evidence as probe --key-uploaded-at.
				o.KeyUploadedAt, o.KeyUploadedFrom = ev.KeyUploadedAt, wizardAnswer
			}
			return probe.Run(ctx, o, onEvent)
		},
		TestToken: func(ctx context.Context, t config.Tenant, clientID string, secret config.Secret) probe.TokenOutcome {
			out := probe.RequestToken(ctx, w.probeOptions(t), clientID, secret)
			w.mu.Lock()
			w.tested[pairKey(clientID, secret)] = out.OK
			if w.lifetime == nil {
				w.lifetime = map[string]int{}
			}
			w.lifetime[pairKey(clientID, secret)] = out.ExpiresIn
			w.mu.Unlock()
			return out
		},
		ProviderRoundTrip: wizardProviderRoundTrip(w.probeOptions, browserOpener(w.io.Getenv)),
		Diff:              w.diff,
		Write:             w.write,
		ConsoleURL:        w.consoleURL,
		OpenURL:           browserOpener(w.io.Getenv),
		SaveReport:        w.saveReport,
		Version:           versionString(),
		Now:               w.now,
		Keys:              w.keyDeps(),
		After:             w.afterDeps(),
	}
}

func (w *wizardBackend) diff(tenant, clientID string, secret config.Secret) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old, err := w.f.Tenant(tenant)
	if err != nil {
		return "", err
	}
	preview, err := setCredentials(w.f.Clone(), old, clientID, secret)
	if err != nil {
		return "", err
	}
	return preview.Diff(), nil
}

func (w *wizardBackend) write(tenant, clientID string, secret config.Secret) (config.SaveResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old, err := w.f.Tenant(tenant)
	if err != nil {
		return config.SaveResult{}, err
	}
	results, err := writeCredentials(w.f, old, clientID, secret, config.SaveOptions{})
	res := firstResult(results)
	if err != nil {
		return res, err
	}
	w.recordWrite(old, clientID, secret)
	verification := "not tested"
	if ok, tested := w.tested[pairKey(clientID, secret)]; tested {
		verification = map[bool]string{true: "passed", false: "failed, written anyway"}[ok]
	}
	w.g.audit(w.io, config.AuditEntry{
		Config: w.f.Path(), Tenant: tenant, Action: "wizard",
		OldClientID: old.Cerner.SystemApp.ClientID, NewClientID: clientID,
		OldSecretFingerprint: old.Cerner.SystemApp.ClientSecret.Fingerprint(), NewSecretFingerprint: secret.Fingerprint(),
		Verification: verification, Backup: res.BackupPath,
		SecretSource: old.Cerner.SystemApp.ClientSecret.Source().String(), Written: savedPaths(results),
	})
	return res, nil
}

func (w *wizardBackend) saveReport(path string, s ui.Session) error {
	w.mu.Lock()
	t, err := w.f.Tenant(s.Tenant)
	w.mu.Unlock()
	if err != nil {
		return err
	}
	if s.Diagnosis == nil {
		return errors.New("no diagnosis to report: the first probe did not finish")
	}
	var buf bytes.Buffer
	if err := report.Markdown(&buf, report.Input{
		Report: s.Diagnosis, Tenant: t, Version: versionString(), Now: time.Now(),
		ConsoleURL: w.consoleURL, Session: &s.Session,
	}); err != nil {
		return err
	}
	return writePrivateFile(path, buf.Bytes())
}
