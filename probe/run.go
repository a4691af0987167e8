package probe

import (
	"context"
	"github.com/fhirdoctor/fhirdoctor/config"
	"net/http"
	"time"
)

// Run probes opts.Tenant: every selected check, concurrently where their
// dependencies allow, then the diagnosis. onEvent (may be nil) sees each
// check start and finish, one call at a time. The error is only for bad
// options (unknown check ids, an unreadable --cacert); everything the
// network does is in the Report.
func Run(ctx context.Context, opts Options, onEvent func(Event)) (*Report, error) {
	rep, _, err := run(ctx, opts, onEvent)
	return rep, err
}

func run(ctx context.Context, opts Options, onEvent func(Event)) (*Report, *state, error) {
	opts = opts.withDefaults()
	cat := forApp(catalogue(), opts.Tenant.Cerner.SystemApp.AuthMethod() == config.AuthPrivateKeyJWT)
	if err := validateGraph(cat); err != nil {
		return nil, nil, err
	}
	excluded, err := opts.selection(catalogue()) // ids of checks left out for this app are still valid ids
	if err != nil {
		return nil, nil, err
	}
	var client *http.Client
	if opts.Shared != nil {
		client = opts.Shared.client
	} else {
		if client, err = NewHTTPClient(opts); err != nil {
			return nil, nil, err
		}
		defer client.CloseIdleConnections()
	}
	s := &state{opts: opts, client: client}
	if !opts.Tenant.Cerner.SystemApp.ClientSecret.IsZero() {
		s.addSecret(opts.Tenant.Cerner.SystemApp.ClientSecret.Reveal())
	}
	rep := &Report{Tenant: opts.Tenant.Name, ConfigPath: opts.ConfigPath, StartedAt: opts.Now()}
	start := time.Now()
	rep.Checks = runChecks(ctx, cat, s, excluded, opts.Timeout, onEvent)
	rep.Duration = time.Since(start)
	rep.Diagnosis = DiagnoseFor(rep.Checks, opts.Tenant.Vendor)
	return rep, s, nil
}
