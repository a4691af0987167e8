package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

type consoleView struct {
	AppName, ClientID, Tenant, Status, NewSecret string
	Scopes                                       []string
}

func (s *Server) consoleView() consoleView {
	s.mu.Lock()
	scopes := make([]string, 0, len(s.creds.registered))
	for sc := range s.creds.registered {
		scopes = append(scopes, sc)
	}
	id := s.creds.clientID
	s.mu.Unlock()
	slices.Sort(scopes)
	return consoleView{AppName: systemAppName, ClientID: id, Tenant: Tenant, Status: "Active", Scopes: scopes}
}

// handleConsole shows the system account the way Code Console does: never the secret
// itself, only the way to get a new one.
func (s *Server) handleConsole(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.epic() {
		renderHTML(w, http.StatusOK, epicConsolePageTmpl, s.epicConsoleView())
		return
	}
	renderHTML(w, http.StatusOK, consolePageTmpl, s.consoleView())
}

// handleRegenerate is the Regenerate button. JSON by default (what the wizard and curl
// use); an HTML page for a browser form posted without the page's script.
func (s *Server) handleRegenerate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	// A web page elsewhere must not rotate the sandbox's secret through the user's browser.
	if origin := r.Header.Get("Origin"); origin != "" && origin != "http://"+s.console {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	id, secret := s.Regenerate()
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		v := s.consoleView()
		v.NewSecret = secret
		renderHTML(w, http.StatusOK, consolePageTmpl, v)
		return
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]string{"client_id": id, "client_secret": secret})
}
