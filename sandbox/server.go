package sandbox

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure Start. The zero value runs the healthy scenario on a random
// loopback port with files in a temporary directory.
type Options struct {
	Scenario string // "" = the vendor's first scenario; see ScenariosFor
	// Vendor is the server imitated: "" or "cerner" (Oracle Health), or
	// "epic" (SMART Backend Services only, Epic's paths and silent errors).
	Vendor string
	// Propagation is how long a newly registered public key takes to be
	// accepted: 0 = DefaultPropagation, negative = at once.
	Propagation time.Duration
	// Now is the server's clock (time.Now when nil): tests move it instead
	// of sleeping. Scenario skew and offsets apply on top.
	Now          func() time.Time
	Addr         string        // TLS listen address, "" = "127.0.0.1:0"
	Latency      time.Duration // added before every answer of the TLS host (cancellable by the request context); the console is never delayed
	SlowDelay    time.Duration // scenario "slow": each answer waits this long (default 30s) or until the client gives up
	AutoApprove  bool          // provider authorize approves at once (headless tests)
	Dir          string        // where ca.pem and config.yaml are written; "" = a new temp dir that Close removes
	RawBasic     bool          // compare the Basic credentials undecoded (a server that ignores RFC 6749 2.3.1 form-encoding); default decodes per RFC
	ClientSecret string        // override the registered system-app secret (e.g. with + / = characters for encoding tests); "" = default fake
	// ConfigShape is the layout of the config file written: ShapeCurrent
	// (default), ShapeLegacy or ShapeEHR. SecretIn says where its secret
	// is: SecretInYAML (default) or SecretInDotenv (configfile.go).
	ConfigShape string
	SecretIn    string
	// OtherEnvironments are environments whose config the sandbox also
	// writes, as .settings.<env>/config.yaml beside config.yaml, with the
	// same system app and secret: the other copies a regeneration leaves
	// stale (environments.go).
	OtherEnvironments []string
	// ConfidentialProvider registers the provider app as a confidential
	// client with a secret generated at start: the code exchange then
	// requires Basic client_id:client_secret (401 invalid_client without it
	// or with another secret), and the generated config's provider_app
	// carries client_secret and token_url (provider_secret.go). The secret
	// is among Secrets(). Not in the legacy shape, which has no provider_app.
	ConfidentialProvider bool
	// ProviderRedirectURI is the registered redirect of the provider app; default DefaultProviderRedirectURI.
	ProviderRedirectURI string
	Log                 io.Writer // optional request log; never secrets or tokens

	// Hostile turns the server into a broken or malicious one (see HostileModes); "" = none.
	Hostile         string
	TrickleInterval time.Duration // hostile "trickle": pause between body bytes (default 1s)
	RedirectStatus  int           // hostile "redirect-other-host": 301, 302, 303, 307 or 308 (default 307)
}

// defaultSlowDelay outlasts fhirdoctor's default --timeout of 10 s.
const defaultSlowDelay = 30 * time.Second

// Info is what `fhirdoctor sandbox --json` prints once the server listens.
type Info struct {
	FHIRBaseURL  string `json:"fhir_base_url"`
	TokenURL     string `json:"token_url"`
	AuthorizeURL string `json:"authorize_url"`
	ConsoleURL   string `json:"console_url"`
	CAFile       string `json:"ca_file"`
	ConfigFile   string `json:"config_file"`
	EnvFile      string `json:"env_file,omitempty"` // the .env file holding the secret (SecretInDotenv)
	Scenario     string `json:"scenario"`
	Vendor       string `json:"vendor"`
}

// Server is a running sandbox: one TLS listener for the authorization server and the FHIR
// host (same host:port, as the config derives one from the other), and one plain-HTTP
// loopback listener for the Code Console so a browser opens it without a warning.
type Server struct {
	opts     Options
	scenario scenarioDef
	host     string // host:port of the TLS listener as it appears in URLs
	console  string // host:port of the console listener
	dir      string
	ownsDir  bool
	auth     *authority
	signer   *signer
	data     *fhirStore
	config   []byte
	offset   atomic.Int64 // added to the wall clock; tests move time forward with it
	hostile  hostileState

	ctx      context.Context // cancelled by Close so slow answers end
	cancel   context.CancelFunc
	servers  []*http.Server
	serveErr chan error
	logMu    sync.Mutex

	closeOnce sync.Once
	closeErr  error

	providerSecret string // set once by Start with ConfidentialProvider; "" = a public provider app

	mu       sync.Mutex
	creds    credentials
	grants   map[string]*grant
	issued   []string
	codes    map[string]*authCode
	requests map[string]*authRequest
	keys     keyRegistry
	refusals []string

	epicState epicState
}

// Start listens, writes ca.pem and config.yaml, and serves until Close.
func Start(opts Options) (*Server, error) {
	switch opts.Vendor {
	case "":
		opts.Vendor = VendorCerner
	case VendorCerner, VendorEpic:
	default:
		return nil, fmt.Errorf("sandbox: unknown vendor %q: choose cerner or epic", opts.Vendor)
	}
	sc, err := lookupScenario(opts.Vendor, opts.Scenario)
	if err != nil {
		return nil, err
	}
	if err := lookupHostile(opts.Hostile); err != nil {
		return nil, err
	}
	if err := validShape(opts.ConfigShape, opts.SecretIn); err != nil {
		return nil, err
	}
	if opts.ConfidentialProvider && (opts.ConfigShape == ShapeLegacy || opts.Vendor == VendorEpic) {
		return nil, fmt.Errorf("sandbox: a confidential provider app needs the cerner vendor and the current or ehr config shape (the others write no provider_app)")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = defaultSlowDelay
	}
	if opts.ProviderRedirectURI == "" {
		opts.ProviderRedirectURI = DefaultProviderRedirectURI
	}
	s := &Server{
		opts:     opts,
		scenario: sc,
		creds:    newCredentials(sc.behaviour, opts.ClientSecret),
		grants:   make(map[string]*grant),
		codes:    make(map[string]*authCode),
		requests: make(map[string]*authRequest),
		serveErr: make(chan error, 3),
	}
	if opts.ConfidentialProvider {
		if s.providerSecret, err = newProviderSecret(); err != nil {
			return nil, err
		}
		s.creds.all = appendUnique(s.creds.all, s.providerSecret)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.start(); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) start() error {
	tlsLn, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w", s.opts.Addr, err)
	}
	host, extra := urlHost(tlsLn.Addr().(*net.TCPAddr), s.opts.Addr)
	s.host = host
	consoleLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = tlsLn.Close()
		return fmt.Errorf("sandbox: listen for the console: %w", err)
	}
	s.console = consoleLn.Addr().String()

	if s.auth, err = newAuthority(time.Now(), extra); err != nil {
		return s.abort(fmt.Errorf("sandbox: %w", err), tlsLn, consoleLn)
	}
	leaf, err := s.auth.hostileLeaf(s.opts.Hostile, time.Now())
	if err == nil {
		s.hostile.leaf, err = x509.ParseCertificate(leaf.Certificate[0])
	}
	if err != nil {
		return s.abort(fmt.Errorf("sandbox: %w", err), tlsLn, consoleLn)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return s.abort(fmt.Errorf("sandbox: token signing key: %w", err), tlsLn, consoleLn)
	}
	if s.signer, err = newSigner(key); err != nil {
		return s.abort(fmt.Errorf("sandbox: %w", err), tlsLn, consoleLn)
	}
	s.data = newFHIRStore(s.fhirBase())
	if err := s.writeFiles(); err != nil {
		return s.abort(err, tlsLn, consoleLn)
	}
	otherLn, err := s.listenOtherHost()
	if err != nil {
		return s.abort(fmt.Errorf("sandbox: listen for the redirect target: %w", err), tlsLn, consoleLn)
	}

	errLog := log.New(io.Discard, "", 0) // a client rejecting our CA must not spray the terminal
	if s.opts.Log != nil {
		errLog = log.New(s.opts.Log, "sandbox: ", 0)
	}
	baseCtx := func(net.Listener) context.Context { return s.ctx }
	tlsSrv := &http.Server{
		Handler:           s.logRequests("tls", s.scenarioMiddleware(s.hostileMiddleware(s.tlsRoutes()))),
		TLSConfig:         s.tlsServerConfig(leaf),
		Protocols:         s.protocols(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          errLog,
		BaseContext:       baseCtx,
	}
	consoleSrv := &http.Server{
		Handler:           s.logRequests("console", s.consoleRoutes()),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          errLog,
		BaseContext:       baseCtx,
	}
	s.servers = []*http.Server{tlsSrv, consoleSrv}
	go func() { s.serveErr <- tlsSrv.ServeTLS(tlsLn, "", "") }()
	go func() { s.serveErr <- consoleSrv.Serve(consoleLn) }()
	if otherLn != nil {
		otherSrv := &http.Server{
			Handler:           s.logRequests("other-host", s.otherHostRoutes()),
			TLSConfig:         &tls.Config{Certificates: []tls.Certificate{s.auth.leaf}, MinVersion: tls.VersionTLS12},
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          errLog,
			BaseContext:       baseCtx,
		}
		s.servers = append(s.servers, otherSrv)
		go func() { s.serveErr <- otherSrv.ServeTLS(otherLn, "", "") }()
	}
	return nil
}

func (s *Server) abort(err error, lns ...net.Listener) error {
	for _, ln := range lns {
		_ = ln.Close()
	}
	return err
}

// urlHost is the host:port the sandbox puts in its URLs: the listen host, or 127.0.0.1
// when listening on every interface. extra is a host the certificate must also name.
func urlHost(addr *net.TCPAddr, requested string) (hostPort, extra string) {
	port := fmt.Sprint(addr.Port)
	h, _, err := net.SplitHostPort(requested)
	if err != nil || h == "" {
		return net.JoinHostPort("127.0.0.1", port), ""
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", port), ""
	}
	switch h {
	case "127.0.0.1", "::1", "localhost":
		return net.JoinHostPort(h, port), ""
	}
	return net.JoinHostPort(h, port), h
}

func (s *Server) writeFiles() error {
	if s.opts.Dir == "" {
		dir, err := os.MkdirTemp("", "fhirdoctor-sandbox-")
		if err != nil {
			return fmt.Errorf("sandbox: create a directory for ca.pem and config.yaml: %w", err)
		}
		s.dir, s.ownsDir = dir, true
	} else {
		if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
			return fmt.Errorf("sandbox: create %s: %w", s.opts.Dir, err)
		}
		s.dir = s.opts.Dir
	}
	if err := os.WriteFile(s.caFile(), s.auth.caPEM, 0o644); err != nil {
		return fmt.Errorf("sandbox: write the CA certificate: %w", err)
	}
	if err := s.setupClientKeys(); err != nil {
		return err
	}
	if s.epic() {
		return s.writeEpicConfig()
	}
	if err := s.writeConfigFiles(); err != nil {
		return err
	}
	return s.writeOtherEnvironments()
}

// Close stops both listeners, ends pending answers and removes a temporary directory.
// It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		var errs []error
		for _, srv := range s.servers {
			if err := srv.Close(); err != nil {
				errs = append(errs, err)
			}
		}
		for range s.servers {
			if err := <-s.serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
		if s.ownsDir && s.dir != "" {
			if err := os.RemoveAll(s.dir); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			s.closeErr = fmt.Errorf("sandbox: close: %w", errors.Join(errs...))
		}
	})
	return s.closeErr
}

// Info returns the URLs and files of the running sandbox.
func (s *Server) Info() Info {
	return Info{
		FHIRBaseURL:  s.fhirBase(),
		TokenURL:     s.tokenURL(),
		AuthorizeURL: s.authorizeURL(),
		ConsoleURL:   s.consoleURL(),
		CAFile:       s.caFile(),
		ConfigFile:   s.configFile(),
		EnvFile:      s.envFileInfo(),
		Scenario:     s.scenario.Name,
		Vendor:       s.opts.Vendor,
	}
}

// CertPool trusts the sandbox's CA, for clients in the same process.
func (s *Server) CertPool() *x509.CertPool { return s.auth.pool.Clone() }

// ClientID is the system app's client id.
func (s *Server) ClientID() string { return s.systemClientID() }

// systemClientID is the system app's current client id.
func (s *Server) systemClientID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds.clientID
}

// NewSystemApp replaces the Cerner-like system app with a new one, as when
// an app was removed and another created in Code Console (the wizard's
// Option B): a new client id and secret, the same granted scopes. The old
// client id is unknown from then on. The secret is a sandbox fake, as every
// secret here.
func (s *Server) NewSystemApp() (clientID, clientSecret string) {
	id := newUUID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds.clientID = id
	return id, s.creds.regenerate()
}

// ProviderClientID is the provider app's client id.
func (s *Server) ProviderClientID() string { return ProviderClientID }

// ConfigYAML is the config file content written to Info().ConfigFile.
func (s *Server) ConfigYAML() []byte { return append([]byte(nil), s.config...) }

// Regenerate does what the console's button does: a new secret; the old one stops working.
func (s *Server) Regenerate() (clientID, clientSecret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds.clientID, s.creds.regenerate()
}

// IssuedTokens lists every access token issued so far, for leak scans in tests.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// Secrets lists every system-app secret that exists or existed: the configured one, the
// registered one and each regenerated one.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.creds.all...)
}

// now is the server's clock: skewed in the clock-skew scenario, movable by tests.
func (s *Server) now() time.Time {
	clock := time.Now
	if s.opts.Now != nil {
		clock = s.opts.Now
	}
	return clock().Add(s.scenario.skew + time.Duration(s.offset.Load()))
}

func (s *Server) fhirBase() string {
	if s.epic() {
		return "https://" + s.host + epicPrefix + "/api/FHIR/R4"
	}
	return "https://" + s.host + "/r4/" + Tenant
}
func (s *Server) issuer() string {
	if s.epic() {
		return "https://" + s.host + epicPrefix + "/oauth2"
	}
	return "https://" + s.host + "/"
}
func (s *Server) authBase() string {
	return "https://" + s.host + "/tenants/" + Tenant + "/protocols/oauth2/profiles/smart-v1"
}
func (s *Server) tokenURL() string {
	if s.epic() {
		return "https://" + s.host + epicPrefix + "/oauth2/token"
	}
	return "https://" + s.host + "/tenants/" + Tenant + "/hosts/" + s.host + "/protocols/oauth2/profiles/smart-v1/token"
}
func (s *Server) authorizeURL() string {
	if s.epic() {
		return "https://" + s.host + epicPrefix + "/oauth2/authorize"
	}
	return s.authBase() + "/personas/provider/authorize"
}
func (s *Server) revokeURL() string     { return s.tokenURL() + "/revoke" }
func (s *Server) manageURL() string     { return s.authBase() + "/authorizations" }
func (s *Server) introspectURL() string { return "https://" + s.host + "/tokeninfo" }
func (s *Server) jwksURL() string {
	if s.epic() {
		return "https://" + s.host + epicPrefix + "/api/epic/2019/Security/Public/jwks"
	}
	return "https://" + s.host + "/jwk"
}
func (s *Server) consoleURL() string { return "http://" + s.console + "/console" }
func (s *Server) caFile() string     { return filepath.Join(s.dir, "ca.pem") }
func (s *Server) configFile() string { return filepath.Join(s.dir, "config.yaml") }
