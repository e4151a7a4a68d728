package wizard

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
)

// lineReader hands the accessible prompts their input one line per Read. huh's prompts
// each read through a new bufio.Scanner, which would swallow the lines after the one it
// needs from a pipe; a line at a time loses none. Reads also end when ctx is cancelled
// (ctrl+c), where a read of a terminal would block until Enter.
type lineReader struct {
	ctx     context.Context
	want    chan struct{} // asks the reading goroutine for the next line
	lines   chan lineRead
	waiting bool // a line was asked for and has not come
	pending []byte
	err     error // the input's end (io.EOF) or failure, once reached
	eofs    int   // Reads answered with no data: a prompt that got no answer
	blanks  int   // empty lines in a row: Enter, Enter, …
	stopped error // why the run stopped reading (stop), or nil
}

// maxBlankRun is the most empty lines in a row the accessible mode reads: far more
// than Enter on every question of the wizard takes, so an input that only ever says
// Enter (`yes ""`) ends the run instead of feeding a question that refuses it for ever.
const maxBlankRun = 1000

// stop ends the input: the prompt reading gets no answer and every later Read is its
// end, so the run stops with err (which wraps ErrInputEnded).
func (lr *lineReader) stop(err error) {
	if lr.stopped == nil {
		lr.stopped, lr.err, lr.pending = err, err, nil
	}
}

type lineRead struct {
	line []byte
	err  error
}

func newLineReader(ctx context.Context, r io.Reader) *lineReader {
	lr := &lineReader{ctx: ctx, want: make(chan struct{}), lines: make(chan lineRead)}
	go func() {
		br := bufio.NewReader(r)
		for {
			select {
			case <-lr.want:
			case <-ctx.Done():
				return
			}
			line, err := br.ReadBytes('\n')
			if err != nil && len(line) > 0 && line[len(line)-1] != '\n' {
				line = append(line, '\n') // the last line, unterminated, is an answer too
			}
			select {
			case lr.lines <- lineRead{line, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return lr
}

func (lr *lineReader) Read(p []byte) (int, error) {
	if len(lr.pending) == 0 {
		if lr.err != nil || lr.ctx.Err() != nil {
			lr.eofs++
			return 0, io.EOF
		}
		if !lr.waiting {
			select {
			case lr.want <- struct{}{}:
				lr.waiting = true
			case <-lr.ctx.Done():
				lr.eofs++
				return 0, io.EOF
			}
		}
		select {
		case r := <-lr.lines:
			lr.waiting = false
			lr.pending, lr.err = r.line, r.err
		case <-lr.ctx.Done():
			lr.eofs++
			return 0, io.EOF
		}
		if len(lr.pending) == 0 {
			lr.eofs++
			return 0, io.EOF
		}
		if len(bytes.TrimSpace(lr.pending)) > 0 {
			lr.blanks = 0
		} else if lr.blanks++; lr.blanks > maxBlankRun {
			lr.stop(fmt.Errorf("%w: %d empty answers in a row", ErrInputEnded, maxBlankRun))
			lr.eofs++
			return 0, io.EOF
		}
	}
	n := copy(p, lr.pending)
	lr.pending = lr.pending[n:]
	return n, nil
}

// ended reports whether the input has no more answers.
func (lr *lineReader) ended() bool { return lr.err != nil && len(lr.pending) == 0 }
