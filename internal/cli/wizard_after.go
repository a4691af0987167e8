package cli

import (
	"bytes"
	"context"
	"errors"
	stdio "io"
	"strings"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// afterDeps gives the wizard what follows its write
// (docs/after-the-write.md), on the same code as rotate --also and --then.
func (w *wizardBackend) afterDeps() *ui.AfterWrite {
	root := w.f.Environment().Root
	return &ui.AfterWrite{
		Remains:     w.afterRemains,
		Update:      w.afterUpdate,
		Run:         w.afterRun,
		Suggestions: afterwrite.Suggest(root, w.io.Getenv),
		Root:        root,
	}
}

// lastWrite is the rotation the wizard's last write made, nil before one.
func (w *wizardBackend) lastWrite() *rotated {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

func (w *wizardBackend) afterRemains() afterwrite.Remains {
	rot := w.lastWrite()
	if rot == nil {
		return afterwrite.Remains{}
	}
	return rot.remains(w.io)
}

// afterUpdate writes the last pair to another place, with rotate --also's
// guarantees; its printed account goes to a buffer (the screen is the
// wizard's) and the wizard shows its result line.
func (w *wizardBackend) afterUpdate(ctx context.Context, p afterwrite.Place) (string, error) {
	rot := w.lastWrite()
	if rot == nil {
		return "", errors.New("nothing was written yet")
	}
	var buf bytes.Buffer
	quiet := &IOStreams{In: strings.NewReader(""), Out: &buf, Err: &buf, Getenv: w.io.Getenv, Environ: w.io.Environ}
	w.mu.Lock()
	file := w.f
	w.mu.Unlock()
	optsFor := func(f *config.File, t config.Tenant) probe.Options {
		o := w.g.probeOptions(f, t)
		o.RootCAs = w.rootCAs
		return o
	}
	err := writeOneAlso(ctx, quiet, w.g, &rotateFlags{yes: true}, *rot, file, alsoTarget{arg: p.Also, path: p.File, tenant: p.Tenant}, optsFor)
	if p.File == file.Path() {
		// The wizard's own file changed on disk: read it again, or its next
		// write would (rightly) refuse.
		if f, lerr := loadWith(file.Path(), file.Environment()); lerr == nil {
			w.mu.Lock()
			w.f = f
			w.mu.Unlock()
		}
	}
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(l, "✓ ") {
			return l, nil
		}
	}
	return "✓ " + p.Env + ", tenant " + p.Tenant + " written", nil
}

func (w *wizardBackend) afterRun(ctx context.Context, command string, out stdio.Writer) afterwrite.Result {
	rot := w.lastWrite()
	if rot == nil {
		return afterwrite.Result{Command: command, Status: afterwrite.StatusNotRun, ExitCode: -1, Error: "nothing was written yet"}
	}
	return runOneThen(ctx, w.io, w.g, *rot, rot.scrubber(rot.remains(w.io)), command, afterwrite.DefaultTimeout, out)
}

// recordWrite keeps what the wizard wrote, for what follows. Called with
// w.mu held.
func (w *wizardBackend) recordWrite(old config.Tenant, clientID string, secret config.Secret) {
	w.last = &rotated{
		file: w.f.Path(), env: w.f.Environment(), tenant: old.Name,
		oldClientID: old.Cerner.SystemApp.ClientID, clientID: clientID,
		oldSecret: old.Cerner.SystemApp.ClientSecret, secret: secret,
		lifetime: time.Duration(w.lifetime[pairKey(clientID, secret)]) * time.Second,
	}
}
