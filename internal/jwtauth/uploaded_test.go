package jwtauth

import (
	"strings"
	"testing"
	"time"
)

func TestParseUploaded(t *testing.T) {
	now := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in      string
		ago     time.Duration // when known
		known   bool
		errPart string
	}{
		{"", 0, false, ""},
		{"unknown", 0, false, ""},
		{"I don't know", 0, false, ""},
		{"  Earlier ", 0, false, ""},
		{"20m", 20 * time.Minute, true, ""},
		{"20m ago", 20 * time.Minute, true, ""},
		{"20 minutes ago", 20 * time.Minute, true, ""},
		{"1 min", time.Minute, true, ""},
		{"3h", 3 * time.Hour, true, ""},
		{"2 hours ago", 2 * time.Hour, true, ""},
		{"1h30m", 90 * time.Minute, true, ""},
		{"2 days ago", 48 * time.Hour, true, ""},
		{"just now", 0, true, ""},
		{"16:35", 25 * time.Minute, true, ""},
		{"2026-12-01 16:50", 10 * time.Minute, true, ""},
		{"2026-12-01T16:50:00Z", 10 * time.Minute, true, ""},
		{"2026-12-01T17:50:00+01:00", 10 * time.Minute, true, ""},
		{"17:30", 0, false, "later than now"},
		{"2026-12-02T09:00:00Z", 0, false, "later than now"},
		{"yesterday-ish", 0, false, "how long ago"},
		{"-5m", 0, false, "how long ago"},
		{"99999999999h", 0, false, "too long ago"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			at, known, err := ParseUploaded(tc.in, now)
			switch {
			case tc.errPart != "":
				if err == nil || !strings.Contains(err.Error(), tc.errPart) {
					t.Fatalf("err %v, want one saying %q", err, tc.errPart)
				}
			case err != nil:
				t.Fatal(err)
			case known != tc.known:
				t.Fatalf("known %v, want %v", known, tc.known)
			case known && !at.Equal(now.Add(-tc.ago)):
				t.Fatalf("at %s, want %s ago", at, tc.ago)
			}
		})
	}
}

// FuzzParseUploaded: whatever is typed or passed as --key-uploaded-at, the
// parser never panics, a known time is never later than now (plus the
// minute of slack), and a refusal carries no time.
func FuzzParseUploaded(f *testing.F) {
	for _, s := range []string{"20m", "20 minutes ago", "1h30m", "14:05", "2026-12-01 14:05", "2026-12-01T14:05:00Z", "earlier", "unknown", "-5m", "99999999999h", "25:61", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		at, known, err := ParseUploaded(v, now)
		switch {
		case err != nil && (known || !at.IsZero()):
			t.Fatalf("%q: refused (%v) but known=%v at=%s", v, err, known, at)
		case err == nil && !known && !at.IsZero():
			t.Fatalf("%q: unknown but at=%s", v, at)
		case known && at.After(now.Add(time.Minute)):
			t.Fatalf("%q: %s is later than now", v, at)
		}
	})
}
