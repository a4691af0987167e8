package sandbox

import "net/http"

// blip answers the first request of every path 503, as a load balancer does
// while a node restarts, and passes every later one to next. Retry-After: 1
// tells a client that retries how long the blip lasts.
func (s *Server) blip(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, seen := s.hostile.blipped.LoadOrStore(r.URL.Path, true); seen {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(outagePage))
	})
}
