package wizard

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// captureLog sends e's log, every level, to a buffer.
func captureLog(e *env) *syncBuffer {
	lb := &syncBuffer{}
	e.log = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return lb
}

// logLine is the line of log holding msg, or "".
func logLine(log, msg string) string {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "msg="+msg) || strings.Contains(l, `msg="`+msg+`"`) {
			return l
		}
	}
	return ""
}

// assertLogged fails unless log has a line msg holding each of attrs.
func assertLogged(t *testing.T, log, msg string, attrs ...string) {
	t.Helper()
	line := logLine(log, msg)
	if line == "" {
		t.Errorf("nothing logged as %q:\n%s", msg, log)
		return
	}
	for _, a := range attrs {
		if !strings.Contains(line, a) {
			t.Errorf("the log line %q does not hold %q", line, a)
		}
	}
}

func TestSecretsStepLogsItsCallsByNameAndOutcome(t *testing.T) {
	const value = "s3cr3t-Value-never-logged"
	tests := []struct {
		name  string
		env   string
		fault func(*fakeaws.Server)
		keys  []string // after the listing: the keys that create a parameter
		msg   string
		attrs []string
	}{
		{
			name: "a listing logs its prefix, count, duration and warnings", env: "dev",
			msg: "parameters listed", attrs: []string{"prefix=/demo-shop/dev", "count=12", "duration=", "warnings=0"},
		},
		{
			name: "a listing that fails logs why", env: "dev",
			fault: func(srv *fakeaws.Server) {
				srv.Fail("DescribeParameters", "AccessDeniedException", "User is not authorized to perform: ssm:DescribeParameters")
			},
			msg: "parameters not listed", attrs: []string{"prefix=/demo-shop/dev", "duration=", "access denied"},
		},
		{
			name: "a created parameter logs its name and type", env: "prod", keys: []string{"down", "down", "down", "down", "ctrl+n"},
			msg: "parameter created", attrs: []string{"name=/demo-shop/prod/database/username", "type=SecureString", "version=1"},
		},
		{
			name: "a parameter not created logs why", env: "prod", keys: []string{"down", "down", "down", "down", "ctrl+n"},
			fault: func(srv *fakeaws.Server) {
				srv.Fail("PutParameter", "AccessDeniedException", "User is not authorized to perform: ssm:PutParameter")
			},
			msg: "parameter not created", attrs: []string{"name=/demo-shop/prod/database/username", "type=SecureString", "access denied"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			if tt.fault != nil {
				tt.fault(srv)
			}
			spec := demoSpec()
			spec.Environment = tt.env
			e := newTestEnv(spec, session)
			log := captureLog(e)
			s := newSecretsStep(e).(*secretsStep)
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))
			if len(tt.keys) > 0 {
				keys(t, up, tt.keys...)
				typeText(t, up, value)
				keys(t, up, "enter", "y")
			}
			got := log.String()
			assertLogged(t, got, tt.msg, tt.attrs...)
			if strings.Contains(got, value) {
				t.Errorf("the log holds the value:\n%s", got)
			}
		})
	}
}
