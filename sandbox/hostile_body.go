package sandbox

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// hugeBodySize is "several GB": far beyond any cap, never held in memory.
const hugeBodySize int64 = 4 << 30

// hugeChunk is written again and again; it is shared and never modified.
var hugeChunk = bytes.Repeat([]byte("A"), 32<<10)

// bodyPrefix starts a hostile body the way the real answer would, so a client that
// sniffs the first bytes takes it for JSON.
func bodyPrefix(r *http.Request) string {
	if strings.HasSuffix(r.URL.Path, "/token") {
		return `{"token_type":"Bearer","expires_in":570,"access_token":"FAKE-`
	}
	return `{"issuer":"https://` + r.Host + `/","token_endpoint":"https://` + r.Host + `/FAKE-`
}

// writeHugeBody declares and streams hugeBodySize bytes from one shared chunk, until the
// client goes away or the server closes.
func (s *Server) writeHugeBody(w http.ResponseWriter, r *http.Request) {
	prefix := bodyPrefix(r)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.FormatInt(hugeBodySize, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte(prefix)); err != nil {
		return
	}
	for left := hugeBodySize - int64(len(prefix)); left > 0; {
		if r.Context().Err() != nil || s.ctx.Err() != nil {
			return
		}
		n := int64(len(hugeChunk))
		if left < n {
			n = left
		}
		if _, err := w.Write(hugeChunk[:n]); err != nil {
			return // the client stopped reading: what a capped client does
		}
		left -= n
	}
}

// writeTrickle sends the headers at once, then a complete, valid body one byte per
// interval: only a client-side deadline on the whole answer ends it early.
func (s *Server) writeTrickle(w http.ResponseWriter, r *http.Request) {
	interval := s.opts.TrickleInterval
	if interval <= 0 {
		interval = defaultTrickleInterval
	}
	body := bodyPrefix(r) + `trickle"}`
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for i := range len(body) {
		if i > 0 {
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			case <-s.ctx.Done():
				return
			}
		}
		if _, err := w.Write([]byte{body[i]}); err != nil || rc.Flush() != nil {
			return
		}
	}
}

// writeInvalidJSON answers 200 application/json that stops in the middle of a value.
func writeInvalidJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(bodyPrefix(r) + `truncated", "scope": `))
}

// jsonBombDepth is far past any sane nesting and past encoding/json's 10,000 limit, yet
// under the 1 MiB cap, so the parser (not the cap) must cope with it.
const jsonBombDepth = 1_000_000

// writeJSONBomb answers jsonBombDepth opening brackets.
func writeJSONBomb(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(jsonBombDepth))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(bytes.Repeat([]byte("["), jsonBombDepth))
}

// hugeHeaderBytes of headers: above what a careful client accepts, under Go's 10 MB
// default, so only an explicit limit stops it.
const hugeHeaderBytes = 2 << 20

// writeHugeHeader answers a valid body under 2 MiB of padding headers.
func writeHugeHeader(w http.ResponseWriter, r *http.Request) {
	pad := strings.Repeat("x", 8<<10)
	for i := range hugeHeaderBytes / len(pad) {
		w.Header().Set(fmt.Sprintf("X-Padding-%03d", i), pad)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(bodyPrefix(r) + `padded"}`))
}

// resetAfter bytes of body are sent before the reset.
const resetAfter = 1000

// writeReset promises 64 KiB, sends resetAfter bytes and aborts the connection with a
// RST (SO_LINGER 0), as a crashing server or a middlebox killing the flow does. It needs
// HTTP/1.1: the reset mode serves nothing else.
func writeReset(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "sandbox: reset mode needs HTTP/1.1", http.StatusInternalServerError)
		return
	}
	body := bodyPrefix(r)
	body += strings.Repeat("A", resetAfter-len(body))
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", 64<<10, body)
	_ = buf.Flush()
	abort(conn)
}

// abort closes conn with a TCP RST instead of a FIN.
func abort(conn net.Conn) {
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn() // closing the tls.Conn would send close_notify first
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}
