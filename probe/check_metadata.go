package probe

import (
	"context"
	"fmt"
	"strings"
)

const oauthURIsExt = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"

type capabilityStatement struct {
	ResourceType string `json:"resourceType"`
	FHIRVersion  string `json:"fhirVersion"`
	Rest         []struct {
		Security struct {
			Extension []struct {
				URL       string `json:"url"`
				Extension []struct {
					URL      string `json:"url"`
					ValueURI string `json:"valueUri"`
				} `json:"extension"`
			} `json:"extension"`
		} `json:"security"`
	} `json:"rest"`
}

// oauthToken returns the token URL of the oauth-uris extension, "" if none.
func (c capabilityStatement) oauthToken() string {
	for _, r := range c.Rest {
		for _, e := range r.Security.Extension {
			if e.URL != oauthURIsExt {
				continue
			}
			for _, x := range e.Extension {
				if x.URL == "token" {
					return x.ValueURI
				}
			}
		}
	}
	return ""
}

// checkMetadata reads {fhir_base}/metadata: a CapabilityStatement for FHIR
// 4.0.1 whose oauth-uris token URL agrees with the config.
func checkMetadata(ctx context.Context, s *state) Result {
	base := strings.TrimRight(s.opts.Tenant.Cerner.FHIRBaseURL, "/")
	resp, req, err := s.getPublic(ctx, base+"/metadata", "application/fhir+json")
	if err != nil {
		return unreachable(err, base)
	}
	r := Result{Evidence: resp.evidence(fmt.Sprintf("GET %s: %d in %s", req.URL, resp.Status, ms(resp.Latency))), HTTP: exchangeOf(resp)}
	f := &Facts{HTTPStatus: resp.Status, Latency: resp.Latency}
	r.Facts = f
	if badStatus(resp, &r, "metadata") {
		return r
	}
	var cs capabilityStatement
	if err := decodeJSON(resp, &cs); err != nil || cs.ResourceType != "CapabilityStatement" {
		r.Status, r.Summary = StatusFail, "the answer is not a CapabilityStatement"
		r.Remedy = "Check fhir_base_url: it should end in /r4/{tenant}."
		f.Cause = CauseConfigInvalid
		return r
	}
	var problems []string
	if cs.FHIRVersion != "4.0.1" {
		problems = append(problems, fmt.Sprintf("fhirVersion %q, expected 4.0.1 (R4)", cs.FHIRVersion))
	}
	configured := s.opts.Tenant.Cerner.SystemApp.TokenURL
	switch tok := cs.oauthToken(); {
	case tok == "":
		problems = append(problems, "no oauth-uris token URL: is this the open (unauthenticated) endpoint?")
	case tokenURLDrift(configured, tok) != "":
		problems = append(problems, "oauth-uris token URL differs from token_url ("+tokenURLDrift(configured, tok)+")")
		r.Evidence = append(r.Evidence, "configured: "+configured, "metadata:   "+tok)
		f.TokenURL = tok
		r.Remedy = "Set " + strings.Join(s.opts.Tenant.Cerner.SystemApp.Key("token_url"), ".") + " to " + tok + " (step 3)."
	default:
		r.Evidence = append(r.Evidence, "oauth-uris token URL matches token_url")
	}
	if len(problems) > 0 {
		r.Status, r.Summary = StatusWarn, strings.Join(problems, "; ")
		return r
	}
	r.Status = StatusPass
	r.Summary = fmt.Sprintf("CapabilityStatement FHIR %s (%d ms)", cs.FHIRVersion, resp.Latency.Milliseconds())
	return r
}
