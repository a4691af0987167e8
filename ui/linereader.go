package ui

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/charmbracelet/x/term"
)

// lineReader feeds the accessible mode's prompts from stdin. huh makes a
// new bufio.Scanner for every prompt, which would swallow the piped
// answers after the first: a Read here never returns more than one line.
// It also ends the flow: when ctx ends (ctrl+c, SIGTERM) a waiting Read
// returns io.EOF at once, and ended then says the run was interrupted.
type lineReader struct {
	ctx     context.Context
	src     *bufio.Reader
	tty     *os.File // stdin when it is a terminal, for hidden input
	pending []byte

	once sync.Once
	req  chan struct{}
	res  chan lineResult

	mu    sync.Mutex
	ended bool
}

type lineResult struct {
	line string
	err  error
}

func newLineReader(ctx context.Context, in io.Reader) *lineReader {
	r := &lineReader{ctx: ctx, src: bufio.NewReader(in), req: make(chan struct{}, 1), res: make(chan lineResult, 1)}
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		r.tty = f
	}
	return r
}

// Read returns the rest of the current line, or the next line.
func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.pending) == 0 {
		line, err := r.next()
		if line == "" {
			return 0, err
		}
		r.pending = []byte(line)
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// next reads one line in the reader's goroutine, which reads only when
// asked, so nothing is read ahead of the prompt that wants it.
func (r *lineReader) next() (string, error) {
	if r.isEnded() {
		return "", io.EOF
	}
	r.once.Do(func() {
		go func() {
			for range r.req {
				line, err := r.src.ReadString('\n')
				r.res <- lineResult{line, err}
			}
		}()
	})
	r.req <- struct{}{}
	select {
	case res := <-r.res:
		if res.line == "" && res.err != nil {
			r.end()
			return "", io.EOF
		}
		return res.line, nil
	case <-r.ctx.Done():
		r.end()
		return "", io.EOF
	}
}

// readHidden reads a line from the terminal without echo. The terminal's
// state is put back even when ctx ends mid-line.
func (r *lineReader) readHidden() (string, error) {
	fd := r.tty.Fd()
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	done := make(chan lineResult, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- lineResult{string(b), err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			r.end()
			return "", io.EOF
		}
		return res.line, nil
	case <-r.ctx.Done():
		_ = term.Restore(fd, state)
		r.end()
		return "", io.EOF
	}
}

func (r *lineReader) end() {
	r.mu.Lock()
	r.ended = true
	r.mu.Unlock()
}

func (r *lineReader) isEnded() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ended
}

// readLine reads one answer from r, without its line ending. It reads a
// byte at a time, so it never takes input meant for the next prompt.
func readLine(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			line = append(line, b[0])
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				break
			}
			return "", err
		}
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return string(line), nil
}
