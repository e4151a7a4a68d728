package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
)

func TestApplicationStepNamesTheDemosAppInTheDemoAccount(t *testing.T) {
	if demoApp != fakeaws.DemoApp {
		t.Fatalf("the step names %q as the demo's app; the demo account's is %q", demoApp, fakeaws.DemoApp)
	}
	tests := []struct {
		name    string
		demo    bool
		app     string // the spec's
		typed   string
		want    []string
		notWant []string
	}{
		{
			name: "an empty name in the demo suggests demo-shop", demo: true,
			want: []string{"e.g. demo-shop — the demo account's app", "Names the family (APP-ENV)"},
		},
		{
			name: "another name typed in the demo says where the demo's images and secrets are", demo: true, typed: "my-app",
			want:    []string{"my-app", "The demo account's app is demo-shop: its images and secrets are there"},
			notWant: []string{"Names the family"},
		},
		{
			name: "demo-shop in the demo needs no word about it", demo: true, app: "demo-shop",
			want:    []string{"Names the family (APP-ENV)"},
			notWant: []string{"The demo account's app"},
		},
		{
			name: "outside the demo the example is any app's",
			want: []string{"e.g. backend-booking", "Names the family (APP-ENV)"}, notWant: []string{"demo-shop"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := model.NewSpec()
			spec.AppName, spec.Environment = tt.app, "dev"
			var session *Session
			if tt.demo {
				session, _ = demoSession(t)
			}
			e := newTestEnv(spec, session)
			s := newApplicationStep(e)
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))
			typeText(t, up, tt.typed)
			view := tuitest.Plain(s.View())
			for _, w := range tt.want {
				if !strings.Contains(view, w) {
					t.Errorf("the screen does not say %q:\n%s", w, view)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(view, w) {
					t.Errorf("the screen says %q:\n%s", w, view)
				}
			}
			if e.spec.AppName != strings.TrimSpace(tt.app+tt.typed) {
				t.Errorf("app_name = %q: the suggestion was filled in", e.spec.AppName)
			}
		})
	}
}

// The demo chosen once the first screen is drawn (no credentials): the example follows.
func TestApplicationStepNamesTheDemosAppOnceTheDemoIsChosen(t *testing.T) {
	spec := model.NewSpec()
	e := newTestEnv(spec, nil)
	e.session = nil // connecting
	s := newApplicationStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "e.g. backend-booking") {
		t.Fatalf("while connecting, the example is not an app's:\n%s", view)
	}
	e.session, _ = demoSession(t)
	settle(t, up, s.Connected())
	view := tuitest.Plain(s.View())
	if !strings.Contains(view, "e.g. demo-shop — the demo account's app") {
		t.Errorf("after the demo was chosen, the example is not the demo's app:\n%s", view)
	}
	tuitest.Golden(t, "application-demo-empty", view)
}
