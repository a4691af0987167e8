package probe

import "net/http"

// SharedClient is one HTTP client for several runs (`probe --all-tenants`).
// It is built by NewSharedClient only, so it always has the protections of
// NewHTTPClient: verified TLS, timeouts, header cap, redirect policy.
type SharedClient struct {
	client *http.Client
}

// NewSharedClient builds the client from opts' roots and timeout; the
// tenant in opts does not matter. Close it when every run is done.
func NewSharedClient(opts Options) (*SharedClient, error) {
	c, err := NewHTTPClient(opts)
	if err != nil {
		return nil, err
	}
	return &SharedClient{client: c}, nil
}

// Close drops the idle connections.
func (s *SharedClient) Close() { s.client.CloseIdleConnections() }
