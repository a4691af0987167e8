package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// defaultKeyWait is how long --new-key polls by default. A new key can take
// Epic much longer (up to a day): --adopt-key resumes.
const defaultKeyWait = 10 * time.Minute

// keyRotateFlags are rotate's flags for private_key_jwt apps.
type keyRotateFlags struct {
	newKey   bool
	alg      string
	keyDir   string
	wait     time.Duration
	jwksOut  string
	adoptKey string
	kid      string
	// pollEvery fixes the interval between token requests (tests); zero
	// means a backoff from 1s to 15s.
	pollEvery time.Duration
}

func (k *keyRotateFlags) addFlags(fl *pflag.FlagSet) {
	fl.BoolVar(&k.newKey, "new-key", false, "for JWT apps: make a new key pair, wait until the server accepts it, then write private_key_path and key_id")
	fl.StringVar(&k.alg, "alg", jwtauth.RS384, "with --new-key: RS384 (RSA 3072) or ES384 (P-384)")
	fl.StringVar(&k.keyDir, "key-dir", "", "with --new-key: where the key files go (default: the current key's folder, else the backend root)")
	fl.DurationVar(&k.wait, "wait", defaultKeyWait, "for JWT apps: how long to keep trying the new key before giving up (config untouched)")
	fl.StringVar(&k.jwksOut, "jwks-out", "", "with --new-key: also write the app's JWK Set with the old and the new key (for jwks_url)")
	fl.StringVar(&k.adoptKey, "adopt-key", "", "for JWT apps: resume with this already made (and uploaded) private key file instead of making one")
	fl.StringVar(&k.kid, "kid", "", "the key's kid (required with --adopt-key; default with --new-key: date + thumbprint)")
	fl.DurationVar(&k.pollEvery, "poll-interval", 0, "")
	_ = fl.MarkHidden("poll-interval")
}

// onlyWithKey refuses the JWT flags without --new-key or --adopt-key.
func (k *keyRotateFlags) onlyWithKey(cmd *cobra.Command) error {
	for _, name := range []string{"alg", "key-dir", "wait", "jwks-out", "kid"} {
		if cmd.Flags().Changed(name) {
			return fmt.Errorf("--%s is for JWT apps: use it with --new-key or --adopt-key", name)
		}
	}
	return nil
}

func (k *keyRotateFlags) validate() error {
	switch {
	case k.newKey && k.adoptKey != "":
		return errors.New("--new-key makes a key and --adopt-key uses one: pick one")
	case k.adoptKey != "" && k.kid == "":
		return errors.New("--adopt-key needs --kid: the kid the public key was uploaded under")
	case k.adoptKey != "" && k.jwksOut != "":
		return errors.New("--jwks-out goes with --new-key (the JWK Set was written when the key was made)")
	case k.alg != jwtauth.RS384 && k.alg != jwtauth.ES384:
		return fmt.Errorf("--alg %s: choose RS384 (RSA 3072) or ES384 (P-384)", k.alg)
	case k.wait <= 0:
		return fmt.Errorf("--wait must be positive, got %s", k.wait)
	}
	return nil
}

func runRotateKey(ctx context.Context, io *IOStreams, g *globals, f *rotateFlags) error {
	k := &f.key
	if err := k.validate(); err != nil {
		return err
	}
	if len(f.also) > 0 {
		// Not silently ignored: a user relying on it would think it ran.
		return errors.New("--also writes a client secret to more places; after a key rotation, give another tenant of the same app the new key with `rotate --adopt-key NEW.pem --kid K --tenant NAME` (what remains prints the exact command)")
	}
	if err := f.validateThen(); err != nil {
		return err
	}
	if f.secretStdin || f.skipVerify {
		return errors.New("--client-secret-stdin and --skip-verify are for secret rotation; a key is always verified before it is written")
	}
	file, tenant, err := g.loadTenant(io)
	if err != nil {
		return err
	}
	if findings := file.ValidateTenant(tenant.Name); config.HasErrors(findings) {
		for _, x := range findings {
			fmt.Fprintln(io.Err, x.String())
		}
		return fmt.Errorf("%s is invalid: fix it before rotating (fhirdoctor config validate)", file.Path())
	}
	app := tenant.Cerner.SystemApp
	if app.AuthMethod() != config.AuthPrivateKeyJWT {
		return fmt.Errorf("tenant %s authenticates with a client secret: --new-key and --adopt-key rotate the key of a JWT app (private_key_path + key_id)", tenant.Name)
	}

	// --client-id: a new app (Option B) whose public key is this one; the
	// token request proves the pair before client_id is written with it.
	clientID := app.ClientID
	if f.clientID != "" {
		if clientID, err = config.NormalizePasted(f.clientID); err != nil {
			return fmt.Errorf("--client-id: %w", err)
		}
	}
	key, kid, files, err := k.obtainKey(io, file, app)
	if err != nil {
		return err
	}
	if k.jwksOut != "" {
		if err := writeRolloverJWKS(k.jwksOut, app, key, kid); err != nil {
			return err
		}
		fmt.Fprintf(io.Err, "Publish this JWK Set at jwks_url (old and new key): %s\n", k.jwksOut)
	}

	opts := g.probeOptions(file, tenant)
	out, err := pollKey(ctx, io, opts, clientID, key, kid, k)
	resume := adoptCommand(g, key.Path, kid, clientID, app.ClientID)
	if err != nil {
		fmt.Fprintf(io.Err, "Nothing was written to %s. The key files are kept; resume with:\n  %s\n", file.Path(), resume)
		return err
	}
	if !out.OK {
		fmt.Fprintf(io.Err, "✗ the server has not accepted kid %s within %s: %s\n", kid, k.wait, out.Summary)
		for _, e := range out.Evidence {
			fmt.Fprintf(io.Err, "    %s\n", e)
		}
		fmt.Fprintf(io.Err, "Nothing was written to %s. The key files are kept:\n", file.Path())
		for _, p := range files {
			fmt.Fprintf(io.Err, "  %s\n", p)
		}
		fmt.Fprintf(io.Err, "A new key can take the server up to a day to accept (Epic). Once it does, resume without making another:\n  %s\n", resume)
		return newDiagnosisError(3, "rotate: kid %s not accepted within %s", kid, k.wait)
	}
	fmt.Fprintf(io.Err, "✓ the server accepted kid %s: token issued (expires in %ds)\n", kid, out.ExpiresIn)
	if err := writeKeyConfig(ctx, io, g, f, file, tenant, clientID, key, kid); err != nil {
		return err
	}
	rot := keyRotated(file, tenant.Name, app, clientID, key, kid)
	rem := rot.remains(io)
	printRemains(io, rem)
	return runThen(ctx, io, g, rot, rot.scrubber(rem), f.then, f.thenTimeout)
}

// keyRotated is what a key rotation of app wrote, for what remains and the
// commands run after it (rotate and the wizard alike).
func keyRotated(file *config.File, tenant string, app config.SystemApp, clientID string, key *jwtauth.Key, kid string) rotated {
	return rotated{
		file: file.Path(), env: file.Environment(), tenant: tenant,
		oldClientID: app.ClientID, clientID: clientID,
		kid: kid, keyFile: key.Path, oldKeyFile: app.PrivateKeyPath,
		keyLines: keyLines(app, key),
	}
}

// keyLines are the PEM lines of the new private key and of the old one
// (should a command print a key file), as secrets to scrub.
func keyLines(app config.SystemApp, key *jwtauth.Key) []config.Secret {
	var secrets []config.Secret
	keys := []*jwtauth.Key{key}
	if old, _, err := jwtauth.LoadKey(app.PrivateKeyPath); err == nil {
		keys = append(keys, old)
	}
	for _, k := range keys {
		for _, line := range k.ScrubValues() {
			secrets = append(secrets, config.NewSecret(line))
		}
	}
	return secrets
}

// obtainKey makes the new key pair and its files (--new-key), or loads the
// one to adopt. files lists what is kept on disk for the user.
func (k *keyRotateFlags) obtainKey(io *IOStreams, file *config.File, app config.SystemApp) (*jwtauth.Key, string, []string, error) {
	if k.adoptKey != "" {
		key, warnings, err := jwtauth.LoadKey(k.adoptKey)
		if err != nil {
			return nil, "", nil, err
		}
		for _, w := range warnings {
			fmt.Fprintf(io.Err, "! %s\n", w)
		}
		abs, _ := filepath.Abs(k.adoptKey)
		key.Path = abs
		fmt.Fprintf(io.Err, "Adopting %s (%s, kid %s, thumbprint %s)\n", abs, key, k.kid, key.Thumbprint())
		return key, k.kid, []string{abs}, nil
	}
	key, err := jwtauth.Generate(k.alg)
	if err != nil {
		return nil, "", nil, err
	}
	kid := k.kid
	if kid == "" {
		kid = jwtauth.DefaultKeyID(key, time.Now())
	}
	dir := k.keyDir
	if dir == "" {
		dir = file.Environment().Root
		if app.PrivateKeyPath != "" {
			dir = filepath.Dir(app.PrivateKeyPath)
		}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	kf, err := key.WriteFiles(dir, kid, time.Now())
	if err != nil {
		return nil, "", nil, err
	}
	fmt.Fprintf(io.Err, "New key pair: %s, kid %s, thumbprint %s\n  private key  %s (0600; never upload this one)\n", key, kid, key.Thumbprint(), kf.Private)
	fmt.Fprintf(io.Err, "Upload this public key: %s\n", kf.JWKS)
	fmt.Fprintf(io.Err, "  (portals that want a certificate: %s)\n", kf.Certificate)
	return key, kid, []string{kf.Private, kf.JWKS, kf.Certificate}, nil
}

// pollKey requests tokens with the key, a fresh assertion each time, until
// one is issued, --wait ends, or a failure no waiting can fix.
func pollKey(ctx context.Context, io *IOStreams, opts probe.Options, clientID string, key *jwtauth.Key, kid string, k *keyRotateFlags) (probe.TokenOutcome, error) {
	deadline := time.Now().Add(k.wait)
	interval := time.Second
	if k.pollEvery > 0 {
		interval = k.pollEvery
	}
	var out probe.TokenOutcome
	for attempt := 1; ; attempt++ {
		out = probe.RequestTokenWithKey(ctx, opts, clientID, key, kid)
		if out.OK {
			return out, nil
		}
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("interrupted while waiting for the server to accept kid %s: %w", kid, err)
		}
		switch out.Cause {
		case probe.CauseConfigInvalid, probe.CauseTLS, probe.CausePrivateKeyUnreadable:
			// Waiting does not fix these.
			fmt.Fprintf(io.Err, "✗ %s\n", out.Summary)
			if out.Remedy != "" {
				fmt.Fprintf(io.Err, "    → %s\n", out.Remedy)
			}
			code := probe.ExitCode(out.Cause)
			return out, newDiagnosisError(code, "rotate: %s", out.Cause)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return out, nil
		}
		if attempt == 1 {
			fmt.Fprintf(io.Err, "Waiting for the server to accept kid %s (up to %s): %s; trying again with a fresh assertion\n", kid, k.wait, out.Summary)
		} else if attempt%10 == 0 {
			fmt.Fprintf(io.Err, "  still refused after %d tries, %s left\n", attempt, left.Round(time.Second))
		}
		wait := min(interval, left)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return out, fmt.Errorf("interrupted while waiting for the server to accept kid %s: %w", kid, ctx.Err())
		case <-t.C:
		}
		if k.pollEvery == 0 {
			interval = min(interval*2, 15*time.Second)
		}
	}
}

// adoptCommand is the exact command that resumes with this key (and the
// new app's client id, when it is not the configured one).
func adoptCommand(g *globals, keyPath, kid, clientID, configured string) string {
	var b strings.Builder
	b.WriteString("fhirdoctor rotate --adopt-key " + afterwrite.ShellWord(keyPath) + " --kid " + afterwrite.ShellWord(kid))
	if clientID != configured {
		b.WriteString(" --client-id " + afterwrite.ShellWord(clientID))
	}
	if g.configPath != "" {
		abs, err := filepath.Abs(g.configPath)
		if err != nil {
			abs = g.configPath
		}
		b.WriteString(" --config " + afterwrite.ShellWord(abs))
	}
	if g.tenant != "" {
		b.WriteString(" --tenant " + afterwrite.ShellWord(g.tenant))
	}
	if g.caFile != "" {
		b.WriteString(" --cacert " + afterwrite.ShellWord(g.caFile))
	}
	b.WriteString(" --wait 1h")
	return b.String()
}

// writeRolloverJWKS writes the JWK Set an app with jwks_url publishes
// during a rollover: the old key (when it can be read) and the new one.
func writeRolloverJWKS(path string, app config.SystemApp, key *jwtauth.Key, kid string) error {
	keys := []jose.JSONWebKey{key.PublicJWK(kid)}
	if old, _, err := jwtauth.LoadKey(app.PrivateKeyPath); err == nil && app.KeyID != "" && app.KeyID != kid {
		keys = append([]jose.JSONWebKey{old.PublicJWK(app.KeyID)}, keys...)
	}
	data, err := jwtauth.JWKS(keys...)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".jwks-*")
	if err != nil {
		return fmt.Errorf("--jwks-out: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("--jwks-out: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("--jwks-out: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--jwks-out: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--jwks-out: %w", err)
	}
	return nil
}

// writeKeyConfig writes private_key_path and key_id, once the key works:
// the diff, a confirmation, an atomic save with a backup, an audit line.
func writeKeyConfig(ctx context.Context, io *IOStreams, g *globals, f *rotateFlags, file *config.File, tenant config.Tenant, clientID string, key *jwtauth.Key, kid string) error {
	old := tenant.Cerner.SystemApp
	pathValue := configKeyPath(file, key.Path)
	scratch, err := config.Parse(file.Path(), file.Bytes())
	if err != nil {
		return err
	}
	if err := setKey(scratch, tenant.Name, old, clientID, pathValue, kid); err != nil {
		return err
	}
	fmt.Fprint(io.Out, config.RedactedDiff(filepath.Base(file.Path()), file.Bytes(), scratch.Bytes(), config.Secret{}, config.Secret{}))
	if !f.yes {
		if !io.Interactive() {
			return fmt.Errorf("not writing %s: confirm on a terminal, or pass --yes (the key stays valid; resume with %s)", file.Path(), adoptCommand(g, key.Path, kid, clientID, old.ClientID))
		}
		ok, err := ui.Confirm(ctx, io.In, io.Err, fmt.Sprintf("Write these changes to %s?", file.Path()), g.accessible)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(io.Err, "Nothing written.")
			return errSilent
		}
	}
	if err := setKey(file, tenant.Name, old, clientID, pathValue, kid); err != nil {
		return fmt.Errorf("nothing written: %w", err)
	}
	res, err := file.Save(config.SaveOptions{NoBackup: f.noBackup})
	if err != nil {
		return fmt.Errorf("nothing written: %w", err)
	}
	g.audit(io, config.AuditEntry{
		Config: file.Path(), Tenant: tenant.Name, Action: "rotate-key",
		OldClientID: old.ClientID, NewClientID: clientID,
		OldKeyID: old.KeyID, NewKeyID: kid, NewKeyThumbprint: key.Thumbprint(),
		Verification: "passed", Backup: res.BackupPath,
	})
	fmt.Fprintf(io.Out, "✓ Rotated the key of %s (tenant %s)\n  backup            %s\n", res.Path, tenant.Name, noneIfEmpty(res.BackupPath))
	if clientID != old.ClientID {
		fmt.Fprintf(io.Out, "  client_id         %s → %s\n", old.ClientID, clientID)
	}
	fmt.Fprintf(io.Out, "  key_id            %s → %s\n  private_key_path  %s → %s\n", noneIfEmpty(old.KeyID), kid, noneIfEmpty(old.PrivateKeyPath), pathValue)
	if old.PrivateKeyPath != "" && old.PrivateKeyPath != key.Path {
		fmt.Fprintf(io.Out, "  old key kept      %s: retire it (and its registration) after the backend has restarted with the new key\n", old.PrivateKeyPath)
	}
	return nil
}

// configKeyPath is the private_key_path value to write: relative to the
// backend root when the key is inside it (as configs usually are), else
// absolute.
func configKeyPath(file *config.File, keyPath string) string {
	root, err := filepath.Abs(file.Environment().Root)
	if err != nil {
		return keyPath
	}
	if rel, err := filepath.Rel(root, keyPath); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
		return rel
	}
	return keyPath
}

// setKey edits the values a key rotation changes, in place: the key's two,
// and client_id when the key belongs to a new app (Option B).
func setKey(f *config.File, tenant string, app config.SystemApp, clientID, keyPath, kid string) error {
	if clientID != app.ClientID {
		if err := f.Set(tenant, app.Key("client_id"), clientID); err != nil {
			return err
		}
	}
	if err := f.Set(tenant, app.Key("private_key_path"), keyPath); err != nil {
		return err
	}
	return f.Set(tenant, app.Key("key_id"), kid)
}

func noneIfEmpty(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
