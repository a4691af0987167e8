package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
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
	memo := map[scopeMemoKey]scopeVerdict{}
	for _, e := range es {
		out = append(out, f.validateTenantMemo(t, e, memo)...)
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
	out := f.validateTenant(t, e)
	sortFindings(out)
	return out
}

// ValidateFor checks one tenant ("" = the only one) for a command that
// uses only parts of it: errors elsewhere become warnings that say so, so a
// command is never refused for a part it does not touch (docs/config.md).
func (f *File) ValidateFor(name string, parts Part) []Finding {
	out := f.ValidateTenant(name)
	for i, fd := range out {
		if fd.Severity == SeverityError && fd.Part != 0 && fd.Part&parts == 0 {
			out[i].Severity = SeverityWarning
			out[i].Message += " (not used by this command)"
		}
	}
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
	f      *File
	tenant string
	part   Part // of the findings being added
	out    []Finding
	memo   map[scopeMemoKey]scopeVerdict
}

func (v *validator) add(sev Severity, pos Position, key, format string, args ...any) {
	v.out = append(v.out, Finding{Severity: sev, Pos: pos, Tenant: v.tenant, Key: key, Part: v.part,
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

func (f *File) validateTenant(t *tree, e *ast.MappingValueNode) []Finding {
	return f.validateTenantMemo(t, e, nil)
}

func (f *File) validateTenantMemo(t *tree, e *ast.MappingValueNode, memo map[scopeMemoKey]scopeVerdict) []Finding {
	v := &validator{t: t, f: f, tenant: t.keyText(e), memo: memo}
	l, err := t.layoutOf(e)
	if err != nil {
		fd := errFinding(err, v.tenant)
		fd.Part = PartTenant
		return []Finding{fd}
	}
	v.part = PartTenant
	if l.shadowedCerner != nil {
		v.add(SeverityWarning, t.pos(l.shadowedCerner.Key), "cerner",
			"`cerner:` is ignored: the backend reads `ehr:` when a tenant has both; remove one")
	}
	for _, mv := range l.shadowedFlat {
		k := dotted(append(append([]string{}, l.ehrAt...), t.keyText(mv)))
		v.add(SeverityWarning, t.pos(mv.Key), k, "`%s` is ignored: `%s.system_app` wins over the flat keys; remove it", k, l.ehrAt[0])
	}
	top := dotted(l.ehrAt)
	vendor := "cerner"
	if l.shape == ShapeEHR {
		if vd := v.field(l.ehr, l.ehrKey, top, "vendor", false, false); vd.ok {
			vendor = strings.ToLower(vd.s)
			if !knownVendors[vendor] {
				v.add(SeverityWarning, vd.pos, top+".vendor", "`%s.vendor` %q is not one fhirdoctor knows (cerner, epic, allscripts, meditech); it is probed as a generic SMART server", top, vd.s)
			}
		}
	}
	v.noPlaceholders(l.ehr, top, "vendor", "base_url", "fhir_base_url", "test_patient_id")

	v.part = PartSystemApp
	var tokenURL value
	if l.sys == nil {
		if l.sysKey == nil {
			v.section(l.ehr, l.ehrKey, top, "system_app", true)
		} else {
			v.section(l.ehr, l.ehrKey, top, "system_app", false) // reports "not a mapping"
		}
	} else {
		p := dotted(l.sysAt)
		v.clientID(v.field(l.sys, l.sysKey, p, "client_id", true, false), p, vendor)
		v.auth(l.sys, l.sysKey, p, true)
		tokenURL = v.field(l.sys, l.sysKey, p, "token_url", true, false)
		tokenURL.ok = v.url(tokenURL, p+".token_url", true)
		v.url(v.field(l.sys, l.sysKey, p, "jwks_url", false, false), p+".jwks_url", true)
		v.scopes(v.field(l.sys, l.sysKey, p, "scopes", true, false), p+".scopes", systemApp)
		v.noPlaceholders(l.sys, p, "client_id", "token_url", "jwks_url", "scopes", "private_key_path", "key_id")
	}

	v.part = PartFHIR
	base := v.field(l.ehr, l.ehrKey, top, "base_url", false, false)
	alias := v.field(l.ehr, l.ehrKey, top, "fhir_base_url", false, false)
	baseKey := top + ".base_url"
	switch {
	case base.ok && alias.ok && strings.TrimRight(base.s, "/") != strings.TrimRight(alias.s, "/"):
		v.add(SeverityWarning, alias.pos, top+".fhir_base_url",
			"`%s.base_url` (line %d) and its alias `%s.fhir_base_url` (line %d) differ; the backend reads base_url, and so does fhirdoctor: remove fhir_base_url",
			top, base.pos.Line, top, alias.pos.Line)
	case !base.ok && alias.ok:
		base, baseKey = alias, top+".fhir_base_url"
	}
	switch {
	case base.ok:
		v.url(base, baseKey, true)
		v.sameTenant(tokenURL, dotted(l.sysAt)+".token_url", base, baseKey)
	case tokenURL.ok && vendor == "cerner":
		if _, ok := DeriveFHIRBase(tokenURL.s); !ok {
			v.add(SeverityError, tokenURL.pos, baseKey,
				"`%s` is missing and cannot be derived from token_url (it has no tenants/{tenant}/hosts/{host} part); add base_url", baseKey)
		}
	case l.sys != nil && vendor != "cerner":
		v.add(SeverityError, t.pos(l.ehrKey), baseKey, "`%s` is missing; add the FHIR server's base URL", baseKey)
	}
	if pid := v.field(l.ehr, l.ehrKey, top, "test_patient_id", false, false); pid.ok && !resourceID(pid.s) {
		v.add(SeverityError, pid.pos, top+".test_patient_id", "`%s.test_patient_id` %q is not a resource id", top, pid.s)
	}
	v.patients(l.ehr, top)

	if l.prov != nil || l.provKey != nil {
		v.part = PartProviderApp
		prov, provKey := v.section(l.ehr, l.ehrKey, top, "provider_app", false)
		if prov != nil {
			p := dotted(l.provAt)
			v.clientID(v.field(prov, provKey, p, "client_id", true, false), p, vendor)
			v.auth(prov, provKey, p, false)
			authURL := v.field(prov, provKey, p, "authorization_url", true, false)
			v.url(authURL, p+".authorization_url", true)
			v.sameTenant(tokenURL, dotted(l.sysAt)+".token_url", authURL, p+".authorization_url")
			v.url(v.field(prov, provKey, p, "token_url", false, false), p+".token_url", true)
			v.url(v.field(prov, provKey, p, "redirect_uri", true, false), p+".redirect_uri", false)
			v.scopes(v.field(prov, provKey, p, "scopes", true, false), p+".scopes", providerApp)
			v.noPlaceholders(prov, p, "client_id", "authorization_url", "token_url", "redirect_uri", "scopes", "private_key_path", "key_id")
		}
	}
	return v.out
}

var knownVendors = map[string]bool{"cerner": true, "epic": true, "allscripts": true, "meditech": true}

func resourceID(s string) bool { return !strings.ContainsAny(s, " \t/?#") }

// patients checks `patients:`, a list of resource ids.
func (v *validator) patients(m ast.Node, top string) {
	mv, _ := v.t.lookup(m, "patients")
	if mv == nil {
		return
	}
	key := top + ".patients"
	n := v.t.deref(mv.Value)
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		if s, ok := v.t.scalar(n); !ok || strings.TrimSpace(s) == "" {
			v.add(SeverityError, v.valuePos(mv), key, "`%s` is %s; it must be a list of patient ids, e.g. [\"12724066\"]", key, kindOf(n))
		}
		return
	}
	for _, it := range seq.Values {
		s, ok := v.t.scalar(it)
		if !ok || strings.TrimSpace(s) == "" || !resourceID(strings.TrimSpace(s)) {
			v.add(SeverityError, v.t.pos(it), key, "`%s` holds %s, which is not a patient id", key, quote(s))
		}
	}
}

// auth checks how an app authenticates: a client secret (literal or
// placeholder), or private_key_path + key_id. A system app needs one of
// them; a provider app without either is public.
func (v *validator) auth(m, mKey ast.Node, p string, required bool) {
	pk := v.field(m, mKey, p, "private_key_path", false, false)
	kid := v.field(m, mKey, p, "key_id", false, false)
	jwt := pk.ok || kid.ok
	sec := v.field(m, mKey, p, "client_secret", required && !jwt, true)
	switch {
	case pk.ok && !kid.ok:
		v.add(SeverityError, pk.pos, p+".key_id", "`%s.key_id` is missing: private_key_path needs the key's id (the `kid` registered with the server)", p)
	case kid.ok && !pk.ok:
		v.add(SeverityError, kid.pos, p+".private_key_path", "`%s.private_key_path` is missing: key_id names a key, the path says where it is", p)
	}
	if pk.ok {
		abs := v.f.Environment().resolvePath(pk.s)
		fi, err := os.Stat(abs)
		switch {
		case err != nil && notExist(err):
			v.add(SeverityError, pk.pos, p+".private_key_path", "`%s.private_key_path`: %s does not exist (a relative path is read from the backend root, %s)", p, abs, v.f.Environment().Root)
		case err != nil:
			v.add(SeverityError, pk.pos, p+".private_key_path", "`%s.private_key_path`: %s cannot be read: %v", p, abs, err)
		case !fi.Mode().IsRegular():
			v.add(SeverityError, pk.pos, p+".private_key_path", "`%s.private_key_path`: %s is not a file", p, abs)
		case fi.Mode().Perm()&0o077 != 0:
			v.add(SeverityWarning, pk.pos, p+".private_key_path", "`%s.private_key_path`: %s is readable by others (mode %04o); chmod 600 it", p, abs, fi.Mode().Perm())
		}
	}
	if jwt && sec.ok {
		v.add(SeverityWarning, sec.pos, p+".client_secret", "`%s.client_secret` is ignored: private_key_path and key_id select private_key_jwt", p)
	}
	if !sec.ok {
		return
	}
	name, ok := Placeholder(sec.s)
	if !ok {
		if strings.HasPrefix(sec.s, "${") {
			v.add(SeverityWarning, sec.pos, p+".client_secret", "`%s.client_secret` starts like a placeholder but is not one (only a whole ${VAR} or $VAR is); it is used as the literal secret", p)
		}
		return
	}
	s := v.f.resolve(name, sec.pos)
	switch src := s.Source(); {
	case src.Kind == SourceUnresolved:
		v.add(SeverityError, sec.pos, p+".client_secret", "`%s.client_secret` is ${%s}, but %s is not set: looked in %s", p, name, name, v.f.whereLooked())
	case s.IsZero():
		v.add(SeverityError, sec.pos, p+".client_secret", "`%s.client_secret` is ${%s}, which is empty in %s", p, name, src)
	case strings.ContainsFunc(s.Reveal(), func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }):
		// Reveal only to inspect the characters; the message names the source.
		v.add(SeverityError, sec.pos, p+".client_secret", "`%s.client_secret` (%s) contains a space or control character; set it again", p, src)
	}
}

// noPlaceholders reports a placeholder in a key where the backend reads the
// value literally: only client_secret is resolved (docs/config.md).
func (v *validator) noPlaceholders(m ast.Node, p string, keys ...string) {
	if m == nil {
		return
	}
	for _, k := range keys {
		mv, _ := v.t.lookup(m, k)
		if mv == nil {
			continue
		}
		if s, ok := v.t.scalar(mv.Value); ok {
			if name, ok := Placeholder(strings.TrimSpace(s)); ok {
				v.add(SeverityError, v.valuePos(mv), p+"."+k, "`%s.%s` is the placeholder $%s, but only client_secret is resolved from the environment; write the value itself", p, k, name)
			}
		}
	}
}

func (v *validator) clientID(id value, path, vendor string) {
	if id.ok && vendor == "cerner" && !uuidRE.MatchString(id.s) {
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

// scopeVerdict is scopeProblem's answer, remembered per scope: a file of
// many tenants repeats the same few scopes.
type scopeVerdict struct {
	sev Severity
	msg string
	bad bool
}

type scopeMemoKey struct {
	scope string
	app   appKind
}

func (v *validator) scopeProblem(scope string, app appKind) (Severity, string, bool) {
	k := scopeMemoKey{scope, app}
	if r, ok := v.memo[k]; ok {
		return r.sev, r.msg, r.bad
	}
	sev, msg, bad := scopeProblem(scope, app)
	if v.memo == nil {
		v.memo = map[scopeMemoKey]scopeVerdict{}
	}
	v.memo[k] = scopeVerdict{sev, msg, bad}
	return sev, msg, bad
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
		if sev, msg, bad := v.scopeProblem(s, app); bad {
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
