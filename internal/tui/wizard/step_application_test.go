package wizard

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
)

func TestApplicationStepPicksARepositoryThenATagNewestFirst(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.ContainerImage = ""
	e := newTestEnv(spec, session)
	s := newApplicationStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))

	golden(t, "application", plain(s.View()))
	keys(t, up, "enter", "enter", "enter", "enter", "enter")
	if got := e.spec.ContainerImage; got == "" {
		t.Fatalf("container_image not set after picking the repository and tag")
	}
}

func TestApplicationStepKeepsAPortThatIsNotANumber(t *testing.T) {
	e := newTestEnv(demoSpec(), nil)
	s := newApplicationStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	s.form.FocusKey("container_port")
	keys(t, up, "backspace", "backspace", "backspace", "backspace")
	typeText(t, up, "80a")
	if got := e.spec.ContainerPort; got != 80 {
		t.Errorf("container_port = %d, want the last valid port typed, 80", got)
	}
	settle(t, up, s.Init(context.Background())) // the person leaves and comes back
	port := s.form.Field("container_port")
	if got := port.Value(); got != "80a" {
		t.Errorf("the port shown again is %q, want what was typed", got)
	}
	if view := plain(s.View()); !strings.Contains(view, `✗ "80a" is not a number`) {
		t.Errorf("the port's error is not shown:\n%s", view)
	}
	s.form.FocusKey("container_port")
	keys(t, up, "backspace")
	settle(t, up, s.Init(context.Background()))
	if got := s.form.Field("container_port").Value(); got != "80" || e.spec.ContainerPort != 80 {
		t.Errorf("a valid port: field %q, spec %d", got, e.spec.ContainerPort)
	}
}

// owner is a step that says which spec variables it answers.
type owner interface{ Owns(field string) bool }

func TestEveryVariableIsAnsweredByOneStep(t *testing.T) {
	e := newTestEnv(demoSpec(), nil)
	steps := map[string]owner{
		"Application":  newApplicationStep(e),
		"Sizing":       newSizingStep(e),
		"Django":       newDjangoStep(e),
		"Secrets":      newSecretsStep(e).(owner),
		"Integrations": newIntegrationsStep(e),
		"Hardening":    newHardeningStep(e),
		"Runtime":      newRuntime(e),
	}
	// Review answers what no earlier step asks.
	unowned := map[string]bool{"aws_region": true, "tags": true}
	for _, v := range model.Variables() {
		var owners []string
		for name, s := range steps {
			if s.Owns(v.Name) {
				owners = append(owners, name)
			}
		}
		switch {
		case unowned[v.Name] && len(owners) > 0:
			t.Errorf("%s is answered by %v; the review step was to answer it", v.Name, owners)
		case !unowned[v.Name] && len(owners) != 1:
			t.Errorf("%s is answered by %v, want exactly one step", v.Name, owners)
		}
	}
	paths := map[string]bool{}
	for _, field := range []string{"volumes[1].name", `environment_variables["DEBUG"]`, "container_command[0]", "task_cpu_x"} {
		paths[field] = steps["Runtime"].Owns(field) || steps["Django"].Owns(field)
	}
	want := map[string]bool{"volumes[1].name": true, `environment_variables["DEBUG"]`: true, "container_command[0]": true, "task_cpu_x": false}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("a finding's path is owned by its variable's step (-want +got):\n%s", diff)
	}
}
