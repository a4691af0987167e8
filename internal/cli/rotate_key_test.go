package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/internal/jwtauth"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// registerJWKS uploads a public JWK Set through the sandbox console, as a
// user pastes the printed file into the vendor's portal.
func registerJWKS(t *testing.T, srv *sandbox.Server, jwksPath string) {
	t.Helper()
	body, err := os.ReadFile(jwksPath)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.Info().ConsoleURL+"/jwks", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("console refused the JWK Set: %d %s", resp.StatusCode, b)
	}
}

// assertNoKeyMaterial fails if a text holds a JWT or a line of a PEM file.
func assertNoKeyMaterial(t *testing.T, pemFiles []string, texts ...string) {
	t.Helper()
	var needles []string
	for _, p := range pemFiles {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		needles = append(needles, pemLines(string(b))...)
	}
	for i, text := range texts {
		if jwtShaped.MatchString(text) {
			t.Fatalf("output %d holds a JWT", i)
		}
		for _, n := range needles {
			if strings.Contains(text, n) {
				t.Fatalf("output %d holds a line of a private key", i)
			}
		}
	}
}

// rotateUploading runs `rotate --new-key --yes` (plus extra) on srv's
// config, registers the JWK Set it says to upload through the console, as
// a user does in the portal, and wants exit 0.
func rotateUploading(t *testing.T, srv *sandbox.Server, extra ...string) (out *bytes.Buffer, errText *frames, jwksPath string) {
	t.Helper()
	info := srv.Info()
	pr, pw := io.Pipe()
	out, errText = &bytes.Buffer{}, &frames{}
	streams := &IOStreams{In: strings.NewReader(""), Out: out, Err: io.MultiWriter(pw, errText), Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		args := append([]string{"rotate", "--new-key", "--yes", "--config", info.ConfigFile, "--cacert", info.CAFile,
			"--wait", "2m", "--poll-interval", "20ms"}, extra...)
		code := run(context.Background(), streams, args)
		_ = pw.Close()
		done <- code
	}()
	upload := regexp.MustCompile(`^Upload this public key: (.+\.jwks\.json)$`)
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if m := upload.FindStringSubmatch(sc.Text()); m != nil {
			jwksPath = m[1]
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if jwksPath == "" {
		t.Fatalf("no upload line; exit %d\nstderr: %s", <-done, errText.String())
	}
	// The server refuses the new key until it is registered.
	registerJWKS(t, srv, jwksPath)
	if code := <-done; code != 0 {
		t.Fatalf("rotate exit %d\nstdout: %s\nstderr: %s", code, out.String(), errText.String())
	}
	return out, errText, jwksPath
}

// TestRotateNewKeyEndToEnd is the headless rotation of a JWT app: rotate
// prints the upload line, the test registers the printed JWK Set through
// the console, rotate sees the key accepted and writes the config, and
// probe passes with the new key while the old key file is still on disk.
func TestRotateNewKeyEndToEnd(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown", Propagation: -1})
	info := srv.Info()
	oldKey := srv.EpicKeyPath()
	before, _ := os.ReadFile(info.ConfigFile)

	out, errText, jwksPath := rotateUploading(t, srv)
	if !strings.Contains(errText.String(), "✓ the server accepted kid") {
		t.Errorf("stderr lacks the acceptance:\n%s", errText.String())
	}
	newKey := strings.TrimSuffix(jwksPath, ".jwks.json") + ".pem"
	kid := strings.TrimSuffix(filepath.Base(newKey), ".pem")
	f, err := config.Load(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := f.Tenant("")
	if err != nil {
		t.Fatal(err)
	}
	if app := tenant.Cerner.SystemApp; app.KeyID != kid || app.PrivateKeyPath != newKey {
		t.Fatalf("config has key_id %q, private_key_path %q; want %q, %q", app.KeyID, app.PrivateKeyPath, kid, newKey)
	}
	if _, err := os.Stat(oldKey); err != nil {
		t.Fatalf("the old key file is gone: %v", err)
	}
	if st, _ := os.Stat(newKey); st.Mode().Perm() != 0o600 {
		t.Errorf("new key mode %v", st.Mode())
	}
	if !strings.Contains(out.String(), "old key kept") || !strings.Contains(out.String(), oldKey) {
		t.Errorf("the summary does not name the old key:\n%s", out.String())
	}
	for _, want := range []string{"What remains", "it signs with the new key (kid " + kid + ") only then", "retire the old key " + oldKey} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("what remains lacks %q:\n%s", want, out.String())
		}
	}
	after, _ := os.ReadFile(info.ConfigFile)
	if bytes.Equal(before, after) {
		t.Fatal("config unchanged")
	}
	pout, perr, code := runCLI(t, nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.CAFile)
	if code != 0 {
		t.Fatalf("probe after rotation: exit %d\n%s\n%s", code, pout, perr)
	}
	assertNoSecret(t, srv, out.String(), errText.String(), pout, perr)
	assertNoKeyMaterial(t, []string{oldKey, newKey}, out.String(), errText.String(), pout, perr)
}

// TestRotateNewKeyWaitExpires: the server never accepts the key within
// --wait: exit 3, config untouched, files kept, and the printed
// --adopt-key command resumes and writes the config once it is accepted.
func TestRotateNewKeyWaitExpires(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown", Propagation: -1})
	info := srv.Info()
	before, _ := os.ReadFile(info.ConfigFile)
	keyDir := t.TempDir()
	out, errOut, code := runCLI(t, nil, "", "rotate", "--new-key", "--alg", "ES384", "--key-dir", keyDir, "--yes",
		"--config", info.ConfigFile, "--cacert", info.CAFile, "--wait", "150ms", "--poll-interval", "20ms")
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out, errOut)
	}
	if after, _ := os.ReadFile(info.ConfigFile); !bytes.Equal(before, after) {
		t.Fatal("the config changed although the key was never accepted")
	}
	m := regexp.MustCompile(`(?m)^  (fhirdoctor rotate --adopt-key (\S+) --kid (\S+) .*)$`).FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("no resume command:\n%s", errOut)
	}
	keyFile, kid := m[2], m[3]
	for _, ext := range []string{".pem", ".jwks.json", ".cert.pem"} {
		if _, err := os.Stat(filepath.Join(keyDir, kid+ext)); err != nil {
			t.Errorf("%s not kept: %v", ext, err)
		}
	}
	if keyFile != filepath.Join(keyDir, kid+".pem") {
		t.Errorf("resume names %s", keyFile)
	}
	registerJWKS(t, srv, filepath.Join(keyDir, kid+".jwks.json"))
	args := strings.Fields(m[1])[1:]
	args = append(args, "--yes", "--poll-interval", "20ms")
	out2, errOut2, code := runCLI(t, nil, "", args...)
	if code != 0 {
		t.Fatalf("adopt: exit %d\n%s\n%s", code, out2, errOut2)
	}
	f, _ := config.Load(info.ConfigFile)
	tenant, _ := f.Tenant("")
	if tenant.Cerner.SystemApp.KeyID != kid || tenant.Cerner.SystemApp.PrivateKeyPath != keyFile {
		t.Fatalf("adopt wrote key_id %q path %q", tenant.Cerner.SystemApp.KeyID, tenant.Cerner.SystemApp.PrivateKeyPath)
	}
	entries, _ := os.ReadDir(keyDir)
	if len(entries) != 3 {
		t.Errorf("adopt made another key: %d files", len(entries))
	}
	assertNoKeyMaterial(t, []string{keyFile, srv.EpicKeyPath()}, out, errOut, out2, errOut2)
}

func TestRotateKeyFlags(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic})
	secretSrv := startSandbox(t, sandbox.Options{})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"adopt without kid", []string{"--adopt-key", "x.pem"}, "--adopt-key needs --kid"},
		{"both", []string{"--new-key", "--adopt-key", "x.pem", "--kid", "k"}, "pick one"},
		{"bad alg", []string{"--new-key", "--alg", "RS256"}, "choose RS384"},
		{"kid alone", []string{"--kid", "k", "--client-secret-stdin"}, "--kid is for JWT apps"},
		{"adopt a certificate", []string{"--adopt-key", srv.Info().CAFile, "--kid", "k"}, "holds a certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, nil, "", append([]string{"rotate", "--config", srv.Info().ConfigFile, "--cacert", srv.Info().CAFile}, tc.args...)...)
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut, tc.want)
			}
		})
	}
	_, errOut, code := runCLI(t, nil, "", "rotate", "--new-key", "--config", secretSrv.Info().ConfigFile)
	if code != 1 || !strings.Contains(errOut, "authenticates with a client secret") {
		t.Errorf("secret app: exit %d %q", code, errOut)
	}
}

// TestNoSecretWrittenToAJWTApp: the one place rotate and the wizard write a
// secret refuses a JWT app, whose key would win over any secret.
func TestNoSecretWrittenToAJWTApp(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic})
	f, err := config.Load(srv.Info().ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := f.Tenant("")
	if err != nil {
		t.Fatal(err)
	}
	before := append([]byte(nil), f.Bytes()...)
	if _, err := writeCredentials(f, tenant, tenant.Cerner.SystemApp.ClientID, config.NewSecret("FAKE-secret-0000000000"), config.SaveOptions{}); err == nil || !strings.Contains(err.Error(), "rotate --new-key") {
		t.Fatalf("a secret was written to a JWT app: %v", err)
	}
	if after, _ := os.ReadFile(srv.Info().ConfigFile); !bytes.Equal(before, after) {
		t.Error("the config changed")
	}
}

// TestRotateKeyThen: --then runs after a key rotation is written, in the
// backend root, stops at the first failure (exit 8) with the config kept,
// and what the commands print never shows a line of the private key, even
// when a command prints the key file itself.
func TestRotateKeyThen(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Scenario: "jwt-key-unknown", Propagation: -1})
	info := srv.Info()
	key, err := jwtauth.Generate(jwtauth.ES384)
	if err != nil {
		t.Fatal(err)
	}
	const kid = "then-test-kid"
	kf, err := key.WriteFiles(t.TempDir(), kid, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	registerJWKS(t, srv, kf.JWKS)
	out, errOut, code := runCLI(t, nil, "", "rotate", "--adopt-key", kf.Private, "--kid", kid, "--yes",
		"--config", info.ConfigFile, "--cacert", info.CAFile, "--wait", "1m", "--poll-interval", "20ms",
		"--then", "cat '"+kf.Private+"' '"+srv.EpicKeyPath()+"'; echo ran > then-marker",
		"--then", "exit 3",
		"--then", "echo never")
	if code != 8 {
		t.Fatalf("exit %d, want 8 (a --then command failed)\n%s\n%s", code, out, errOut)
	}
	f, err := config.Load(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, _ := f.Tenant("")
	if tenant.Cerner.SystemApp.KeyID != kid {
		t.Fatalf("key_id %q: the key was not written before --then ran", tenant.Cerner.SystemApp.KeyID)
	}
	if _, err := os.Stat(filepath.Join(f.Environment().Root, "then-marker")); err != nil {
		t.Errorf("the first command did not run in the backend root: %v", err)
	}
	for _, want := range []string{"✓ cat", "✗ exit 3", "not run: echo never", "sha256:"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	assertNoKeyMaterial(t, []string{kf.Private, srv.EpicKeyPath()}, out, errOut)
}

func TestRotateKeyRefusesAlso(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--also", "tenant:other"}, "rotate --adopt-key NEW.pem --kid K --tenant NAME"},
		{[]string{"--then", " "}, "--then: empty command"},
		{[]string{"--then", "true", "--then-timeout", "0s"}, "--then-timeout must be positive"},
	} {
		args := append([]string{"rotate", "--new-key", "--config", srv.Info().ConfigFile, "--cacert", srv.Info().CAFile}, tc.args...)
		_, errOut, code := runCLI(t, nil, "", args...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestRotateNewKeyNewApp is Option B for a JWT app: the old app is gone
// (the console made a new one), rotate --new-key --client-id makes the key,
// waits until the new app accepts it, then writes client_id with the key;
// probe passes with the new pair.
func TestRotateNewKeyNewApp(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Vendor: sandbox.VendorEpic, Propagation: -1})
	info := srv.Info()
	newID := srv.NewEpicApp()
	if _, _, code := runCLI(t, nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.CAFile); code == 0 {
		t.Fatal("the old app still works after the console replaced it")
	}
	out, errText, jwksPath := rotateUploading(t, srv, "--client-id", newID)
	kid := strings.TrimSuffix(filepath.Base(jwksPath), ".jwks.json")
	f, err := config.Load(info.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	tenant, _ := f.Tenant("")
	if app := tenant.Cerner.SystemApp; app.ClientID != newID || app.KeyID != kid {
		t.Fatalf("config has client_id %q key_id %q; want %q %q", app.ClientID, app.KeyID, newID, kid)
	}
	if !strings.Contains(out.String(), "client_id         "+sandbox.EpicClientID+" → "+newID) {
		t.Errorf("the summary does not show the new client id:\n%s", out.String())
	}
	pout, perr, code := runCLI(t, nil, "", "probe", "--config", info.ConfigFile, "--cacert", info.CAFile)
	if code != 0 {
		t.Fatalf("probe after the new app: exit %d\n%s\n%s", code, pout, perr)
	}
	assertNoKeyMaterial(t, []string{srv.EpicKeyPath()}, out.String(), errText.String(), pout, perr)
}

func TestAdoptCommand(t *testing.T) {
	g := &globals{configPath: "/srv/backend/.settings.dev/config.yaml", tenant: "epic prod"}
	got := adoptCommand(g, "/srv/keys/k1.pem", "k1", "new-app", "old-app")
	want := "fhirdoctor rotate --adopt-key /srv/keys/k1.pem --kid k1 --client-id new-app --config /srv/backend/.settings.dev/config.yaml --tenant 'epic prod' --wait 1h"
	if got != want {
		t.Errorf("new app:\n got %s\nwant %s", got, want)
	}
	if got := adoptCommand(g, "/srv/keys/k1.pem", "k1", "same", "same"); strings.Contains(got, "--client-id") {
		t.Errorf("same app names a client id: %s", got)
	}
}
