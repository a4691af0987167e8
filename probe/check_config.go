package probe

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// checkConfig reports the validation findings of the tenant and the few
// things the probe itself needs from it.
func checkConfig(_ context.Context, s *state) Result {
	t := s.opts.Tenant
	r := Result{Status: StatusPass}
	var errs, warns int
	var errLines []string
	// covered holds the keys the file's validation already judged: the
	// checks below only stand in for it (--from-env, a tenant built in
	// code), so each problem is counted once, as `config validate` counts it.
	covered := map[string]bool{}
	for _, f := range s.opts.Findings {
		if f.Tenant != "" && t.Name != "" && f.Tenant != t.Name {
			continue
		}
		r.Evidence = append(r.Evidence, f.String())
		if f.Severity == config.SeverityError {
			errs++
			errLines = append(errLines, f.String())
			if f.Key != "" {
				covered[f.Key] = true
			}
		} else {
			warns++
		}
	}
	problem := func(key, text string) {
		if covered[key] {
			return
		}
		errs++
		errLines = append(errLines, text)
		r.Evidence = append(r.Evidence, text)
	}
	app := t.Cerner.SystemApp
	key := func(field string) string { return strings.Join(app.Key(field), ".") }
	baseKey := strings.Join(t.Cerner.Key("base_url"), ".")
	for _, u := range []struct{ key, raw string }{
		{key("token_url"), app.TokenURL},
		{baseKey, t.Cerner.FHIRBaseURL},
	} {
		pu, err := url.Parse(u.raw)
		switch {
		case u.raw == "":
			problem(u.key, fmt.Sprintf("%s is empty", u.key))
		case err != nil || pu.Host == "":
			problem(u.key, fmt.Sprintf("%s %q is not an absolute URL", u.key, u.raw))
		case credentialsAllowed(pu) != nil:
			problem(u.key, fmt.Sprintf("%s uses %s: credentials go only over https (or http to loopback)", u.key, pu.Scheme))
		}
	}
	if app.ClientID == "" {
		problem(key("client_id"), key("client_id")+" is empty")
	}
	jwt := app.AuthMethod() == config.AuthPrivateKeyJWT
	switch src := app.ClientSecret.Source(); {
	case jwt && app.KeyID == "":
		errs++
		r.Evidence = append(r.Evidence, key("key_id")+" is empty: private_key_jwt needs the kid the public key is registered under")
	case jwt && app.PrivateKeyPath == "":
		errs++
		r.Evidence = append(r.Evidence, key("private_key_path")+" is empty: private_key_jwt needs the private key file")
	case jwt:
	case src.Kind == config.SourceUnresolved:
		problem(key("client_secret"), fmt.Sprintf("%s is ${%s}, which is not set in the environment or any .env file", key("client_secret"), src.Var))
	case app.ClientSecret.IsZero():
		problem(key("client_secret"), key("client_secret")+" is empty")
	}
	if len(app.Scopes) == 0 && !covered[key("scopes")] {
		warns++
		r.Evidence = append(r.Evidence, key("scopes")+" is empty: the token will carry no scope")
	}
	where := s.opts.ConfigPath
	if where == "" {
		where = "the config"
	}
	name := t.Name
	if name == "" {
		name = "(unnamed)"
	}
	switch {
	case errs > 0:
		r.Status = StatusFail
		r.Summary = fmt.Sprintf("tenant %s in %s: %d error(s), %d warning(s)", name, where, errs, warns)
		r.Remedy = "Fix the errors above (fhirdoctor config validate shows them with line numbers)."
		r.Facts = &Facts{Cause: CauseConfigInvalid, ConfigErrors: errLines}
	case warns > 0:
		r.Status = StatusWarn
		r.Summary = fmt.Sprintf("tenant %s in %s: %d warning(s)", name, where, warns)
	default:
		cred := "secret " + app.ClientSecret.Fingerprint()
		if src := app.ClientSecret.Source().String(); src != "" {
			cred += " from " + src
		}
		if jwt {
			cred = "private_key_jwt with kid " + app.KeyID
		}
		r.Summary = fmt.Sprintf("tenant %s in %s: client_id %s, %s, %d scope(s)", name, where, app.ClientID, cred, len(app.Scopes))
		if t.Cerner.FHIRBaseDerived {
			r.Evidence = append(r.Evidence, "base_url derived from token_url: "+t.Cerner.FHIRBaseURL)
		}
		r.Evidence = append(r.Evidence, "scopes: "+strings.Join(app.Scopes, " "))
	}
	return r
}
