package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestProbeAllTenants probes a config of 20 tenants spread over sandboxes
// in mixed scenarios: one table, per-tenant documents, the worst exit code.
func TestProbeAllTenants(t *testing.T) {
	scenarios := []struct{ name, top string }{
		{"healthy", "ok"},
		{"secret-rotated", "secret-invalid"},
		{"access-denied", "edge-block"},
		{"partial-scopes", "scope-not-granted"},
		{"outage", "server-outage"},
	}
	var yaml strings.Builder
	var cas []byte
	yaml.WriteString("# many tenants, mixed scenarios\ntenants:\n")
	want := map[string]string{}
	var srvs []*sandbox.Server
	for _, sc := range scenarios {
		srv := startSandbox(t, sandbox.Options{Scenario: sc.name})
		srvs = append(srvs, srv)
		info := srv.Info()
		ca, err := os.ReadFile(info.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		cas = append(cas, ca...)
		f, err := config.Load(info.ConfigFile)
		if err != nil {
			t.Fatal(err)
		}
		ten, err := f.Tenant("")
		if err != nil {
			t.Fatal(err)
		}
		sa := ten.Cerner.SystemApp
		for i := range 4 {
			name := fmt.Sprintf("%s-%d", sc.name, i)
			want[name] = sc.top
			fmt.Fprintf(&yaml, "  %s:\n    cerner:\n      fhir_base_url: %q\n      system_app:\n        client_id: %q\n        client_secret: %q\n        token_url: %q\n        scopes: %q\n",
				name, ten.Cerner.FHIRBaseURL, sa.ClientID, sa.ClientSecret.Reveal(), sa.TokenURL, strings.Join(sa.Scopes, " "))
		}
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	caFile := filepath.Join(dir, "cas.pem")
	if err := os.WriteFile(cfg, []byte(yaml.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(caFile, cas, 0o644); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := runCLI(t, nil, "", "probe", "--all-tenants", "--config", cfg, "--cacert", caFile, "--json")
	for _, srv := range srvs {
		assertNoSecret(t, srv, out, errOut)
	}
	if code != 7 {
		t.Errorf("exit code %d, want 7 (the worst: outage)\n%s", code, errOut)
	}
	var docs []struct {
		Tenant    string `json:"tenant"`
		Diagnosis struct {
			Top string `json:"top"`
		} `json:"diagnosis"`
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatalf("--json is not an array of documents: %v", err)
	}
	if len(docs) != len(want) {
		t.Fatalf("%d documents, want %d", len(docs), len(want))
	}
	for _, d := range docs {
		if want[d.Tenant] != d.Diagnosis.Top {
			t.Errorf("tenant %s: top %q, want %q", d.Tenant, d.Diagnosis.Top, want[d.Tenant])
		}
	}

	text, _, code := runCLI(t, nil, "", "probe", "--all-tenants", "--config", cfg, "--cacert", caFile)
	if code != 7 {
		t.Errorf("text exit code %d, want 7", code)
	}
	header := strings.SplitN(text, "\n\n", 2)[0]
	rows := map[string]string{}
	for _, l := range strings.Split(header, "\n")[1:] {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = l
		}
	}
	for name, top := range want {
		if !strings.Contains(rows[name], " "+top+" ") {
			t.Errorf("the table's row for %s lacks %s:\n%s", name, top, header)
		}
	}

	_, errOut, code = runCLI(t, nil, "", "probe", "--all-tenants", "--tenant", "x", "--config", cfg, "--cacert", caFile)
	if code != 1 || !strings.Contains(errOut, "--all-tenants") {
		t.Errorf("--all-tenants with --tenant: exit %d, %s", code, errOut)
	}
}
