package probe

import (
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// clientAuthRefusal re-explains an invalid_client answer to the code
// exchange in terms of the provider app's own client authentication, which
// the generic table (provider_classify.go) cannot know: a confidential app
// whose secret was refused, or a public app (no client_secret) that the
// server wants authenticated. ok is false when pa stands as it is. The
// secret appears only as its fingerprint and source.
func clientAuthRefusal(app *config.ProviderApp, errCode, errorURI string) (providerAnswer, bool) {
	if app == nil || errCode != "invalid_client" {
		return providerAnswer{}, false
	}
	u, _ := decodeErrorURI(errorURI)
	urn := strings.ToLower(u.Code)
	key := strings.Join(app.Key("client_secret"), ".")
	switch app.AuthMethod() {
	case config.AuthClientSecret:
		if urn == "unknown-client" || urn == "terminated-client" {
			return providerAnswer{}, false // the client_id, not the secret
		}
		return providerAnswer{ProviderClientRejected, CauseSecretInvalid,
			"the token endpoint refused the provider app's client secret (" + key + ", " + app.ClientSecret.Fingerprint() + fromNote(app.ClientSecret) + ") at the code exchange: invalid_client" + urnNote(u.Code),
			"Copy the provider app's current secret from {console} into " + key + " (it may have been regenerated, or belong to another app); " +
				"if the app is registered as public, remove " + key + "."}, true
	case config.AuthNone:
		if urn != "invalid-authorization-header" {
			return providerAnswer{}, false // a bare invalid_client may as well be an unknown client_id
		}
		return providerAnswer{ProviderClientRejected, CauseClientUnknown,
			"the token endpoint wants the provider app to authenticate (invalid_client" + urnNote(u.Code) + "): it is registered as confidential, but the config has no " + key,
			"Set " + key + " to the provider app's secret from {console} (a ${VAR} placeholder keeps it out of the file), or register the app as public."}, true
	}
	return providerAnswer{}, false
}

func urnNote(code string) string {
	if code == "" {
		return ""
	}
	return ", " + clean(code, 60)
}

// fromNote is " from <source>" when the secret's source is known.
func fromNote(s config.Secret) string {
	if src := s.Source().String(); src != "" {
		return " from " + src
	}
	return ""
}
