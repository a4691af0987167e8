package sandbox

import (
	"html/template"
	"net/http"
	"strconv"
)

func strconvQuote(s string) string { return strconv.Quote(s) }

type consentView struct {
	AppName, RequestID, Action, Error string
	Scopes                            []string
	WantsPatient                      bool
	Patients                          []patientOption
	Default                           string
}

type patientOption struct{ ID, Name string }

func patientOptions() []patientOption {
	out := make([]patientOption, len(sandboxPatients))
	for i, p := range sandboxPatients {
		out[i] = patientOption{ID: p.id, Name: p.family + ", " + p.given}
	}
	return out
}

func (s *Server) renderConsent(w http.ResponseWriter, id string, req *authRequest, problem string) {
	renderHTML(w, http.StatusOK, consentPageTmpl, consentView{
		AppName: providerName, RequestID: id, Action: s.authorizeURL(), Error: problem,
		Scopes: req.scopes, WantsPatient: req.wantsPatient(), Patients: patientOptions(), Default: TestPatientID,
	})
}

var consentPageTmpl = template.Must(template.New("consent").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · fhirdoctor sandbox</title>` + pageStyle + `</head>
<body><header><h1>Sign in <small class="note">fhirdoctor sandbox (FAKE)</small></h1></header>
{{if .Error}}<p id="error" style="color:#c74634">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="request_id" value="{{.RequestID}}">
<p><label>Username <input name="username" value="portal" autocomplete="username"></label></p>
<p><label>Password <input name="password" type="password" value="portal" autocomplete="current-password"></label></p>
<p class="note">Sandbox login: portal / portal.</p>
<h2>{{.AppName}} asks for</h2>
<ul>{{range .Scopes}}<li><code>{{.}}</code></li>{{end}}</ul>
{{if .WantsPatient}}<p><label>Patient <select name="patient">{{range .Patients}}<option value="{{.ID}}"{{if eq .ID $.Default}} selected{{end}}>{{.Name}} ({{.ID}})</option>{{end}}</select></label></p>{{end}}
<p><button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" style="background:#5b6570">Deny</button></p>
</form>
</body></html>
`))

var authorizeErrorTmpl = template.Must(template.New("authorize-error").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization request refused</title>` + pageStyle + `</head>
<body><header><h1>Authorization request refused</h1></header>
<p id="error">{{.}}</p>
<p class="note">The request was not redirected back to the application because the client or its redirect URI could not be trusted.</p>
</body></html>
`))
