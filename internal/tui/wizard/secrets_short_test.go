package wizard

import (
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// assertFits fails when view is taller or wider than a step of width×height.
func assertFits(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > height {
		t.Errorf("the screen has %d lines, more than the %d there is room for:\n%s", len(lines), height, view)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("a line is %d wide, more than %d: %q", w, width, l)
		}
	}
}

// On an 80×24 terminal (a step of 78×18) the required secrets fill the screen: the
// filter line stays under the title whatever scrolls, and a filter scrolls the
// parameters into view.
func TestSecretsStepKeepsTheFilterInViewOnAShortScreen(t *testing.T) {
	session, _ := demoSession(t)
	tests := []struct {
		name    string
		app     string
		typed   string
		golden  string
		want    []string // lines the screen shows, as typed
		cleared []string // lines it shows once esc cleared the filter
	}{
		{
			name: "a filter that matches scrolls its matches into view", app: "demo-shop", typed: "pass", golden: "secrets-short-filtered",
			want:    []string{"Filter pass▏ · 1 of 6 match · esc clears", "Parameters under /demo-shop/prod · 1 match", "▸    ·  password"},
			cleared: []string{"Filter ▏ · type to filter the 6 parameters"},
		},
		{
			name: "a filter that matches nothing says so", app: "demo-shop", typed: "x",
			want:    []string{"Filter x▏ · 0 of 6 match · esc clears", "Nothing matches · ctrl+n creates /demo-shop/prod/x"},
			cleared: []string{"Filter ▏ · type to filter the 6 parameters"},
		},
		{
			name: "under a prefix holding no parameters the filter says nothing is listed", app: "backend-booking", typed: "x",
			want:    []string{"Filter x▏ · no parameters listed to match · esc clears", "Parameters under /backend-booking/prod · none yet"},
			cleared: []string{"Filter ▏ · no parameters listed to filter"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.AppName, spec.Environment, spec.EnableTwilio = tt.app, "prod", true
			s, _, up := secretsFixture(t, spec, session)
			s.SetSize(78, 18)
			if v := tuitest.Plain(s.View()); !strings.Contains(v, "\nFilter ▏") {
				t.Errorf("before typing, the filter line is not shown:\n%s", v)
			}
			typeText(t, up, tt.typed)
			v := tuitest.Plain(s.View())
			assertFits(t, v, 78, 18)
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("the screen does not show %q:\n%s", w, v)
				}
			}
			if tt.golden != "" {
				tuitest.Golden(t, tt.golden, v)
			}
			keys(t, up, "esc")
			v = tuitest.Plain(s.View())
			assertFits(t, v, 78, 18)
			for _, w := range tt.cleared {
				if !strings.Contains(v, w) {
					t.Errorf("esc did not clear the filter in view: no %q:\n%s", w, v)
				}
			}
		})
	}
}

func TestSecretsStepShortScreenGolden(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.Environment, spec.EnableTwilio = "prod", true
	s, _, _ := secretsFixture(t, spec, session)
	s.SetSize(78, 18)
	v := tuitest.Plain(s.View())
	assertFits(t, v, 78, 18)
	tuitest.Golden(t, "secrets-short-loaded", v)
}

// Moving the cursor back out of the parameters scrolls back to it, filter or not.
func TestSecretsStepScrollsBackToTheCursorWhenItMoves(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.AppName, spec.Environment, spec.EnableTwilio = "backend-booking", "prod", true
	s, _, up := secretsFixture(t, spec, session)
	s.SetSize(78, 18)
	typeText(t, up, "x")
	if v := tuitest.Plain(s.View()); strings.Contains(v, "▸") {
		t.Fatalf("while typing, the screen shows the cursor's row rather than the listing:\n%s", v)
	}
	keys(t, up, "down")
	v := tuitest.Plain(s.View())
	if !strings.Contains(v, "▸ ✗ DATABASE_PASSWORD") || !strings.Contains(v, "Filter x▏") {
		t.Errorf("after down, the cursor's row or the filter is out of view:\n%s", v)
	}
}

// A hint about the row under the cursor goes when the cursor leaves the row; what a
// key did (an outcome) stays.
func TestSecretsStepClearsARowsHintWhenTheCursorLeavesIt(t *testing.T) {
	session, _ := demoSession(t)
	tests := []struct {
		name   string
		before []string // keys that put the cursor on the row
		key    string   // the key that shows the hint or the outcome
		want   string   // in the status line
		after  []string // keys that move the cursor
		stays  bool
	}{
		{
			name: "a required secret says why space does nothing", before: []string{"down", "down", "down", "down", "down"}, key: "space",
			want: "REDIS_HOST is required", after: []string{"up"},
		},
		{
			name: "a directory says what space does", before: []string{"d", "a", "t", "a", "b", "a", "s", "e", "up"}, key: "space",
			want: "A directory: space exposes one parameter", after: []string{"down"},
		},
		{
			name: "rename on a parameter not exposed says how", before: []string{"s", "e", "n", "t", "r", "y", "/", "d", "s", "n"}, key: "ctrl+e",
			want: "ctrl+e renames an exposed secret", after: []string{"up"},
		},
		{
			name: "an exposed parameter's line goes with the cursor", before: []string{"s", "e", "n", "t", "r", "y", "/", "d", "s", "n"}, key: "space",
			want: "Exposed /demo-shop/dev/sentry/dsn as DSN", after: []string{"up"},
		},
		{
			name: "a removal stays: it is not about a row", before: []string{"s", "e", "n", "t", "r", "y", "/", "d", "s", "n", "space"}, key: "space",
			want: "Removed DSN.", after: []string{"up"}, stays: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, up := secretsFixture(t, demoSpec(), session)
			s.SetSize(78, 18)
			keys(t, up, tt.before...)
			keys(t, up, tt.key)
			if !strings.Contains(tuitest.Plain(s.View()), tt.want) {
				t.Fatalf("after %s the screen does not say %q:\n%s", tt.key, tt.want, tuitest.Plain(s.View()))
			}
			keys(t, up, "ctrl+x") // a key that moves nothing keeps the hint
			if !strings.Contains(tuitest.Plain(s.View()), tt.want) {
				t.Errorf("a key that does not move the cursor cleared %q:\n%s", tt.want, tuitest.Plain(s.View()))
			}
			keys(t, up, tt.after...)
			if got := strings.Contains(tuitest.Plain(s.View()), tt.want); got != tt.stays {
				t.Errorf("after the cursor moved, %q shown = %v, want %v:\n%s", tt.want, got, tt.stays, tuitest.Plain(s.View()))
			}
		})
	}
}
