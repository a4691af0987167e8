package probe

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func cr(id string, st Status, summary string, f *Facts) CheckResult {
	return CheckResult{ID: id, Result: Result{Status: st, Summary: summary, Facts: f}}
}

func TestDiagnose(t *testing.T) {
	okDisc := cr("discovery", StatusPass, "ok", &Facts{HTTPStatus: 200, Latency: 84 * time.Millisecond})
	okMeta := cr("metadata", StatusPass, "ok", &Facts{HTTPStatus: 200, Latency: 80 * time.Millisecond})
	net := []CheckResult{cr("config", StatusPass, "ok", nil), cr("dns", StatusPass, "resolved", nil), cr("tls", StatusPass, "verified", nil)}
	tests := []struct {
		name     string
		checks   []CheckResult
		top      CauseID
		verdicts map[CauseID]Verdict
		evidence map[CauseID]string
	}{
		{"all pass", append(net, okDisc, okMeta, cr("token", StatusPass, "issued", &Facts{Class: "ok", HTTPStatus: 200, OAuthJSON: false})),
			CauseOK, map[CauseID]Verdict{CauseOK: VerdictConfirmed, CauseSecretInvalid: VerdictRuledOut, CauseServerOutage: VerdictRuledOut}, nil},
		{"edge 403", append(net, okDisc, okMeta, cr("token", StatusFail, "403", &Facts{Class: string(TokenEdgeDenied), Cause: CauseEdgeBlock, HTTPStatus: 403})),
			CauseEdgeBlock,
			map[CauseID]Verdict{CauseEdgeBlock: VerdictLikely, CauseSecretInvalid: VerdictPossible, CauseClientUnknown: VerdictPossible, CauseScopeNotGranted: VerdictPossible, CauseServerOutage: VerdictRuledOut},
			map[CauseID]string{CauseEdgeBlock: "never reached the OAuth server", CauseServerOutage: "discovery answered 200 in 84ms", CauseSecretInvalid: "not a bare 403"}},
		{"403 with correlation id", append(net, cr("token", StatusFail, "403", &Facts{Class: string(TokenEdgeDenied), Cause: CauseEdgeBlock, HTTPStatus: 403, CorrelationID: "c-1"})),
			CauseEdgeBlock, map[CauseID]Verdict{CauseEdgeBlock: VerdictLikely}, map[CauseID]string{CauseEdgeBlock: "did reach Cerner"}},
		{"wrong secret", append(net, okDisc, cr("token", StatusFail, "401", &Facts{Class: string(TokenInvalidClient), Cause: CauseSecretInvalid, HTTPStatus: 401, OAuthJSON: true, URN: "invalid-client-credentials"})),
			CauseSecretInvalid, map[CauseID]Verdict{CauseSecretInvalid: VerdictConfirmed, CauseEdgeBlock: VerdictRuledOut, CauseClientUnknown: VerdictRuledOut, CauseScopeNotGranted: VerdictPossible, CauseServerOutage: VerdictRuledOut}, nil},
		{"encoding", append(net, cr("token", StatusFail, "401", &Facts{Class: string(TokenInvalidClient), Cause: CauseSecretInvalid, HTTPStatus: 401, OAuthJSON: true, URN: "invalid-client-credentials"}),
			cr("token.encoding", StatusWarn, "raw", &Facts{AcceptedEncoding: "raw", Cause: CauseConfigInvalid})),
			CauseConfigInvalid, map[CauseID]Verdict{CauseConfigInvalid: VerdictConfirmed, CauseSecretInvalid: VerdictRuledOut}, map[CauseID]string{CauseSecretInvalid: "raw id and secret"}},
		{"unknown client", append(net, cr("token", StatusFail, "401", &Facts{Class: string(TokenInvalidClient), Cause: CauseClientUnknown, HTTPStatus: 401, OAuthJSON: true, URN: "unknown-client"})),
			CauseClientUnknown, map[CauseID]Verdict{CauseClientUnknown: VerdictLikely}, nil},
		{"dns down", []CheckResult{cr("config", StatusPass, "ok", nil), cr("dns", StatusFail, "cannot resolve", &Facts{Cause: CauseNetwork}), cr("token", StatusFail, "x", &Facts{Class: string(TokenNetwork), Cause: CauseNetwork})},
			CauseNetwork, map[CauseID]Verdict{CauseNetwork: VerdictConfirmed}, nil},
		{"config broken", []CheckResult{cr("config", StatusFail, "2 errors", &Facts{Cause: CauseConfigInvalid, ConfigErrors: []string{"c.yaml:7:20: error: token_url must use https"}}), cr("token", StatusSkip, "needs config", nil)},
			CauseConfigInvalid, map[CauseID]Verdict{CauseConfigInvalid: VerdictConfirmed}, map[CauseID]string{CauseConfigInvalid: "c.yaml:7:20: error"}},
		{"key unreadable", []CheckResult{cr("config", StatusPass, "ok", nil), cr("key", StatusFail, "private_key_path: no such file", &Facts{Cause: CausePrivateKeyUnreadable}), cr("token", StatusSkip, "needs key", nil)},
			CausePrivateKeyUnreadable, map[CauseID]Verdict{CausePrivateKeyUnreadable: VerdictConfirmed}, map[CauseID]string{CausePrivateKeyUnreadable: "key: private_key_path: no such file"}},
		{"outage", append(net, cr("discovery", StatusFail, "503", &Facts{HTTPStatus: 503, Cause: CauseServerOutage}), cr("token", StatusFail, "503", &Facts{Class: string(TokenServerError), Cause: CauseServerOutage, HTTPStatus: 503})),
			CauseServerOutage, map[CauseID]Verdict{CauseServerOutage: VerdictConfirmed, CauseNetwork: VerdictRuledOut}, nil},
		{"fhir 403", append(net, cr("token", StatusPass, "ok", &Facts{Class: "ok", HTTPStatus: 200, Requested: []string{"a"}, Granted: []string{"a"}}),
			cr("fhir.Observation", StatusFail, "403 insufficient_scope", &Facts{Cause: CauseFHIRAccess, Class: string(FHIRInsufficientScope)})),
			CauseFHIRAccess, map[CauseID]Verdict{CauseFHIRAccess: VerdictConfirmed, CauseScopeNotGranted: VerdictRuledOut}, nil},
		{"clock only", append(net, cr("clock", StatusWarn, "10m off", &Facts{Cause: CauseClockSkew, Skew: 10 * time.Minute})),
			CauseOK, map[CauseID]Verdict{CauseClockSkew: VerdictPossible}, nil},
		{"nothing", nil, CauseOK, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnose(tt.checks)
			if d.Top != tt.top {
				t.Fatalf("top %s, want %s: %+v", d.Top, tt.top, d.Causes)
			}
			if d.Causes[0].ID != d.Top {
				t.Errorf("Causes[0] is %s but Top is %s", d.Causes[0].ID, d.Top)
			}
			got := map[CauseID]Cause{}
			for _, c := range d.Causes {
				got[c.ID] = c
				if len(c.Evidence) == 0 {
					t.Errorf("%s has no evidence", c.ID)
				}
			}
			if (tt.top == CauseConfigInvalid && tt.checks[0].Status == StatusFail) || tt.top == CausePrivateKeyUnreadable {
				// Nothing else was measured: the diagnosis is the config alone.
				if len(d.Causes) != 1 {
					t.Errorf("an invalid config lists %d causes, want config-invalid alone: %+v", len(d.Causes), d.Causes)
				}
			} else {
				for _, id := range causeOrder {
					if _, ok := got[id]; !ok && !slices.Contains(jwtCauses, id) {
						t.Errorf("cause %s missing", id)
					}
				}
			}
			for id, v := range tt.verdicts {
				if got[id].Verdict != v {
					t.Errorf("%s: %s, want %s (%q)", id, got[id].Verdict, v, got[id].Evidence)
				}
			}
			for id, s := range tt.evidence {
				if !strings.Contains(strings.Join(got[id].Evidence, "\n"), s) {
					t.Errorf("%s evidence %q lacks %q", id, got[id].Evidence, s)
				}
			}
		})
	}
}

func FuzzDiagnose(f *testing.F) {
	f.Add("token", "fail", "edge-denied", "edge-block", 403, "", "")
	f.Add("token", "fail", "invalid-client", "secret-invalid", 401, "invalid-client-credentials", "raw")
	f.Fuzz(func(t *testing.T, id, st, class, cause string, status int, urn, enc string) {
		checks := []CheckResult{
			cr("config", StatusPass, "", nil),
			cr(id, Status(st), "s", &Facts{Class: class, Cause: CauseID(cause), HTTPStatus: status, URN: urn}),
			cr("token.encoding", StatusWarn, "", &Facts{AcceptedEncoding: enc}),
		}
		d := Diagnose(checks)
		if len(d.Causes) == 0 || d.Causes[0].ID != d.Top {
			t.Fatalf("inconsistent diagnosis %+v", d)
		}
		if d.Top == CauseOK && Status(st) == StatusFail {
			t.Fatal("a failed check diagnosed ok")
		}
	})
}
