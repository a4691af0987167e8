package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

func TestRetryWait(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		retryAfter string
		timeout    time.Duration // 0 = no deadline
		wait       time.Duration
		ok         bool
	}{
		{"absent", "", 10 * time.Second, defaultRetryWait, true},
		{"seconds", "1", 10 * time.Second, time.Second, true},
		{"zero", "0", 10 * time.Second, 0, true},
		{"date", now.Add(2 * time.Second).Format(httpDate), 10 * time.Second, 2 * time.Second, true},
		{"date in the past", now.Add(-time.Minute).Format(httpDate), 10 * time.Second, 0, true},
		{"longer than the timeout", "120", 10 * time.Second, 120 * time.Second, false},
		{"half the timeout: no time left for the retry", "5", 10 * time.Second, 5 * time.Second, false},
		{"garbage", "soon", 10 * time.Second, 0, false},
		{"negative", "-1", 10 * time.Second, 0, false},
		{"no deadline", "3", 0, 3 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			wait, ok := retryWait(ctx, tt.retryAfter, now)
			if ok != tt.ok || (ok && wait != tt.wait) {
				t.Errorf("retryWait(%q) = %s, %v; want %s, %v", tt.retryAfter, wait, ok, tt.wait, tt.ok)
			}
		})
	}
}

const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// TestBlip503IsNotAnOutage: every endpoint answers its first request 503
// (Retry-After: 1), then works. Each request is retried once, the evidence
// shows both answers, and the diagnosis is ok, not server-outage.
func TestBlip503IsNotAnOutage(t *testing.T) {
	_, opts := startSandbox(t, sandbox.Options{Hostile: sandbox.HostileBlip503}, 10*time.Second)
	// provider.authorize reads discovery too: whichever read comes first
	// meets the blip, so leave one reader.
	opts.Skip = []string{ProviderAuthorizeID}
	rep, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Diagnosis.Top != CauseOK {
		t.Fatalf("top %s, want ok after a one-off 503\n%s", rep.Diagnosis.Top, reportText(rep))
	}
	for _, id := range []string{"discovery", "metadata", "token", "fhir.patient"} {
		c := find(rep, id)
		ev := strings.Join(c.Evidence, "\n")
		if !strings.Contains(ev, "first answer: HTTP 503") || !strings.Contains(ev, "Retry-After 1; retried once after 1s: HTTP 200") {
			t.Errorf("%s: evidence does not show both answers:\n%s", id, ev)
		}
		if c.HTTP == nil || c.HTTP.Status != 200 {
			t.Errorf("%s: http = %+v, want the retried answer's 200", id, c.HTTP)
		}
	}
}

// TestBlip503Shared: in a shared run (--all-tenants) the fetches made once
// for every tenant retry a 503 too.
func TestBlip503Shared(t *testing.T) {
	_, opts := startSandbox(t, sandbox.Options{Hostile: sandbox.HostileBlip503}, 10*time.Second)
	opts.Skip = []string{ProviderAuthorizeID}
	shared, err := NewSharedClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	opts.Shared = shared
	rep, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Diagnosis.Top != CauseOK {
		t.Fatalf("top %s, want ok after a one-off 503\n%s", rep.Diagnosis.Top, reportText(rep))
	}
	if ev := strings.Join(find(rep, "discovery").Evidence, "\n"); !strings.Contains(ev, "retried once after 1s: HTTP 200") {
		t.Errorf("shared discovery: evidence does not show the retry:\n%s", ev)
	}
}

// TestOutageNotRetriedBeyondTimeout: the outage scenario asks Retry-After:
// 120, more than --timeout allows, so nothing waits for it and the evidence
// says why.
func TestOutageNotRetriedBeyondTimeout(t *testing.T) {
	_, opts := startSandbox(t, sandbox.Options{Scenario: "outage"}, 5*time.Second)
	opts.Only = []string{"token"}
	start := time.Now()
	rep, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Diagnosis.Top != CauseServerOutage {
		t.Fatalf("top %s, want server-outage\n%s", rep.Diagnosis.Top, reportText(rep))
	}
	ev := strings.Join(find(rep, "token").Evidence, "\n")
	if !strings.Contains(ev, "Retry-After 120: not retried, the wait does not fit in --timeout 5s") {
		t.Errorf("token evidence does not say why the 503 was not retried:\n%s", ev)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("the run took %s: it waited for a Retry-After it should have refused", d)
	}
}

// TestHTTPObject: the values of the deciding answer travel with the result,
// not only inside evidence text.
func TestHTTPObject(t *testing.T) {
	_, opts := startSandbox(t, sandbox.Options{Scenario: "secret-rotated"}, 10*time.Second)
	opts.Only = []string{"token", "discovery"}
	rep, err := Run(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok := find(rep, "token").HTTP
	if tok == nil || tok.Status != 401 || tok.OAuthError != "invalid_client" || !strings.Contains(tok.ErrorURI, "invalid-client-credentials") ||
		tok.CorrelationID == "" || !strings.HasPrefix(tok.ContentType, "application/json") {
		t.Errorf("token http = %+v", tok)
	}
	if d := find(rep, "discovery").HTTP; d == nil || d.Status != 200 || d.OAuthError != "" {
		t.Errorf("discovery http = %+v", d)
	}
	if find(rep, "config").HTTP != nil {
		t.Error("the config check made no HTTP exchange but has an http object")
	}
}

func find(rep *Report, id string) CheckResult {
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	return CheckResult{}
}
