package doctorui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/tui"
)

// list is a cursor over n rows shown height at a time.
type list struct {
	cursor, top, n int
}

// move moves the cursor by delta rows, keeping it on a row.
func (l *list) move(delta int) {
	l.cursor = clamp(l.cursor+delta, 0, l.n-1)
}

// navigate moves the cursor for the list keys (↑/↓, page up/down) and reports whether k
// was one of them.
func (l *list) navigate(k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, tui.Keys.Up):
		l.move(-1)
	case key.Matches(k, tui.Keys.Down):
		l.move(1)
	case key.Matches(k, tui.Keys.PageUp):
		l.move(-pageRows)
	case key.Matches(k, tui.Keys.PageDown):
		l.move(pageRows)
	default:
		return false
	}
	return true
}

// pageRows is how far page up/down move a list's cursor.
const pageRows = 10

// setLen changes the number of rows, keeping the cursor on one.
func (l *list) setLen(n int) {
	l.n = n
	l.cursor = clamp(l.cursor, 0, n-1)
}

// window is the first row to draw so that the cursor shows in height rows. It moves the
// remembered top only as far as the cursor needs, so the rows do not jump. Views call it:
// only they know how many rows are left under their other lines.
func (l *list) window(height int) int {
	height = max(1, height)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+height {
		l.top = l.cursor - height + 1
	}
	l.top = clamp(l.top, 0, max(0, l.n-height))
	return l.top
}

func clamp(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	return min(max(v, lo), hi)
}

// ago is how long before now t was, in the words of a console: "4 min ago".
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "at an unknown time"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// duration is a run time in round words: "25 min", "3 h", "20 s".
func duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h", int(d/time.Hour))
}

// shortID is the first 8 characters of a task id, as the console shows them.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// plural is "1 task", "3 tasks".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// labeled is "Label     value" with value wrapped under itself to width.
func labeled(label string, labelWidth int, value string, width int) string {
	return pad(label, labelWidth) + tui.Wrap(value, max(10, width-labelWidth), labelWidth)
}

// pad fills s with spaces to width cells.
func pad(s string, width int) string {
	if n := width - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// cut shortens s to width cells with "…".
func cut(s string, width int) string { return ansi.Truncate(s, max(width, 1), "…") }

// padLeft right-aligns s in width cells.
func padLeft(s string, width int) string {
	if n := width - ansi.StringWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}
