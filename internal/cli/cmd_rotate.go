package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

type rotateFlags struct {
	clientID    string
	secretStdin bool
	skipVerify  bool
	yes         bool
	noBackup    bool
	// secretArg exists only to refuse it with the reason (see below).
	secretArg string
}

// errSecretArg explains why there is no --client-secret flag.
var errSecretArg = errors.New("there is no --client-secret flag: a secret on the command line is readable by other users in `ps` and lands in shell history; pipe it with --client-secret-stdin or set FHIRDOCTOR_CLIENT_SECRET")

func newRotateCmd(io *IOStreams, g *globals) *cobra.Command {
	f := &rotateFlags{}
	cmd := &cobra.Command{
		Use:   "rotate",
		Short: "Test a new client secret, then write it to the config file",
		Long: `rotate takes a new client secret from standard input (or $FHIRDOCTOR_CLIENT_SECRET),
requests a token with it, and only if that works shows the redacted diff, asks for
confirmation and writes the config file atomically, with a backup and an audit line.

Nothing is written when the new pair is rejected; the exit code says why
(3 credentials rejected, 4 blocked before the OAuth server, 5 scope or tenant, ...).`,
		Example: `  pbpaste | fhirdoctor rotate --client-secret-stdin --yes
  fhirdoctor rotate --client-id 11111111-2222-4333-8444-555555555555 --client-secret-stdin < new-secret.txt --yes
  FHIRDOCTOR_CLIENT_SECRET=... fhirdoctor rotate --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("client-secret") {
				return errSecretArg
			}
			return runRotate(cmd.Context(), io, g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.clientID, "client-id", "", "new client id (default: keep the configured one, for a same-app rotation)")
	fl.BoolVar(&f.secretStdin, "client-secret-stdin", false, "read the new secret from standard input (one line)")
	fl.BoolVar(&f.skipVerify, "skip-verify", false, "write without testing the new pair first")
	fl.BoolVar(&f.yes, "yes", false, "do not ask for confirmation")
	fl.BoolVar(&f.noBackup, "no-backup", false, "do not keep a config.yaml.bak.<time> copy")
	fl.StringVar(&f.secretArg, "client-secret", "", "")
	_ = fl.MarkHidden("client-secret")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if strings.Contains(err.Error(), "client-secret") && !strings.Contains(err.Error(), "client-secret-stdin") {
			return errSecretArg
		}
		return err
	})
	return cmd
}

// maxSecretLine bounds what we read from stdin: a secret is a line, not a
// file, and a mistaken `< big.log` should fail fast.
const maxSecretLine = 4096

func readSecret(ctx context.Context, io *IOStreams, fromStdin, accessible bool) (config.Secret, error) {
	var raw string
	switch {
	case fromStdin && io.StdinTTY:
		return ui.PromptSecret(ctx, io.In, io.Err, "Client secret", accessible)
	case fromStdin:
		b, err := readLine(io.In)
		if err != nil {
			return config.Secret{}, err
		}
		raw = b
	case io.Getenv("FHIRDOCTOR_CLIENT_SECRET") != "":
		raw = io.Getenv("FHIRDOCTOR_CLIENT_SECRET")
	default:
		return config.Secret{}, errors.New("no new secret: pipe it with --client-secret-stdin, or set FHIRDOCTOR_CLIENT_SECRET")
	}
	v, err := config.NormalizePasted(raw)
	if err != nil {
		return config.Secret{}, fmt.Errorf("the new secret: %w", err)
	}
	return config.NewSecret(v), nil
}

// readLine reads one line of at most maxSecretLine bytes; a longer first
// line is refused rather than truncated into a wrong secret.
func readLine(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(r, maxSecretLine+1)
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", fmt.Errorf("standard input holds more than %d bytes before the first newline: that is not a secret", maxSecretLine)
	case err != nil && !errors.Is(err, io.EOF):
		return "", fmt.Errorf("read the secret from standard input: %w", err)
	case len(line) == 0:
		return "", errors.New("standard input was empty: pipe the new secret into --client-secret-stdin")
	}
	return string(line), nil
}

func runRotate(ctx context.Context, io *IOStreams, g *globals, f *rotateFlags) error {
	file, tenant, err := g.loadTenant(io)
	if err != nil {
		return err
	}
	if err := g.checkScoped(io, file, tenant.Name, config.PartTenant|config.PartSystemApp|config.PartFHIR, "rotating"); err != nil {
		return err
	}
	// A secret that lives in the process environment cannot be written:
	// say so before asking for the new one.
	if app := tenant.Cerner.SystemApp; app.AuthMethod() == config.AuthPrivateKeyJWT {
		return fmt.Errorf("tenant %s's system app authenticates with private_key_jwt (key_id %s), not a client secret: there is no secret to rotate", tenant.Name, app.KeyID)
	}
	if err := file.CheckWritable(tenant.Name, tenant.Cerner.SystemApp.Key("client_secret")); err != nil {
		return err
	}
	secret, err := readSecret(ctx, io, f.secretStdin, g.accessible)
	if err != nil {
		return err
	}
	old := tenant.Cerner.SystemApp
	clientID := old.ClientID
	if f.clientID != "" {
		if clientID, err = config.NormalizePasted(f.clientID); err != nil {
			return fmt.Errorf("--client-id: %w", err)
		}
	}
	if clientID == old.ClientID && secret.Equal(old.ClientSecret) {
		return errors.New("the new client id and secret are the ones already configured: nothing to rotate")
	}

	verification := "skipped"
	var granted []string
	if !f.skipVerify {
		opts := g.probeOptions(file, tenant)
		out := probe.RequestToken(ctx, opts, clientID, secret)
		if !out.OK {
			fmt.Fprintf(io.Err, "✗ the new credentials were refused: %s\n", out.Summary)
			for _, e := range out.Evidence {
				fmt.Fprintf(io.Err, "    %s\n", e)
			}
			if out.Remedy != "" {
				fmt.Fprintf(io.Err, "    → %s\n", out.Remedy)
			}
			fmt.Fprintf(io.Err, "Nothing was written to %s.\n", file.Path())
			code := probe.ExitCode(out.Cause)
			if code == 0 {
				code = 3
			}
			return newDiagnosisError(code, "rotate: new credentials refused (%s)", out.Cause)
		}
		verification = "passed"
		granted = out.Granted
		fmt.Fprintf(io.Err, "✓ the new credentials work: token granted (expires in %ds)\n", out.ExpiresIn)
	}

	preview, err := setCredentials(file.Clone(), tenant, clientID, secret)
	if err != nil {
		return err
	}
	fmt.Fprint(io.Out, preview.Diff())
	targets := strings.Join(preview.Files(), " and ")

	if !f.yes {
		if !io.Interactive() {
			return fmt.Errorf("not writing %s: confirm on a terminal, or pass --yes", targets)
		}
		ok, err := ui.Confirm(ctx, io.In, io.Err, fmt.Sprintf("Write these changes to %s?", targets), g.accessible)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(io.Err, "Nothing written.")
			return errSilent
		}
	}
	results, err := preview.Save(config.SaveOptions{NoBackup: f.noBackup})
	if err != nil {
		if len(results) > 0 {
			return fmt.Errorf("%s was written, but then: %w", results[0].Path, err)
		}
		return fmt.Errorf("nothing written: %w", err)
	}
	res := firstResult(results)
	g.audit(io, config.AuditEntry{
		Config: file.Path(), Tenant: tenant.Name, Action: "rotate",
		OldClientID: old.ClientID, NewClientID: clientID,
		OldSecretFingerprint: old.ClientSecret.Fingerprint(), NewSecretFingerprint: secret.Fingerprint(),
		Verification: verification, Backup: res.BackupPath,
		SecretSource: old.ClientSecret.Source().String(), Written: savedPaths(results),
	})
	fmt.Fprintf(io.Out, "✓ Rotated %s (tenant %s)\n  backup     %s\n  client id  %s\n  secret     %s → %s  (%s)\n",
		res.Path, tenant.Name, report.OrNone(res.BackupPath), clientID, old.ClientSecret.Fingerprint(), secret.Fingerprint(), sourceOr(old.ClientSecret.Source(), file.Path()))
	if len(granted) > 0 {
		fmt.Fprintf(io.Out, "  granted    %s\n", strings.Join(granted, " "))
	}
	if verification == "skipped" {
		fmt.Fprintln(io.Out, "  ! not verified (--skip-verify): run `fhirdoctor probe`")
	}
	return nil
}
