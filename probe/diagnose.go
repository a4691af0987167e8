package probe

import (
	"time"

	"fmt"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"slices"
	"strings"
)

// causeOrder ranks causes of equal verdict: upstream problems first, since
// they hide everything after them.
var causeOrder = []CauseID{
	CauseConfigInvalid, CausePrivateKeyUnreadable, CauseNetwork, CauseTLS, CauseEdgeBlock, CauseTenantMismatch, CauseClientUnknown,
	CauseJWKSUnreachable, CauseJWTAlgUnsupported, CauseJWTKeyUnknown, CauseJWTKeyMismatch, CauseJWTKeyPropagating,
	CauseSecretInvalid, CauseScopeNotGranted, CauseServerOutage, CauseFHIRAccess, CauseClockSkew,
}

// jwtCauses exist only in the diagnosis of a private_key_jwt app.
var jwtCauses = []CauseID{CausePrivateKeyUnreadable, CauseJWKSUnreachable, CauseJWTAlgUnsupported,
	CauseJWTKeyUnknown, CauseJWTKeyMismatch, CauseJWTKeyPropagating}

var verdictRank = map[Verdict]int{VerdictConfirmed: 0, VerdictLikely: 1, VerdictPossible: 2, VerdictRuledOut: 3}

// causeFix is the fix and the action-plan step (docs/design.md, "Causes and the action plan": 1 verify app
// status, 2 regenerate credentials, 3 update configuration, 4 test new
// credentials, 5 verify end-to-end; 0 none applies) for each cause.
var causeFix = map[CauseID]struct {
	step int
	fix  string
}{
	CauseConfigInvalid:   {3, "Fix the configuration (fhirdoctor config validate shows what and where)."},
	CauseNetwork:         {0, "Restore connectivity to the hosts: DNS, VPN, firewall, HTTPS_PROXY/NO_PROXY."},
	CauseTLS:             {0, "Trust the CA that signs the server's certificate with --cacert FILE (a TLS-inspecting proxy's CA), or fix the certificate."},
	CauseClockSkew:       {0, "Synchronise the local clock (NTP)."},
	CauseEdgeBlock:       {0, "Test from another network or through the expected egress (VPN, office IP) and ask Oracle Health whether an IP allowlist or WAF rule applies. A new secret is unlikely to help."},
	CauseSecretInvalid:   {2, "Regenerate the client secret in {console}, update client_secret, and test it (steps 2 to 4; the wizard does all three)."},
	CauseClientUnknown:   {1, "In {console}, check the app is still listed and Active; if it was removed or terminated, create a new system app."},
	CauseScopeNotGranted: {1, "In {console}, check which scopes the app has; request only those, or add the missing ones."},
	CauseTenantMismatch:  {3, "Use the tenant the app is registered for: token_url and fhir_base_url must name it (and the app must be enabled for it)."},
	CauseFHIRAccess:      {1, "Grant the app the system/<Resource>.read scopes it reads, then verify end-to-end (steps 1 and 5)."},
	CauseServerOutage:    {0, "Retry later and check Oracle Health's status; give support the Cerner-Correlation-Id if one was returned."},

	CausePrivateKeyUnreadable: {3, "Point private_key_path at the app's PEM private key (RSA of 2048 bits or more, or EC P-384, readable by the backend's user), or make a new key pair with `fhirdoctor rotate --new-key`."},
	CauseJWKSUnreachable:      {1, "Make jwks_url answer the app's JWK Set over https from the internet (the server fetches it there), or register the public key with the server directly."},
	CauseJWTAlgUnsupported:    {2, "Sign with an algorithm the server lists: `fhirdoctor rotate --new-key --alg RS384` (an RSA key) or `--alg ES384` (a P-384 key), then upload the new public key."},
	CauseJWTKeyUnknown:        {2, "Register this key's public half under key_id (upload the JWK Set or certificate in {console}, or publish it at jwks_url), or rotate: `fhirdoctor rotate --new-key` makes a pair, shows what to upload, and writes the config once the server accepts it."},
	CauseJWTKeyMismatch:       {2, "The kid is registered with another public key: upload this private key's public half under that kid, or point private_key_path at the key the kid belongs to; `fhirdoctor rotate --new-key` starts clean with a new kid."},
	CauseJWTKeyPropagating:    {4, "Wait: a newly registered key can take from minutes to a day to be accepted (Epic). `fhirdoctor rotate --adopt-key FILE --kid K --wait 1h` keeps trying and writes the config once it is."},
}

// causeAcc collects what speaks for and against one cause.
type causeAcc struct {
	verdict  Verdict // strongest raised so far; "" when nothing spoke for it
	pro, con []string
	ruledOut bool // measured and absent, when nothing speaks for it
	fix      string
}

func (a *causeAcc) raise(v Verdict, evidence string) {
	if a.verdict == "" || verdictRank[v] < verdictRank[a.verdict] {
		a.verdict = v
	}
	if evidence != "" && !slices.Contains(a.pro, evidence) {
		a.pro = append(a.pro, evidence)
	}
}

func (a *causeAcc) against(evidence string, rulesOut bool) {
	if evidence != "" && !slices.Contains(a.con, evidence) {
		a.con = append(a.con, evidence)
	}
	a.ruledOut = a.ruledOut || rulesOut
}

// Diagnose is DiagnoseFor a Cerner tenant.
func Diagnose(checks []CheckResult) Diagnosis { return DiagnoseFor(checks, "") }

// DiagnoseFor turns check results into the ranked cause list of
// docs/design.md ("Causes and the action plan"). Every cause gets a verdict
// and the evidence for and against it; fixes done in a console name the
// vendor's (ConsoleFor). It is pure: the same results give the same
// diagnosis.
func DiagnoseFor(checks []CheckResult, vendor string) Diagnosis {
	d := diagnosis{by: map[string]*CheckResult{}, acc: map[CauseID]*causeAcc{}, console: ConsoleFor(vendor)}
	for i := range checks {
		c := &checks[i]
		if _, dup := d.by[c.ID]; !dup {
			d.by[c.ID] = c
		}
		if c.Status == StatusFail {
			d.failed++
		}
		if c.Status == StatusPass || c.Status == StatusWarn {
			d.passed++
		}
		if c.Status == StatusSkip {
			d.skipped++
		}
	}
	d.jwt = d.by["key"] != nil
	for _, id := range causeOrder {
		if !d.jwt && slices.Contains(jwtCauses, id) {
			continue
		}
		d.acc[id] = &causeAcc{}
	}
	// Generic: a failed check points at its cause; a warning hints at it.
	for i := range checks {
		c := &checks[i]
		if c.Facts == nil || c.Facts.Cause == "" || c.Facts.Cause == CauseOK || c.ID == "clock" {
			continue
		}
		a, ok := d.acc[c.Facts.Cause]
		if !ok {
			continue
		}
		switch c.Status {
		case StatusFail:
			a.raise(VerdictLikely, line(c))
		case StatusWarn:
			a.raise(VerdictPossible, line(c))
		}
	}
	if c := d.by["config"]; c != nil && c.Status == StatusFail {
		return configOnly(c)
	}
	// An unreadable private key is the JWT app's config error: nothing that
	// needs the key ran, so it stands alone too.
	if c := d.by["key"]; c != nil && c.Status == StatusFail && c.Facts != nil && c.Facts.Cause == CausePrivateKeyUnreadable {
		return configOnly(c)
	}
	d.config()
	d.network()
	d.clock()
	d.token()
	d.scopes()
	d.fhir()
	d.outage()
	d.provider()
	d.jwtApp()
	return d.rank()
}

// configOnly is the diagnosis of a config that failed validation (or of
// a JWT app's unreadable key file): that cause alone. Every other check was skipped, so any other cause would be a
// guess ("possible, not measured"), and the fix is the same whatever they
// are: correct the file first.
func configOnly(c *CheckResult) Diagnosis {
	id := CauseConfigInvalid
	if c.Facts != nil && c.Facts.Cause != "" {
		id = c.Facts.Cause
	}
	ev := []string{line(c)}
	if c.Facts != nil {
		ev = append(ev, c.Facts.ConfigErrors...)
	}
	fix := causeFix[id]
	return Diagnosis{Top: id, Causes: []Cause{{ID: id, Verdict: VerdictConfirmed, Evidence: ev, Fix: fix.fix, Step: fix.step}}}
}

type diagnosis struct {
	by                      map[string]*CheckResult
	acc                     map[CauseID]*causeAcc
	failed, passed, skipped int
	jwt                     bool // the app authenticates with private_key_jwt
	console                 Console
}

func line(c *CheckResult) string {
	return c.ID + ": " + c.Summary
}

func (d *diagnosis) status(id string) Status {
	if c, ok := d.by[id]; ok {
		return c.Status
	}
	return ""
}

func (d *diagnosis) facts(id string) Facts {
	if c, ok := d.by[id]; ok && c.Facts != nil {
		return *c.Facts
	}
	return Facts{}
}

func ran(st Status) bool { return st == StatusPass || st == StatusWarn || st == StatusFail }

func (d *diagnosis) config() {
	a := d.acc[CauseConfigInvalid]
	switch d.status("config") {
	case StatusFail:
		a.raise(VerdictConfirmed, line(d.by["config"]))
	case StatusPass, StatusWarn:
		a.against("config: the tenant loaded and validated", true)
	}
	if f := d.facts("token.encoding"); f.AcceptedEncoding != "" {
		a.raise(VerdictConfirmed, "token.encoding: the secret works only with "+basicEncoding(f.AcceptedEncoding).describe())
		a.fix = "Send the client id and secret unencoded in the Basic header (as `curl -u` does); the secret itself is valid."
	}
}

func (d *diagnosis) network() {
	dns, tls := d.status("dns"), d.status("tls")
	n, t := d.acc[CauseNetwork], d.acc[CauseTLS]
	if dns == StatusFail {
		n.raise(VerdictConfirmed, line(d.by["dns"]))
	}
	if tf := d.facts("tls"); tls == StatusFail && tf.Cause == CauseTLS {
		t.raise(VerdictConfirmed, line(d.by["tls"]))
	} else if tls == StatusFail && tf.Cause == CauseNetwork {
		n.raise(VerdictConfirmed, line(d.by["tls"]))
	}
	if ran(dns) && dns != StatusFail {
		n.against("dns: "+d.by["dns"].Summary, ran(tls) && tls != StatusFail)
	}
	if ran(tls) && tls != StatusFail {
		n.against("tls: connected and verified", ran(dns) && dns != StatusFail)
		t.against("tls: "+d.by["tls"].Summary, true)
	}
	if tc := TokenClass(d.facts("token").Class); tc == TokenNetwork {
		n.raise(VerdictConfirmed, line(d.by["token"]))
	} else if tc == TokenTLS {
		t.raise(VerdictConfirmed, line(d.by["token"]))
	}
}

func (d *diagnosis) clock() {
	a := d.acc[CauseClockSkew]
	f := d.facts("clock")
	switch {
	case f.Cause == CauseClockSkew:
		ev := line(d.by["clock"])
		if d.failed == 0 {
			ev += " (the token was still accepted)"
		} else if !d.jwt {
			a.against("client_secret_basic does not depend on the clock: skew alone does not explain a refused token", false)
		}
		a.raise(VerdictPossible, ev)
		if d.jwt && d.failed > 0 && abs(f.Skew) > jwtauth.DefaultLifetime {
			a.raise(VerdictLikely, fmt.Sprintf("the assertion lives %s from the local clock's now; %s of skew puts it outside the server's window (not yet valid or already expired)", jwtauth.DefaultLifetime, abs(f.Skew).Round(time.Second)))
		}
	case d.status("clock") == StatusPass:
		a.against("clock: "+d.by["clock"].Summary, true)
	}
}

// token reasons on the token request: who answered and how. It is where
// the four usual causes of a refused token request are told apart.
func (d *diagnosis) token() {
	tok, ok := d.by["token"]
	if !ok || !ran(tok.Status) || tok.Facts == nil {
		return
	}
	f := *tok.Facts
	class := TokenClass(f.Class)
	edge, secret, client := d.acc[CauseEdgeBlock], d.acc[CauseSecretInvalid], d.acc[CauseClientUnknown]
	scope, tenant := d.acc[CauseScopeNotGranted], d.acc[CauseTenantMismatch]
	notReached := "not tested: the request was stopped before the OAuth server could judge it"

	if class == TokenEdgeDenied {
		ev := fmt.Sprintf("token: HTTP %d with no OAuth error JSON", f.HTTPStatus)
		if f.CorrelationID == "" {
			edge.raise(VerdictLikely, ev+" and no Cerner-Correlation-Id: the request most likely never reached the OAuth server (firewall, WAF or IP restriction); a new secret is unlikely to help")
		} else {
			edge.raise(VerdictPossible, ev)
			edge.against("a Cerner-Correlation-Id ("+f.CorrelationID+") was returned: the request did reach Cerner", false)
		}
		if d.status("discovery") == StatusPass || d.status("metadata") == StatusPass {
			edge.raise(VerdictLikely, "the FHIR host answered discovery/metadata from this network: the block is specific to the token endpoint")
		}
		secret.raise(VerdictPossible, "")
		secret.against("a wrong or rotated secret gets 401 invalid_client with an error_uri (invalid-client-credentials), not a bare 403; "+notReached, false)
		client.raise(VerdictPossible, "")
		client.against("an unknown, expired or revoked app gets 401 invalid_client (unknown-client, terminated-client), not a bare 403; "+notReached, false)
		scope.raise(VerdictPossible, "")
		scope.against("unregistered scopes get an OAuth error (empty-scopes, invalid_scope); "+notReached, false)
		tenant.raise(VerdictPossible, "")
		tenant.against(notReached, false)
		return
	}
	if f.OAuthJSON || class == TokenOK {
		edge.against(fmt.Sprintf("the token endpoint answered HTTP %d with OAuth JSON: the request reached the OAuth server", f.HTTPStatus), true)
	}
	switch class {
	case TokenOK:
		secret.against("token: issued with this client_id and secret", true)
		client.against("token: the client is known and active", true)
		tenant.against("token: the authorization server accepted the tenant", true)
	case TokenInvalidClient, TokenUnauthorized:
		enc := d.facts("token.encoding")
		switch {
		case enc.AcceptedEncoding != "":
			secret.against("token.encoding: the same secret is accepted with "+basicEncoding(enc.AcceptedEncoding).describe(), true)
			secret.verdict, secret.pro = "", nil
		case f.URN == "invalid-client-credentials" || f.URN == "invalid-authorization-header" || f.URN == "invalid-signature":
			secret.raise(VerdictConfirmed, line(tok))
			client.against("the server recognised the client and rejected the credentials ("+f.URN+"), not the id", true)
			client.verdict, client.pro = "", nil
		case class == TokenInvalidClient && f.URN == "":
			secret.raise(VerdictLikely, line(tok))
			client.raise(VerdictPossible, "invalid_client without an error_uri also covers unknown clients")
		default:
			secret.raise(VerdictLikely, line(tok))
		}
		if d.status("token.encoding") == StatusFail {
			secret.raise(VerdictConfirmed, line(d.by["token.encoding"]))
		}
		scope.raise(VerdictPossible, "")
		scope.against("not tested: the credentials were refused before scopes were considered", false)
		tenant.raise(VerdictPossible, "")
		tenant.against("the error names the client, not the tenant", false)
	case TokenInvalidTenant:
		tenant.raise(VerdictConfirmed, line(tok))
		secret.raise(VerdictPossible, "")
		secret.against("the refusal is about the tenant, before the secret matters", false)
	case TokenEmptyScopes, TokenInvalidScope:
		scope.raise(VerdictConfirmed, line(tok))
		secret.against("the server got past client authentication to judge the scopes", true)
		client.against("the client is known: the refusal is about its scopes", true)
	default:
		if f.Cause != "" {
			if a, ok := d.acc[f.Cause]; ok {
				a.raise(VerdictLikely, line(tok))
			}
		}
		switch f.URN {
		case "unknown-client", "terminated-client", "denied-by-server":
			client.raise(VerdictConfirmed, line(tok))
		case "unauthorized-client-for-tenant", "tenant-terminated", "invalid-tenant":
			tenant.raise(VerdictConfirmed, line(tok))
		}
		for _, c := range []*causeAcc{secret, client, scope, tenant} {
			if c.verdict == "" {
				c.raise(VerdictPossible, "")
				c.against("not measurable: the token endpoint did not give a usable answer ("+f.Class+")", false)
			}
		}
	}
	if u := d.facts("discovery").TokenURL; u != "" {
		tenant.pro = append(tenant.pro, "discovery advertises token_endpoint "+u)
		d.acc[CauseTenantMismatch].fix = "Set the system app's token_url to " + u + " (step 3)."
	}
}

func (d *diagnosis) scopes() {
	a := d.acc[CauseScopeNotGranted]
	sf, tf := d.facts("scopes"), d.facts("token")
	if len(sf.Denied) > 0 && d.status("scopes") == StatusFail && sf.Cause == CauseScopeNotGranted {
		a.raise(VerdictConfirmed, "") // the scopes check's own line says which
	}
	if TokenClass(tf.Class) == TokenOK && len(tf.Denied) > 0 {
		a.raise(VerdictConfirmed, "token: not granted: "+strings.Join(tf.Denied, " "))
		a.pro = slices.DeleteFunc(a.pro, func(s string) bool { return s == line(d.by["token"]) })
	}
	if TokenClass(tf.Class) == TokenOK && len(tf.Denied) == 0 {
		a.against(fmt.Sprintf("token: all %d requested scopes granted", len(tf.Requested)), true)
	}
	if d.status("discovery") == StatusWarn && strings.Contains(d.by["discovery"].Summary, "scopes_supported") {
		if a.verdict != "" {
			a.pro = append(a.pro, line(d.by["discovery"]))
		} else {
			a.raise(VerdictPossible, line(d.by["discovery"]))
		}
	}
}

func (d *diagnosis) fhir() {
	a := d.acc[CauseFHIRAccess]
	var ok []string
	anyRan := false
	for _, id := range fhirIDs() {
		c, found := d.by[id]
		if !found || !ran(c.Status) {
			continue
		}
		anyRan = true
		if c.Status == StatusFail && c.Facts != nil && c.Facts.Cause == CauseFHIRAccess {
			a.raise(VerdictConfirmed, line(c))
		}
		if c.Status == StatusFail && c.Facts != nil && c.Facts.Cause == CauseTenantMismatch {
			d.acc[CauseTenantMismatch].raise(VerdictConfirmed, line(c))
		}
		if c.Status == StatusPass {
			ok = append(ok, strings.TrimPrefix(id, "fhir."))
		}
	}
	switch {
	case len(ok) > 0 && a.verdict == "":
		a.against("read with the token: "+strings.Join(ok, ", "), true)
	case !anyRan:
		a.against("not tested: no FHIR read ran (no token)", false)
	}
}

func fhirIDs() []string {
	ids := []string{"fhir.patient"}
	for _, r := range fhirResources {
		ids = append(ids, "fhir."+r)
	}
	return ids
}

func (d *diagnosis) outage() {
	a := d.acc[CauseServerOutage]
	var fails int
	for _, id := range append([]string{"discovery", "metadata", "token"}, fhirIDs()...) {
		if c, ok := d.by[id]; ok && c.Status == StatusFail && c.Facts != nil && c.Facts.Cause == CauseServerOutage {
			fails++
		}
	}
	if fails >= 2 {
		a.raise(VerdictConfirmed, fmt.Sprintf("%d requests failed server-side or timed out on hosts that resolve and accept TLS", fails))
	}
	var okParts []string
	for _, id := range []string{"discovery", "metadata"} {
		f := d.facts(id)
		if d.status(id) != StatusFail && f.HTTPStatus == 200 {
			okParts = append(okParts, fmt.Sprintf("%s answered 200 in %s", id, ms(f.Latency)))
		}
	}
	tf := d.facts("token")
	tokenAnswered := tf.HTTPStatus != 0 && tf.HTTPStatus < 500 && tf.HTTPStatus != 429
	if tokenAnswered {
		okParts = append(okParts, fmt.Sprintf("the token endpoint answered %d in %s", tf.HTTPStatus, ms(tf.Latency)))
	}
	if len(okParts) > 0 {
		a.against(strings.Join(okParts, "; "), a.verdict == "" && (tokenAnswered || len(okParts) == 2))
	}
}

// rank orders causes by verdict, then by causeOrder, and picks the top.
func (d *diagnosis) rank() Diagnosis {
	var causes []Cause
	for _, id := range causeOrder {
		a, ok := d.acc[id]
		if !ok {
			continue
		}
		v := a.verdict
		var ev []string
		switch {
		case v == "" && a.ruledOut:
			v, ev = VerdictRuledOut, a.con
		case v == "":
			v = VerdictPossible
			ev = a.con
			if len(ev) == 0 {
				ev = []string{"not measured by the checks that ran"}
			}
		default:
			ev = append(ev, a.pro...)
			for _, c := range a.con {
				ev = append(ev, "against: "+c)
			}
		}
		fix := causeFix[id]
		fix.fix = strings.ReplaceAll(fix.fix, "{console}", d.console.Name)
		if a.fix != "" {
			fix.fix = a.fix
		}
		causes = append(causes, Cause{ID: id, Verdict: v, Evidence: ev, Fix: fix.fix, Step: fix.step})
	}
	slices.SortStableFunc(causes, func(x, y Cause) int { return verdictRank[x.Verdict] - verdictRank[y.Verdict] })
	if d.failed > 0 {
		// Top is the strongest hypothesis even when it is only possible:
		// something failed, so "ok" would be wrong.
		return Diagnosis{Top: causes[0].ID, Causes: causes}
	}
	ok := Cause{ID: CauseOK, Verdict: VerdictConfirmed,
		Evidence: []string{fmt.Sprintf("no check failed: %d passed (warnings allowed), %d skipped", d.passed, d.skipped)}}
	var untested string
	switch tok := d.by["token"]; {
	case tok == nil:
		untested = "the token check was not run"
	case tok.Status == StatusSkip:
		untested = "token: " + tok.Summary
	}
	if untested != "" {
		ok.Verdict = VerdictPossible
		ok.Evidence = append(ok.Evidence, "the credentials were not tested: "+untested)
	}
	return Diagnosis{Top: CauseOK, Causes: append([]Cause{ok}, causes...), Untested: untested}
}
