package config

import (
	"fmt"
	"net/url"
	"strings"
)

// The variables the backend falls back to when its YAML is missing, read
// by `probe --from-env` (docs/config.md).
const (
	EnvBaseURL      = "CERNER_BASE_URL"
	EnvClientID     = "CERNER_CLIENT_ID"
	EnvClientSecret = "CERNER_CLIENT_SECRET"
	EnvTokenURL     = "CERNER_TOKEN_URL"
	EnvScopes       = "CERNER_SCOPES"
)

// FromEnvTenantName is the tenant name `probe --from-env` reports.
const FromEnvTenantName = "environment"

// TenantFromEnv builds a legacy-shape Cerner tenant from the CERNER_*
// variables, and the findings about them (a missing or malformed variable
// is an error naming it). lookup is os.LookupEnv in production.
func TenantFromEnv(lookup func(string) (string, bool)) (Tenant, []Finding) {
	get := func(k string) string {
		v, _ := lookup(k)
		return strings.TrimSpace(v)
	}
	t := Tenant{Name: FromEnvTenantName, Vendor: "cerner", Shape: ShapeLegacy}
	c := &t.Cerner
	c.FHIRBaseURL = get(EnvBaseURL)
	c.SystemApp = SystemApp{
		ClientID:     get(EnvClientID),
		ClientSecret: NewSecret(get(EnvClientSecret)).WithSource(Source{Kind: SourceEnvironment, Var: EnvClientSecret}),
		TokenURL:     get(EnvTokenURL),
		Scopes:       strings.Fields(get(EnvScopes)),
	}
	var out []Finding
	add := func(sev Severity, part Part, key, format string, args ...any) {
		out = append(out, Finding{Severity: sev, Pos: Position{File: "environment"}, Tenant: t.Name, Key: key, Part: part, Message: fmt.Sprintf(format, args...)})
	}
	for _, v := range []struct {
		name string
		part Part
	}{{EnvClientID, PartSystemApp}, {EnvClientSecret, PartSystemApp}, {EnvTokenURL, PartSystemApp}, {EnvScopes, PartSystemApp}} {
		if get(v.name) == "" {
			add(SeverityError, v.part, v.name, "$%s is not set (probe --from-env reads %s, %s, %s, %s and %s)", v.name, EnvBaseURL, EnvClientID, EnvClientSecret, EnvTokenURL, EnvScopes)
		}
	}
	if c.FHIRBaseURL == "" {
		if d, ok := DeriveFHIRBase(c.SystemApp.TokenURL); ok {
			c.FHIRBaseURL, c.FHIRBaseDerived = d, true
		} else if c.SystemApp.TokenURL != "" {
			add(SeverityError, PartFHIR, EnvBaseURL, "$%s is not set and cannot be derived from $%s", EnvBaseURL, EnvTokenURL)
		}
	}
	for _, v := range []struct{ name, val string }{{EnvBaseURL, c.FHIRBaseURL}, {EnvTokenURL, c.SystemApp.TokenURL}} {
		if v.val == "" {
			continue
		}
		u, err := url.Parse(v.val)
		switch {
		case err != nil || u.Host == "":
			add(SeverityError, PartSystemApp, v.name, "$%s is not an absolute URL", v.name)
		case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
			add(SeverityError, PartSystemApp, v.name, "$%s must use https (plain http only for loopback hosts)", v.name)
		}
	}
	if s := c.SystemApp.ClientSecret.Reveal(); strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }) {
		add(SeverityError, PartSystemApp, EnvClientSecret, "$%s contains a space or control character", EnvClientSecret)
	}
	return t, out
}
