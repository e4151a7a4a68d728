package doctorui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
)

// TestMashingKeysNeverPanicsOrOverflows drives the screens on the demo account with
// random keys and window sizes, as a hurried person would: nothing may panic and every
// frame draws within the window. Ctrl-C, Esc on the clusters and w end the program; the
// test then starts again.
func TestMashingKeysNeverPanicsOrOverflows(t *testing.T) {
	if testing.Short() {
		t.Skip("drives every screen")
	}
	clients, srv := demo(t)
	pool := []string{"enter", "enter", "enter", "esc", "up", "down", "down", "pgup", "pgdown", "tab",
		"f", "f", "w", "ctrl+r", "ctrl+c", "x", "space"}
	sizes := [][2]int{{100, 30}, {80, 24}, {132, 43}, {60, 15}, {40, 10}}
	screens := map[string]bool{}
	rng := rand.New(rand.NewPCG(7, 42))
	size := sizes[0]
	d := start(t, demoOptions(clients, srv), size[0], size[1])
	for i := range 1500 {
		if i%150 == 0 {
			size = sizes[rng.IntN(len(sizes))]
			d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		}
		k := pool[rng.IntN(len(pool))]
		d.send(tuitest.Press(k))
		d.tick() // follow mode polls
		if d.quit {
			d = start(t, demoOptions(clients, srv), size[0], size[1])
			continue
		}
		screens[fmt.Sprintf("%T", d.m.top().screen)] = true
		frame := d.screen()
		lines := strings.Split(frame, "\n")
		if len(lines) > size[1] {
			t.Fatalf("key %d (%s) at %dx%d: %d lines:\n%s", i, k, size[0], size[1], len(lines), frame)
		}
		for n, line := range lines {
			if w := len([]rune(line)); w > size[0] {
				t.Fatalf("key %d (%s) at %dx%d: line %d is %d wide:\n%s", i, k, size[0], size[1], n+1, w, frame)
			}
		}
	}
	if len(screens) < 4 {
		t.Errorf("the keys reached only %v: the test no longer drives every screen", screens)
	}
}
