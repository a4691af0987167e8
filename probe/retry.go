package probe

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// defaultRetryWait is the pause before retrying a 503 that names no
// Retry-After: long enough for a restarting node to be replaced behind a
// load balancer, short against any --timeout.
const defaultRetryWait = 500 * time.Millisecond

// send sends the request build makes and reads the answer. A 503 (one blip
// of a load balancer or a node restarting) is not an outage yet: send waits
// as the answer's Retry-After asks, when that fits in what is left of ctx's
// deadline (the check's --timeout), and sends once more. build is called
// for each attempt, so nothing of the first request is reused: a body is
// rebuilt, and a token request signed with a JWT assertion must be signed
// again in build (a fresh jti: servers refuse a replayed one). The answer
// that counts is the last; its Notes describe the first.
func (s *state) send(ctx context.Context, build func() (*http.Request, error)) (*response, *http.Request, error) {
	return s.sendVia(ctx, build, s.do)
}

// sendVia is send with the exchange of its choice (a shared fetch records
// its request log entry itself).
func (s *state) sendVia(ctx context.Context, build func() (*http.Request, error), do func(*http.Request) (*response, error)) (*response, *http.Request, error) {
	req, err := build()
	if err != nil {
		return nil, nil, err
	}
	resp, err := do(req)
	if err != nil || resp.Status != http.StatusServiceUnavailable {
		return resp, req, err
	}
	first := fmt.Sprintf("first answer: HTTP 503 in %s", ms(resp.Latency))
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		first += ", Retry-After " + clean(ra, 40)
	}
	wait, ok := retryWait(ctx, resp.Header.Get("Retry-After"), s.opts.Now())
	if !ok {
		resp.Notes = append(resp.Notes, first+": not retried, the wait does not fit in --timeout "+s.opts.Timeout.String())
		return resp, req, nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return resp, req, nil
	case <-t.C:
	}
	req2, err := build()
	if err != nil {
		return resp, req, nil
	}
	resp2, err := do(req2)
	if err != nil {
		// The retry failed outright: the 503 is the better evidence.
		resp.Notes = append(resp.Notes, first+fmt.Sprintf("; retried after %s: no answer (%v)", wait, stripURLs(err.Error())))
		return resp, req, nil
	}
	resp2.Notes = append(resp2.Notes, first+fmt.Sprintf("; retried once after %s: HTTP %d", wait, resp2.Status))
	return resp2, req2, nil
}

// retryWait is how long to wait before retrying a 503 with this
// Retry-After (seconds or an HTTP date; RFC 9110 10.2.3), and whether the
// wait and a second request fit before ctx's deadline.
func retryWait(ctx context.Context, retryAfter string, now time.Time) (time.Duration, bool) {
	wait := defaultRetryWait
	if retryAfter != "" {
		if secs, err := strconv.Atoi(retryAfter); err == nil && secs >= 0 {
			wait = time.Duration(secs) * time.Second
		} else if at, err := http.ParseTime(retryAfter); err == nil {
			wait = max(at.Sub(now), 0)
		} else {
			return 0, false
		}
	}
	if deadline, ok := ctx.Deadline(); ok {
		// Leave the second request at least as long as the wait itself.
		if left := time.Until(deadline); wait*2 >= left || left < time.Second {
			return wait, false
		}
	}
	return wait, true
}
