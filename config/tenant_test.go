package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestTenant(t *testing.T) {
	f, err := Load("testdata/basic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Tenant("")
	if err != nil {
		t.Fatal(err)
	}
	c := got.Cerner
	checks := []struct{ name, got, want string }{
		{"name", got.Name, "default"},
		{"fhir base", c.FHIRBaseURL, "https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d"},
		{"derived", fmt.Sprint(c.FHIRBaseDerived), "false"},
		{"patient", c.TestPatientID, "12724066"},
		{"client id", c.SystemApp.ClientID, "11111111-2222-4333-8444-555555555555"},
		{"secret fingerprint", c.SystemApp.ClientSecret.Fingerprint(), Fingerprint("FAKE-secret-000000")},
		{"scopes", strings.Join(c.SystemApp.Scopes, "|"), "system/Patient.read|system/Observation.read"},
		{"provider id", c.ProviderApp.ClientID, "66666666-7777-4888-9999-000000000000"},
		{"redirect", c.ProviderApp.RedirectURI, "http://127.0.0.1:8765/callback"},
		{"provider scopes", strings.Join(c.ProviderApp.Scopes, "|"), "launch/patient|openid|fhirUser|patient/Patient.read"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %q, want %q", ck.name, ck.got, ck.want)
		}
	}
}

func TestTenantDerivedAndDefaults(t *testing.T) {
	f := mustParse(t, validConfig)
	got, err := f.Tenant("default")
	if err != nil {
		t.Fatal(err)
	}
	if got.Cerner.FHIRBaseURL != "https://fhir-ehr-code.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d" || !got.Cerner.FHIRBaseDerived {
		t.Errorf("FHIR base = %q derived=%v", got.Cerner.FHIRBaseURL, got.Cerner.FHIRBaseDerived)
	}
	if got.Cerner.TestPatientID != DefaultTestPatientID || got.Cerner.ProviderApp != nil {
		t.Errorf("defaults: %+v", got.Cerner)
	}
}

func TestTenantSelection(t *testing.T) {
	multi := validConfig + "  prod:\n    cerner:\n      fhir_base_url: https://h/r4/t\n  broken: [1]\n"
	f := mustParse(t, multi)
	if got := strings.Join(f.TenantNames(), ","); got != "default,prod,broken" {
		t.Errorf("TenantNames = %q", got)
	}
	tests := []struct{ name, want string }{
		{"", `config.yaml: 3 tenants (default, prod, broken); pick one with --tenant`},
		{"nope", `config.yaml: no tenant "nope"; available: default, prod, broken`},
		{"broken", "config.yaml:13:3: tenant \"broken\" is a list; it must be a mapping with an `ehr:` or `cerner:` key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Tenant(tc.name)
			if err == nil || err.Error() != tc.want || !errors.Is(err, ErrTenant) {
				t.Fatalf("Tenant(%q) error = %v, want %q wrapping ErrTenant", tc.name, err, tc.want)
			}
		})
	}
	if p, err := f.Tenant("prod"); err != nil || p.Cerner.FHIRBaseURL != "https://h/r4/t" {
		t.Errorf("prod = %+v, %v", p, err)
	}
}

func TestTenantAnchorsAndMerge(t *testing.T) {
	src := `tenants:
  base: &base
    cerner:
      system_app: &sys
        client_id: 11111111-2222-4333-8444-555555555555
        client_secret: FAKE-shared
        token_url: https://a/tenants/t1/hosts/h1/token
        scopes: system/Patient.read
  copy:
    cerner:
      system_app:
        <<: *sys
        client_id: 22222222-2222-4333-8444-555555555555
`
	f := mustParse(t, src)
	got, err := f.Tenant("copy")
	if err != nil {
		t.Fatal(err)
	}
	if got.Cerner.SystemApp.ClientID != "22222222-2222-4333-8444-555555555555" || got.Cerner.SystemApp.TokenURL != "https://a/tenants/t1/hosts/h1/token" {
		t.Errorf("merged tenant = %+v", got.Cerner.SystemApp)
	}
	if fs := f.Validate(); HasErrors(fs) {
		t.Errorf("findings: %v", fs)
	}
}

func TestDeriveFHIRBase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://authorization.cerner.com/tenants/T/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token", "https://fhir-ehr-code.cerner.com/r4/T"},
		{"https://authorization.cerner.com/tenants/T/protocols/oauth2/profiles/smart-v1/token", ""},
		{"::bad", ""},
	}
	for _, tc := range tests {
		got, ok := DeriveFHIRBase(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("DeriveFHIRBase(%q) = %q, %v", tc.in, got, ok)
		}
	}
}
