package cli

// rotate --then: commands run in the backend root once everything is
// written and verified (docs/after-the-write.md).

import (
	"context"
	"fmt"
	stdio "io"
	"path/filepath"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
)

// runThen runs the --then commands in order, streaming their output
// through sc to stderr, and stops at the first that does not succeed. The
// config stays written whatever they do.
func runThen(ctx context.Context, io *IOStreams, g *globals, rot rotated, sc *afterwrite.Scrubber, cmds []string, timeout time.Duration) error {
	if len(cmds) == 0 {
		return nil
	}
	for i, c := range cmds {
		line := sc.String(c)
		fmt.Fprintf(io.Err, "→ %s  (in %s, at most %s)\n", line, rot.env.Root, timeout)
		res := runOneThen(ctx, io, g, rot, sc, c, timeout, io.Err)
		if res.OK() {
			fmt.Fprintf(io.Err, "✓ %s: %s\n", line, res.Outcome())
			continue
		}
		fmt.Fprintf(io.Err, "✗ %s: %s\n", line, res.Outcome())
		for _, rest := range cmds[i+1:] {
			fmt.Fprintf(io.Err, "  not run: %s\n", sc.String(rest))
		}
		if res.Status == afterwrite.StatusInterrupted {
			return fmt.Errorf("interrupted while `%s` ran: the command was stopped; the config stays written and verified (%s): %w", line, rot.file, context.Canceled)
		}
		return &thenFailedError{command: line, outcome: res.Outcome()}
	}
	return nil
}

// runOneThen runs one command after the write of rot, in the backend root,
// its output scrubbed by sc into out, and appends its audit line. rotate
// --then and the wizard's "Run after writing" both come through here.
func runOneThen(ctx context.Context, io *IOStreams, g *globals, rot rotated, sc *afterwrite.Scrubber, command string, timeout time.Duration, out stdio.Writer) afterwrite.Result {
	cfg, err := filepath.Abs(rot.file)
	if err != nil {
		cfg = rot.file
	}
	res := afterwrite.Run(ctx, afterwrite.Spec{
		Command: command, Dir: rot.env.Root, Environ: io.environ(),
		Tenant: rot.tenant, Config: cfg, Timeout: timeout,
		Output: out, Scrubber: sc,
	})
	g.audit(io, config.AuditEntry{
		Config: rot.file, Tenant: rot.tenant, Action: "then",
		NewClientID: rot.clientID, NewSecretFingerprint: rot.secretFingerprint(), NewKeyID: rot.kid,
		Command: &config.AuditCommand{Line: res.Command, Dir: res.Dir, Status: string(res.Status), ExitStatus: res.ExitCode, DurationMS: res.DurationMS},
	})
	return res
}
