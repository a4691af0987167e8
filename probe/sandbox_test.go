package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// startSandbox runs a sandbox and returns options for a probe of its
// tenant, loaded through the config package as the CLI does.
func startSandbox(t testing.TB, so sandbox.Options, timeout time.Duration) (*sandbox.Server, Options) {
	t.Helper()
	srv, err := sandbox.Start(so)
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	info := srv.Info()
	f, err := config.Load(info.ConfigFile)
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	tenant, err := f.Tenant("")
	if err != nil {
		t.Fatalf("Tenant: %v", err)
	}
	return srv, Options{Tenant: tenant, ConfigPath: info.ConfigFile, Findings: f.Validate(),
		RootCAs: srv.CertPool(), Timeout: timeout, Version: "test"}
}

// assertNoLeak fails when any part of the report holds a secret or token
// the sandbox knows of.
func assertNoLeak(t *testing.T, srv *sandbox.Server, rep *Report, extra ...string) {
	t.Helper()
	dump, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	text := string(dump) + fmt.Sprintf("%+v", rep)
	for _, s := range append(append(srv.Secrets(), srv.IssuedTokens()...), extra...) {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("report leaks a secret or token (fingerprint %s)", config.Fingerprint(s))
		}
	}
}

func reportText(rep *Report) string {
	var b strings.Builder
	for _, c := range rep.Checks {
		fmt.Fprintf(&b, "%s %s: %s\n", c.Status, c.ID, c.Summary)
		for _, e := range c.Evidence {
			fmt.Fprintf(&b, "    %s\n", e)
		}
		if c.Remedy != "" {
			fmt.Fprintf(&b, "    fix: %s\n", c.Remedy)
		}
	}
	for _, c := range rep.Diagnosis.Causes {
		fmt.Fprintf(&b, "cause %s: %s (step %d): %s | fix: %s\n", c.ID, c.Verdict, c.Step, strings.Join(c.Evidence, " / "), c.Fix)
	}
	return b.String()
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		so       sandbox.Options
		timeout  time.Duration
		top      CauseID
		exit     int
		status   map[string]Status
		evidence []string // substrings the report must hold
		verdicts map[CauseID]Verdict
	}{
		{scenario: "healthy", top: CauseOK, exit: 0,
			status:   map[string]Status{"config": StatusPass, "dns": StatusPass, "tls": StatusPass, "clock": StatusPass, "discovery": StatusPass, "metadata": StatusPass, "token": StatusPass, "token.encoding": StatusSkip, "scopes": StatusSkip, "fhir.patient": StatusPass, "fhir.Observation": StatusPass, "fhir.Encounter": StatusPass, "fhir.DocumentReference": StatusPass, "fhir.Binary": StatusPass},
			evidence: []string{"Patient/12724066: SMART, N", "expires_in 570 s (normal for Cerner)", `-u "`, ":$FHIRDOCTOR_CLIENT_SECRET\"", "chain verified"},
			verdicts: map[CauseID]Verdict{CauseOK: VerdictConfirmed, CauseServerOutage: VerdictRuledOut, CauseSecretInvalid: VerdictRuledOut, CauseEdgeBlock: VerdictRuledOut}},
		{scenario: "secret-rotated", top: CauseSecretInvalid, exit: 3,
			status:   map[string]Status{"token": StatusFail, "fhir.patient": StatusSkip},
			evidence: []string{"invalid-client-credentials", "Cerner-Correlation-Id"},
			verdicts: map[CauseID]Verdict{CauseSecretInvalid: VerdictConfirmed, CauseEdgeBlock: VerdictRuledOut, CauseServerOutage: VerdictRuledOut}},
		{scenario: "access-denied", top: CauseEdgeBlock, exit: 4,
			status:   map[string]Status{"token": StatusFail, "discovery": StatusPass, "scopes": StatusSkip},
			evidence: []string{`"Access denied"`, "no Cerner-Correlation-Id", "never reached the OAuth server", "new secret is unlikely to help"},
			verdicts: map[CauseID]Verdict{CauseEdgeBlock: VerdictLikely, CauseSecretInvalid: VerdictPossible, CauseScopeNotGranted: VerdictPossible, CauseServerOutage: VerdictRuledOut}},
		{scenario: "empty-scopes", top: CauseScopeNotGranted, exit: 5,
			status:   map[string]Status{"token": StatusFail, "scopes": StatusFail},
			evidence: []string{"empty-scopes", "denied   system/Patient.read"},
			verdicts: map[CauseID]Verdict{CauseScopeNotGranted: VerdictConfirmed}},
		{scenario: "partial-scopes", top: CauseScopeNotGranted, exit: 5,
			status:   map[string]Status{"scopes": StatusFail},
			evidence: []string{"granted  system/Patient.read", "denied"},
			verdicts: map[CauseID]Verdict{CauseScopeNotGranted: VerdictConfirmed}},
		{scenario: "invalid-tenant", top: CauseTenantMismatch, exit: 5,
			status:   map[string]Status{"token": StatusFail},
			evidence: []string{"invalid-tenant"},
			verdicts: map[CauseID]Verdict{CauseTenantMismatch: VerdictConfirmed}},
		{scenario: "fhir-insufficient-scope", top: CauseFHIRAccess, exit: 6,
			status:   map[string]Status{"token": StatusPass, "fhir.Observation": StatusFail},
			evidence: []string{"insufficient_scope"},
			verdicts: map[CauseID]Verdict{CauseFHIRAccess: VerdictConfirmed, CauseSecretInvalid: VerdictRuledOut}},
		{scenario: "outage", top: CauseServerOutage, exit: 7,
			status:   map[string]Status{"token": StatusFail, "dns": StatusPass, "tls": StatusPass},
			evidence: []string{"503"},
			verdicts: map[CauseID]Verdict{CauseServerOutage: VerdictConfirmed, CauseNetwork: VerdictRuledOut}},
		{scenario: "clock-skew", top: CauseOK, exit: 0,
			status:   map[string]Status{"clock": StatusWarn, "token": StatusPass},
			evidence: []string{"local clock is", "off the server's (more than 1m0s)", "token was still accepted"},
			verdicts: map[CauseID]Verdict{CauseClockSkew: VerdictPossible}},
		{scenario: "slow", so: sandbox.Options{SlowDelay: time.Minute}, timeout: 2 * time.Second, top: CauseServerOutage, exit: 7,
			status:   map[string]Status{"token": StatusFail, "discovery": StatusFail, "tls": StatusPass},
			evidence: []string{"in time"},
			verdicts: map[CauseID]Verdict{CauseServerOutage: VerdictConfirmed}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.scenario] = true
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			so := tt.so
			so.Scenario = tt.scenario
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			srv, opts := startSandbox(t, so, timeout)
			var events []Event
			rep, err := Run(context.Background(), opts, func(e Event) { events = append(events, e) })
			if err != nil {
				t.Fatal(err)
			}
			text := reportText(rep)
			assertNoPlaceholder(t, text)
			if rep.Diagnosis.Top != tt.top || ExitCode(rep.Diagnosis.Top) != tt.exit {
				t.Fatalf("top %s (exit %d), want %s (exit %d)\n%s", rep.Diagnosis.Top, ExitCode(rep.Diagnosis.Top), tt.top, tt.exit, text)
			}
			got := resultsByID(rep.Checks)
			for id, want := range tt.status {
				if got[id].Status != want {
					t.Errorf("%s = %s (%s), want %s", id, got[id].Status, got[id].Summary, want)
				}
			}
			for _, e := range tt.evidence {
				if !strings.Contains(text, e) {
					t.Errorf("report lacks %q", e)
				}
			}
			verdicts := map[CauseID]Verdict{}
			for _, c := range rep.Diagnosis.Causes {
				verdicts[c.ID] = c.Verdict
			}
			for id, want := range tt.verdicts {
				if verdicts[id] != want {
					t.Errorf("%s verdict %s, want %s", id, verdicts[id], want)
				}
			}
			if rep.Diagnosis.Top != CauseOK || tt.scenario == "healthy" {
				for _, seed := range []CauseID{CauseSecretInvalid, CauseEdgeBlock, CauseScopeNotGranted, CauseServerOutage} {
					if _, ok := verdicts[seed]; !ok {
						t.Errorf("seed cause %s has no verdict", seed)
					}
				}
			}
			if want := len(forApp(catalogue(), false)); len(rep.Checks) != want {
				t.Errorf("%d results, want %d (every check a secret app runs)", len(rep.Checks), want)
			}
			if len(events) < len(rep.Checks) {
				t.Errorf("only %d events", len(events))
			}
			if tt.scenario == "clock-skew" {
				if skew := got["clock"].Facts.Skew; skew < 598*time.Second || skew > 602*time.Second {
					t.Errorf("clock skew %s, want about 10m", skew)
				}
			}
			assertNoLeak(t, srv, rep)
			if t.Failed() || os.Getenv("PROBE_SHOW_REPORTS") != "" {
				t.Log("\n" + text)
			}
		})
	}
	for _, s := range sandbox.Scenarios() {
		if !covered[s.Name] {
			t.Errorf("scenario %s has no test", s.Name)
		}
	}
}
