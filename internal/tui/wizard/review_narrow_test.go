package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// At the smallest window the wizard draws in (80×24), a step gets 78×18. Review and
// Act must fit it: no line wider, no line below, the key content on screen.
const narrowWidth, narrowHeight = 78, 18

// checkFits fails when view has a line wider than the narrow width or more lines than
// its height, or lacks one of want (looked for in the view made one line, so wrapped
// text is found whole).
func checkFits(t *testing.T, what, view string, want ...string) {
	t.Helper()
	lines := strings.Split(tuitest.Plain(view), "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > narrowWidth {
			t.Errorf("%s: line %d is %d cells wide, more than %d:\n%s", what, i+1, w, narrowWidth, l)
		}
	}
	if len(lines) > narrowHeight {
		t.Errorf("%s: %d lines, more than %d: the last are cut off", what, len(lines), narrowHeight)
	}
	joined := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
	squeezed := strings.Join(strings.Fields(strings.Join(lines, "")), "")
	for _, w := range want {
		// A long word (an ARN) may be broken across lines: look for it without spaces too.
		if !strings.Contains(joined, w) && !strings.Contains(squeezed, strings.Join(strings.Fields(w), "")) {
			t.Errorf("%s: %q is not on screen:\n%s", what, w, tuitest.Plain(view))
		}
	}
	if t.Failed() {
		t.Logf("%s:\n%s", what, tuitest.Plain(view))
	}
}

func TestReviewFitsTheSmallestWindow(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.Tags = map[string]string{"team": "platform"}
	tabs := []struct {
		name string
		want []string
	}{
		{"ECS JSON", []string{`"family": "demo-shop-dev"`}},
		{"tfvars", []string{`app_name`, `"demo-shop"`}},
		{"module block", []string{`module "task_definition"`}},
		{"resource HCL", []string{`resource "aws_ecs_task_definition"`}},
		{"diff", []string{"Changes from demo-shop-dev:4"}},
	}
	s := newReviewStep(newTestEnv(spec, session))
	s.useSteps(theWizardsSteps())
	s.SetSize(narrowWidth, narrowHeight)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	for i, tab := range tabs {
		if i > 0 {
			keys(t, up, "tab")
		}
		want := append([]string{"✓ The spec is valid", "ECS JSON", "resource HCL", "diff"}, tab.want...)
		checkFits(t, tab.name, s.View(), want...)
	}

	t.Run("with errors, warnings and the aws_region form open", func(t *testing.T) {
		spec := demoSpec()
		spec.ExecutionRoleARN = "arn:aws:iam::123456789012:role/a-role-name-long-enough-to-wrap-around-the-line"
		spec.TaskMemory = "3"
		spec.DebugMode = true
		s := newReviewStep(newTestEnv(spec, nil))
		s.useSteps(theWizardsSteps())
		s.SetSize(narrowWidth, narrowHeight)
		up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
		settle(t, up, s.Init(context.Background()))
		checkFits(t, "errors", s.View(), "block registering and exporting")
		keys(t, up, "enter")
		checkFits(t, "errors listed", s.View(), "Fix 1 error before going on")
		keys(t, up, "ctrl+e")
		checkFits(t, "aws_region form", s.View(), "aws_region", "tags")
	})
}

func TestActFitsTheSmallestWindow(t *testing.T) {
	session, srv := demoSession(t)
	s, up := startAct(t, demoSpec(), session, "")
	s.SetSize(narrowWidth, narrowHeight)
	checkFits(t, "menu", s.View(), "▸ Register", "Export", "Save spec", "Quit")

	keys(t, up, "enter")
	checkFits(t, "confirmation", s.View(), "Register demo-shop-dev?", "eu-west-2 · account 123456789012", "y register")

	keys(t, up, "y")
	arn := `"arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5"`
	checkFits(t, "registered", s.View(), "✓ Registered demo-shop-dev:5", "task_definition_arn", arn,
		"task_definition_revision = 5", `container_name = "demo-shop"`,
		"aws ecs update-service --cluster demo-shop --service demo-shop-dev-web \\ --task-definition demo-shop-dev:5")

	// Registering again: unchanged, with a service already on the revision and a note.
	srv.AddService(fakeServiceOn("demo-shop-dev-worker-with-a-long-name", "demo-shop-dev:5"))
	keys(t, up, "enter", "y")
	s.note = "✓ Wrote /a/directory/with/a/rather/long/name/for/the/export/demo-shop-dev.tfvars (tfvars, mode 0600)."
	checkFits(t, "unchanged", s.View(), "✓ unchanged: demo-shop-dev:5", arn, "pgup/pgdn to scroll the outcome")
	keys(t, up, "pgdown")
	checkFits(t, "unchanged, scrolled", s.View(), "--service demo-shop-dev-web",
		"demo-shop-dev-worker-with-a-long-name (cluster demo-shop) already runs demo-shop-dev:5.")
	keys(t, up, "pgup")
	checkFits(t, "unchanged, back at the top", s.View(), "✓ unchanged: demo-shop-dev:5")

	keys(t, up, "down", "enter")
	checkFits(t, "export form", s.View(), "Format", "Path", "demo-shop-dev.tfvars")
	keys(t, up, "esc")

	t.Run("offline", func(t *testing.T) {
		s, _ := startAct(t, demoSpec(), nil, "")
		s.SetSize(narrowWidth, narrowHeight)
		checkFits(t, "offline", s.View(), "off while offline", "▸ Export")
	})
	t.Run("with blocking errors", func(t *testing.T) {
		spec := demoSpec()
		spec.TaskMemory = "3"
		s, _ := startAct(t, spec, session, "")
		s.SetSize(narrowWidth, narrowHeight)
		checkFits(t, "errors", s.View(), "1 error in the spec", "▸ Save spec")
	})
}

// fakeServiceOn is a service of the demo cluster running td.
func fakeServiceOn(name, td string) fakeaws.Service {
	return fakeaws.Service{Cluster: fakeaws.DemoCluster, Name: name, TaskDefinition: td, DesiredCount: 1}
}
