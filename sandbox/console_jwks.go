package sandbox

import (
	"html/template"
	"io"
	"net/http"
	"slices"
	"time"
)

// jwksView is the registered set as GET {console_url}/jwks shows it: each
// key with the time it was registered, which is the evidence a key may
// still be propagating.
func (s *Server) jwksView() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]registeredKeyJSON, 0, len(s.keys.keys))
	for _, k := range s.keys.keys {
		keys = append(keys, registeredKeyJSON{JSONWebKey: k.jwk, RegisteredAt: k.registeredAt})
	}
	return map[string]any{"keys": keys}
}

func (s *Server) handleGetJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, "application/json", s.jwksView())
}

// handlePostJWKS replaces the app's registered public keys with the posted
// JWK Set, as uploading keys in a vendor's portal does.
func (s *Server) handlePostJWKS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if origin := r.Header.Get("Origin"); origin != "" && origin != "http://"+s.console {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	set, err := parsePublicJWKS(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, "application/json", map[string]string{"error": err.Error()})
		return
	}
	s.RegisterKeys(set)
	writeJSON(w, http.StatusOK, "application/json", s.jwksView())
}

// RegisteredAt returns when the key with kid was registered (zero, false
// when none is).
func (s *Server) RegisteredAt(kid string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.keys.keys, func(k clientKey) bool { return k.jwk.KeyID == kid })
	if i < 0 {
		return time.Time{}, false
	}
	return s.keys.keys[i].registeredAt, true
}

// handleNewApp replaces the app with a new one, the portal's "create app"
// for Option B: the Epic-like backend app gets another client id and no key
// ({"client_id": ...}); the Cerner-like system app another client id and
// secret ({"client_id": ..., "client_secret": ...}, as Regenerate answers).
func (s *Server) handleNewApp(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if origin := r.Header.Get("Origin"); origin != "" && origin != "http://"+s.console {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	if s.epic() {
		writeJSON(w, http.StatusOK, "application/json", map[string]string{"client_id": s.NewEpicApp()})
		return
	}
	id, secret := s.NewSystemApp()
	writeJSON(w, http.StatusOK, "application/json", map[string]string{"client_id": id, "client_secret": secret})
}

// epicConsoleView is what the Epic-like console page shows: the app and
// its registered public keys, never a private one.
type epicConsoleView struct {
	AppName, ClientID string
	Keys              []epicConsoleKey
}

type epicConsoleKey struct{ KeyID, Alg, RegisteredAt string }

func (s *Server) epicConsoleView() epicConsoleView {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := epicConsoleView{AppName: epicAppName, ClientID: s.epicState.clientID}
	if v.ClientID == "" {
		v.ClientID = EpicClientID
	}
	for _, k := range s.keys.keys {
		v.Keys = append(v.Keys, epicConsoleKey{KeyID: k.jwk.KeyID, Alg: k.jwk.Algorithm, RegisteredAt: k.registeredAt.UTC().Format(time.RFC3339)})
	}
	return v
}

// epicConsolePageTmpl is the page where the app's public keys are
// uploaded, as in Epic's portal: paste a JWK Set, it replaces the set.
var epicConsolePageTmpl = template.Must(template.New("epic-console").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Backend app · {{.AppName}}</title>` + pageStyle + `</head>
<body><header><h1>Backend app keys <small class="note">fhirdoctor sandbox (FAKE, Epic-like)</small></h1></header>
<h2>{{.AppName}}</h2>
<dl>
<dt>Client ID</dt><dd><code>{{.ClientID}}</code></dd>
<dt>Registered public keys</dt>
<dd id="keys">{{range .Keys}}<div><code>{{.KeyID}}</code> {{.Alg}} <span class="note">registered {{.RegisteredAt}}</span></div>{{else}}<span class="note">none</span>{{end}}</dd>
</dl>
<form id="upload">
<p><label for="jwks">Paste the public JWK Set (the <code>.jwks.json</code> file). It replaces the registered keys: keep the old key in it until the backend uses the new one.</label></p>
<p><textarea id="jwks" rows="10" cols="70"></textarea></p>
<button type="submit">Upload public keys</button> <span id="result" class="note"></span>
</form>
<form id="newapp"><p><button type="submit">Create a new app</button> <span class="note">replaces this app: a new client ID, no key registered</span></p></form>
<script>
document.getElementById("upload").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await fetch("/console/jwks", {method: "POST", headers: {"Content-Type": "application/json"}, body: document.getElementById("jwks").value});
  const out = document.getElementById("result");
  if (!r.ok) { const j = await r.json().catch(() => ({})); out.textContent = "Refused: " + (j.error || ("HTTP " + r.status)); return; }
  out.textContent = "Uploaded. New keys are accepted after the propagation delay.";
  setTimeout(() => location.reload(), 800);
});
document.getElementById("newapp").addEventListener("submit", async (e) => {
  e.preventDefault();
  await fetch("/console/new-app", {method: "POST"});
  location.reload();
});
</script>
</body></html>
`))
