package ui

import (
	"context"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

const fakeStartLink = "http://127.0.0.1:8765/fhirdoctor-start/FAKE-link"

// withProvider gives the fake tenant a provider app and the wizard a round
// trip that shows the link, then runs fn.
func withProvider(d Deps, fn func(ctx context.Context, show func(string)) probe.ProviderOutcome) Deps {
	load := d.LoadTenant
	d.LoadTenant = func(name string) (config.Tenant, error) {
		t, err := load(name)
		t.Cerner.ProviderApp = &config.ProviderApp{
			ClientID:         "22222222-3333-4444-8555-666666666666",
			AuthorizationURL: "https://authorization.cerner.com/tenants/" + fakeTenantID + "/protocols/oauth2/profiles/smart-v1/personas/provider/authorize",
			RedirectURI:      "http://127.0.0.1:8765/callback",
			Scopes:           []string{"launch/patient", "openid", "fhirUser", "patient/Patient.read"},
		}
		return t, err
	}
	d.ProviderRoundTrip = func(ctx context.Context, t config.Tenant, show func(string)) probe.ProviderOutcome {
		return fn(ctx, show)
	}
	return d
}

func passingRoundTrip(_ context.Context, show func(string)) probe.ProviderOutcome {
	show(fakeStartLink)
	return probe.ProviderOutcome{Status: probe.StatusPass, Class: probe.ProviderOK, Duration: 1800 * time.Millisecond,
		Summary: "signed in, code exchanged, patient 12724066, token expires in 570 s, Patient/12724066: SMART, Nancy",
		Evidence: []string{"redirect: state matches, code sha256:0a1b2c3d",
			"access_token sha256:4e5f6a7b (512 chars, not shown)", "id_token sha256:8c9d0e1f (claims decoded for display, signature not verified): sub=12742069"}}
}

// TestProviderScreenCancel: esc while waiting cancels the round trip (the
// real one then closes its listener) and returns to Diagnose.
func TestProviderScreenCancel(t *testing.T) {
	w := newFakeWorld(probe.CauseSecretInvalid)
	ended := make(chan error, 1)
	deps := withProvider(w.deps(), func(ctx context.Context, show func(string)) probe.ProviderOutcome {
		show(fakeStartLink)
		<-ctx.Done()
		ended <- ctx.Err()
		return probe.ProviderOutcome{Status: probe.StatusSkip, Class: probe.ProviderCancelled, Summary: "cancelled"}
	})
	d := startWizard(t, w, deps, Options{})
	d.waitFor("press p")
	d.keys("p")
	d.waitFor("Waiting for the sign-in redirect")
	d.waitWritten("\x1b]8;;" + fakeStartLink) // the link reached the terminal as a hyperlink
	d.keys("esc")
	if err := <-ended; err != context.Canceled {
		t.Fatalf("the round trip ended with %v, want context.Canceled", err)
	}
	d.waitFor("Diagnosis")
	if fm, screen := d.final(); fm.w.cur != stepDiagnose {
		t.Fatalf("still on the provider screen:\n%s", screen)
	}
}
