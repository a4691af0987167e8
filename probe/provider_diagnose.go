package probe

// provider reasons on the provider app's round trip. Its failure was
// measured, not inferred, so when nothing else speaks for the same cause it
// is confirmed and its own remedy becomes the fix: the generic fix of a
// cause (about the system app) would mislead.
func (d *diagnosis) provider() {
	c, ok := d.by[ProviderRoundTripID]
	if !ok || c.Status != StatusFail || c.Facts == nil || c.Facts.Cause == "" {
		return
	}
	a, ok := d.acc[c.Facts.Cause]
	if !ok {
		return
	}
	if len(a.pro) == 1 && a.pro[0] == line(c) {
		a.raise(VerdictConfirmed, "")
		if c.Remedy != "" {
			a.fix = c.Remedy
		}
	}
}
