package sandbox

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Vendors the sandbox imitates.
const (
	VendorCerner = "cerner"
	VendorEpic   = "epic"
)

// Fixed identities of the Epic-like app.
const (
	// EpicClientID is the backend app's client id (Epic shows one per
	// environment; this one is obviously fake).
	EpicClientID = "fa4e0000-e91c-4000-8000-00000000e1c0"
	// EpicKeyID is the kid of the key the generated config uses.
	EpicKeyID = "fhirdoctor-sandbox-key-1"
	// epicOldKeyID names a key registered before the configured one.
	epicOldKeyID = "fhirdoctor-sandbox-key-0"
	// epicPrefix starts every Epic path, as on Epic's own servers.
	epicPrefix = "/interconnect-fhir-oauth"
	// epicAppName names the backend app on the console page.
	epicAppName = "fhirdoctor sandbox backend app"
	// EpicKeyFile is the private key the sandbox writes beside the config.
	EpicKeyFile = "client-key.pem"
	// epicTokenLifetime is what Epic's backend tokens live.
	epicTokenLifetime = time.Hour
)

// keySetup is how a scenario registers the app's public keys.
type keySetup int

const (
	keyRegistered     keySetup = iota // the configured key, registered long ago
	keyOtherKid                       // only an older key with another kid
	keyOtherKey                       // the configured kid, but another public key
	keyJustNow                        // the configured key, registered at start
	keyURLUnreachable                 // a JWK Set URL that does not answer
)

var epicScenarioDefs = []scenarioDef{
	{Scenario{"jwt-healthy", "the configured key is registered"},
		behaviour{systemScopes: healthyScopes}},
	{Scenario{"jwt-key-unknown", "no key with the configured kid is registered (the app's JWK Set omits it)"},
		behaviour{systemScopes: healthyScopes, keys: keyOtherKid}},
	{Scenario{"jwt-key-mismatch", "the kid is registered with another public key"},
		behaviour{systemScopes: healthyScopes, keys: keyOtherKey}},
	{Scenario{"jwt-alg-unsupported", "only RS384 is accepted; the configured key is P-384"},
		behaviour{systemScopes: healthyScopes, ecKey: true, rsaOnly: true}},
	{Scenario{"jwt-key-propagating", "the key was registered moments ago; accepted after a propagation delay (20 s by default)"},
		behaviour{systemScopes: healthyScopes, keys: keyJustNow}},
	{Scenario{"jwks-unreachable", "the server must fetch the app's jwks_url, which does not answer"},
		behaviour{systemScopes: healthyScopes, keys: keyURLUnreachable}},
}

// epicState is what only the Epic vendor has: the configured key's files.
type epicState struct {
	keyPath string
	jwksURL string // the config's jwks_url
	// clientID is the backend app's: EpicClientID until the console makes
	// a new app (NewEpicApp). Guarded by Server.mu.
	clientID string
}

// epicClientID is the backend app's current client id.
func (s *Server) epicClientID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.epicState.clientID == "" {
		return EpicClientID
	}
	return s.epicState.clientID
}

// NewEpicApp replaces the Epic-like backend app with a new one, as when an
// app was deleted and another created in the portal (the wizard's Option
// B): a new client id, no registered key. The old client id is refused from
// then on. It returns the new client id.
func (s *Server) NewEpicApp() string {
	id := newUUID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epicState.clientID = id
	s.keys.keys, s.keys.jwksURL = nil, ""
	return id
}

func (s *Server) epic() bool { return s.opts.Vendor == VendorEpic }

// algs are the assertion algorithms the token endpoint accepts.
func (s *Server) algs() []string {
	if s.scenario.rsaOnly {
		return []string{"RS384"}
	}
	return []string{"RS384", "ES384"}
}

// setupClientKeys makes the app's key pair for an Epic sandbox, writes the
// private key beside the config (0600) and registers public keys as the
// scenario says. Keys are made at run time: none ships with the code.
func (s *Server) setupClientKeys() error {
	if !s.epic() {
		return nil
	}
	var priv crypto.Signer
	var err error
	if s.scenario.ecKey {
		priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	} else {
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		return fmt.Errorf("sandbox: generate the app's key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("sandbox: encode the app's key: %w", err)
	}
	s.epicState.keyPath = filepath.Join(s.dir, EpicKeyFile)
	if err := os.WriteFile(s.epicState.keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return fmt.Errorf("sandbox: write the app's key: %w", err)
	}
	if err := os.Chmod(s.epicState.keyPath, 0o600); err != nil {
		return fmt.Errorf("sandbox: restrict the app's key: %w", err)
	}
	alg := "RS384"
	if s.scenario.ecKey {
		alg = "ES384"
	}
	mine := jose.JSONWebKey{Key: priv.Public(), KeyID: EpicKeyID, Algorithm: alg, Use: "sig"}
	long := s.now().Add(-48 * time.Hour)
	s.epicState.jwksURL = s.consoleURL() + "/jwks"
	switch s.scenario.keys {
	case keyRegistered:
		s.keys.keys = []clientKey{{mine, long}}
	case keyJustNow:
		s.keys.keys = []clientKey{{mine, s.now()}}
	case keyOtherKid, keyOtherKey:
		other, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		if err != nil {
			return fmt.Errorf("sandbox: generate another key: %w", err)
		}
		kid := epicOldKeyID
		if s.scenario.keys == keyOtherKey {
			kid = EpicKeyID
		}
		s.keys.keys = []clientKey{{jose.JSONWebKey{Key: other.Public(), KeyID: kid, Algorithm: "ES384", Use: "sig"}, long}}
	case keyURLUnreachable:
		dead, err := deadURL()
		if err != nil {
			return err
		}
		s.keys.jwksURL = dead
		s.epicState.jwksURL = dead
	}
	return nil
}

// deadURL is an https URL on a loopback port nothing listens on.
func deadURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sandbox: find a closed port: %w", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "https://" + addr + "/.well-known/jwks.json", nil
}

// EpicKeyPath is the private key file of an Epic sandbox's app ("" for Cerner).
func (s *Server) EpicKeyPath() string { return s.epicState.keyPath }

// RegisterKeys replaces the app's registered public keys, as POST
// {console_url}/jwks does; keys already registered keep their time.
func (s *Server) RegisterKeys(set []jose.JSONWebKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys.replace(set, s.now())
}

// Refusals lists why each refused client assertion was refused, oldest
// first: what a real Epic never tells the client, kept for tests.
func (s *Server) Refusals() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.refusals...)
}

func (s *Server) noteRefusal(r *refusal) {
	s.mu.Lock()
	s.refusals = append(s.refusals, r.Error())
	s.mu.Unlock()
	if s.opts.Log != nil {
		s.logMu.Lock()
		fmt.Fprintf(s.opts.Log, "sandbox: client assertion refused: %s\n", r.kind)
		s.logMu.Unlock()
	}
}
