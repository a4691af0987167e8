package probe

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// FHIRClass is what a resource server answer was.
type FHIRClass string

const (
	FHIROK                FHIRClass = "ok"
	FHIRInvalidToken      FHIRClass = "invalid-token"
	FHIRTenantMismatch    FHIRClass = "tenant-mismatch"
	FHIRInsufficientScope FHIRClass = "insufficient-scope"
	FHIRMissingParams     FHIRClass = "missing-params"
	FHIRNotFound          FHIRClass = "not-found"
	FHIRServerError       FHIRClass = "server-error"
	FHIRUnexpected        FHIRClass = "unexpected"
)

type fhirAnswer struct {
	Class    FHIRClass
	Cause    CauseID
	Summary  string
	Evidence []string
	Remedy   string
}

var bearerErrorRE = regexp.MustCompile(`error="([^"]*)"`)

type operationOutcome struct {
	ResourceType string `json:"resourceType"`
	Issue        []struct {
		Severity    string `json:"severity"`
		Code        string `json:"code"`
		Diagnostics string `json:"diagnostics"`
		Details     struct {
			Text string `json:"text"`
		} `json:"details"`
	} `json:"issue"`
}

func (o operationOutcome) text() string {
	var parts []string
	for _, i := range o.Issue {
		t := i.Diagnostics
		if t == "" {
			t = i.Details.Text
		}
		if t == "" {
			t = i.Code
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "; ")
}

// classifyFHIRResponse reads a resource server answer: 401 invalid_token,
// 401 for another tenant, 403 insufficient_scope, 400 missing search
// parameters, 404, 5xx. Pure, for tables and fuzzing.
func classifyFHIRResponse(status int, h http.Header, body []byte) fhirAnswer {
	var a fhirAnswer
	wwwAuth := h.Get("WWW-Authenticate")
	bearerErr := ""
	if m := bearerErrorRE.FindStringSubmatch(wwwAuth); m != nil {
		bearerErr = m[1]
	}
	var oo operationOutcome
	ooText := ""
	if json.Unmarshal(body, &oo) == nil && oo.ResourceType == "OperationOutcome" {
		ooText = clean(oo.text(), 200)
	}
	if wwwAuth != "" {
		a.Evidence = append(a.Evidence, "WWW-Authenticate: "+clean(wwwAuth, 200))
	}
	if ooText != "" {
		a.Evidence = append(a.Evidence, "OperationOutcome: "+ooText)
	}
	if id := h.Get("Cerner-Correlation-Id"); id != "" {
		a.Evidence = append(a.Evidence, "Cerner-Correlation-Id: "+clean(id, 80))
	}
	lower := strings.ToLower(ooText + " " + wwwAuth)
	switch {
	case status == http.StatusOK:
		a.Class = FHIROK
	case status == http.StatusUnauthorized && strings.Contains(lower, "tenant"):
		a.Class, a.Cause = FHIRTenantMismatch, CauseTenantMismatch
		a.Summary = "401: the token belongs to another tenant than the FHIR base URL"
		a.Remedy = "Make fhir_base_url and token_url name the same tenant (step 3)."
	case status == http.StatusUnauthorized:
		a.Class, a.Cause = FHIRInvalidToken, CauseFHIRAccess
		a.Summary = "401 " + orNone(bearerErr) + ": the resource server refused the token"
		a.Remedy = "The token was not accepted (expired, revoked, or issued for another audience); request a new one and check fhir_base_url."
	case status == http.StatusForbidden:
		a.Class, a.Cause = FHIRInsufficientScope, CauseFHIRAccess
		a.Summary = "403 " + orNone(bearerErr) + ": the token lacks this resource's scope"
		a.Remedy = "Grant the resource's system/<Resource>.read scope to the app in {console} and request it (step 1)."
	case status == http.StatusBadRequest:
		a.Class, a.Cause = FHIRMissingParams, CauseFHIRAccess
		a.Summary = "400: the search lacks a required parameter"
		a.Remedy = "Observation and Encounter need patient/subject/_id; DocumentReference needs patient/_id."
	case status == http.StatusNotFound:
		a.Class, a.Cause = FHIRNotFound, CauseFHIRAccess
		a.Summary = "404: not found"
		a.Remedy = "Check test_patient_id (sandbox patient 12724066 is SMART, Nancy) and fhir_base_url."
	case status >= 500 || status == http.StatusTooManyRequests:
		a.Class, a.Cause = FHIRServerError, CauseServerOutage
		a.Summary = fmt.Sprintf("%d %s: the FHIR server is failing", status, http.StatusText(status))
		a.Remedy = "Server-side failure: retry later."
	default:
		a.Class, a.Cause = FHIRUnexpected, CauseFHIRAccess
		a.Summary = fmt.Sprintf("%d %s", status, bodyGist(contentType(h), body))
	}
	return a
}
