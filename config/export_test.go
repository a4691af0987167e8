package config

import "sync"

// editCount is how many kept edits of one File took each verification.
type editCount struct{ fast, full int }

var (
	editCountsMu sync.Mutex
	editCounts   = map[*File]editCount{}
)

func init() {
	onEdit = func(f *File, fast bool) {
		editCountsMu.Lock()
		defer editCountsMu.Unlock()
		c := editCounts[f]
		if fast {
			c.fast++
		} else {
			c.full++
		}
		editCounts[f] = c
	}
}

// edits reports the verifications f's kept edits used so far.
func edits(f *File) editCount {
	editCountsMu.Lock()
	defer editCountsMu.Unlock()
	return editCounts[f]
}
