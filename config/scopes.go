package config

import (
	"regexp"
	"strings"
)

// appKind says which app a scope list belongs to: system apps use
// client_credentials and get only system/ scopes.
type appKind int

const (
	systemApp appKind = iota
	providerApp
)

var (
	resourceScope = regexp.MustCompile(`^([A-Za-z]+)/([^./?]+)\.([^?]*)(\?.*)?$`)
	resourceType  = regexp.MustCompile(`^[A-Z][A-Za-z]+$`)
	v2Perms       = regexp.MustCompile(`^c?r?u?d?s?$`)
	knownScopes   = map[string]bool{
		"launch": true, "launch/patient": true, "launch/encounter": true, "openid": true,
		"fhirUser": true, "profile": true, "offline_access": true, "online_access": true,
	}
)

// scopeProblem reports what is wrong with one scope, if anything. Messages
// quote the scope: scopes are not secret.
func scopeProblem(scope string, app appKind) (Severity, string, bool) {
	if strings.ContainsAny(scope, ",;") {
		return SeverityError, "scope " + quote(scope) + " contains a comma or semicolon; scopes are separated by spaces", true
	}
	if knownScopes[scope] {
		if app == systemApp {
			return SeverityWarning, "scope " + quote(scope) + " is for user-facing apps; a system app (client_credentials) does not use it", true
		}
		return 0, "", false
	}
	m := resourceScope.FindStringSubmatch(scope)
	if m == nil {
		if i := strings.IndexByte(scope, '/'); i > 0 && isContext(strings.ToLower(scope[:i])) {
			return SeverityError, "malformed scope " + quote(scope) + "; expected context/Resource.permission, e.g. system/Patient.read", true
		}
		return SeverityWarning, "scope " + quote(scope) + " is not a SMART scope Cerner knows", true
	}
	ctx, res, perm := m[1], m[2], m[3]
	switch {
	case !isContext(ctx):
		if isContext(strings.ToLower(ctx)) {
			return SeverityError, "malformed scope " + quote(scope) + ": the context is lowercase (" + strings.ToLower(ctx) + "/)", true
		}
		return SeverityError, "malformed scope " + quote(scope) + ": the context must be patient/, user/ or system/", true
	case res == "*" || perm == "*":
		return SeverityError, "wildcard scope " + quote(scope) + ": Cerner does not grant wildcards; list each resource, e.g. " + ctx + "/Patient.read", true
	case !resourceType.MatchString(res):
		return SeverityError, "malformed scope " + quote(scope) + ": " + quote(res) + " is not a FHIR resource type (they are capitalised, e.g. Patient)", true
	case perm == "":
		return SeverityError, "malformed scope " + quote(scope) + ": the permission after the dot is missing (read, write, or SMART v2 letters like rs)", true
	case perm != "read" && perm != "write" && !v2Perms.MatchString(perm):
		return SeverityError, "malformed scope " + quote(scope) + ": " + quote(perm) + " is not a permission (read, write, or SMART v2 letters in the order cruds)", true
	case m[4] != "" && (perm == "read" || perm == "write"):
		return SeverityError, "malformed scope " + quote(scope) + ": query parameters need SMART v2 permissions (e.g. .rs?...)", true
	case app == systemApp && ctx != "system":
		return SeverityWarning, "scope " + quote(scope) + " is a " + ctx + "/ scope; a system app (client_credentials) is granted system/ scopes only", true
	case app == providerApp && ctx == "system":
		return SeverityWarning, "scope " + quote(scope) + " is a system/ scope; a provider app is granted user/ or patient/ scopes", true
	}
	return 0, "", false
}

func isContext(s string) bool { return s == "patient" || s == "user" || s == "system" }

func quote(s string) string { return "`" + s + "`" }
