package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/ecswiz/ecswiz/internal/atomicfile"
	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// Exit codes, as DESIGN §4.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2 // bad usage or an invalid spec
	exitCancelled = 130
)

// exitError gives an error the exit code it ends the process with. An exitError
// without err is silent: the command has already said everything (validate's report).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return "exit status " + strconv.Itoa(e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

func usageErrorf(format string, args ...any) error {
	return usageError(fmt.Errorf(format, args...))
}

// silentExit ends the process with code and prints nothing more.
func silentExit(code int) error { return &exitError{code: code} }

// exitCode is the one place an error becomes an exit code. Commands return plain
// errors from the model and adapters; only what is not obvious from the error's type
// is marked with an exitError.
func exitCode(err error) int {
	var (
		exitErr *exitError
		specErr *model.SpecError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exitErr):
		return exitErr.code
	case errors.Is(err, context.Canceled), errors.Is(err, aws.KindCancelled):
		return exitCancelled
	case errors.As(err, &specErr),
		errors.Is(err, model.ErrNoRegion),
		errors.Is(err, aws.KindNoRegion),
		errors.Is(err, atomicfile.ErrExists):
		return exitUsage
	default:
		return exitFailure
	}
}

// report prints err on stderr, one "ecswiz: " line per line of its message, and
// returns the exit code for it.
func report(stderr io.Writer, err error) int {
	code := exitCode(err)
	var exitErr *exitError
	if err == nil || errors.As(err, &exitErr) && exitErr.err == nil {
		return code
	}
	var lines []string
	if specErr, ok := err.(*model.SpecError); ok {
		// One line per problem, even when a value in a problem holds a newline.
		for _, p := range specErr.Problems {
			lines = append(lines, p.String())
		}
	} else {
		lines = strings.Split(strings.TrimRight(err.Error(), "\n"), "\n")
	}
	for _, line := range lines {
		fmt.Fprintf(stderr, "ecswiz: %s\n", printable(line))
	}
	return code
}

// printable escapes control characters (newlines, terminal escapes) that a spec's
// values could smuggle into a message, so each message stays one harmless line.
func printable(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
