package probe

import (
	"context"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// TestInvalidConfig: a file with three errors is counted as `config
// validate` counts it, nothing touches the network (no clock request to an
// empty URL), and the diagnosis is config-invalid alone, with positions.
func TestInvalidConfig(t *testing.T) {
	src := `tenants:
  default:
    cerner:
      system_app:
        client_id: "not-a-uuid"
        client_secret: "FAKE-x"
        token_url: "http://authorization.cerner.com/tenants/t/protocols/oauth2/profiles/smart-v1/token"
        scopes: "system/*.read"
`
	f, err := config.Parse("bad.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := f.Tenant("")
	if err != nil {
		t.Fatal(err)
	}
	findings := f.Validate()
	errs := 0
	for _, x := range findings {
		if x.Severity == config.SeverityError {
			errs++
		}
	}
	rep, err := Run(context.Background(), Options{Tenant: tenant, ConfigPath: "bad.yaml", Findings: f.ValidateTenant("")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := find(rep, "config")
	if want := "3 error(s), 1 warning(s)"; errs != 3 || !strings.Contains(cfg.Summary, want) {
		t.Errorf("config check %q, want %q (config validate counts %d errors)", cfg.Summary, want, errs)
	}
	for _, c := range rep.Checks {
		if c.ID != "config" && c.Status != StatusSkip {
			t.Errorf("%s ran (%s: %s) on an invalid config", c.ID, c.Status, c.Summary)
		}
		if c.ID != "config" && !strings.HasPrefix(c.Summary, "needs ") {
			t.Errorf("%s skipped without naming what it needs: %q", c.ID, c.Summary)
		}
	}
	d := rep.Diagnosis
	if d.Top != CauseConfigInvalid || len(d.Causes) != 1 {
		t.Fatalf("diagnosis %s with %d causes, want config-invalid alone", d.Top, len(d.Causes))
	}
	ev := strings.Join(d.Causes[0].Evidence, "\n")
	for _, pos := range []string{"bad.yaml:7:20: error", "bad.yaml:8:18: error"} {
		if !strings.Contains(ev, pos) {
			t.Errorf("config-invalid evidence lacks %q:\n%s", pos, ev)
		}
	}
}
