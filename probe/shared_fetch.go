package probe

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"sync"
)

// sharedAnswer is one credential-free GET of a shared run, as every tenant
// asking for the same URL receives it.
type sharedAnswer struct {
	resp *response
	rec  requestRecord
	has  bool // rec was logged (an answer arrived)
	err  error

	// decoded memoises the JSON decoding of resp.Body per target type:
	// tenants of one server parse the same discovery and
	// CapabilityStatement documents.
	mu      sync.Mutex
	decoded map[reflect.Type]decodedJSON
}

type decodedJSON struct {
	v   any
	err error
}

// getPublic is a GET without credentials whose answer does not depend on
// the tenant (discovery, the CapabilityStatement, a published JWK Set). In
// a shared run (`probe --all-tenants`) every URL is fetched once and each
// tenant gets its own copy of the answer and of its request-log entry, so
// its evidence, clock check and report are what a run of its own would
// show; otherwise it is s.get.
func (s *state) getPublic(ctx context.Context, rawURL, accept string) (*response, *http.Request, error) {
	sh := s.opts.Shared
	if sh == nil {
		return s.get(ctx, rawURL, accept, "")
	}
	var owner bool
	a, ok := sh.fetches.do(ctx, accept+" "+rawURL, func() (*sharedAnswer, bool) {
		owner = true
		a := &sharedAnswer{}
		build := func() (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
			if err == nil {
				req.Header.Set("Accept", accept)
			}
			return req, err
		}
		// Retried once after a 503 like any request (send); the log entry
		// is the answer that counts.
		exchange := func(req *http.Request) (*response, error) {
			resp, rec, has, err := s.exchange(req)
			if has {
				a.rec, a.has = rec, true
			}
			return resp, err
		}
		a.resp, _, a.err = s.sendVia(ctx, build, exchange)
		// A failure because this tenant's check ran out of time says
		// nothing about the URL: let the next tenant fetch it again.
		return a, a.err == nil || ctx.Err() == nil
	})
	if !ok {
		return s.get(ctx, rawURL, accept, "")
	}
	if !owner && a.has {
		s.logRequest(a.rec)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", accept)
	if a.err != nil {
		return nil, req, a.err
	}
	cp := *a.resp
	cp.Header = a.resp.Header.Clone()
	cp.shared = a
	return &cp, req, nil
}

// decodeJSON unmarshals resp's body into v (a pointer). For an answer of a
// shared fetch the body is decoded once per type and each caller gets a
// copy of the value (slices inside it are shared and must be read only).
func decodeJSON[T any](resp *response, v *T) error {
	a := resp.shared
	if a == nil {
		return json.Unmarshal(resp.Body, v)
	}
	key := reflect.TypeFor[T]()
	a.mu.Lock()
	defer a.mu.Unlock()
	d, ok := a.decoded[key]
	if !ok {
		var t T
		err := json.Unmarshal(resp.Body, &t)
		d = decodedJSON{v: t, err: err}
		if a.decoded == nil {
			a.decoded = make(map[reflect.Type]decodedJSON)
		}
		a.decoded[key] = d
	}
	*v = d.v.(T)
	return d.err
}
