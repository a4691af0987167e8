package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// Fixed, obviously fake identities of the sandbox, stable across runs so golden files are.
const (
	Tenant                     = "ec2458f2-1e24-41c8-b71b-0e701af7583d"
	SystemClientID             = "5fa4e000-0000-4000-8000-000000000001"
	ProviderClientID           = "5fa4e000-0000-4000-8000-000000000002"
	TestPatientID              = "12724066" // SMART, Nancy
	DefaultProviderRedirectURI = "http://127.0.0.1:8765/callback"
	// ProviderScopes is what the generated config's provider_app asks for.
	ProviderScopes = "launch/patient openid fhirUser patient/Patient.read patient/Observation.read"
	// PractitionerID is the provider who "signs in" on the authorize page.
	PractitionerID = "12742069"
	systemAppName  = "fhirdoctor sandbox system account"
	providerName   = "fhirdoctor sandbox provider app"
)

// providerRegistered are the scopes registered on the provider app.
var providerRegistered = strings.Fields(ProviderScopes + " launch online_access offline_access profile" +
	" user/Patient.read user/Observation.read user/Encounter.read user/DocumentReference.read user/Binary.read" +
	" patient/Encounter.read patient/DocumentReference.read patient/Binary.read")

// fakeSecret is the n-th secret of the deterministic sequence: FAKE-sandbox-secret-0001-1a2b3c4d.
func fakeSecret(n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "fhirdoctor sandbox secret %d", n))
	return fmt.Sprintf("FAKE-sandbox-secret-%04d-%s", n, hex.EncodeToString(sum[:4]))
}

// credentials is the system account as the Code Console knows it. Guarded by Server.mu.
type credentials struct {
	// clientID is the system app's: SystemClientID until the console makes
	// a new app (Server.NewSystemApp).
	clientID   string
	secret     string   // the only secret the token endpoint accepts
	configured string   // what the generated config holds
	all        []string // every secret that existed, for leak scans
	next       int      // sequence number of the next regenerated secret
	registered map[string]bool
}

func newCredentials(b behaviour, override string) credentials {
	c := credentials{clientID: SystemClientID, registered: make(map[string]bool)}
	for _, sc := range b.systemScopes {
		c.registered[sc] = true
	}
	current := fakeSecret(1)
	c.next = 2
	if b.staleSecret {
		c.configured = current
		current = fakeSecret(2)
		c.next = 3
	}
	if override != "" {
		current = override
	}
	if c.configured == "" {
		c.configured = current
	}
	c.secret = current
	c.all = appendUnique(c.all, c.configured, current)
	return c
}

func (c *credentials) regenerate() string {
	c.secret = fakeSecret(c.next)
	c.next++
	c.all = appendUnique(c.all, c.secret)
	return c.secret
}

// secretMatches compares in constant time so the sandbox does not teach timing attacks.
func (c *credentials) secretMatches(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(c.secret)) == 1
}

func appendUnique(list []string, values ...string) []string {
next:
	for _, v := range values {
		for _, have := range list {
			if have == v {
				continue next
			}
		}
		list = append(list, v)
	}
	return list
}
