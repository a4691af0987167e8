package ui

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Fakes return fixed reports so the screens render deterministically; the
// real probe against the sandbox is tested end to end by main's tests.

const (
	fakeOldSecret = "FAKE-old-secret-0000000000000000"
	fakeNewSecret = "FAKE-new-secret-1111111111111111"
	fakeClientID  = "11111111-2222-4333-8444-555555555555"
	fakeTenantID  = "ec2458f2-1e24-41c8-b71b-0e701af7583d"
)

func fakeTenant(secret string) config.Tenant {
	return config.Tenant{Name: "default", Cerner: config.Cerner{
		FHIRBaseURL:   "https://fhir-ehr-code.cerner.com/r4/" + fakeTenantID,
		TestPatientID: config.DefaultTestPatientID,
		SystemApp: config.SystemApp{
			ClientID:     fakeClientID,
			ClientSecret: config.NewSecret(secret),
			TokenURL:     "https://authorization.cerner.com/tenants/" + fakeTenantID + "/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token",
			Scopes:       []string{"system/Patient.read", "system/Observation.read", "system/Composition.read"},
		},
	}}
}

func check(id, title string, st probe.Status, ms int, summary string, evidence ...string) probe.CheckResult {
	return probe.CheckResult{ID: id, Title: title, Result: probe.Result{
		Status: st, Summary: summary, Evidence: evidence, Duration: time.Duration(ms) * time.Millisecond,
	}}
}

func brokenReport(top probe.CauseID) *probe.Report {
	token := check("token", "Token request", probe.StatusFail, 84, "401 invalid_client: invalid-client-credentials",
		"curl -sS -X POST https://authorization.cerner.com/tenants/…/token -u \"$CLIENT_ID:$FHIRDOCTOR_CLIENT_SECRET\"",
		"error_uri urn: invalid-client-credentials", "Cerner-Correlation-Id 5f1c0d2e-0000-4000-8000-000000000001")
	token.Remedy = "Regenerate the secret in the Code Console (Step 2)."
	causes := []probe.Cause{
		{ID: probe.CauseSecretInvalid, Verdict: probe.VerdictConfirmed, Step: 2,
			Evidence: []string{"token: 401 invalid_client with URN invalid-client-credentials"}, Fix: "Regenerate the client secret"},
		{ID: probe.CauseClientUnknown, Verdict: probe.VerdictPossible, Step: 1, Evidence: []string{"the URN names the credentials, not the client"}},
		{ID: probe.CauseEdgeBlock, Verdict: probe.VerdictRuledOut, Evidence: []string{"the answer was OAuth JSON with a correlation id"}},
		{ID: probe.CauseServerOutage, Verdict: probe.VerdictRuledOut, Evidence: []string{"discovery and metadata answered 200 in 84 ms"}},
	}
	if top == probe.CauseEdgeBlock {
		token = check("token", "Token request", probe.StatusFail, 61, "403 Access denied (text/plain, no OAuth JSON)",
			"no Cerner-Correlation-Id header", "body: Access denied")
		token.Remedy = "Retry from another network or the expected egress."
		causes = []probe.Cause{
			{ID: probe.CauseEdgeBlock, Verdict: probe.VerdictLikely, Step: 0,
				Evidence: []string{"403 text/plain without OAuth JSON", "no Cerner-Correlation-Id"}, Fix: "Retry from another network"},
			{ID: probe.CauseSecretInvalid, Verdict: probe.VerdictPossible, Step: 2, Evidence: []string{"the OAuth server never answered, so the secret is untested"}},
			{ID: probe.CauseServerOutage, Verdict: probe.VerdictRuledOut, Evidence: []string{"discovery answered 200"}},
		}
	}
	return &probe.Report{Tenant: "default", ConfigPath: "/tmp/fake/config.yaml", Checks: []probe.CheckResult{
		check("config", "Config", probe.StatusPass, 1, "tenant default loads and validates"),
		check("dns", "DNS", probe.StatusPass, 12, "2 hosts resolve"),
		check("tls", "TLS", probe.StatusPass, 31, "TLS 1.3, chain verified, 61 days left"),
		check("clock", "Clock", probe.StatusPass, 3, "skew 0s"),
		check("discovery", "SMART discovery", probe.StatusWarn, 40, "1 configured scope not advertised",
			"system/Composition.read is not in scopes_supported"),
		check("metadata", "Capability statement", probe.StatusPass, 45, "FHIR 4.0.1, token URL agrees"),
		token,
		{ID: "fhir.patient", Title: "Read Patient", Result: probe.Result{Status: probe.StatusSkip, Summary: "needs a token"}},
	}, Diagnosis: probe.Diagnosis{Top: top, Causes: causes}}
}

func healthyReport() *probe.Report {
	return &probe.Report{Tenant: "default", ConfigPath: "/tmp/fake/config.yaml", Checks: []probe.CheckResult{
		check("config", "Config", probe.StatusPass, 1, "tenant default loads and validates"),
		check("dns", "DNS", probe.StatusPass, 12, "2 hosts resolve"),
		check("tls", "TLS", probe.StatusPass, 31, "TLS 1.3, chain verified, 61 days left"),
		check("token", "Token request", probe.StatusPass, 80, "200 Bearer, expires_in 570, 3 scopes granted"),
		check("fhir.patient", "Read Patient", probe.StatusPass, 52, "SMART, Nancy (12724066)"),
		check("fhir.Observation", "Search Observation", probe.StatusPass, 47, "200, 1 entry"),
	}, Diagnosis: probe.Diagnosis{Top: probe.CauseOK}}
}

// fakeWorld is a config in memory: Write changes it, LoadTenant reads it.
type fakeWorld struct {
	mu       sync.Mutex
	secret   string
	clientID string
	top      probe.CauseID
	writes   []writeCall
	saved    []Session
	opened   []string
	vendor   string          // the tenant's ehr.vendor; "" is Cerner's
	updated  map[string]bool // places fakeAfter's Update wrote
	// jwt makes the tenant a JWT app refused as jwt-key-unknown; evidence
	// records what each probe run was told.
	jwt      bool
	evidence []Evidence
}

// fakeNow is the fake world's clock.
var fakeNow = time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)

const fakeKeyID = "20261101-OLDkid12"

// jwtReport is Epic's silent refusal of a JWT app: the key causes likely
// and propagation possible, unless the user's upload time (ev) says the
// key is less than a day old (the rule the real probe applies,
// probe/diagnose_jwt.go).
func jwtReport(ev Evidence) *probe.Report {
	rep := brokenReport(probe.CauseJWTKeyUnknown)
	for i, c := range rep.Checks {
		if c.ID == "token" {
			rep.Checks[i] = check("token", "Token request", probe.StatusFail, 84, "400 invalid_client: the signed assertion was refused (no reason given)")
		}
	}
	refusal := "token: 400 invalid_client: the signed assertion was refused (no reason given)"
	unknown := probe.Cause{ID: probe.CauseJWTKeyUnknown, Verdict: probe.VerdictLikely, Step: 2,
		Evidence: []string{refusal + ": nothing measured rules out a kid the server does not know"}, Fix: "Register this key's public half, or rotate"}
	prop := probe.Cause{ID: probe.CauseJWTKeyPropagating, Verdict: probe.VerdictPossible,
		Evidence: []string{"against: nothing says the key was registered recently"}, Fix: "Wait"}
	rep.Diagnosis = probe.Diagnosis{Top: probe.CauseJWTKeyUnknown, Causes: []probe.Cause{unknown, prop}}
	if ago := fakeNow.Sub(ev.KeyUploadedAt); !ev.KeyUploadedAt.IsZero() && ago < 24*time.Hour {
		prop.Verdict = probe.VerdictLikely
		prop.Evidence = []string{fmt.Sprintf("you uploaded the key ~%d minutes ago (your answer in the wizard)", int(ago.Minutes()))}
		unknown.Verdict = probe.VerdictPossible
		rep.Diagnosis = probe.Diagnosis{Top: probe.CauseJWTKeyPropagating, Causes: []probe.Cause{prop, unknown}}
	}
	return rep
}

// fakeAfter is what follows the write: two stale places, one updated by
// Update, and a Run that prints a scrubbed line and succeeds.
func (w *fakeWorld) fakeAfter() *AfterWrite {
	newFP := config.NewSecret(fakeNewSecret).Fingerprint()
	oldFP := config.NewSecret(fakeOldSecret).Fingerprint()
	places := []afterwrite.Place{
		{Env: "dev", File: "/tmp/fake/.settings.dev/config.yaml", Tenant: "clinic-north", Status: afterwrite.Stale, OldSecret: true,
			ClientID: fakeClientID, Fingerprint: oldFP, Source: "config.yaml:31", Also: "clinic-north"},
		{Env: "staging", File: "/tmp/fake/.settings.staging/config.yaml", Tenant: "default", Status: afterwrite.Stale, OldSecret: true,
			ClientID: fakeClientID, Fingerprint: oldFP, Source: ".env.staging:2 (CERNER_CLIENT_SECRET)", Also: "staging"},
	}
	return &AfterWrite{
		Remains: func() afterwrite.Remains {
			w.mu.Lock()
			defer w.mu.Unlock()
			r := afterwrite.Remains{ClientID: fakeClientID, CachedTokenSeconds: 570,
				ByHand: []string{"CI variables and secret managers that hold the old secret " + oldFP + " (fhirdoctor cannot see them)"}}
			for _, p := range places {
				if w.updated[p.Tenant+"@"+p.Env] {
					p.Status, p.Fingerprint, p.Also = afterwrite.Updated, newFP, ""
				}
				r.Places = append(r.Places, p)
			}
			return r
		},
		Update: func(_ context.Context, p afterwrite.Place) (string, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.updated == nil {
				w.updated = map[string]bool{}
			}
			w.updated[p.Tenant+"@"+p.Env] = true
			return "✓ Also rotated " + p.File + " (tenant " + p.Tenant + ")", nil
		},
		Run: func(_ context.Context, command string, out io.Writer) afterwrite.Result {
			fmt.Fprintf(out, "> backend@1.0.0 test:cerner\n  client_secret: %s\nPASS cerner auth (3 tests)\n", newFP)
			return afterwrite.Result{Command: command, Dir: "/tmp/fake", Status: afterwrite.StatusOK, ExitCode: 0,
				Duration: 1200 * time.Millisecond, DurationMS: 1200, Output: "PASS cerner auth (3 tests)\n"}
		},
		Suggestions: []afterwrite.Suggestion{
			{Command: "npm run test:cerner", From: "package.json script test:cerner"},
			{Command: "npm run test", From: "package.json script test"},
		},
		Root: "/tmp/fake",
	}
}

func (w *fakeWorld) wasUpdated(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.updated[key]
}

type writeCall struct {
	tenant, clientID, secret string
}

func newFakeWorld(top probe.CauseID) *fakeWorld {
	return &fakeWorld{secret: fakeOldSecret, clientID: fakeClientID, top: top}
}

func (w *fakeWorld) deps() Deps {
	return Deps{
		ConfigPath: "/tmp/fake/.settings.dev/config.yaml",
		Tenants:    []string{"default"},
		LoadTenant: func(name string) (config.Tenant, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			t := fakeTenant(w.secret)
			t.Cerner.SystemApp.ClientID = w.clientID
			t.Vendor = w.vendor
			if w.jwt {
				t.Cerner.SystemApp.ClientSecret = config.Secret{}
				t.Cerner.SystemApp.PrivateKeyPath, t.Cerner.SystemApp.KeyID = "/tmp/fake/keys/20261101-OLDkid12.pem", fakeKeyID
			}
			return t, nil
		},
		Probe: func(ctx context.Context, t config.Tenant, ev Evidence, on func(probe.Event)) (*probe.Report, error) {
			w.mu.Lock()
			w.evidence = append(w.evidence, ev)
			w.mu.Unlock()
			rep := brokenReport(w.top)
			switch {
			case t.Cerner.SystemApp.ClientSecret.Reveal() == fakeNewSecret:
				rep = healthyReport()
			case w.jwt:
				rep = jwtReport(ev)
			}
			for _, c := range rep.Checks {
				on(probe.Event{Kind: probe.EventStarted, ID: c.ID, Title: c.Title})
				on(probe.Event{Kind: probe.EventFinished, ID: c.ID, Title: c.Title, Result: c.Result})
			}
			return rep, nil
		},
		TestToken: func(ctx context.Context, t config.Tenant, id string, s config.Secret) probe.TokenOutcome {
			req := t.Cerner.SystemApp.Scopes
			if s.Reveal() != fakeNewSecret {
				return probe.TokenOutcome{HTTPStatus: 401, Cause: probe.CauseSecretInvalid, Requested: req,
					Summary: "401 invalid_client: invalid-client-credentials", Remedy: "Copy the secret again from the Code Console.",
					CorrelationID: "5f1c0d2e-0000-4000-8000-000000000002"}
			}
			return probe.TokenOutcome{OK: true, HTTPStatus: 200, ExpiresIn: 570, Requested: req,
				Granted: []string{"system/Patient.read", "system/Observation.read"}, Token: config.NewSecret("FAKE-access-token")}
		},
		Diff: func(tenant, id string, s config.Secret) (string, error) {
			return fmt.Sprintf("--- config.yaml\n+++ config.yaml\n@@ -5,2 +5,2 @@\n-        client_secret: \"%s\"\n+        client_secret: \"%s\"\n",
				config.NewSecret(fakeOldSecret).Mask(), s.Mask()), nil
		},
		Write: func(tenant, id string, s config.Secret) (config.SaveResult, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.writes = append(w.writes, writeCall{tenant, id, s.Reveal()})
			w.secret, w.clientID = s.Reveal(), id
			return config.SaveResult{Path: "/tmp/fake/.settings.dev/config.yaml",
				BackupPath: "/tmp/fake/.settings.dev/config.yaml.bak.20251121T101500Z"}, nil
		},
		OpenURL: func(u string) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.opened = append(w.opened, u)
			return nil
		},
		SaveReport: func(path string, s Session) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.saved = append(w.saved, s)
			return nil
		},
		Version: "test",
		Now:     func() time.Time { return fakeNow },
	}
}
