package config

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

// layout is where a tenant's parts are in the tree, by the backend's
// precedence (docs/config.md): `ehr:` over `cerner:`, and under `cerner:`
// `system_app:` over the legacy flat keys.
type layout struct {
	name  string
	key   ast.Node // the tenant's key
	shape Shape

	ehr, ehrKey ast.Node // the `ehr:` or `cerner:` mapping and its key
	ehrAt       []string

	sys, sysKey ast.Node // the system app's mapping (the cerner mapping itself when legacy); nil when missing
	sysAt       []string

	prov, provKey ast.Node // nil when the tenant has no provider app
	provAt        []string

	// What the precedence hides, for warnings: a `cerner:` beside `ehr:`,
	// flat keys beside `system_app:`.
	shadowedCerner *ast.MappingValueNode
	shadowedFlat   []*ast.MappingValueNode
}

// flatKeys are the legacy shape's system-app keys directly under `cerner:`.
var flatKeys = []string{"client_id", "client_secret", "token_url", "scopes", "private_key_path", "key_id"}

// layoutOf finds the parts of tenant entry e. It fails only when the tenant
// is not shaped like one (not a mapping, no `ehr:` or `cerner:` mapping).
func (t *tree) layoutOf(e *ast.MappingValueNode) (layout, error) {
	l := layout{name: t.keyText(e), key: e.Key}
	tv := t.deref(e.Value)
	if _, ok := entries(tv); !ok {
		return l, &tenantErr{t.pos(e.Key), fmt.Sprintf("tenant %q is %s; it must be a mapping with an `ehr:` or `cerner:` key", l.name, kindOf(tv))}
	}
	ehr, _ := t.lookup(tv, "ehr")
	cer, _ := t.lookup(tv, "cerner")
	top := cer
	l.shape, l.ehrAt = ShapeCurrent, []string{"cerner"}
	if ehr != nil {
		top, l.shape, l.ehrAt = ehr, ShapeEHR, []string{"ehr"}
		l.shadowedCerner = cer
	}
	if top == nil {
		return l, &tenantErr{t.pos(e.Key), fmt.Sprintf("tenant %q has no `cerner:` or `ehr:` mapping", l.name)}
	}
	m := t.deref(top.Value)
	if _, ok := entries(m); !ok {
		pos := t.pos(top.Key)
		if top.Value != nil && !t.implicitNull(top.Value) {
			pos = t.pos(top.Value)
		}
		return l, &tenantErr{pos, fmt.Sprintf("tenant %q: `%s` is %s; it must be a mapping", l.name, l.ehrAt[0], kindOf(m))}
	}
	l.ehr, l.ehrKey = m, top.Key
	var flat []*ast.MappingValueNode
	for _, k := range flatKeys {
		if mv, _ := t.lookup(m, k); mv != nil {
			flat = append(flat, mv)
		}
	}
	sub := func(key string) (ast.Node, ast.Node, bool) {
		mv, _ := t.lookup(m, key)
		if mv == nil {
			return nil, nil, false
		}
		n := t.deref(mv.Value)
		if _, ok := entries(n); !ok {
			return nil, mv.Key, true // present but not a mapping: validation says so
		}
		return n, mv.Key, true
	}
	l.sysAt = append(append([]string{}, l.ehrAt...), "system_app")
	sys, sysKey, hasSys := sub("system_app")
	switch {
	case hasSys:
		l.sys, l.sysKey = sys, sysKey
		l.shadowedFlat = flat
	case l.shape == ShapeCurrent && len(flat) > 0:
		l.shape, l.sys, l.sysKey, l.sysAt = ShapeLegacy, m, top.Key, l.ehrAt
	}
	l.provAt = append(append([]string{}, l.ehrAt...), "provider_app")
	if p, pk, ok := sub("provider_app"); ok {
		l.prov, l.provKey = p, pk
	}
	return l, nil
}

// tenantLayout picks tenant name ("" = the only one) and finds its parts.
func (t *tree) tenantLayout(name string) (layout, error) {
	e, err := t.pickTenant(name)
	if err != nil {
		return layout{}, err
	}
	return t.layoutOf(e)
}

// ShapeOf names the shape of tenant name ("" = the only one).
func (f *File) ShapeOf(name string) (Shape, error) {
	t, err := f.parsed()
	if err != nil {
		return ShapeCurrent, err
	}
	l, err := t.tenantLayout(name)
	return l.shape, err
}
