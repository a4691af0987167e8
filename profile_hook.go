//go:build fhirdoctor_profile

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// With -tags fhirdoctor_profile the binary writes a CPU profile to
// $FHIRDOCTOR_CPUPROFILE and a heap profile (at exit) to
// $FHIRDOCTOR_MEMPROFILE: how docs/benchmarks.md profiles the probe process
// alone, without the sandboxes serving it. Release builds have none of it.
func init() {
	if p := os.Getenv("FHIRDOCTOR_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			prev := stopProfile
			stopProfile = func() { pprof.StopCPUProfile(); _ = f.Close(); prev() }
		}
	}
	if p := os.Getenv("FHIRDOCTOR_MEMPROFILE"); p != "" {
		runtime.MemProfileRate = 64 << 10
		prev := stopProfile
		stopProfile = func() {
			prev()
			if f, err := os.Create(p); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				_ = f.Close()
			}
		}
	}
}
