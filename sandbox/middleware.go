package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one line per request: method, path (never the query, which can carry
// codes and state) and status. Headers and bodies are never logged.
func (s *Server) logRequests(listener string, next http.Handler) http.Handler {
	if s.opts.Log == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = 499 // the client went away before an answer (slow scenario)
		}
		s.logMu.Lock()
		defer s.logMu.Unlock()
		fmt.Fprintf(s.opts.Log, "%s %s %s %s %d %s\n", start.UTC().Format(time.RFC3339), listener, r.Method, r.URL.Path, status, time.Since(start).Round(time.Millisecond))
	})
}

// scenarioMiddleware applies what a scenario does to every answer of the TLS host:
// injected latency, the slow wait, the outage page and the skewed Date header.
func (s *Server) scenarioMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !wait(r.Context(), s.opts.Latency) {
			return
		}
		if s.scenario.slow && !wait(r.Context(), s.opts.SlowDelay) {
			return
		}
		// net/http keeps a Date header the handler set, so the skew reaches the client.
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		if s.scenario.outage {
			writeOutage(w)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wait sleeps for d unless ctx ends first; it reports whether the answer should go on.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

const outagePage = `<!DOCTYPE html>
<html><head><title>503 Service Unavailable</title></head>
<body><h1>Service Unavailable</h1>
<p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p>
</body></html>
`

// writeOutage answers like a load balancer in front of a down service: HTML, no JSON.
func writeOutage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Retry-After", "120")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(outagePage))
}
