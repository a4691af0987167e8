package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// lockedBuffer is a sandbox request log the test reads after the run.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// count returns how many logged requests were `method path`.
func (l *lockedBuffer) count(method, path string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for line := range strings.Lines(l.b.String()) {
		// time listener METHOD path status duration
		f := strings.Fields(line)
		if len(f) >= 4 && f[2] == method && f[3] == path {
			n++
		}
	}
	return n
}

// TestProbeAllTenantsSharesPerURLFetches: in `probe --all-tenants`, the
// tenants of one server fetch its discovery, its CapabilityStatement and
// the app's JWK Set once per URL, counted at the sandboxes, while each still
// makes its own token request and FHIR reads, and each tenant's report is
// what probing it alone gives.
func TestProbeAllTenantsSharesPerURLFetches(t *testing.T) {
	const perVendor = 4
	var cerLog, epicLog lockedBuffer
	cer := startSandbox(t, sandbox.Options{Scenario: "healthy", Log: &cerLog})
	epic := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Log: &epicLog})
	tenantOf := func(srv *sandbox.Server) config.Tenant {
		f, err := config.Load(srv.Info().ConfigFile)
		if err != nil {
			t.Fatal(err)
		}
		ten, err := f.Tenant("")
		if err != nil {
			t.Fatal(err)
		}
		return ten
	}
	cerT, epicT := tenantOf(cer), tenantOf(epic)
	var yaml strings.Builder
	yaml.WriteString("tenants:\n")
	for i := range perVendor {
		yaml.WriteString(tenantYAML(fmt.Sprintf("secret-%d", i), cerT))
		yaml.WriteString(jwtTenantYAML(fmt.Sprintf("jwt-%d", i), epicT))
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	caFile := filepath.Join(dir, "cas.pem")
	var cas []byte
	for _, srv := range []*sandbox.Server{cer, epic} {
		ca, err := os.ReadFile(srv.Info().CAFile)
		if err != nil {
			t.Fatal(err)
		}
		cas = append(cas, ca...)
	}
	if err := os.WriteFile(cfg, []byte(yaml.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(caFile, cas, 0o644); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := runCLI(t, nil, "", "probe", "--all-tenants", "--json", "--config", cfg, "--cacert", caFile)
	for _, srv := range []*sandbox.Server{cer, epic} {
		assertNoSecret(t, srv, out, errOut)
	}
	if code != 0 {
		t.Fatalf("exit %d, want 0 (every tenant healthy)\n%s", code, errOut)
	}

	path := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return u.Path
	}
	for _, c := range []struct {
		name string
		log  *lockedBuffer
		ten  config.Tenant
	}{{"cerner", &cerLog, cerT}, {"epic", &epicLog, epicT}} {
		base := path(strings.TrimRight(c.ten.Cerner.FHIRBaseURL, "/"))
		for _, p := range []string{base + "/.well-known/smart-configuration", base + "/metadata"} {
			if n := c.log.count("GET", p); n != 1 {
				t.Errorf("%s: GET %s %d times for %d tenants, want once per run", c.name, p, n, perVendor)
			}
		}
		if n := c.log.count("POST", path(c.ten.Cerner.SystemApp.TokenURL)); n != perVendor {
			t.Errorf("%s: %d token requests, want one per tenant (%d): a token is never shared", c.name, n, perVendor)
		}
		if n := c.log.count("GET", base+"/Patient/"+c.ten.Cerner.TestPatientID); n != perVendor {
			t.Errorf("%s: %d Patient reads, want one per tenant (%d)", c.name, n, perVendor)
		}
	}
	if jwks := epicT.Cerner.SystemApp.JWKSURL; jwks == "" {
		t.Fatal("the Epic sandbox's config has no jwks_url: the test would not cover the JWK Set")
	} else if n := epicLog.count("GET", path(jwks)); n != 1 {
		t.Errorf("epic: GET %s %d times for %d tenants, want once per run", path(jwks), n, perVendor)
	}

	// Each tenant's report is the one it gets alone: same checks, statuses
	// and diagnosis, and the shared answers' evidence in every report.
	type doc struct {
		Tenant string `json:"tenant"`
		Checks []struct {
			ID       string   `json:"id"`
			Status   string   `json:"status"`
			Evidence []string `json:"evidence"`
		} `json:"checks"`
		Diagnosis struct {
			Top string `json:"top"`
		} `json:"diagnosis"`
	}
	var docs []doc
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatalf("--json: %v", err)
	}
	if len(docs) != 2*perVendor {
		t.Fatalf("%d documents, want %d", len(docs), 2*perVendor)
	}
	alone := map[string]doc{}
	for _, name := range []string{"secret-0", "jwt-0"} {
		o, e, c := runCLI(t, nil, "", "probe", "--tenant", name, "--json", "--config", cfg, "--cacert", caFile)
		if c != 0 {
			t.Fatalf("probe --tenant %s: exit %d\n%s", name, c, e)
		}
		var d doc
		if err := json.Unmarshal([]byte(o), &d); err != nil {
			t.Fatalf("probe --tenant %s --json: %v", name, err)
		}
		alone[strings.Split(name, "-")[0]] = d
	}
	for _, d := range docs {
		want := alone[strings.Split(d.Tenant, "-")[0]]
		if d.Diagnosis.Top != want.Diagnosis.Top || len(d.Checks) != len(want.Checks) {
			t.Errorf("%s: top %q with %d checks, alone %q with %d", d.Tenant, d.Diagnosis.Top, len(d.Checks), want.Diagnosis.Top, len(want.Checks))
			continue
		}
		for i, c := range d.Checks {
			w := want.Checks[i]
			if c.ID != w.ID || c.Status != w.Status || len(c.Evidence) != len(w.Evidence) {
				t.Errorf("%s: check %s %s with %d evidence lines, alone %s %s with %d", d.Tenant, c.ID, c.Status, len(c.Evidence), w.ID, w.Status, len(w.Evidence))
			}
			if c.ID == "discovery" || c.ID == "metadata" || c.ID == "jwks" {
				if len(c.Evidence) == 0 || !strings.HasPrefix(c.Evidence[0], "GET http") || !strings.Contains(c.Evidence[0], ": 200 in ") {
					t.Errorf("%s: %s evidence %q, want its GET line", d.Tenant, c.ID, c.Evidence)
				}
			}
		}
	}
}
