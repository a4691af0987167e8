package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// grantsRead says whether scopes include read access to resource, in the
// SMART v1 (system/X.read) or v2 (system/X.rs) form.
func grantsRead(scopes []string, resource string) bool {
	for _, s := range scopes {
		perm, ok := strings.CutPrefix(s, "system/"+resource+".")
		if !ok {
			continue
		}
		if perm == "read" || perm == "*" || (!strings.ContainsAny(perm, "_-") && strings.Contains(perm, "r") && perm != "write") {
			return true
		}
	}
	return false
}

// fhirCheck returns the check for one resource type. Patient reads the test
// patient; the others search by patient with _count=1; Binary follows the
// attachment the DocumentReference check found.
func fhirCheck(resource string) func(context.Context, *state) Result {
	return func(ctx context.Context, s *state) Result {
		tok := s.dep("token")
		if tok == nil || tok.Facts == nil || tok.Facts.token.IsZero() {
			return skipped("no token")
		}
		if !grantsRead(tok.Facts.Granted, resource) {
			return skipped("system/" + resource + ".read is not granted (not configured, or refused)")
		}
		base := strings.TrimRight(s.opts.Tenant.Cerner.FHIRBaseURL, "/")
		pid := s.opts.Tenant.Cerner.TestPatientID
		var target string
		switch resource {
		case "Patient":
			target = base + "/Patient/" + url.PathEscape(pid)
		case "Binary":
			doc := s.dep("fhir.DocumentReference")
			if doc == nil || doc.Facts == nil || doc.Facts.attachment == "" {
				return skipped("no DocumentReference of patient " + pid + " has a Binary attachment")
			}
			var err error
			if target, err = sameHostURL(base, doc.Facts.attachment); err != nil {
				return skipped(err.Error())
			}
		default:
			target = base + "/" + resource + "?" + url.Values{"patient": {pid}, "_count": {"1"}}.Encode()
		}
		resp, req, err := s.get(ctx, target, "application/fhir+json", tok.Facts.token.Reveal())
		if err != nil {
			return unreachable(err, base)
		}
		a := classifyFHIRResponse(resp.Status, resp.Header, resp.Body)
		f := &Facts{Cause: a.Cause, Class: string(a.Class), HTTPStatus: resp.Status, Latency: resp.Latency}
		x := exchangeOf(resp)
		x.OAuthError = bearerError(resp.Header)
		r := Result{Facts: f, Summary: a.Summary, Remedy: a.Remedy, HTTP: x,
			Evidence: append(resp.evidence(fmt.Sprintf("GET %s: %d in %s", req.URL, resp.Status, ms(resp.Latency)), "rerun: "+CurlLine(req, "")), a.Evidence...)}
		if resp.Truncated {
			r.Evidence = append(r.Evidence, "body truncated at 1 MiB")
		}
		if a.Class != FHIROK {
			r.Status = StatusFail
			return r
		}
		r.Status = StatusPass
		switch resource {
		case "Patient":
			r.Summary = "Patient/" + pid + ": " + patientName(resp.Body)
		case "Binary":
			r.Summary = fmt.Sprintf("Binary read (%s, %d bytes)", orNone(contentType(resp.Header)), len(resp.Body))
		default:
			n, att := bundleSummary(resp.Body)
			r.Summary = fmt.Sprintf("%s search answered: %s", resource, n)
			f.attachment = att
		}
		return r
	}
}

// sameHostURL resolves an attachment URL against the FHIR base and refuses
// one on another host: the token must not travel there.
func sameHostURL(base, ref string) (string, error) {
	b, err := url.Parse(base + "/")
	if err != nil {
		return "", fmt.Errorf("bad base URL: %w", err)
	}
	u, err := b.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("attachment URL %q does not parse", ref)
	}
	if !strings.EqualFold(u.Host, b.Host) || u.Scheme != b.Scheme {
		return "", fmt.Errorf("the attachment is on %s, not the FHIR host: the token is not sent there", u.Host)
	}
	return u.String(), nil
}

func patientName(body []byte) string {
	var p struct {
		Name []struct {
			Text   string   `json:"text"`
			Family string   `json:"family"`
			Given  []string `json:"given"`
		} `json:"name"`
	}
	if json.Unmarshal(body, &p) != nil || len(p.Name) == 0 {
		return "(no name)"
	}
	n := p.Name[0]
	if n.Text != "" {
		return clean(n.Text, 80)
	}
	return clean(n.Family+", "+strings.Join(n.Given, " "), 80)
}

// bundleSummary says how many matches a searchset has and returns the first
// attachment URL found in it (for Binary).
func bundleSummary(body []byte) (string, string) {
	var b struct {
		Total *int `json:"total"`
		Entry []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				Content      []struct {
					Attachment struct {
						URL string `json:"url"`
					} `json:"attachment"`
				} `json:"content"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if json.Unmarshal(body, &b) != nil {
		return "not a Bundle", ""
	}
	att := ""
	for _, e := range b.Entry {
		for _, c := range e.Resource.Content {
			if att == "" && c.Attachment.URL != "" {
				att = c.Attachment.URL
			}
		}
	}
	n := fmt.Sprintf("%d entr%s", len(b.Entry), map[bool]string{true: "y", false: "ies"}[len(b.Entry) == 1])
	if b.Total != nil {
		n += fmt.Sprintf(" (total %d)", *b.Total)
	}
	return n, att
}
