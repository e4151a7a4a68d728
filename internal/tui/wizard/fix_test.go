package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/deploy"
)

// The troubleshooter's "fix in wizard" opens the wizard on a revision at the step that
// answers the failing field, with that field focused and the earlier steps reachable.
func TestFixOpensAtTheStepThatOwnsTheField(t *testing.T) {
	session, _ := demoSession(t)
	h := newRoot(t, Options{Spec: demoSpec(), Field: "task_memory", Note: "Opened from doctor on demo-shop-dev:4.",
		Connect: func(context.Context) (*Session, error) { return session, nil }})
	if got := h.m.steps[h.m.current].Title(); got != "Sizing" {
		t.Fatalf("opened at %q, want Sizing", got)
	}
	form := h.m.steps[h.m.current].(formStep).Form()
	if f := form.Focused(); f == nil || f.Key != "task_memory" {
		t.Errorf("focused field %+v, want task_memory", f)
	}
	if !h.m.completed[0] {
		t.Error("Application, before the field's step, is not reachable")
	}
	screen := h.screen()
	if !strings.Contains(screen, "Opened from doctor on demo-shop-dev:4.") {
		t.Errorf("the note is not shown:\n%s", screen)
	}
	h.press("esc")
	if got := h.m.steps[h.m.current].Title(); got != "Application" {
		t.Errorf("esc went to %q, want Application", got)
	}
	if f := h.m.steps[h.m.current].(formStep).Form().Focused(); f == nil || f.Key == "task_memory" {
		t.Errorf("the focus was moved again on another step: %+v", f)
	}
}

// Registered from a fix, Act shows what rolling the service would change and the line
// that rolls it.
func TestActShowsTheDiffFromTheRevisionTheServiceRuns(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.TaskMemory = "2048"
	e := newTestEnv(spec, session)
	e.rollout = &deploy.Service{Cluster: "demo-shop", Name: "demo-shop-dev-web", Running: "demo-shop-dev:4"}
	s, up := startActIn(t, e, "")
	s.SetSize(98, 200) // room for the whole diff
	keys(t, up, "enter", "y")
	view := tuitest.Plain(s.View())
	if !strings.Contains(flat(view), "demo-shop-dev-web (cluster demo-shop) runs demo-shop-dev:4. What rolling it to demo-shop-dev:5 changes:") {
		t.Errorf("the diff is not introduced:\n%s", view)
	}
	for _, want := range []string{
		"--- demo-shop-dev:4",
		"+++ demo-shop-dev:5",
		`-  "memory": "1024",`,
		`+  "memory": "2048",`,
		"Roll demo-shop-dev-web to it:",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the outcome lacks %q:\n%s", want, view)
		}
	}
	if n := strings.Count(view, "--service demo-shop-dev-web"); n != 1 {
		t.Errorf("the service's update-service line shows %d times, want once:\n%s", n, view)
	}
}

// The diff is read in a command; its failure is said in place.
func TestActRolloutDiffFailureIsSaid(t *testing.T) {
	session, srv := demoSession(t)
	e := newTestEnv(demoSpec(), session)
	e.rollout = &deploy.Service{Cluster: "demo-shop", Name: "demo-shop-dev-web", Running: "demo-shop-dev:4"}
	srv.Fail("DescribeTaskDefinition", "AccessDeniedException", "not authorized",
		fakeaws.When(func(c fakeaws.Call) bool { return c.String("taskDefinition") == "demo-shop-dev:4" }))
	s, up := startActIn(t, e, "")
	keys(t, up, "enter", "y")
	if view := flat(tuitest.Plain(s.View())); !strings.Contains(view, "Could not compare it with demo-shop-dev:5: describe task definition \"demo-shop-dev:4\": access denied") ||
		!strings.Contains(view, "aws ecs update-service --cluster demo-shop --service demo-shop-dev-web") {
		t.Errorf("the failure is not said:\n%s", view)
	}
}

// Quit with Ctrl-C after registering, the summary still says what was registered.
func TestQuitAfterRegisteringSaysWhatWasDone(t *testing.T) {
	session, _ := demoSession(t)
	h := newRoot(t, Options{Spec: demoSpec(), Step: 8, Completed: []int{0, 1, 2, 3, 4, 5, 6, 7},
		Connect: func(context.Context) (*Session, error) { return session, nil }})
	h.press("enter", "y")
	h.press("ctrl+c", "y")
	got := strings.Join(h.m.Outcome().Lines, "\n")
	if !strings.Contains(got, "Registered demo-shop-dev:5") {
		t.Errorf("the summary does not name the registration:\n%s", got)
	}
}
