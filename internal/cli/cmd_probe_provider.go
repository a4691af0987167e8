package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// checkProviderFlags rejects flag combinations --provider cannot honour.
func (f *probeFlags) checkProviderFlags() error {
	switch {
	case f.noBrowser && !f.provider:
		return errors.New("--no-browser only applies to --provider")
	case f.provider && f.allTenants:
		return errors.New("--provider signs in to one tenant's provider app: use --tenant instead of --all-tenants")
	}
	return nil
}

// addProviderRoundTrip runs the provider app's sign-in round trip after the
// probe and adds it to the report as provider.roundtrip, so the text, the
// --json document and the exit code all account for it. The prompts go to
// stderr: stdout stays the report alone.
func addProviderRoundTrip(ctx context.Context, io *IOStreams, opts probe.Options, f *probeFlags, r *probe.Report) {
	for _, c := range r.Checks {
		if c.ID == probe.ProviderAuthorizeID && c.Status == probe.StatusFail {
			probe.ProviderOutcome{Status: probe.StatusSkip, Class: probe.ProviderNotConfigured,
				Summary: "needs " + probe.ProviderAuthorizeID + ", which failed"}.AddTo(r)
			return
		}
	}
	probe.ProviderRoundTrip(ctx, opts, providerOptions(io, f.noBrowser, opts.Tenant.Cerner.ProviderApp)).AddTo(r)
}

// providerOptions opens the browser unless told not to or over SSH, and
// prints the link whenever no browser opened, with what to do while waiting.
func providerOptions(io *IOStreams, noBrowser bool, app *config.ProviderApp) probe.ProviderOptions {
	redirect := ""
	if app != nil {
		redirect = app.RedirectURI
	}
	waiting := fmt.Sprintf("Waiting up to %s for the redirect to %s (ctrl+c to stop).", probe.DefaultProviderTimeout, redirect)
	p := probe.ProviderOptions{ShowURL: func(link string) {
		fmt.Fprintf(io.Err, "Open this URL to sign in: %s\n", link)
		if overSSH(io.Getenv) {
			if port := redirectPort(redirect); port != "" {
				fmt.Fprintf(io.Err, "Over SSH the browser runs on your machine: forward the port first (ssh -L %s:127.0.0.1:%s <this host>).\n", port, port)
			}
		}
		fmt.Fprintln(io.Err, waiting)
	}}
	if !noBrowser && !overSSH(io.Getenv) {
		p.OpenURL = func(link string) error {
			if err := browserOpener(io.Getenv)(link); err != nil {
				return err
			}
			fmt.Fprintf(io.Err, "Opened your browser to sign in (if it did not, open %s).\n%s\n", link, waiting)
			return nil
		}
	}
	return p
}

func redirectPort(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Port()
	}
	return ""
}

// wizardProviderRoundTrip is the wizard's Deps.ProviderRoundTrip: the
// screen always shows the link (show), and a browser opens when one can.
func wizardProviderRoundTrip(optsFor func(config.Tenant) probe.Options, openURL func(string) error) func(context.Context, config.Tenant, func(string)) probe.ProviderOutcome {
	return func(ctx context.Context, t config.Tenant, show func(string)) probe.ProviderOutcome {
		return probe.ProviderRoundTrip(ctx, optsFor(t), probe.ProviderOptions{
			OpenURL: func(link string) error {
				show(link)
				return openURL(link)
			},
			ShowURL: func(string) {}, // already on screen
		})
	}
}

// freeLoopbackRedirect picks a free loopback port and returns a redirect_uri
// on it, for a sandbox whose provider app the round trip can serve (demo,
// tests). The port is free when chosen; nothing holds it after.
func freeLoopbackRedirect() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free loopback port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", err
	}
	return "http://" + addr + "/callback", nil
}
