package sandbox

import (
	"bytes"
	"html/template"
	"net/http"
)

// renderHTML executes t into a buffer first so a template error never sends half a page.
func renderHTML(w http.ResponseWriter, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(w, "sandbox: page rendering failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

const pageStyle = `<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2733}
header{border-bottom:3px solid #c74634;margin-bottom:1.5rem}
dt{font-weight:600;margin-top:.6rem}dd{margin-left:0}
code,pre{background:#f3f4f6;padding:.1rem .3rem;border-radius:3px}
button{background:#c74634;color:#fff;border:0;padding:.5rem 1rem;border-radius:4px;font-size:1rem;cursor:pointer}
.secret{font-size:1.1rem;padding:.6rem;border:1px dashed #c74634;display:inline-block}
.note{color:#5b6570;font-size:.9rem}
</style>`

var consolePageTmpl = template.Must(template.New("console").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Code Console · {{.AppName}}</title>` + pageStyle + `</head>
<body><header><h1>Code Console <small class="note">fhirdoctor sandbox (FAKE)</small></h1></header>
<h2>{{.AppName}}</h2>
<dl>
<dt>Application type</dt><dd>System</dd>
<dt>Status</dt><dd id="status">{{.Status}}</dd>
<dt>Client ID</dt><dd><code id="client-id">{{.ClientID}}</code></dd>
<dt>Tenant</dt><dd><code>{{.Tenant}}</code></dd>
<dt>Scopes</dt><dd>{{range .Scopes}}<code>{{.}}</code> {{end}}</dd>
<dt>Client secret</dt>
<dd id="secret-box">{{if .NewSecret}}<span class="secret"><code id="client-secret">{{.NewSecret}}</code></span>
<p class="note">Copy it now: it is shown once. The previous secret no longer works.</p>
{{else}}<span class="note">Hidden. Regenerating creates a new secret, shows it once, and the previous one stops working at once.</span>{{end}}</dd>
</dl>
<form id="regenerate" method="post" action="/console/regenerate"><button type="submit">Regenerate client secret</button></form>
<form id="newapp" method="post" action="/console/new-app"><p><button type="submit">Create a new system app</button> <span class="note">replaces this app: a new client ID and secret</span></p></form>
<script>
document.getElementById("newapp").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await fetch("/console/new-app", {method: "POST", headers: {"Accept": "application/json"}});
  const box = document.getElementById("secret-box");
  if (!r.ok) { box.textContent = "Create failed: HTTP " + r.status; return; }
  const j = await r.json();
  document.getElementById("client-id").textContent = j.client_id;
  box.innerHTML = '<span class="secret"><code id="client-secret"></code></span><p class="note">Copy it now: it is shown once. The previous app no longer works.</p>';
  document.getElementById("client-secret").textContent = j.client_secret;
});
document.getElementById("regenerate").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await fetch("/console/regenerate", {method: "POST", headers: {"Accept": "application/json"}});
  const box = document.getElementById("secret-box");
  if (!r.ok) { box.textContent = "Regenerate failed: HTTP " + r.status; return; }
  const j = await r.json();
  box.innerHTML = '<span class="secret"><code id="client-secret"></code></span><p class="note">Copy it now: it is shown once. The previous secret no longer works.</p>';
  document.getElementById("client-secret").textContent = j.client_secret;
});
</script>
</body></html>
`))

var errorPageTmpl = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization error</title>` + pageStyle + `</head>
<body><header><h1>Authorization server error</h1></header>
<dl><dt>Error</dt><dd><code>{{.URN}}</code></dd>
<dt>Correlation id</dt><dd><code>{{.Correlation}}</code></dd>
<dt>Client</dt><dd><code>{{.Client}}</code></dd>
<dt>Tenant</dt><dd><code>{{.Tenant}}</code></dd></dl>
<p class="note">Quote the correlation id when you contact support.</p>
</body></html>
`))

var managePageTmpl = template.Must(template.New("manage").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Manage authorizations</title>` + pageStyle + `</head>
<body><header><h1>Manage authorizations <small class="note">fhirdoctor sandbox (FAKE)</small></h1></header>
<p>Applications you authorized: <code>{{.}}</code>. The sandbox keeps no long-lived grants to revoke.</p>
</body></html>
`))
