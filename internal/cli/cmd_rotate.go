package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
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
	// also are other places to write the same pair to (--also ENV|TENANT).
	also []string
	// then are commands to run after the verified write.
	then        []string
	thenTimeout time.Duration
	// secretArg exists only to refuse it with the reason (see below).
	secretArg string
	// JWT apps (cmd_rotate_key.go).
	key keyRotateFlags
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
(3 credentials rejected, 4 blocked before the OAuth server, 5 scope or tenant, ...).

After the write it lists what remains: other tenants and other environments'
files (.settings.<env>/config.yaml) with the same client id, now stale; the
backend's cached token; values to update by hand. --also writes the same pair
to another tenant of this file or to an environment's file, with the same
guarantees. --then runs a command in the backend root once everything is
written and verified (restart the backend, run its tests); a failing one
makes the exit code 8.

For a JWT app (private_key_path + key_id), --new-key makes a key pair, prints the
public key to upload, polls the token endpoint with it until the server accepts it
(--wait), and only then writes private_key_path and key_id. The old key file is kept.
With --client-id the key belongs to a new app (Option B): tokens are requested
with that client id, and client_id is written with the key once one is issued.
When --wait ends first: exit 3, config untouched, and the --adopt-key command that
resumes without minting another key. --then works there too (restart the backend
so it signs with the new key); --also does not: what remains prints the --adopt-key
command for each other tenant of the same app.`,
		Example: `  pbpaste | fhirdoctor rotate --client-secret-stdin --yes
  fhirdoctor rotate --new-key --yes                      # a JWT app: new key pair, upload, wait, write
  fhirdoctor rotate --adopt-key keys/20261201-AbC.pem --kid 20261201-AbC --wait 1h --then 'systemctl restart backend'
  fhirdoctor rotate --client-id 11111111-2222-4333-8444-555555555555 --client-secret-stdin < new-secret.txt --yes
  FHIRDOCTOR_CLIENT_SECRET=... fhirdoctor rotate --yes
  fhirdoctor rotate --client-secret-stdin --yes --also staging --then 'npm run test:cerner'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("client-secret") {
				return errSecretArg
			}
			if f.key.newKey || f.key.adoptKey != "" {
				return runRotateKey(cmd.Context(), io, g, f)
			}
			if err := f.key.onlyWithKey(cmd); err != nil {
				return err
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
	f.key.addFlags(fl)
	fl.StringArrayVar(&f.also, "also", nil, "also write the new pair to `ENV|TENANT`: every tenant of that environment's file with this client id, or that tenant of this file (repeatable)")
	fl.StringArrayVar(&f.then, "then", nil, "after a verified write, run `CMD` with sh -c in the backend root (repeatable; a failure exits 8)")
	fl.DurationVar(&f.thenTimeout, "then-timeout", afterwrite.DefaultTimeout, "time limit of each --then command")
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
	if len(f.then) > 0 && f.skipVerify {
		return errors.New("--then runs only after a verified write: drop --skip-verify, or run the command yourself")
	}
	if err := f.validateThen(); err != nil {
		return err
	}
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
		return fmt.Errorf("tenant %s's system app authenticates with private_key_jwt (key_id %s), not a client secret: there is no secret to rotate; rotate its key with `fhirdoctor rotate --new-key`", tenant.Name, app.KeyID)
	}
	if err := file.CheckWritable(tenant.Name, tenant.Cerner.SystemApp.Key("client_secret")); err != nil {
		return err
	}
	// Every --also target is found and checked before anything is written.
	targets, err := resolveAlso(io, file, tenant, f.also)
	if err != nil {
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
	var lifetime time.Duration
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
		lifetime = time.Duration(out.ExpiresIn) * time.Second
		fmt.Fprintf(io.Err, "✓ the new credentials work: token granted (expires in %ds)\n", out.ExpiresIn)
	}

	preview, err := setCredentials(file.Clone(), tenant, clientID, secret)
	if err != nil {
		return err
	}
	fmt.Fprint(io.Out, preview.Diff())
	files := strings.Join(preview.Files(), " and ")

	if !f.yes {
		if !io.Interactive() {
			return fmt.Errorf("not writing %s: confirm on a terminal, or pass --yes", files)
		}
		ok, err := ui.Confirm(ctx, io.In, io.Err, fmt.Sprintf("Write these changes to %s?", files), g.accessible)
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
	if err := checkWritten(file.Path(), file.Environment(), tenant.Name, clientID, secret); err != nil {
		return err
	}

	rot := rotated{
		file: file.Path(), env: file.Environment(), tenant: tenant.Name,
		oldClientID: old.ClientID, clientID: clientID,
		oldSecret: old.ClientSecret, secret: secret, lifetime: lifetime,
	}
	alsoErr := writeAlso(ctx, io, g, f, rot, file, targets)
	rem := rot.remains(io)
	printRemains(io, rem)
	if alsoErr != nil {
		if len(f.then) > 0 {
			fmt.Fprintf(io.Err, "Not running --then: not every place was written.\n")
		}
		return alsoErr
	}
	return runThen(ctx, io, g, rot, rot.scrubber(rem), f.then, f.thenTimeout)
}

// validateThen checks --then and --then-timeout before anything is asked
// or written, for secret and key rotations alike.
func (f *rotateFlags) validateThen() error {
	if f.thenTimeout <= 0 {
		return fmt.Errorf("--then-timeout must be positive, got %s", f.thenTimeout)
	}
	for _, c := range f.then {
		if strings.TrimSpace(c) == "" {
			return errors.New("--then: empty command")
		}
	}
	return nil
}
