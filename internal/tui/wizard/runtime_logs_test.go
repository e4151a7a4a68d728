package wizard

import (
	"testing"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func TestRuntimeStepLogsTheLogGroupsItCreates(t *testing.T) {
	tests := []struct {
		name  string
		fail  bool
		keys  []string
		msg   string
		attrs []string
	}{
		{name: "a group created logs its name and retention", keys: []string{"ctrl+n", "down", "enter"},
			msg: "log group created", attrs: []string{"name=/ecs/demo-shop-staging", "retention_days=90"}},
		{name: "a group not created logs why", fail: true, keys: []string{"ctrl+n", "enter"},
			msg: "log group not created", attrs: []string{"name=/ecs/demo-shop-staging", "retention_days=30", "access denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			spec := runtimeSpec()
			spec.Environment, spec.LogGroupName = "staging", ""
			r := newRuntimeRig(t, spec, session)
			log := captureLog(r.e)
			if tt.fail {
				srv.Fail("CreateLogGroup", "AccessDeniedException", "User is not authorized to perform: logs:CreateLogGroup", fakeaws.Times(1))
			}
			r.keys(tt.keys...)
			assertLogged(t, log.String(), tt.msg, tt.attrs...)
		})
	}
}
