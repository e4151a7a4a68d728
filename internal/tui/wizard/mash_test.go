package wizard

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestMashingKeysNeverPanicsOrOverflows drives the real wizard on the demo account with
// a few thousand random keys and window sizes, as a hurried person would: every frame
// must draw within the window, and nothing may panic. Quitting is answered "no".
func TestMashingKeysNeverPanicsOrOverflows(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the whole wizard")
	}
	session, _ := demoSession(t)
	t.Chdir(t.TempDir()) // an export or a save lands here
	keysPool := []string{
		"enter", "enter", "enter", "tab", "shift+tab", "esc", "up", "down", "left", "right",
		"space", "backspace", "pgup", "pgdown", "ctrl+t", "ctrl+n", "ctrl+a", "ctrl+e",
		"ctrl+d", "ctrl+r", "alt+1", "alt+2", "alt+3", "alt+4", "alt+5", "alt+6", "alt+7", "alt+8", "alt+9", "y", "n", "a", "x",
		"-", "/", "1", "0",
	}
	sizes := [][2]int{{100, 30}, {80, 24}, {120, 40}, {60, 15}, {81, 25}}
	visited := map[string]bool{}
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 42))
		spec := demoSpec()
		h := newRoot(t, Options{Spec: spec, SpecPath: "dev.tfvars", Connect: func(context.Context) (*Session, error) { return session, nil }})
		for i := range 1500 {
			if i%200 == 0 {
				sz := sizes[rng.IntN(len(sizes))]
				h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			}
			k := keysPool[rng.IntN(len(keysPool))]
			h.press(k)
			if h.m.confirmQuit {
				h.press("n")
			}
			if h.quit {
				t.Fatalf("seed %d: the wizard quit after key %d (%s)", seed, i, k)
			}
			visited[h.m.steps[h.m.current].Title()] = true
			if h.m.tooSmall() {
				continue
			}
			for n, line := range strings.Split(h.screen(), "\n") {
				if w := len([]rune(line)); w > h.m.width {
					t.Fatalf("seed %d, key %d (%s) on %s at %dx%d: line %d is %d wide:\n%s",
						seed, i, k, h.m.steps[h.m.current].Title(), h.m.width, h.m.height, n+1, w, h.screen())
				}
			}
			if lines := strings.Count(h.screen(), "\n") + 1; lines > h.m.height {
				t.Fatalf("seed %d, key %d (%s) on %s: %d lines in a %d-line window:\n%s",
					seed, i, k, h.m.steps[h.m.current].Title(), lines, h.m.height, h.screen())
			}
		}
	}
	if len(visited) < 6 {
		t.Errorf("the keys reached only %d steps (%v): the test no longer drives the wizard", len(visited), visited)
	}
}
