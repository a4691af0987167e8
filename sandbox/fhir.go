package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const fhirJSON = "application/fhir+json; charset=utf-8"

// Search page sizes: Cerner pages results; the sandbox keeps its own bounds.
const (
	defaultCount = 50
	maxCount     = 200
)

// handleRead serves GET {fhir_base}/{type}/{id}.
func (s *Server) handleRead(w http.ResponseWriter, r *http.Request) {
	g, typ, ok := s.authorizeFHIR(w, r, 'r')
	if !ok {
		return
	}
	rec := s.data.get(typ, r.PathValue("id"))
	if rec == nil {
		writeOutcome(w, http.StatusNotFound, "not-found", typ+"/"+r.PathValue("id")+" was not found")
		return
	}
	if _, patientOnly := g.permits(typ, 'r'); patientOnly && rec.patient != g.patient {
		s.forbid(w, typ, "the token's patient scopes do not reach "+typ+"/"+rec.id)
		return
	}
	if typ == "Binary" && wantsRaw(r.Header.Get("Accept"), rec.rawType) {
		w.Header().Set("Content-Type", rec.rawType)
		_, _ = w.Write(rec.raw)
		return
	}
	writeJSON(w, http.StatusOK, fhirJSON, rec.body)
}

// handleSearch serves GET {fhir_base}/{type}?params.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	g, typ, ok := s.authorizeFHIR(w, r, 's')
	if !ok {
		return
	}
	allowed, searchable := searchParams[typ]
	if !searchable {
		writeOutcome(w, http.StatusMethodNotAllowed, "not-supported", "search is not supported for "+typ)
		return
	}
	q := r.URL.Query()
	for name := range q {
		base, _, _ := strings.Cut(name, ":") // modifiers such as name:exact
		if !slices.Contains(allowed, base) && !strings.HasPrefix(name, "_") && name != "-pageContext" {
			writeOutcome(w, http.StatusBadRequest, "not-supported", "unknown search parameter "+name+" for "+typ+"; supported: "+strings.Join(allowed, ", "))
			return
		}
	}
	if !slices.ContainsFunc(requiredParams[typ], func(p string) bool { return q.Get(p) != "" }) {
		writeOutcome(w, http.StatusBadRequest, "required",
			"a search of "+typ+" requires one of the parameters: "+strings.Join(requiredParams[typ], ", "))
		return
	}
	count, offset := defaultCount, 0
	if v := q.Get("_count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxCount {
			writeOutcome(w, http.StatusBadRequest, "value", "_count must be a whole number from 1 to "+strconv.Itoa(maxCount))
			return
		}
		count = n
	}
	if v := q.Get("-pageContext"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeOutcome(w, http.StatusBadRequest, "value", "invalid -pageContext")
			return
		}
		offset = n
	}
	_, patientOnly := g.permits(typ, 's')
	if patientOnly {
		if p := patientParam(q); p != "" && p != g.patient {
			s.forbid(w, typ, "the token's patient scopes do not reach Patient/"+p)
			return
		}
	}

	var matches []*record
	for _, rec := range s.data.byType[typ] {
		if matchesQuery(rec, q) && (!patientOnly || rec.patient == g.patient) {
			matches = append(matches, rec)
		}
	}
	self := s.fhirBase() + "/" + typ + "?" + q.Encode()
	links := []map[string]string{{"relation": "self", "url": self}}
	end := min(offset+count, len(matches))
	if end < len(matches) {
		next := cloneValues(q)
		next.Set("-pageContext", strconv.Itoa(end))
		next.Set("_count", strconv.Itoa(count))
		links = append(links, map[string]string{"relation": "next", "url": s.fhirBase() + "/" + typ + "?" + next.Encode()})
	}
	entries := []map[string]any{}
	if offset < len(matches) {
		for _, rec := range matches[offset:end] {
			entries = append(entries, map[string]any{
				"fullUrl":  s.fhirBase() + "/" + typ + "/" + rec.id,
				"resource": rec.body,
				"search":   map[string]string{"mode": "match"},
			})
		}
	}
	bundle := map[string]any{"resourceType": "Bundle", "id": newUUID(), "type": "searchset", "link": links}
	if len(entries) > 0 {
		bundle["entry"] = entries
	}
	writeJSON(w, http.StatusOK, fhirJSON, bundle)
}

// authorizeFHIR checks method, bearer token, tenant and scope for op ('r' or 's').
func (s *Server) authorizeFHIR(w http.ResponseWriter, r *http.Request, op byte) (*grant, string, bool) {
	w.Header().Set("X-Request-Id", newUUID())
	typ := r.PathValue("type")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		writeOutcome(w, http.StatusMethodNotAllowed, "not-supported", "the sandbox is read-only")
		return nil, "", false
	}
	g, problem := s.bearerGrant(r)
	if problem != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+s.host+`", error="invalid_token", error_description="`+problem+`"`)
		writeOutcome(w, http.StatusUnauthorized, "login", problem)
		return nil, "", false
	}
	if !slices.Contains(servedTypes, typ) {
		writeOutcome(w, http.StatusNotFound, "not-supported", "resource type "+typ+" is not supported")
		return nil, "", false
	}
	need := []string{typ}
	if typ == "Binary" {
		// Cerner only serves a Binary to a token that can also read what points at it.
		need = append(need, "DocumentReference")
	}
	for _, res := range need {
		if ok, _ := g.permits(res, op); !ok || s.scenario.fhirForbidden {
			s.forbid(w, res, "the access token does not grant a read scope for "+res)
			return nil, "", false
		}
	}
	return g, typ, true
}

// bearerGrant finds the grant behind the request's token; problem says why there is none.
func (s *Server) bearerGrant(r *http.Request) (*grant, string) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, "missing bearer token"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.grants[strings.TrimSpace(tok)]
	switch {
	case g == nil:
		return nil, "the access token is not recognised"
	case g.revoked:
		return nil, "the access token was revoked"
	case !s.now().Before(g.expires):
		return nil, "the access token has expired"
	case g.tenant != r.PathValue("tenant"):
		return nil, "the access token was issued for another tenant"
	}
	return g, ""
}

func (s *Server) forbid(w http.ResponseWriter, resource, why string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="`+s.host+`", error="insufficient_scope", scope="system/`+resource+`.read"`)
	writeOutcome(w, http.StatusForbidden, "forbidden", why)
}

func writeOutcome(w http.ResponseWriter, status int, code, diagnostics string) {
	writeJSON(w, status, fhirJSON, map[string]any{
		"resourceType": "OperationOutcome",
		"issue":        []map[string]string{{"severity": "error", "code": code, "diagnostics": diagnostics}},
	})
}

// patientParam is the patient id a search names through patient or subject.
func patientParam(q url.Values) string {
	if p := q.Get("patient"); p != "" {
		return strings.TrimPrefix(p, "Patient/")
	}
	return strings.TrimPrefix(q.Get("subject"), "Patient/")
}

// matchesQuery applies the filters the sandbox understands; others are accepted and ignored.
func matchesQuery(rec *record, q url.Values) bool {
	if p := patientParam(q); p != "" && rec.patient != p {
		return false
	}
	if ids := q.Get("_id"); ids != "" && !slices.Contains(strings.Split(ids, ","), rec.id) {
		return false
	}
	if q.Get("account") != "" {
		return false // no sandbox encounter is linked to an account
	}
	if v := q.Get("identifier"); v != "" && !strings.Contains(jsonText(rec.body["identifier"]), `"`+lastPart(v)+`"`) {
		return false
	}
	for _, key := range []string{"name", "family", "given"} {
		if v := q.Get(key); v != "" && !strings.Contains(strings.ToLower(jsonText(rec.body["name"])), strings.ToLower(v)) {
			return false
		}
	}
	if v := q.Get("birthdate"); v != "" && rec.body["birthDate"] != strings.TrimPrefix(v, "eq") {
		return false
	}
	if v := q.Get("gender"); v != "" && rec.body["gender"] != v {
		return false
	}
	for _, key := range []string{"category", "code", "type"} {
		if v := q.Get(key); v != "" && !strings.Contains(jsonText(rec.body[key]), `"`+lastPart(v)+`"`) {
			return false
		}
	}
	return true
}

// lastPart drops a token parameter's system: http://loinc.org|8867-4 -> 8867-4.
func lastPart(v string) string {
	if i := strings.LastIndexByte(v, '|'); i >= 0 {
		return v[i+1:]
	}
	return v
}

func cloneValues(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

// wantsRaw says whether a Binary read asks for the content itself rather than FHIR JSON.
func wantsRaw(accept, contentType string) bool {
	if accept == "" || strings.Contains(accept, "fhir+json") || strings.Contains(accept, "application/json") {
		return false
	}
	return strings.Contains(accept, contentType)
}
