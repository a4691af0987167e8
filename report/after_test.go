//go:build unix

package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// TestAfterTheWriteSections runs a command that prints the new secret, the
// way a test script that dumps its config would, and renders the report:
// both the markdown and the JSON hold the command's result and only the
// secret's fingerprint.
func TestAfterTheWriteSections(t *testing.T) {
	secret := config.NewSecret("FAKE-new-secret-" + time.Now().Format("150405.000000"))
	old := config.NewSecret("FAKE-old-secret-0000")
	sc := afterwrite.NewScrubber([]config.Secret{secret, old}, "client-1")
	res := afterwrite.Run(context.Background(), afterwrite.Spec{
		Command: "echo 'client_secret: " + secret.Reveal() + "'; exit 4", Dir: t.TempDir(), Scrubber: sc,
	})
	if res.Status != afterwrite.StatusFailed || res.ExitCode != 4 {
		t.Fatalf("result %s exit %d", res.Status, res.ExitCode)
	}
	rem := afterwrite.Remains{
		ClientID: "client-1", CachedTokenSeconds: 570,
		Places: []afterwrite.Place{{Env: "staging", File: "/b/.settings.staging/config.yaml", Tenant: "default",
			Status: afterwrite.Stale, OldSecret: true, ClientID: "client-1", Fingerprint: old.Fingerprint(), Also: "staging"}},
		ByHand: []string{"environment (CERNER_CLIENT_SECRET)"},
	}
	in := Input{
		Report:  &probe.Report{Tenant: "default", ConfigPath: "/b/.settings.dev/config.yaml", Diagnosis: probe.Diagnosis{Top: probe.CauseOK}},
		Tenant:  config.Tenant{Name: "default"},
		Version: "test", Now: time.Unix(0, 0),
		Session: &Session{WrittenPath: "/b/.settings.dev/config.yaml", Remains: &rem, Then: []afterwrite.Result{res}},
	}
	var md bytes.Buffer
	if err := Markdown(&md, in); err != nil {
		t.Fatal(err)
	}
	js, err := ReportJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"markdown": md.String(), "json": string(js)} {
		if strings.Contains(text, secret.Reveal()) {
			t.Fatalf("the %s report holds the secret", name)
		}
		if !strings.Contains(text, "client_secret: "+secret.Fingerprint()) {
			t.Errorf("the %s report lacks the command's output with the fingerprint", name)
		}
	}
	for _, want := range []string{
		"## What remains", "- [ ] stale    staging, tenant default: the old secret", "fhirdoctor rotate --also staging",
		"up to 9m30s", "by hand: environment (CERNER\\_CLIENT\\_SECRET)",
		"## After the write", "- ✗ `echo 'client_secret: " + secret.Fingerprint() + "'; exit 4`", "exit 4 in",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	for _, want := range []string{`"what_remains": {`, `"cached_token_max_seconds": 570`, `"status": "stale"`, `"after_the_write": [`, `"exit_code": 4`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("json lacks %q", want)
		}
	}
}
