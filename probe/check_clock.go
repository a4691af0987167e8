package probe

import (
	"context"
	"fmt"
	"time"
)

// maxSkew is where clock skew starts to matter: JWT assertions and token
// lifetimes are judged in seconds, and Cerner allows little leeway.
const maxSkew = 60 * time.Second

// checkClock compares the local clock with the Date headers of the answers
// the other checks already received; it makes its own request only when
// none carried one.
func checkClock(ctx context.Context, s *state) Result {
	recs := s.requestLog()
	if !hasDate(recs) {
		base := s.opts.Tenant.Cerner.FHIRBaseURL
		if _, _, err := s.getPublic(ctx, base+"/metadata", "application/fhir+json"); err != nil {
			_, _, why := transportFailure(err, hostOf(base))
			return skipped("no server answered with a Date header (" + why + ")")
		}
		recs = s.requestLog()
	}
	var worst time.Duration
	var host string
	n := 0
	for _, rec := range recs {
		if rec.Date.IsZero() {
			continue
		}
		n++
		// Date is truncated to the second (so the server's time was on
		// average half a second later) and stamped while the request was
		// in flight (half the latency is the best estimate of when).
		skew := rec.Date.Add(time.Second / 2).Sub(rec.Local.Add(-rec.Latency / 2))
		if abs(skew) > abs(worst) || host == "" {
			worst, host = skew, rec.Host
		}
	}
	if n == 0 {
		return skipped("no server answered with a Date header")
	}
	f := &Facts{Skew: worst}
	r := Result{Status: StatusPass, Facts: f,
		Evidence: []string{fmt.Sprintf("%d Date header(s); largest difference from %s: %s", n, host, signed(worst))}}
	if abs(worst) > maxSkew {
		f.Cause = CauseClockSkew
		r.Status = StatusWarn
		r.Summary = fmt.Sprintf("local clock is %s off the server's (more than %s)", abs(worst).Round(time.Second), maxSkew)
		r.Remedy = "Synchronise the clock (timedatectl set-ntp true, or your OS's time settings): JWT-based auth and token expiry depend on it."
		return r
	}
	r.Summary = fmt.Sprintf("within %s of the servers", abs(worst).Round(time.Second))
	return r
}

func hasDate(recs []requestRecord) bool {
	for _, r := range recs {
		if !r.Date.IsZero() {
			return true
		}
	}
	return false
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func signed(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= 0 {
		return "server ahead by " + d.String()
	}
	return "server behind by " + (-d).String()
}
