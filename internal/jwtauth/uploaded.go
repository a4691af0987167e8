package jwtauth

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var agoRE = regexp.MustCompile(`^(\d+)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)(\s+ago)?$`)

// ParseUploaded reads when a public key was uploaded, against now: how long
// ago ("20m", "20 minutes ago", "1h30m"), a time of today ("14:05"), a
// date and time ("2026-12-01 14:05", or RFC 3339 as the vendor's portal
// shows it), or words that know no time ("earlier", "unknown", empty).
// known is false for those: they leave the diagnosis as it was. The
// wizard's Step 1 answer and `probe --key-uploaded-at` both go through it
// (docs/jwt.md, "The wizard").
func ParseUploaded(v string, now time.Time) (at time.Time, known bool, err error) {
	s := strings.ToLower(strings.Join(strings.Fields(v), " "))
	switch s {
	case "", "unknown", "?", "don't know", "dont know", "i don't know", "i dont know", "not sure",
		"earlier", "long ago", "a while ago":
		return time.Time{}, false, nil
	case "now", "just now":
		return now, true, nil
	}
	if m := agoRE.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[m[2][0]]
		if err != nil || int64(n) > int64(math.MaxInt64/unit) {
			// Past what a Duration holds (about 292 years), the product
			// would wrap round to a time in the future.
			return time.Time{}, false, errors.New(s + " is too long ago: say earlier")
		}
		return now.Add(-time.Duration(n) * unit), true, nil
	}
	if d, err := time.ParseDuration(strings.TrimSuffix(s, " ago")); err == nil && d >= 0 {
		return now.Add(-d), true, nil
	}
	loc := now.Location()
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(v)); err == nil {
		return notFuture(t, now, strings.TrimSpace(v))
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return notFuture(t, now, s)
		}
	}
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		y, mo, d := now.Date()
		return notFuture(time.Date(y, mo, d, t.Hour(), t.Minute(), 0, 0, loc), now, s+" today")
	}
	return time.Time{}, false, errors.New("say how long ago (20m, 3h), a time (14:05, 2026-12-01T14:05:00Z), earlier or unknown")
}

// notFuture refuses a time after now (a minute of slack for clocks).
func notFuture(t, now time.Time, said string) (time.Time, bool, error) {
	if t.After(now.Add(time.Minute)) {
		return time.Time{}, false, fmt.Errorf("%s is later than now: give the date too, or how long ago (3h)", said)
	}
	return t, true, nil
}
