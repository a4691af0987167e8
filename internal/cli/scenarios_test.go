package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// TestProbeScenarios runs the real command against the sandbox over TLS for
// every scenario of docs/design.md: top cause, exit code, key evidence, and no
// secret anywhere in the output.
func TestProbeScenarios(t *testing.T) {
	cases := []struct {
		scenario string
		top      string
		code     int
		evidence []string // substrings of the text output
	}{
		{"healthy", "ok", 0, []string{"SMART", "Nancy"}},
		{"secret-rotated", "secret-invalid", 3, []string{"invalid-client-credentials", "Cerner-Correlation-Id"}},
		{"access-denied", "edge-block", 4, []string{"Access denied", "edge-block"}},
		{"empty-scopes", "scope-not-granted", 5, []string{"empty-scopes"}},
		{"partial-scopes", "scope-not-granted", 5, []string{"scope-not-granted"}},
		{"invalid-tenant", "tenant-mismatch", 5, []string{"invalid-tenant"}},
		{"fhir-insufficient-scope", "fhir-access", 6, []string{"insufficient_scope"}},
		{"outage", "server-outage", 7, []string{"503"}},
		{"clock-skew", "ok", 0, []string{"clock"}},
		{"slow", "server-outage", 7, []string{"server-outage"}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			srv := startSandbox(t, sandbox.Options{Scenario: tc.scenario, SlowDelay: 5 * time.Second})
			info := srv.Info()
			args := []string{"probe", "--config", info.ConfigFile, "--cacert", info.CAFile}
			if tc.scenario == "slow" {
				args = append(args, "--timeout", "2s")
			}
			out, errOut, code := runCLI(t, nil, "", append(args, "--json")...)
			assertNoSecret(t, srv, out, errOut)
			if code != tc.code {
				t.Errorf("--json exit code = %d, want %d\nstderr: %s", code, tc.code, errOut)
			}
			var doc struct {
				Diagnosis struct{ Top string } `json:"diagnosis"`
				ExitCode  int                  `json:"exit_code"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("stdout is not the JSON document alone: %v\n%s", err, out)
			}
			if doc.Diagnosis.Top != tc.top || doc.ExitCode != tc.code {
				t.Errorf("top = %q exit_code = %d, want %q %d", doc.Diagnosis.Top, doc.ExitCode, tc.top, tc.code)
			}

			text, errOut, code := runCLI(t, nil, "", args...)
			assertNoSecret(t, srv, text, errOut)
			if code != tc.code {
				t.Errorf("text exit code = %d, want %d", code, tc.code)
			}
			for _, e := range tc.evidence {
				if !strings.Contains(text, e) {
					t.Errorf("text output lacks %q:\n%s", e, text)
				}
			}
		})
	}
}

// TestProbeInterrupted: a probe cut short by ctrl+c exits 130 and does not
// report "ok" from checks it never ran.
func TestProbeInterrupted(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "slow", SlowDelay: time.Minute})
	info := srv.Info()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	streams := &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, streams, []string{"probe", "--config", info.ConfigFile, "--cacert", info.CAFile, "--json"})
	}()
	cancel()
	if code := <-done; code != 130 {
		t.Errorf("exit code %d, want 130\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
	}
	if strings.Contains(out.String(), `"top": "ok"`) {
		t.Error("an interrupted probe reported ok")
	}
}
