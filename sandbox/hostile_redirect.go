package sandbox

import (
	"net"
	"net/http"
)

// otherHostRoutes is the redirect target of HostileRedirect: another origin (same IP,
// another port) that records whether credentials followed the redirect and refuses
// like an OAuth server that received none.
func (s *Server) otherHostRoutes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hostile.otherReqs.Add(1)
		if r.Header.Get("Authorization") != "" {
			s.hostile.otherAuth.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"no client authentication received"}`))
	})
}

// writeRedirect sends the token request to the same path on the other listener.
func (s *Server) writeRedirect(w http.ResponseWriter, r *http.Request) {
	status := s.opts.RedirectStatus
	if status == 0 {
		status = http.StatusTemporaryRedirect
	}
	target := "https://" + s.hostile.otherHost + r.URL.Path
	http.Redirect(w, r, target, status)
}

// listenOtherHost opens the redirect target's listener when the mode needs one.
func (s *Server) listenOtherHost() (net.Listener, error) {
	if s.opts.Hostile != HostileRedirect {
		return nil, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.hostile.otherHost = ln.Addr().String()
	return ln, nil
}
