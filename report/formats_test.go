package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// sampleReport has one check of each status; the failed token check carries
// its HTTP answer as values.
func sampleReport() *probe.Report {
	checks := []probe.CheckResult{
		{ID: "config", Title: "Configuration", Result: probe.Result{Status: probe.StatusPass, Summary: "tenant default"}},
		{ID: "discovery", Title: "SMART discovery", Result: probe.Result{Status: probe.StatusWarn, Summary: "scopes absent from scopes_supported",
			Evidence: []string{"GET https://fhir.example/r4/t/.well-known/smart-configuration: 200 in 12ms"},
			HTTP:     &probe.HTTPExchange{Status: 200, ContentType: "application/json"}}},
		{ID: "token", Title: "Token request", Result: probe.Result{Status: probe.StatusFail, Duration: 42 * time.Millisecond,
			Summary:  "401 invalid_client (invalid-client-credentials): the secret is wrong, 100% sure\nsecond line",
			Evidence: []string{"error: invalid_client"}, Remedy: "Regenerate the client secret, a, b: c.",
			HTTP: &probe.HTTPExchange{Status: 401, ContentType: "application/json", OAuthError: "invalid_client",
				ErrorURI: "https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Ainvalid-client-credentials/instances/c-1", CorrelationID: "c-1"},
			Facts: &probe.Facts{Cause: probe.CauseSecretInvalid}}},
		{ID: "fhir.patient", Title: "Read Patient", Result: probe.Result{Status: probe.StatusSkip, Summary: "needs token, which failed"}},
	}
	return &probe.Report{Tenant: "default", ConfigPath: "c.yaml", StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Duration: time.Second, Checks: checks, Diagnosis: probe.Diagnose(checks)}
}

func TestJSONHTTPObject(t *testing.T) {
	b, err := JSON(sampleReport(), "test")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Checks []map[string]json.RawMessage `json:"checks"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	byID := map[string]map[string]json.RawMessage{}
	for _, c := range doc.Checks {
		var id string
		_ = json.Unmarshal(c["id"], &id)
		byID[id] = c
	}
	var tok map[string]any
	if err := json.Unmarshal(byID["token"]["http"], &tok); err != nil {
		t.Fatalf("token has no http object: %v", err)
	}
	if tok["status"] != float64(401) || tok["oauth_error"] != "invalid_client" || tok["correlation_id"] != "c-1" ||
		!strings.Contains(tok["error_uri"].(string), "invalid-client-credentials") || tok["content_type"] != "application/json" {
		t.Errorf("token http = %v", tok)
	}
	var disc map[string]any
	_ = json.Unmarshal(byID["discovery"]["http"], &disc)
	if _, ok := disc["oauth_error"]; ok || disc["status"] != float64(200) {
		t.Errorf("discovery http = %v: absent fields must be omitted", disc)
	}
	if _, ok := byID["config"]["http"]; ok {
		t.Error("a check without an HTTP exchange has an http key")
	}
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, []*probe.Report{sampleReport()}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "<?xml") {
		t.Fatalf("no XML header:\n%s", buf.String())
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if len(doc.Suites) != 1 || doc.Tests != 4 || doc.Failures != 1 || doc.Skipped != 1 {
		t.Fatalf("suites %d, tests %d, failures %d, skipped %d; want 1, 4, 1, 1", len(doc.Suites), doc.Tests, doc.Failures, doc.Skipped)
	}
	cases := map[string]junitCase{}
	for _, c := range doc.Suites[0].Cases {
		cases[c.Name] = c
	}
	if f := cases["token"].Failure; f == nil || !strings.Contains(f.Message, "invalid_client") || !strings.Contains(f.Text, "fix: Regenerate") || f.Type != "secret-invalid" {
		t.Errorf("token failure = %+v", f)
	}
	if cases["fhir.patient"].Skipped == nil || cases["config"].Failure != nil || !strings.Contains(cases["discovery"].SystemOut, "warning") {
		t.Errorf("cases = %+v", cases)
	}
	if cases["token"].Time != "0.042" {
		t.Errorf("token time %q, want 0.042", cases["token"].Time)
	}
}

func TestGitHub(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, []*probe.Report{sampleReport()}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	want := []string{
		"::warning title=discovery::scopes absent from scopes_supported%0AGET https://fhir.example/r4/t/.well-known/smart-configuration: 200 in 12ms",
		"::error title=token::401 invalid_client (invalid-client-credentials): the secret is wrong, 100%25 sure%0Asecond line%0Aerror: invalid_client%0Afix: Regenerate the client secret, a, b: c.",
	}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Errorf("line %d:\n got %q\nwant %q", i, lines[min(i, len(lines)-1)], w)
		}
	}
	if !strings.HasPrefix(lines[2], "::error title=diagnosis::secret-invalid: ") {
		t.Errorf("no diagnosis annotation: %q", lines[2])
	}
	if !strings.Contains(lines[3], "diagnosis secret-invalid, exit 3") {
		t.Errorf("no summary line: %q", lines[3])
	}
}

func TestFindingsFormats(t *testing.T) {
	findings := []config.Finding{
		{Severity: config.SeverityError, Pos: config.Position{File: "dir,x/bad.yaml", Line: 7, Col: 20}, Tenant: "default", Key: "cerner.system_app.token_url", Message: "`token_url` must use https"},
		{Severity: config.SeverityWarning, Pos: config.Position{File: "bad.yaml", Line: 5, Col: 20}, Message: "not a UUID"},
		{Severity: config.SeverityError, Pos: config.Position{File: "broken.yaml"}, Message: "cannot read"},
	}
	var buf bytes.Buffer
	if err := FindingsGitHub(&buf, findings); err != nil {
		t.Fatal(err)
	}
	want := "::error file=dir%2Cx/bad.yaml,line=7,col=20,title=cerner.system_app.token_url::`token_url` must use https\n" +
		"::warning file=bad.yaml,line=5,col=20,title=config::not a UUID\n" +
		"::error file=broken.yaml,title=config::cannot read\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	b, err := ValidateJSON("bad.yaml", []string{"default"}, findings)
	if err != nil {
		t.Fatal(err)
	}
	var doc ValidateDocument
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Valid || doc.Errors != 2 || doc.Warnings != 1 || len(doc.Findings) != 3 || doc.Findings[0].Line != 7 || doc.Findings[0].Col != 20 {
		t.Errorf("validate document %+v", doc)
	}
}

// TestTextWrap: at a narrow width no line is wider than the width unless it
// is one word, no word is split, and causes numbered 10 and up align.
func TestTextWrap(t *testing.T) {
	r := sampleReport()
	r.Checks[2].Evidence = append(r.Checks[2].Evidence, "rerun: curl -sS -i -X POST 'https://authorization.example/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/token'")
	var causes []probe.Cause
	for i := range 11 {
		causes = append(causes, probe.Cause{ID: probe.CauseID(fmt.Sprintf("cause-%d", i+1)), Verdict: probe.VerdictPossible,
			Evidence: []string{"not measured by the checks that ran, and this sentence is long enough to wrap"}})
	}
	r.Diagnosis = probe.Diagnosis{Top: causes[0].ID, Causes: causes}
	const width = 50
	var buf bytes.Buffer
	if err := Text(&buf, r, TextOptions{Width: width}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	var plain bytes.Buffer
	_ = Text(&plain, r, TextOptions{})
	if strings.Join(strings.Fields(out), " ") != strings.Join(strings.Fields(plain.String()), " ") {
		t.Errorf("wrapping changed or split words:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if len([]rune(l)) > width && len(strings.Fields(l)) > 1 && !strings.HasPrefix(strings.TrimSpace(l), "rerun:") {
			t.Errorf("line wider than %d: %q", width, l)
		}
	}
	col := func(prefix string) int {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " "), prefix) {
				return strings.Index(l, "cause-")
			}
		}
		return -1
	}
	if c9, c10 := col("9. "), col("10. "); c9 < 0 || c9 != c10 {
		t.Errorf("cause 9 starts at column %d, cause 10 at %d:\n%s", c9, c10, out)
	}
}
