package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// TestSandboxCommandJSON runs `fhirdoctor sandbox --json` as a user would in
// one terminal, reads its one JSON line, probes it from "another" with the
// config and CA it names, then interrupts it.
func TestSandboxCommandJSON(t *testing.T) {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		streams := &IOStreams{In: strings.NewReader(""), Out: pw, Err: io.Discard, Getenv: func(string) string { return "" }}
		done <- run(ctx, streams, []string{"sandbox", "--json", "--scenario", "access-denied"})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no JSON line: %v", err)
	}
	var info map[string]string
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("not JSON: %v: %s", err, line)
	}
	for _, k := range []string{"fhir_base_url", "token_url", "authorize_url", "console_url", "ca_file", "config_file", "scenario"} {
		if info[k] == "" {
			t.Errorf("%s missing from %s", k, line)
		}
	}
	out, errOut, code := runCLI(t, nil, "", "probe", "--config", info["config_file"], "--cacert", info["ca_file"], "--json")
	if code != 4 || !strings.Contains(out, `"top": "edge-block"`) {
		t.Errorf("probe of the sandbox: exit %d\n%s%s", code, out, errOut)
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if code := <-done; code != 130 {
		t.Errorf("sandbox exited %d after the interrupt, want 130", code)
	}
}
