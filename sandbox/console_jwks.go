package sandbox

import (
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
