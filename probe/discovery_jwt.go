package probe

import (
	"slices"
	"strings"
)

// jwtDiscovery checks what a private_key_jwt app needs from the SMART
// configuration: private_key_jwt among the auth methods, the key's alg
// among the signing algs, and the client-confidential-asymmetric
// capability. cause is set when the alg is not accepted.
func jwtDiscovery(s *state, sc smartConfig) (problems, evidence []string, cause CauseID) {
	switch {
	case len(sc.AuthMethods) == 0:
		evidence = append(evidence, "token_endpoint_auth_methods_supported is absent")
	case slices.Contains(sc.AuthMethods, "private_key_jwt"):
		evidence = append(evidence, "private_key_jwt advertised")
	default:
		problems = append(problems, "private_key_jwt not advertised ("+strings.Join(sc.AuthMethods, ", ")+")")
	}
	if len(sc.Capabilities) > 0 && !slices.Contains(sc.Capabilities, "client-confidential-asymmetric") {
		problems = append(problems, "capability client-confidential-asymmetric not advertised")
	}
	key, _, err := s.clientKey()
	switch {
	case err != nil:
		evidence = append(evidence, "signing algs advertised: "+orNone(strings.Join(sc.SigningAlgs, ", "))+" (the key could not be read to compare)")
	case len(sc.SigningAlgs) == 0:
		evidence = append(evidence, "token_endpoint_auth_signing_alg_values_supported is absent: "+key.Alg+" cannot be checked")
	case slices.Contains(sc.SigningAlgs, key.Alg):
		evidence = append(evidence, key.Alg+" is in token_endpoint_auth_signing_alg_values_supported ("+strings.Join(sc.SigningAlgs, ", ")+")")
	default:
		problems = append(problems, "the key signs "+key.Alg+"; the server accepts "+strings.Join(sc.SigningAlgs, ", "))
		cause = CauseJWTAlgUnsupported
	}
	return problems, evidence, cause
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}
