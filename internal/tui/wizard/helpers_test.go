package wizard

import (
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"log/slog"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// The wizard's tests drive steps in-process: keys go to Update, the commands it returns
// run at once (AWS calls against fakeaws, which speaks the real wire protocols), and
// their messages go back to Update until nothing is left to do.

// demoSession starts the demo account and returns a session on it.
func demoSession(t *testing.T, opts ...fakeaws.Option) (*Session, *fakeaws.Server) {
	t.Helper()
	srv := fakeaws.NewDemo(opts...)
	clients := awstest.Start(t, srv)
	return &Session{Region: srv.Region(), Account: srv.Account(), Demo: true, Cloud: NewCloud(clients)}, srv
}

// newTestEnv is a step's env over spec, with session (nil: offline).
func newTestEnv(spec model.Spec, session *Session) *env {
	st := tui.NewStyles(true)
	if session == nil {
		session = &Session{}
	}
	return &env{spec: &spec, session: session, styles: &st, log: slog.New(slog.DiscardHandler)}
}

// demoSpec is a complete spec on the demo account, as a person would have answered.
func demoSpec() model.Spec {
	s := model.NewSpec()
	s.AppName, s.Environment, s.ContainerName = "demo-shop", "dev", "demo-shop"
	s.ContainerImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2"
	s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/demo-shop-execution"
	s.LogGroupName = "/ecs/demo-shop-dev"
	s.AWSRegion = "eu-west-2"
	return s
}

// settle runs cmd and feeds every message it yields back to update, until no command
// is left. Bubble Tea's own timing messages (spinner ticks, blinks) are dropped: the
// root wizard owns those.
func settle(t *testing.T, update func(tea.Msg) tea.Cmd, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("settle: commands never stop coming")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := tuitest.RunCmd(t, c)
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			if tuitest.IsCharmInternal(msg) {
				continue
			}
			queue = append(queue, update(msg))
		}
	}
}

// typeText is one key press per character.
func typeText(t *testing.T, update func(tea.Msg) tea.Cmd, text string) {
	t.Helper()
	for _, r := range text {
		settle(t, update, update(tuitest.Press(string(r))))
	}
}

// keys presses each key and settles its commands.
func keys(t *testing.T, update func(tea.Msg) tea.Cmd, ks ...string) {
	t.Helper()
	for _, k := range ks {
		settle(t, update, update(tuitest.Press(k)))
	}
}
