package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

var requestIDField = regexp.MustCompile(`name="request_id" value="([^"]+)"`)

// signIn plays the browser for the printed link: it follows redirects and,
// when the sandbox asks, posts the sign-in form as a person would.
func signIn(t *testing.T, srv *sandbox.Server, link string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}}
	resp, err := c.Get(link)
	if err != nil {
		t.Errorf("following the link: %v", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := requestIDField.FindSubmatch(body); m != nil {
		resp, err = c.PostForm(srv.Info().AuthorizeURL, url.Values{"request_id": {string(m[1])}, "username": {"portal"},
			"password": {"portal"}, "decision": {"approve"}, "patient": {sandbox.TestPatientID}})
		if err != nil {
			t.Errorf("posting the sign-in form: %v", err)
			return
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if !bytes.Contains(body, []byte("You can close this tab")) {
		t.Errorf("the browser ended on %d %.300s", resp.StatusCode, body)
	}
}

type probeJSON struct {
	Checks []struct {
		ID, Status, Summary, Remedy string
		Evidence                    []string
	} `json:"checks"`
	Diagnosis struct{ Top string } `json:"diagnosis"`
	ExitCode  int                  `json:"exit_code"`
}

// TestProbeProvider runs `probe --provider --no-browser --json` in process,
// reads the sign-in link from its stderr (a pipe, as a terminal user sees
// it) and plays the browser.
func TestProbeProvider(t *testing.T) {
	tests := []struct {
		name        string
		autoApprove bool
		editConfig  func(string) string
		env         map[string]string
		wantLink    bool
		status      string
		exit        int
		stderr      string
	}{
		{name: "auto-approve", autoApprove: true, wantLink: true, status: "pass", exit: 0},
		{name: "sign-in form", wantLink: true, status: "pass", exit: 0},
		{name: "ssh session hints port forwarding", autoApprove: true, wantLink: true, status: "pass", exit: 0,
			env: map[string]string{"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}, stderr: "ssh -L"},
		{name: "launch without launch code", editConfig: func(s string) string {
			return strings.Replace(s, `scopes: "launch/patient`, `scopes: "launch launch/patient`, 1)
		}, status: "fail", exit: 5},
		{name: "remote redirect", editConfig: func(s string) string {
			return regexp.MustCompile(`redirect_uri: "[^"]*"`).ReplaceAllString(s, `redirect_uri: "https://app.example.com/callback"`)
		}, status: "fail", exit: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			redirect, err := freeLoopbackRedirect()
			if err != nil {
				t.Fatal(err)
			}
			srv, err := sandbox.Start(sandbox.Options{AutoApprove: tt.autoApprove, ProviderRedirectURI: redirect, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			info := srv.Info()
			cfg := info.ConfigFile
			if tt.editConfig != nil {
				b, err := os.ReadFile(cfg)
				if err != nil {
					t.Fatal(err)
				}
				cfg = filepath.Join(t.TempDir(), "config.yaml")
				if err := os.WriteFile(cfg, []byte(tt.editConfig(string(b))), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			pr, pw := io.Pipe()
			var stdout bytes.Buffer
			env := map[string]string{"NO_COLOR": "1"}
			for k, v := range tt.env {
				env[k] = v
			}
			streams := &IOStreams{In: strings.NewReader(""), Out: &stdout, Err: pw, Getenv: func(k string) string { return env[k] }}
			code := make(chan int, 1)
			go func() {
				defer pw.Close()
				code <- run(context.Background(), streams, []string{"probe", "--config", cfg, "--cacert", info.CAFile, "--provider", "--no-browser", "--json"})
			}()
			var stderr strings.Builder
			sc := bufio.NewScanner(pr)
			linked := false
			var browsing sync.WaitGroup
			defer browsing.Wait()
			for sc.Scan() {
				line := sc.Text()
				stderr.WriteString(line + "\n")
				if link, ok := strings.CutPrefix(line, "Open this URL to sign in: "); ok {
					linked = true
					browsing.Add(1)
					go func() {
						defer browsing.Done()
						signIn(t, srv, link)
					}()
				}
			}
			got := <-code
			browsing.Wait()
			if linked != tt.wantLink {
				t.Errorf("link printed: %v, want %v; stderr:\n%s", linked, tt.wantLink, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr.String())
			}
			var doc probeJSON
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				t.Fatalf("stdout is not the JSON document: %v\n%s", err, stdout.String())
			}
			var rt *struct {
				ID, Status, Summary, Remedy string
				Evidence                    []string
			}
			for i := range doc.Checks {
				if doc.Checks[i].ID == "provider.roundtrip" {
					rt = &doc.Checks[i]
				}
			}
			if rt == nil || rt.Status != tt.status {
				t.Fatalf("provider.roundtrip = %+v, want status %s", rt, tt.status)
			}
			if got != tt.exit || doc.ExitCode != tt.exit {
				t.Errorf("exit %d (document says %d), want %d; top %s: %s", got, doc.ExitCode, tt.exit, doc.Diagnosis.Top, rt.Summary)
			}
			for _, tok := range srv.IssuedTokens() {
				if strings.Contains(stdout.String(), tok) || strings.Contains(stderr.String(), tok) {
					t.Fatal("an access token reached the output")
				}
			}
		})
	}
}

// TestWizardProviderRoundTrip: the wizard's wiring shows the link, opens no
// browser over SSH, and the round trip completes when the link is followed.
func TestWizardProviderRoundTrip(t *testing.T) {
	redirect, err := freeLoopbackRedirect()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.Start(sandbox.Options{AutoApprove: true, ProviderRedirectURI: redirect, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	f, err := config.Load(srv.Info().ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := f.Tenant("")
	if err != nil {
		t.Fatal(err)
	}
	rt := wizardProviderRoundTrip(func(t config.Tenant) probe.Options {
		return probe.Options{Tenant: t, RootCAs: srv.CertPool(), Version: "test"}
	}, browserOpener(func(k string) string { return map[string]string{"SSH_TTY": "/dev/pts/9"}[k] }))
	signedIn := make(chan struct{})
	out := rt(context.Background(), tenant, func(link string) {
		go func() {
			defer close(signedIn)
			signIn(t, srv, link)
		}()
	})
	<-signedIn
	if out.Status != probe.StatusPass {
		t.Fatalf("%s: %s\n%s", out.Status, out.Summary, strings.Join(out.Evidence, "\n"))
	}
}
