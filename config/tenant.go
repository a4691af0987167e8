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

// Tenant resolves a tenant ("" = the only one) in whichever shape it is
// written, with its secrets' placeholders resolved (placeholder.go). It
// fails only when the tenant cannot be found or is not shaped like one;
// missing or bad values are left empty for ValidateTenant to report.
func (f *File) Tenant(name string) (Tenant, error) {
	t, err := f.parsed()
	if err != nil {
		return Tenant{}, err
	}
	l, err := t.tenantLayout(name)
	if err != nil {
		return Tenant{}, err
	}
	env := f.Environment()
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
	secret := func(m ast.Node, key string) Secret {
		if m == nil {
			return Secret{}
		}
		mv, _ := t.lookup(m, key)
		if mv == nil {
			return Secret{}
		}
		s, _ := t.scalar(mv.Value)
		s = strings.TrimSpace(s)
		pos := t.pos(mv.Value)
		if mv.Value == nil || t.implicitNull(mv.Value) {
			pos = t.pos(mv.Key)
		}
		if v, ok := Placeholder(s); ok {
			return f.resolve(v, pos)
		}
		return NewSecret(s).WithSource(Source{Kind: SourceYAML, File: t.path, Line: pos.Line})
	}
	out := Tenant{Name: l.name, Shape: l.shape, Vendor: "cerner"}
	if l.shape == ShapeEHR {
		if v := strings.ToLower(str(l.ehr, "vendor")); v != "" {
			out.Vendor = v
		}
	}
	c := &out.Cerner
	c.at = l.ehrAt
	sys := l.sys
	c.SystemApp = SystemApp{
		ClientID:       str(sys, "client_id"),
		ClientSecret:   secret(sys, "client_secret"),
		TokenURL:       str(sys, "token_url"),
		Scopes:         strings.Fields(str(sys, "scopes")),
		PrivateKeyPath: env.resolvePath(str(sys, "private_key_path")),
		KeyID:          str(sys, "key_id"),
		JWKSURL:        str(sys, "jwks_url"),
		at:             l.sysAt,
	}
	if p := l.prov; p != nil {
		c.ProviderApp = &ProviderApp{
			ClientID:         str(p, "client_id"),
			ClientSecret:     secret(p, "client_secret"),
			AuthorizationURL: str(p, "authorization_url"),
			TokenURL:         str(p, "token_url"),
			RedirectURI:      str(p, "redirect_uri"),
			Scopes:           strings.Fields(str(p, "scopes")),
			PrivateKeyPath:   env.resolvePath(str(p, "private_key_path")),
			KeyID:            str(p, "key_id"),
			at:               l.provAt,
		}
	}
	c.FHIRBaseURL = str(l.ehr, "base_url")
	if c.FHIRBaseURL == "" {
		c.FHIRBaseURL = str(l.ehr, "fhir_base_url")
	}
	if c.FHIRBaseURL == "" && out.Vendor == "cerner" {
		if d, ok := DeriveFHIRBase(c.SystemApp.TokenURL); ok {
			c.FHIRBaseURL, c.FHIRBaseDerived = d, true
		}
	}
	c.Patients = t.patients(l.ehr)
	c.TestPatientID = str(l.ehr, "test_patient_id")
	if c.TestPatientID == "" && len(c.Patients) > 0 {
		c.TestPatientID = c.Patients[0]
	}
	if c.TestPatientID == "" {
		c.TestPatientID = DefaultTestPatientID
	}
	return out, nil
}

// patients reads `patients:`: a list of ids, or one string of ids
// separated by blanks or commas.
func (t *tree) patients(m ast.Node) []string {
	if m == nil {
		return nil
	}
	mv, _ := t.lookup(m, "patients")
	if mv == nil {
		return nil
	}
	var out []string
	if seq, ok := t.deref(mv.Value).(*ast.SequenceNode); ok {
		for _, v := range seq.Values {
			if s, ok := t.scalar(v); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
		return out
	}
	s, _ := t.scalar(mv.Value)
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
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
