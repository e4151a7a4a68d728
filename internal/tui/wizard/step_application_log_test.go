package wizard

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestApplicationStepLogsTheArchitecturesItReads(t *testing.T) {
	tests := []struct {
		name  string
		fail  bool
		msg   string
		attrs []string
	}{
		{name: "architectures read log the repository and how many images", msg: "image architectures read",
			attrs: []string{"repository=demo-shop", "images=", "found="}},
		{name: "architectures not read log why", fail: true, msg: "image architectures not read",
			attrs: []string{"repository=demo-shop", "images=", "access denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			if tt.fail {
				srv.Fail("BatchGetImage", "AccessDeniedException", "User is not authorized to perform: ecr:BatchGetImage")
			}
			spec := demoSpec()
			spec.ContainerImage = ""
			e := newTestEnv(spec, session)
			log := captureLog(e)
			s := newApplicationStep(e)
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))
			assertLogged(t, log.String(), tt.msg, tt.attrs...)
		})
	}
}
