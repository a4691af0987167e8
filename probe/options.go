package probe

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// DefaultTimeout bounds each check when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Options configure a probe run.
type Options struct {
	Tenant     config.Tenant
	ConfigPath string
	// Findings are the config validation findings the `config` check shows.
	Findings []config.Finding
	// RootCAs are the trusted roots; nil means the system roots. CAFile and
	// SSL_CERT_FILE add to them.
	RootCAs *x509.CertPool
	CAFile  string
	// Timeout bounds each check (DefaultTimeout when zero).
	Timeout time.Duration
	// Only and Skip select checks by id.
	Only, Skip []string
	// Version goes into User-Agent: fhirdoctor/<version>.
	Version string
	// Now is the local clock the clock check compares with (time.Now when nil).
	Now func() time.Time
	// Shared, when set, carries every request of the run instead of a client
	// of its own, so probes of many tenants on the same hosts share
	// connections and HTTP/2 streams, as one integration serving them would.
	Shared *SharedClient
	// KeyUploadedAt is when the user registered the JWT app's public key
	// (probe --key-uploaded-at, the wizard's answer): the positive evidence
	// that a refusal may be propagation. Zero when unknown.
	KeyUploadedAt time.Time
}

// ErrUnknownCheck is returned (wrapped) for an id in Only or Skip that names
// no check.
var ErrUnknownCheck = errors.New("unknown check id")

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.Tenant.Cerner.TestPatientID == "" {
		o.Tenant.Cerner.TestPatientID = config.DefaultTestPatientID
	}
	return o
}

// selection resolves Only and Skip into the set of checks to run. Only pulls
// in the dependencies of what it names, since a check cannot run without
// them.
func (o Options) selection(cat []check) (map[string]string, error) {
	known := map[string]check{}
	var ids []string
	for _, c := range cat {
		known[c.id] = c
		ids = append(ids, c.id)
	}
	var bad []string
	for _, id := range slices.Concat(o.Only, o.Skip) {
		if _, ok := known[id]; !ok {
			bad = append(bad, fmt.Sprintf("%q", id))
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%w %s; valid ids: %s", ErrUnknownCheck, strings.Join(bad, ", "), strings.Join(ids, ", "))
	}
	// excluded maps an id to why it does not run.
	excluded := map[string]string{}
	if len(o.Only) > 0 {
		want := map[string]bool{}
		var add func(id string)
		add = func(id string) {
			if want[id] {
				return
			}
			want[id] = true
			for _, d := range known[id].deps {
				add(d)
			}
		}
		for _, id := range o.Only {
			add(id)
		}
		for _, id := range ids {
			if !want[id] {
				excluded[id] = "not selected (--only)"
			}
		}
	}
	for _, id := range o.Skip {
		excluded[id] = "skipped (--skip)"
	}
	return excluded, nil
}
