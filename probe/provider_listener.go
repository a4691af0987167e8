package probe

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"sync"
	"time"
)

// callback is what the authorization server sent back to the redirect_uri.
type callback struct {
	stateOK        bool
	state          string
	code           string
	err, desc, uri string
}

// callbackServer is the loopback listener on the redirect_uri's host and
// port. It serves two paths: a short start link that redirects to the long
// authorize URL (easy to copy from a terminal, and it lets a headless
// client begin at a URL fhirdoctor printed) and the redirect path itself.
type callbackServer struct {
	redirect  loopbackRedirect
	startPath string
	authURL   string
	state     string
	srv       *http.Server
	got       chan callback // buffered: the first redirect waits there
	once      sync.Once
	closeOnce sync.Once
}

// listenCallback listens on every address of r before anything is opened,
// so the redirect can never arrive at a closed port.
func listenCallback(ctx context.Context, r loopbackRedirect, authURL, state string) (*callbackServer, error) {
	var lc net.ListenConfig
	var lns []net.Listener
	var errs []error
	for _, a := range r.addrs {
		ln, err := lc.Listen(ctx, "tcp", a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lns = append(lns, ln)
	}
	// localhost may lack IPv6; one family is enough.
	if len(lns) == 0 {
		return nil, fmt.Errorf("cannot listen on %s: %w", r.addrs[0], errors.Join(errs...))
	}
	cs := &callbackServer{
		redirect:  r,
		startPath: "/fhirdoctor-start/" + randomString(12),
		authURL:   authURL,
		state:     state,
		got:       make(chan callback, 1),
	}
	if cs.startPath == r.path {
		cs.startPath += "x"
	}
	cs.srv = &http.Server{Handler: cs, ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range lns {
		go func() { _ = cs.srv.Serve(ln) }()
	}
	return cs, nil
}

// startURL is the link the user opens: it redirects to the authorize URL.
func (cs *callbackServer) startURL() string { return cs.redirect.base() + cs.startPath }

// close stops listening. A graceful shutdown first lets the handler finish
// writing the "you can close this tab" page to the browser.
func (cs *callbackServer) close() {
	cs.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if cs.srv.Shutdown(ctx) != nil {
			_ = cs.srv.Close()
		}
	})
}

func (cs *callbackServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	switch {
	case r.URL.EscapedPath() == cs.startPath && r.Method == http.MethodGet:
		http.Redirect(w, r, cs.authURL, http.StatusFound)
	case r.URL.EscapedPath() == cs.redirect.path && r.Method == http.MethodGet:
		cs.handleRedirect(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (cs *callbackServer) handleRedirect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("code") && !q.Has("error") && !q.Has("state") {
		renderDone(w, http.StatusBadRequest, "Not a sign-in redirect", "This address waits for the authorization server's redirect; it carried no code, error or state.")
		return
	}
	cb := callback{
		state: q.Get("state"),
		code:  q.Get("code"),
		err:   q.Get("error"),
		desc:  q.Get("error_description"),
		uri:   q.Get("error_uri"),
	}
	cb.stateOK = cb.state != "" && subtle.ConstantTimeCompare([]byte(cb.state), []byte(cs.state)) == 1
	first := false
	cs.once.Do(func() { first = true })
	switch {
	case !first:
		renderDone(w, http.StatusConflict, "Already answered", "fhirdoctor already received a redirect for this sign-in. You can close this tab.")
		return
	case !cb.stateOK:
		renderDone(w, http.StatusBadRequest, "Sign-in rejected", "The redirect's state does not match the sign-in fhirdoctor started (a stale tab, or a forged redirect). Nothing was exchanged. You can close this tab.")
	case cb.err != "":
		renderDone(w, http.StatusOK, "Sign-in refused", "The server answered "+cb.err+". fhirdoctor explains it in the terminal. You can close this tab.")
	default:
		renderDone(w, http.StatusOK, "Signed in", "fhirdoctor received the authorization code and continues in the terminal. You can close this tab.")
	}
	// Delivered after the page is written: the browser gets its answer even
	// if the round trip ends at once.
	cs.got <- cb
}

var donePage = template.Must(template.New("done").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · fhirdoctor</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>
`))

func renderDone(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = donePage.Execute(w, struct{ Title, Text string }{title, text})
}

// randomString is n random bytes, base64url: for state and the start path.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
