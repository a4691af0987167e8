package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Validate checks every tenant and returns all findings, sorted by position.
func (f *File) Validate() []Finding {
	t, err := f.parsed()
	if err != nil {
		return []Finding{errFinding(err, "")}
	}
	es, err := t.tenants()
	if err != nil {
		return []Finding{errFinding(err, "")}
	}
	if len(es) == 0 {
		return []Finding{{Severity: SeverityError, Pos: t.pos(t.root), Message: "`tenants` is empty; add one (see `fhirdoctor demo` for an example)"}}
	}
	var out []Finding
	for _, e := range es {
		out = append(out, t.validateTenant(e)...)
	}
	sortFindings(out)
	return out
}

// ValidateTenant checks one tenant ("" = the only one).
func (f *File) ValidateTenant(name string) []Finding {
	t, err := f.parsed()
	if err != nil {
		return []Finding{errFinding(err, name)}
	}
	e, err := t.pickTenant(name)
	if err != nil {
		return []Finding{errFinding(err, name)}
	}
	out := t.validateTenant(e)
	sortFindings(out)
	return out
}

func errFinding(err error, tenant string) Finding {
	fd := Finding{Severity: SeverityError, Tenant: tenant, Message: err.Error()}
	if te, ok := err.(*tenantErr); ok {
		fd.Pos, fd.Message = te.pos, te.msg
	}
	return fd
}

type validator struct {
	t      *tree
	tenant string
	out    []Finding
}

func (v *validator) add(sev Severity, pos Position, key, format string, args ...any) {
	v.out = append(v.out, Finding{Severity: sev, Pos: pos, Tenant: v.tenant, Key: key,
		Message: fmt.Sprintf("tenant %q: ", v.tenant) + fmt.Sprintf(format, args...)})
}

// section returns the mapping under key, reporting when it is missing (if
// required) or not a mapping. parent is the mapping's own key, for positions.
func (v *validator) section(m ast.Node, parentKey ast.Node, path, key string, required bool) (ast.Node, ast.Node) {
	full := join(path, key)
	mv, _ := v.t.lookup(m, key)
	if mv == nil {
		if required {
			v.add(SeverityError, v.t.pos(parentKey), full, "`%s:` is missing", full)
		}
		return nil, nil
	}
	n := v.t.deref(mv.Value)
	if _, ok := entries(n); !ok {
		v.add(SeverityError, v.valuePos(mv), full, "`%s` is %s; it must be a mapping", full, kindOf(n))
		return nil, nil
	}
	return n, mv.Key
}

// value is a scalar field; ok is false when it is absent or unusable (and
// reported as such when required).
type value struct {
	s   string
	pos Position
	mv  *ast.MappingValueNode
	ok  bool
}

func (v *validator) field(m ast.Node, parentKey ast.Node, path, key string, required, secret bool) value {
	full := join(path, key)
	if m == nil {
		return value{}
	}
	mv, _ := v.t.lookup(m, key)
	if mv == nil {
		if required {
			v.add(SeverityError, v.t.pos(parentKey), full, "`%s` is missing", full)
		}
		return value{}
	}
	pos := v.valuePos(mv)
	s, ok := v.t.scalar(mv.Value)
	if !ok {
		v.add(SeverityError, pos, full, "`%s` is %s; it must be a string", full, kindOf(v.t.deref(mv.Value)))
		return value{}
	}
	if strings.TrimSpace(s) == "" {
		if required {
			v.add(SeverityError, pos, full, "`%s` is empty", full)
		}
		return value{}
	}
	if strings.TrimSpace(s) != s {
		v.add(SeverityWarning, pos, full, "`%s` has leading or trailing whitespace, which fhirdoctor ignores; remove it", full)
	}
	if secret && strings.ContainsFunc(strings.TrimSpace(s), func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }) {
		v.add(SeverityError, pos, full, "`%s` contains a space or control character; paste it again", full)
	}
	return value{s: strings.TrimSpace(s), pos: pos, mv: mv, ok: true}
}

// valuePos is where a key's value starts, or the key when the value is empty.
func (v *validator) valuePos(mv *ast.MappingValueNode) Position {
	if n := mv.Value; n != nil {
		if _, isNull := n.(*ast.NullNode); !isNull {
			return v.t.pos(n)
		}
	}
	return v.t.pos(mv.Key)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (t *tree) validateTenant(e *ast.MappingValueNode) []Finding {
	v := &validator{t: t, tenant: t.keyText(e)}
	tv := t.deref(e.Value)
	if _, ok := entries(tv); !ok {
		v.add(SeverityError, t.pos(e.Key), "", "the tenant is %s; it must be a mapping with a `cerner:` key", kindOf(tv))
		return v.out
	}
	c, cKey := v.section(tv, e.Key, "", "cerner", true)
	if c == nil {
		return v.out
	}
	sys, sysKey := v.section(c, cKey, "cerner", "system_app", true)
	var tokenURL value
	if sys != nil {
		const p = "cerner.system_app"
		v.clientID(v.field(sys, sysKey, p, "client_id", true, false), p)
		v.field(sys, sysKey, p, "client_secret", true, true)
		tokenURL = v.field(sys, sysKey, p, "token_url", true, false)
		tokenURL.ok = v.url(tokenURL, p+".token_url", true)
		v.scopes(v.field(sys, sysKey, p, "scopes", true, false), p+".scopes", systemApp)
	}
	base := v.field(c, cKey, "cerner", "fhir_base_url", false, false)
	switch {
	case base.ok:
		v.url(base, "cerner.fhir_base_url", true)
		v.sameTenant(tokenURL, "cerner.system_app.token_url", base, "cerner.fhir_base_url")
	case tokenURL.ok:
		if _, ok := DeriveFHIRBase(tokenURL.s); !ok {
			v.add(SeverityError, tokenURL.pos, "cerner.fhir_base_url",
				"`cerner.fhir_base_url` is missing and cannot be derived from token_url (it has no tenants/{tenant}/hosts/{host} part); add fhir_base_url")
		}
	}
	if pid := v.field(c, cKey, "cerner", "test_patient_id", false, false); pid.ok && strings.ContainsAny(pid.s, " \t/?#") {
		v.add(SeverityError, pid.pos, "cerner.test_patient_id", "`cerner.test_patient_id` %q is not a resource id", pid.s)
	}
	if prov, provKey := v.section(c, cKey, "cerner", "provider_app", false); prov != nil {
		const p = "cerner.provider_app"
		v.clientID(v.field(prov, provKey, p, "client_id", true, false), p)
		authURL := v.field(prov, provKey, p, "authorization_url", true, false)
		v.url(authURL, p+".authorization_url", true)
		v.sameTenant(tokenURL, "cerner.system_app.token_url", authURL, p+".authorization_url")
		v.url(v.field(prov, provKey, p, "redirect_uri", true, false), p+".redirect_uri", false)
		v.scopes(v.field(prov, provKey, p, "scopes", true, false), p+".scopes", providerApp)
	}
	return v.out
}

func (v *validator) clientID(id value, path string) {
	if id.ok && !uuidRE.MatchString(id.s) {
		v.add(SeverityWarning, id.pos, path+".client_id", "`%s.client_id` is not a UUID; Cerner client ids are UUIDs (other vendors differ)", path)
	}
}

// url checks an absolute URL. Endpoints that carry credentials must be
// https; plain http is fine on loopback, where the sandbox and redirect
// listeners live.
func (v *validator) url(val value, key string, endpoint bool) bool {
	if !val.ok {
		return false
	}
	u, err := url.Parse(val.s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") || strings.ContainsAny(val.s, " \t") {
		v.add(SeverityError, val.pos, key, "`%s` %q is not an absolute URL", key, val.s)
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "https":
	case scheme == "http" && isLoopback(u.Hostname()):
	case scheme == "http":
		v.add(SeverityError, val.pos, key, "`%s` must use https (plain http is accepted only for loopback hosts: 127.0.0.0/8, ::1, localhost)", key)
	case endpoint:
		v.add(SeverityError, val.pos, key, "`%s` has scheme %q; it must be https", key, u.Scheme)
	}
	if endpoint && u.Fragment != "" {
		v.add(SeverityError, val.pos, key, "`%s` has a #fragment; remove it", key)
	}
	return true
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameTenant reports a Cerner tenant id that differs between two URLs: the
// token would be issued for one tenant and used against another.
func (v *validator) sameTenant(a value, aKey string, b value, bKey string) {
	if !a.ok || !b.ok {
		return
	}
	ta, tb := tenantInURL(a.s), tenantInURL(b.s)
	if ta == "" || tb == "" || strings.EqualFold(ta, tb) {
		return
	}
	v.add(SeverityError, b.pos, bKey, "tenant id in `%s` (%s) differs from the one in `%s` (%s)", bKey, tb, aKey, ta)
}

func (v *validator) scopes(val value, key string, app appKind) {
	if !val.ok {
		return
	}
	seen := map[string]bool{}
	cursor := 0
	for _, s := range strings.Fields(val.s) {
		var pos Position
		pos, cursor = v.scopePos(val, s, cursor)
		if seen[s] {
			v.add(SeverityError, pos, key, "scope %s is listed twice", quote(s))
			continue
		}
		seen[s] = true
		if sev, msg, bad := scopeProblem(s, app); bad {
			v.add(sev, pos, key, "%s", msg)
		}
	}
}

// scopePos finds a scope in the source line so a finding points at the
// scope itself; it falls back to the value's position.
func (v *validator) scopePos(val value, scope string, cursor int) (Position, int) {
	p := val.pos
	if p.Line < 1 || p.Line > len(v.t.lines) {
		return p, cursor
	}
	line := lineText(v.t.src, v.t.lines, p.Line)
	start, ok := offsetOf([]byte(line), []int{0}, 1, p.Col)
	if !ok {
		return p, cursor
	}
	if cursor < start {
		cursor = start
	}
	i := strings.Index(line[cursor:], scope)
	if i < 0 {
		return p, cursor
	}
	at := cursor + i
	p.Col = utf8.RuneCountInString(line[:at]) + 1
	return p, at + len(scope)
}
