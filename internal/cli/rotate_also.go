package cli

// rotate --also: the same pair written to other tenants and environments'
// files, each with the guarantees of the first write
// (docs/after-the-write.md).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
	"github.com/fhirdoctor/fhirdoctor/ui"
)

// alsoTarget is one tenant --also writes.
type alsoTarget struct {
	arg    string // the --also value that named it
	path   string
	tenant string
}

func (t alsoTarget) label() string { return fmt.Sprintf("%s (tenant %s)", t.path, t.tenant) }

// resolveAlso finds every tenant the --also values name, before anything is
// written: `--also ENV` is every tenant of .settings.ENV/config.yaml with the
// rotated client id, `--also TENANT` that tenant of this file. `env:NAME` and
// `tenant:NAME` say which when a name is both.
func resolveAlso(io *IOStreams, file *config.File, t config.Tenant, values []string) ([]alsoTarget, error) {
	if len(values) == 0 {
		return nil, nil
	}
	oldID := t.Cerner.SystemApp.ClientID
	envs := append(config.OtherEnvironmentConfigs(file.Path()), config.EnvConfigFile{Env: file.Environment().Name, Path: file.Path()})
	tenants := file.TenantNames()
	var out []alsoTarget
	seen := map[alsoTarget]bool{}
	add := func(a alsoTarget) {
		k := alsoTarget{path: a.path, tenant: a.tenant}
		if !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	for _, v := range values {
		kind, name := "", v
		if k, n, ok := strings.Cut(v, ":"); ok && (k == "env" || k == "tenant") {
			kind, name = k, n
		}
		var env *config.EnvConfigFile
		for i := range envs {
			if envs[i].Env == name {
				env = &envs[i]
			}
		}
		isTenant := slices.Contains(tenants, name)
		switch {
		case kind == "" && env != nil && isTenant:
			return nil, fmt.Errorf("--also %s names both the environment file %s and a tenant of %s: write --also env:%s or --also tenant:%s", v, env.Path, file.Path(), name, name)
		case kind == "env" && env == nil, kind == "tenant" && !isTenant, kind == "" && env == nil && !isTenant:
			return nil, fmt.Errorf("--also %s: no such %s; environments beside this file: %s; tenants of %s: %s",
				v, map[string]string{"env": "environment", "tenant": "tenant", "": "environment or tenant"}[kind],
				report.OrNone(envNames(envs)), file.Path(), strings.Join(tenants, ", "))
		}
		if env != nil && kind != "tenant" {
			f := file
			if env.Path != file.Path() {
				var err error
				if f, err = loadOther(io, env.Path); err != nil {
					return nil, fmt.Errorf("--also %s: %w", v, err)
				}
			}
			n := 0
			for _, name := range f.TenantNames() {
				if f == file && name == t.Name {
					continue
				}
				if ot, err := f.Tenant(name); err == nil && ot.Cerner.SystemApp.ClientID == oldID {
					add(alsoTarget{arg: v, path: f.Path(), tenant: name})
					n++
				}
			}
			if n == 0 {
				return nil, fmt.Errorf("--also %s: no other tenant of %s uses client id %s", v, env.Path, oldID)
			}
			continue
		}
		if name == t.Name {
			return nil, fmt.Errorf("--also %s is the tenant being rotated", v)
		}
		ot, err := file.Tenant(name)
		if err != nil {
			return nil, fmt.Errorf("--also %s: %w", v, err)
		}
		if id := ot.Cerner.SystemApp.ClientID; id != oldID {
			return nil, fmt.Errorf("--also %s: tenant %s uses client id %s, not %s: writing this pair would move it to another app; edit it by hand if that is what you want", v, name, id, oldID)
		}
		add(alsoTarget{arg: v, path: file.Path(), tenant: name})
	}
	for _, a := range out {
		f, err := a.load(io, file)
		if err != nil {
			return nil, fmt.Errorf("--also %s: %w", a.arg, err)
		}
		if findings := f.ValidateFor(a.tenant, config.PartTenant|config.PartSystemApp|config.PartFHIR); config.HasErrors(findings) {
			return nil, fmt.Errorf("--also %s: tenant %s of %s is invalid: fix it first (fhirdoctor config validate --config %s)", a.arg, a.tenant, a.path, a.path)
		}
		ot, err := f.Tenant(a.tenant)
		if err != nil {
			return nil, fmt.Errorf("--also %s: %w", a.arg, err)
		}
		if err := f.CheckWritable(a.tenant, ot.Cerner.SystemApp.Key("client_secret")); err != nil {
			return nil, fmt.Errorf("--also %s: %w", a.arg, err)
		}
	}
	return out, nil
}

// load reads the target's file afresh: with the rotated file's environment
// when it is that file, else with its own.
func (t alsoTarget) load(io *IOStreams, rotated *config.File) (*config.File, error) {
	if t.path == rotated.Path() {
		return loadWith(t.path, rotated.Environment())
	}
	return loadOther(io, t.path)
}

func envNames(envs []config.EnvConfigFile) string {
	var names []string
	for _, e := range envs {
		names = append(names, e.Env)
	}
	return strings.Join(names, ", ")
}

// writeAlso writes the pair to each target, one by one, each with the
// guarantees of the first write: tested against the target's own token
// endpoint, atomic, backed up, read back, audited. A failure does not stop
// the others; the first one decides the exit code.
func writeAlso(ctx context.Context, io *IOStreams, g *globals, f *rotateFlags, rot rotated, rotatedFile *config.File, targets []alsoTarget) error {
	var first error
	for _, tg := range targets {
		if err := writeOneAlso(ctx, io, g, f, rot, rotatedFile, tg, g.probeOptions); err != nil {
			if errors.Is(err, context.Canceled) {
				return err // ctrl+c: stop here, exit 130
			}
			var diag *diagnosisError
			if !errors.As(err, &diag) {
				fmt.Fprintf(io.Err, "✗ --also %s: %s: %v\n", tg.arg, tg.label(), err)
				err = newDiagnosisError(1, "--also %s: %v", tg.arg, err)
			}
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// writeOneAlso writes the pair to one target: read afresh, tested against
// its own token endpoint (optsFor says how to reach it; the wizard's demo
// adds the sandbox's CA), previewed, confirmed unless --yes, saved where
// its secret lives, read back and audited.
func writeOneAlso(ctx context.Context, io *IOStreams, g *globals, f *rotateFlags, rot rotated, rotatedFile *config.File, tg alsoTarget, optsFor func(*config.File, config.Tenant) probe.Options) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before %s was written: %w", tg.label(), err)
	}
	file, err := tg.load(io, rotatedFile)
	if err != nil {
		return err
	}
	t, err := file.Tenant(tg.tenant)
	if err != nil {
		return err
	}
	old := t.Cerner.SystemApp
	if old.ClientID == rot.clientID && old.ClientSecret.Equal(rot.secret) {
		fmt.Fprintf(io.Out, "✓ %s already holds the new credentials\n", tg.label())
		return nil
	}
	verification := "skipped"
	if !f.skipVerify {
		out := probe.RequestToken(ctx, optsFor(file, t), rot.clientID, rot.secret)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("interrupted while testing the pair for %s; nothing written there: %w", tg.label(), err)
		}
		if !out.OK {
			fmt.Fprintf(io.Err, "✗ --also %s: the new credentials were refused for %s: %s\n", tg.arg, tg.label(), out.Summary)
			for _, e := range out.Evidence {
				fmt.Fprintf(io.Err, "    %s\n", e)
			}
			fmt.Fprintf(io.Err, "Nothing was written to %s.\n", tg.path)
			code := probe.ExitCode(out.Cause)
			if code == 0 {
				code = 3
			}
			return newDiagnosisError(code, "rotate --also %s: new credentials refused (%s)", tg.arg, out.Cause)
		}
		verification = "passed"
	}
	preview, err := setCredentials(file.Clone(), t, rot.clientID, rot.secret)
	if err != nil {
		return err
	}
	fmt.Fprint(io.Out, preview.Diff())
	if !f.yes {
		ok, err := ui.Confirm(ctx, io.In, io.Err, fmt.Sprintf("Also write these changes to %s?", strings.Join(preview.Files(), " and ")), g.accessible)
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("not confirmed: nothing written there")
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
	if err := checkWritten(file.Path(), file.Environment(), t.Name, rot.clientID, rot.secret); err != nil {
		return err
	}
	g.audit(io, config.AuditEntry{
		Config: file.Path(), Tenant: t.Name, Action: "rotate --also",
		OldClientID: old.ClientID, NewClientID: rot.clientID,
		OldSecretFingerprint: old.ClientSecret.Fingerprint(), NewSecretFingerprint: rot.secret.Fingerprint(),
		Verification: verification, Backup: res.BackupPath,
		SecretSource: old.ClientSecret.Source().String(), Written: savedPaths(results),
	})
	fmt.Fprintf(io.Out, "✓ Also rotated %s (tenant %s)\n  backup     %s\n  secret     %s → %s  (%s)\n",
		file.Path(), t.Name, report.OrNone(res.BackupPath), old.ClientSecret.Fingerprint(), rot.secret.Fingerprint(), sourceOr(old.ClientSecret.Source(), file.Path()))
	return nil
}
