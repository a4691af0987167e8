package config

import (
	"strings"
	"testing"
)

// sysApp builds a one-tenant config whose system_app lines are given.
func sysApp(lines ...string) string {
	return "tenants:\n  default:\n    cerner:\n      system_app:\n" + indent("        ", lines)
}

func indent(prefix string, lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(prefix + l + "\n")
	}
	return b.String()
}

const (
	goodID     = `client_id: "11111111-2222-4333-8444-555555555555"`
	goodSecret = `client_secret: "FAKE-old-secret-000000"`
	goodToken  = `token_url: "https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token"`
	goodScopes = `scopes: "system/Patient.read system/Observation.read"`
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"valid", validConfig, nil},
		{"missing tenants", "other: 1\n", []string{"config.yaml:1:1: error: no `tenants:` mapping at the top level"}},
		{"tenants not a map", "tenants: [a, b]\n", []string{"config.yaml:1:1: error: `tenants` is a list; it must be a mapping of tenant names to settings"}},
		{"tenants empty", "tenants: {}\n", []string{"config.yaml:1:1: error: `tenants` is empty; add one (see `fhirdoctor demo` for an example)"}},
		{"tenant is a list", "tenants:\n  default:\n    - cerner\n", []string{`config.yaml:2:3: error: tenant "default" is a list; it must be a mapping with an ` + "`ehr:` or `cerner:`" + ` key`}},
		{"no cerner", "tenants:\n  default:\n    other: 1\n", []string{`config.yaml:2:3: error: tenant "default" has no ` + "`cerner:` or `ehr:` mapping"}},
		{"missing required", sysApp(goodID, "client_secret:", goodScopes), []string{
			"config.yaml:4:7: error: tenant \"default\": `cerner.system_app.token_url` is missing",
			"config.yaml:6:9: error: tenant \"default\": `cerner.system_app.client_secret` is empty",
		}},
		{"secret is a mapping", sysApp(goodID, "client_secret: {a: 1}", goodToken, goodScopes), []string{
			"config.yaml:6:24: error: tenant \"default\": `cerner.system_app.client_secret` is a mapping; it must be a string",
		}},
		{"http token url", sysApp(goodID, goodSecret, `token_url: "http://authorization.cerner.com/tenants/t1/hosts/h/token"`, goodScopes), []string{
			"config.yaml:7:20: error: tenant \"default\": `cerner.system_app.token_url` must use https (plain http is accepted only for loopback hosts: 127.0.0.0/8, ::1, localhost)",
		}},
		{"http loopback ok", sysApp(goodID, goodSecret, `token_url: http://127.0.0.2:9999/tenants/t1/hosts/127.0.0.2:9999/token`, goodScopes), nil},
		{"http ::1 ok", sysApp(goodID, goodSecret, `token_url: "http://[::1]:9999/tenants/t1/hosts/localhost/token"`, goodScopes), nil},
		{"not a url", sysApp(goodID, goodSecret, `token_url: authorization.cerner.com/token`, goodScopes), []string{
			"config.yaml:7:20: error: tenant \"default\": `cerner.system_app.token_url` \"authorization.cerner.com/token\" is not an absolute URL",
		}},
		{"underivable base", sysApp(goodID, goodSecret, `token_url: https://authorization.cerner.com/tenants/t1/protocols/oauth2/profiles/smart-v1/token`, goodScopes), []string{
			"config.yaml:7:20: error: tenant \"default\": `cerner.base_url` is missing and cannot be derived from token_url (it has no tenants/{tenant}/hosts/{host} part); add base_url",
		}},
		{"tenant mismatch", "tenants:\n  default:\n    cerner:\n      fhir_base_url: https://fhir-ehr-code.cerner.com/r4/other-tenant\n      system_app:\n" +
			indent("        ", []string{goodID, goodSecret, goodToken, goodScopes}), []string{
			"config.yaml:4:22: error: tenant \"default\": tenant id in `cerner.fhir_base_url` (other-tenant) differs from the one in `cerner.system_app.token_url` (ec2458f2-1e24-41c8-b71b-0e701af7583d)",
		}},
		{"scopes", sysApp(goodID, goodSecret, goodToken, `scopes: "system/Patient.read system/*.read system/Patient.read system/patient.read system/Patient patient/Patient.read system/Observation.rs"`), []string{
			"config.yaml:8:38: error: tenant \"default\": wildcard scope `system/*.read`: Cerner does not grant wildcards; list each resource, e.g. system/Patient.read",
			"config.yaml:8:52: error: tenant \"default\": scope `system/Patient.read` is listed twice",
			"config.yaml:8:72: error: tenant \"default\": malformed scope `system/patient.read`: `patient` is not a FHIR resource type (they are capitalised, e.g. Patient)",
			"config.yaml:8:92: error: tenant \"default\": malformed scope `system/Patient`; expected context/Resource.permission, e.g. system/Patient.read",
			"config.yaml:8:107: warning: tenant \"default\": scope `patient/Patient.read` is a patient/ scope; a system app (client_credentials) is granted system/ scopes only",
		}},
		{"comma scopes", sysApp(goodID, goodSecret, goodToken, `scopes: system/Patient.read,system/Observation.read`), []string{
			"config.yaml:8:17: error: tenant \"default\": scope `system/Patient.read,system/Observation.read` contains a comma or semicolon; scopes are separated by spaces",
		}},
		{"non-uuid client id", sysApp(`client_id: my-app`, goodSecret, goodToken, goodScopes), []string{
			"config.yaml:5:20: warning: tenant \"default\": `cerner.system_app.client_id` is not a UUID; Cerner client ids are UUIDs (other vendors differ)",
		}},
		{"secret whitespace", sysApp(goodID, `client_secret: "FAKE secret"`, goodToken, goodScopes), []string{
			"config.yaml:6:24: error: tenant \"default\": `cerner.system_app.client_secret` contains a space or control character; paste it again",
		}},
		{"provider app", validConfig + "      provider_app:\n        client_id: 66666666-7777-4888-9999-000000000000\n" +
			"        authorization_url: https://authorization.cerner.com/tenants/wrong/protocols/oauth2/profiles/smart-v1/personas/provider/authorize\n" +
			"        redirect_uri: http://example.com/callback\n        scopes: launch/patient openid fhirUser patient/Patient.read\n", []string{
			"config.yaml:12:28: error: tenant \"default\": tenant id in `cerner.provider_app.authorization_url` (wrong) differs from the one in `cerner.system_app.token_url` (ec2458f2-1e24-41c8-b71b-0e701af7583d)",
			"config.yaml:13:23: error: tenant \"default\": `cerner.provider_app.redirect_uri` must use https (plain http is accepted only for loopback hosts: 127.0.0.0/8, ::1, localhost)",
		}},
		{"unknown keys ignored", strings.Replace(validConfig, "    cerner:\n", "    notes: hello\n    cerner:\n      colour: blue\n", 1), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, tc.yaml)
			var got []string
			for _, fd := range f.Validate() {
				got = append(got, fd.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tc.want, "\n     "))
			}
			noSecret(t, "findings", strings.Join(got, "\n"), "FAKE-old-secret-000000", "FAKE secret")
			if HasErrors(f.Validate()) != strings.Contains(strings.Join(tc.want, ""), ": error: ") {
				t.Errorf("HasErrors disagrees with the findings")
			}
		})
	}
}

func TestValidateTenant(t *testing.T) {
	two := validConfig + "  prod:\n    cerner: []\n"
	f := mustParse(t, two)
	if got := f.ValidateTenant("default"); len(got) != 0 {
		t.Errorf("default: %v", got)
	}
	got := f.ValidateTenant("prod")
	if len(got) != 1 || !strings.Contains(got[0].String(), "config.yaml:11:13: error: tenant \"prod\": `cerner` is a list; it must be a mapping") {
		t.Errorf("prod: %v", got)
	}
	got = f.ValidateTenant("")
	if len(got) != 1 || !strings.Contains(got[0].Message, "2 tenants (default, prod); pick one with --tenant") {
		t.Errorf("ambiguous: %v", got)
	}
}
