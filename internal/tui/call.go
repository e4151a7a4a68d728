package tui

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
)

// Result is the answer of an AWS call run by Call. ID is the request id the screen
// kept when it started the call: a screen drops any Result whose ID is not the one it
// waits for, so a stale answer never overwrites a newer one.
type Result[T any] struct {
	ID    int64
	Value T
	Err   error
}

var lastID atomic.Int64

// NewID returns a request id no other call of this process has.
func NewID() int64 { return lastID.Add(1) }

// Call runs fn in a command (never inside Update) under ctx, which the screen cancels
// when the person leaves it.
func Call[T any](ctx context.Context, id int64, fn func(context.Context) (T, error)) tea.Cmd {
	return func() tea.Msg {
		v, err := fn(ctx)
		return Result[T]{ID: id, Value: v, Err: err}
	}
}

// ErrorLine is a failure in one line with the way on: the classified summary and its
// hint for an AWS error, the message otherwise.
func ErrorLine(err error) string {
	return errorLine(err, (*aws.Error).Summary)
}

// ReasonLine is ErrorLine without what was being done, for a line whose start says it.
func ReasonLine(err error) string {
	return errorLine(err, (*aws.Error).Reason)
}

func errorLine(err error, summary func(*aws.Error) string) string {
	if err == nil {
		return ""
	}
	var ae *aws.Error
	if errors.As(err, &ae) {
		if h := ae.Hint(); h != "" {
			return summary(ae) + " — " + h
		}
		return summary(ae)
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return err.Error()
}

// Commands unpacks the message of tea.Batch and tea.Sequence, a list of commands, for
// code that runs a model's commands itself (the accessible mode, tests).
func Commands(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}
