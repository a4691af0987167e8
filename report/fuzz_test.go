package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// fuzzSecret is configured in every fuzzed report; the renderer shows its
// fingerprint only.
const fuzzSecret = "FAKE-fuzz-secret+/=0123456789abcdef"

// FuzzJSONEvidence feeds arbitrary strings (server text quoted in evidence,
// odd tenant names, control characters, invalid UTF-8, HTML) through the
// --json renderers: the output is always one valid JSON document that
// decodes back to exactly what was rendered (invalid UTF-8 coerced to
// U+FFFD, as encoding/json documents), and never holds the secret.
func FuzzJSONEvidence(f *testing.F) {
	f.Add("default", "token", "Token request", "HTTP 403 Access denied", "<html><body>Access denied</body></html>", "retry", "edge-block", int64(84))
	f.Add("t\x00\u2028", "fhir.Patient", "", "\"}]},{", "\\u0000 \xff\xfe \xc3\x28", "\t\r\n", "", int64(-1))
	f.Add("", "", "", "", "", "", "", int64(0))
	f.Add("</script>", "dns", "DNS", "&amp; <b>", strings.Repeat("[", 64), "\u00e9\u0301", "secret-invalid", int64(1<<40))
	f.Fuzz(func(t *testing.T, tenant, id, title, summary, evidence, remedy, cause string, ms int64) {
		r := &probe.Report{
			Tenant:     tenant,
			ConfigPath: "/cfg/" + tenant,
			StartedAt:  time.Unix(1_700_000_000, 0),
			Duration:   time.Duration(ms) * time.Millisecond,
			Checks: []probe.CheckResult{
				{ID: id, Title: title, Result: probe.Result{Status: probe.StatusFail, Summary: summary,
					Evidence: strings.Split(evidence, "\n"), Remedy: remedy, Duration: time.Duration(ms)}},
				{ID: "skipped", Title: title, Result: probe.Result{Status: probe.StatusSkip}},
			},
			Diagnosis: probe.Diagnosis{Top: probe.CauseID(cause), Causes: []probe.Cause{
				{ID: probe.CauseID(cause), Verdict: probe.VerdictLikely, Evidence: []string{evidence, summary}, Fix: remedy, Step: 2},
			}},
		}
		b, err := JSON(r, "v"+id)
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if !json.Valid(b) || !bytes.HasSuffix(b, []byte("}\n")) {
			t.Fatalf("not one JSON document with a trailing newline: %q", b)
		}
		var got Document
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("does not decode: %v", err)
		}
		if want := coerced(NewDocument(r, "v"+id)); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip differs:\n got %#v\nwant %#v", got, want)
		}

		in := Input{Report: r, Version: "v", Now: r.StartedAt, ConsoleURL: remedy, Tenant: config.Tenant{Name: tenant}}
		in.Tenant.Cerner.SystemApp = config.SystemApp{ClientID: id, ClientSecret: config.NewSecret(fuzzSecret), TokenURL: summary, Scopes: []string{title}}
		rb, err := ReportJSON(in)
		if err != nil {
			t.Fatalf("ReportJSON: %v", err)
		}
		var rd ReportDocument
		if err := json.Unmarshal(rb, &rd); err != nil {
			t.Fatalf("report --format json does not decode: %v", err)
		}
		if !reflect.DeepEqual(rd.Document, coerced(NewDocument(r, "v"))) {
			t.Fatalf("the report document's probe part differs from the probe document")
		}
		inputs := strings.Join([]string{tenant, id, title, summary, evidence, remedy, cause}, "\x00")
		if !strings.Contains(inputs, fuzzSecret) && bytes.Contains(rb, []byte(fuzzSecret)) {
			t.Fatalf("report --format json holds the configured secret")
		}
		if rd.Credentials.SecretFingerprint != config.Fingerprint(fuzzSecret) {
			t.Fatalf("secret fingerprint %q", rd.Credentials.SecretFingerprint)
		}
	})
}

// coerced is what decoding the rendered document gives back: encoding/json
// replaces each byte of invalid UTF-8 with U+FFFD.
func coerced(d Document) Document {
	d.Tenant, d.Config, d.StartedAt = valid(d.Tenant), valid(d.Config), valid(d.StartedAt)
	d.Tool.Version = valid(d.Tool.Version)
	d.Diagnosis.Top = valid(d.Diagnosis.Top)
	checks := make([]CheckDoc, len(d.Checks))
	for i, c := range d.Checks {
		c.ID, c.Title, c.Status, c.Summary, c.Remedy = valid(c.ID), valid(c.Title), valid(c.Status), valid(c.Summary), valid(c.Remedy)
		c.Evidence = validAll(c.Evidence)
		checks[i] = c
	}
	d.Checks = checks
	causes := make([]CauseDoc, len(d.Diagnosis.Causes))
	for i, c := range d.Diagnosis.Causes {
		c.ID, c.Verdict, c.Fix = valid(c.ID), valid(c.Verdict), valid(c.Fix)
		c.Evidence = validAll(c.Evidence)
		causes[i] = c
	}
	d.Diagnosis.Causes = causes
	return d
}

func validAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = valid(v)
	}
	return out
}

func valid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
