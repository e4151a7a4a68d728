package wizard

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
)

// A registration whose answer timed out, and whose revision could not be looked for
// (the network stayed down), fails; the retry key compares with the latest revision
// first, finds the revision made, and registers nothing.
func TestActRegisterRetryAfterATimeoutMakesNoSecondRevision(t *testing.T) {
	tests := []struct {
		name  string
		fault func(srv *fakeaws.Server, registering *atomic.Bool)
	}{
		{name: "AWS reports a timeout after the work",
			fault: func(srv *fakeaws.Server, registering *atomic.Bool) {
				srv.Fail("RegisterTaskDefinition", "RequestTimeoutException", "Request timed out", fakeaws.AfterWork(), fakeaws.Times(1),
					fakeaws.When(func(fakeaws.Call) bool { registering.Store(true); return true }))
			}},
		{name: "a gateway times out after the work",
			fault: func(srv *fakeaws.Server, registering *atomic.Bool) {
				srv.Fail("RegisterTaskDefinition", "GatewayTimeout", "Gateway Timeout", fakeaws.AfterWork(), fakeaws.Times(1), fakeaws.WithStatus(http.StatusGatewayTimeout),
					fakeaws.When(func(fakeaws.Call) bool { registering.Store(true); return true }))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			var registering atomic.Bool
			tt.fault(srv, &registering)
			// The look for the revision that follows the lost answer fails too.
			srv.Fail("DescribeTaskDefinition", "ServiceUnavailableException", "Service unavailable",
				fakeaws.When(func(fakeaws.Call) bool { return registering.Load() }))
			s, up := startAct(t, demoSpec(), session, "")
			keys(t, up, "enter", "y")
			view := flat(tuitest.Plain(s.View()))
			if !strings.Contains(view, "✗ Register failed") || !strings.Contains(view, "ctrl+r") {
				t.Fatalf("the timed-out registration is not a failure with the retry key:\n%s", view)
			}

			srv.ClearFaults()
			keys(t, up, "ctrl+r")
			view = flat(tuitest.Plain(s.View()))
			if !strings.Contains(view, "✓ unchanged: demo-shop-dev:5 is already this task definition; nothing was registered.") {
				t.Errorf("the retry does not say demo-shop-dev:5 is already registered:\n%s", view)
			}
			if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
				t.Errorf("%d RegisterTaskDefinition calls, want 1", n)
			}
		})
	}
}
