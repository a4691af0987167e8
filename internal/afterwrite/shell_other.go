//go:build !unix && !windows

package afterwrite

import "os/exec"

var shell = []string{"sh", "-c"}

func envKey(k string) string { return k }

func prepare(*exec.Cmd, string, func() bool) {}

func cleanup(*exec.Cmd) {}
