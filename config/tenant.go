package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// ErrTenant is wrapped by every error that picks or resolves a tenant: an
// unknown name, an ambiguous choice, a tenant that is not a mapping.
var ErrTenant = errors.New("tenant")

// tenantErr is a positioned tenant error that wraps ErrTenant.
type tenantErr struct {
	pos Position
	msg string
}

func (e *tenantErr) Error() string { return e.pos.String() + ": " + e.msg }
func (e *tenantErr) Unwrap() error { return ErrTenant }

// tenants returns the entries of the top-level tenants mapping.
func (t *tree) tenants() ([]*ast.MappingValueNode, error) {
	mv, _ := t.lookup(t.root, "tenants")
	if mv == nil {
		return nil, &tenantErr{Position{File: t.path, Line: 1, Col: 1}, "no `tenants:` mapping at the top level"}
	}
	v := t.deref(mv.Value)
	es, ok := entries(v)
	if !ok {
		return nil, &tenantErr{t.pos(mv.Key), "`tenants` is " + kindOf(v) + "; it must be a mapping of tenant names to settings"}
	}
	return es, nil
}

// TenantNames lists the tenants in file order (none when the file has no
// usable tenants mapping).
func (f *File) TenantNames() []string {
	t, err := f.parsed()
	if err != nil {
		return nil
	}
	es, _ := t.tenants()
	names := make([]string, 0, len(es))
	for _, e := range es {
		names = append(names, t.keyText(e))
	}
	return names
}

// pickTenant finds the tenant entry called name; "" means the only one.
func (t *tree) pickTenant(name string) (*ast.MappingValueNode, error) {
	es, err := t.tenants()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(es))
	for _, e := range es {
		names = append(names, t.keyText(e))
	}
	if name == "" {
		switch len(es) {
		case 0:
			return nil, &tenantErr{t.pos(t.root), "`tenants` is empty; add one (see `fhirdoctor demo` for an example)"}
		case 1:
			return es[0], nil
		}
		return nil, &tenantErr{Position{File: t.path}, fmt.Sprintf("%d tenants (%s); pick one with --tenant", len(es), strings.Join(names, ", "))}
	}
	for _, e := range es {
		if t.keyText(e) == name {
			return e, nil
		}
	}
	return nil, &tenantErr{Position{File: t.path}, fmt.Sprintf("no tenant %q; available: %s", name, strings.Join(names, ", "))}
}

// tenantCerner returns the tenant's name and its cerner mapping.
func (t *tree) tenantCerner(name string) (string, ast.Node, error) {
	e, err := t.pickTenant(name)
	if err != nil {
		return "", nil, err
	}
	name = t.keyText(e)
	v := t.deref(e.Value)
	if _, ok := entries(v); !ok {
		return "", nil, &tenantErr{t.pos(e.Key), fmt.Sprintf("tenant %q is %s; it must be a mapping with a `cerner:` key", name, kindOf(v))}
	}
	cmv, _ := t.lookup(v, "cerner")
	if cmv == nil {
		return "", nil, &tenantErr{t.pos(e.Key), fmt.Sprintf("tenant %q has no `cerner:` mapping", name)}
	}
	c := t.deref(cmv.Value)
	if _, ok := entries(c); !ok {
		return "", nil, &tenantErr{t.pos(cmv.Key), fmt.Sprintf("tenant %q: `cerner` is %s; it must be a mapping", name, kindOf(c))}
	}
	return name, c, nil
}

// Tenant resolves a tenant ("" = the only one). It fails only when the
// tenant cannot be found or is not shaped like one; missing or bad values
// are left empty for ValidateTenant to report.
func (f *File) Tenant(name string) (Tenant, error) {
	t, err := f.parsed()
	if err != nil {
		return Tenant{}, err
	}
	name, c, err := t.tenantCerner(name)
	if err != nil {
		return Tenant{}, err
	}
	str := func(m ast.Node, key string) string {
		if m == nil {
			return ""
		}
		mv, _ := t.lookup(m, key)
		if mv == nil {
			return ""
		}
		s, _ := t.scalar(mv.Value)
		return strings.TrimSpace(s)
	}
	sub := func(key string) ast.Node {
		mv, _ := t.lookup(c, key)
		if mv == nil {
			return nil
		}
		n := t.deref(mv.Value)
		if _, ok := entries(n); !ok {
			return nil
		}
		return n
	}
	out := Tenant{Name: name}
	sys := sub("system_app")
	out.Cerner.SystemApp = SystemApp{
		ClientID:     str(sys, "client_id"),
		ClientSecret: NewSecret(str(sys, "client_secret")),
		TokenURL:     str(sys, "token_url"),
		Scopes:       strings.Fields(str(sys, "scopes")),
	}
	if p := sub("provider_app"); p != nil {
		out.Cerner.ProviderApp = &ProviderApp{
			ClientID:         str(p, "client_id"),
			AuthorizationURL: str(p, "authorization_url"),
			RedirectURI:      str(p, "redirect_uri"),
			Scopes:           strings.Fields(str(p, "scopes")),
		}
	}
	out.Cerner.FHIRBaseURL = str(c, "fhir_base_url")
	if out.Cerner.FHIRBaseURL == "" {
		if d, ok := DeriveFHIRBase(out.Cerner.SystemApp.TokenURL); ok {
			out.Cerner.FHIRBaseURL, out.Cerner.FHIRBaseDerived = d, true
		}
	}
	out.Cerner.TestPatientID = str(c, "test_patient_id")
	if out.Cerner.TestPatientID == "" {
		out.Cerner.TestPatientID = DefaultTestPatientID
	}
	return out, nil
}

// DeriveFHIRBase turns a token URL of the form
// .../tenants/{t}/hosts/{host}/... into https://{host}/r4/{t}.
func DeriveFHIRBase(tokenURL string) (string, bool) {
	u, err := url.Parse(tokenURL)
	if err != nil {
		return "", false
	}
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	var tenant, host string
	for i := 0; i+1 < len(seg); i++ {
		switch seg[i] {
		case "tenants":
			tenant = seg[i+1]
		case "hosts":
			host = seg[i+1]
		}
	}
	if tenant == "" || host == "" {
		return "", false
	}
	return "https://" + host + "/r4/" + tenant, true
}

// tenantInURL extracts the Cerner tenant id from a token or authorize URL
// (tenants/{t}) or a FHIR base (/r4/{t}, /dstu2/{t}).
func tenantInURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(seg); i++ {
		switch strings.ToLower(seg[i]) {
		case "tenants", "r4", "dstu2":
			return seg[i+1]
		}
	}
	return ""
}
