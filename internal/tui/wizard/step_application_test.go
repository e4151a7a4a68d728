package wizard

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
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
