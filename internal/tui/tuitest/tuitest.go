// Package tuitest drives Bubble Tea models in tests: key presses as Bubble Tea delivers
// them, commands run with a deadline, frames without styles, and golden screens.
package tuitest

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite the golden screens in testdata/")

// Press is a key press as Bubble Tea delivers it: "enter", "shift+tab", "ctrl+t",
// "alt+3", "space", "pgdown", "a", "A".
func Press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	}
	if mod, rest, ok := strings.Cut(k, "+"); ok && len(rest) == 1 {
		m := map[string]tea.KeyMod{"ctrl": tea.ModCtrl, "alt": tea.ModAlt}[mod]
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: m}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// RunCmd runs one command and returns its message, failing the test when it takes more
// than 10 s.
func RunCmd(t testing.TB, c tea.Cmd) tea.Msg {
	t.Helper()
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("a command did not return within 10 s")
		return nil
	}
}

// IsCharmInternal reports messages of the Charm libraries' own timing (spinner ticks,
// cursor blinks), which a test drops rather than loop on.
func IsCharmInternal(msg tea.Msg) bool {
	pkg := reflect.TypeOf(msg).PkgPath()
	return strings.HasPrefix(pkg, "charm.land/") && !strings.HasPrefix(pkg, "charm.land/bubbletea")
}

// Plain is a frame without colours or styles and without trailing spaces, as golden
// screens hold it.
func Plain(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Golden compares got with testdata/NAME.golden, or rewrites it with -update.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("screen %s differs from the golden file (go test -update rewrites it):\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}
