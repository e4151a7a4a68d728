package deploy_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/deploy"
)

// A registration whose answer times out may have made its revision. These tests run
// the SDK's own retries and call timeout, as ecswiz does, over a network that loses the
// answer of RegisterTaskDefinition after the fake has done the work, and count the
// revisions made: one, whatever the next attempt is.

// lossyNetwork is an HTTP client to the fake that loses the answer of the first call of
// one operation: the request reaches the fake and is done, and the caller waits for an
// answer until its call timeout. With down, the network then carries nothing at all
// (a black hole: requests never arrive) until restore.
type lossyNetwork struct {
	op   string
	down bool // the network goes down once the answer is lost

	mu       sync.Mutex
	lost     bool
	goneDown bool
}

func (n *lossyNetwork) Do(req *http.Request) (*http.Response, error) {
	op := req.Header.Get("X-Amz-Target")
	op = op[strings.LastIndex(op, ".")+1:]
	n.mu.Lock()
	blackHole := n.goneDown
	lose := !blackHole && !n.lost && op == n.op
	if lose {
		n.lost, n.goneDown = true, n.down
	}
	n.mu.Unlock()
	if lose {
		// The fake does the work whatever the caller's context does meanwhile.
		resp, err := http.DefaultClient.Do(req.Clone(context.WithoutCancel(req.Context())))
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if lose || blackHole {
		<-req.Context().Done()
		return nil, &url.Error{Op: req.Method, URL: req.URL.String(), Err: req.Context().Err()}
	}
	return http.DefaultClient.Do(req)
}

// restore brings the network back.
func (n *lossyNetwork) restore() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.goneDown = false
}

// demoECSOver is the demo account's ECS adapter over network, with the SDK's retries
// and a call timeout long enough for a loaded machine, short enough to wait out.
func demoECSOver(t *testing.T, network aws.HTTPDoer) (*aws.ECS, *fakeaws.Server) {
	t.Helper()
	srv := fakeaws.NewDemo()
	clients := awstest.Start(t, srv, awstest.WithRetries, func(o *aws.Options) {
		o.HTTPClient = network
		o.CallTimeout = 3 * time.Second
	})
	return clients.ECS, srv
}

var demoShopDev5 = aws.Registered{ARN: "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5", Family: "demo-shop-dev", Revision: 5}

func TestARegistrationWhoseAnswerTimesOutIsFoundByTheSameAttempt(t *testing.T) {
	tests := []struct {
		name    string
		network func() aws.HTTPDoer
		fault   func(srv *fakeaws.Server)
	}{
		{name: "no answer comes before the call timeout",
			network: func() aws.HTTPDoer { return &lossyNetwork{op: "RegisterTaskDefinition"} }},
		{name: "AWS answers RequestTimeoutException after the work",
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "RequestTimeoutException", "Request timed out", fakeaws.AfterWork(), fakeaws.Times(1))
			}},
		{name: "a gateway answers 504 after the work",
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "GatewayTimeout", "Gateway Timeout", fakeaws.AfterWork(), fakeaws.Times(1), fakeaws.WithStatus(http.StatusGatewayTimeout))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var network aws.HTTPDoer
			if tt.network != nil {
				network = tt.network()
			}
			ecs, srv := demoECSOver(t, network)
			if tt.fault != nil {
				tt.fault(srv)
			}
			got, err := deploy.RegisterIfChanged(t.Context(), ecs, taskDef(t, unchanged))
			if err != nil {
				t.Fatal(err)
			}
			if got.Lost == nil {
				t.Error("Lost is nil: the lost answer is not reported")
			}
			if diff := cmp.Diff(demoShopDev5, got.Registered); diff != "" {
				t.Errorf("registered (-want +got):\n%s", diff)
			}
			if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
				t.Errorf("RegisterTaskDefinition reached ECS %d times, want once", n)
			}
		})
	}
}

// The attempt that lost its answer could not look either (the network went down): it
// fails. The next one (the wizard's retry key, `ecswiz register` run again) compares
// with the latest revision first, finds it is the task definition, and registers
// nothing.
func TestTheNextAttemptAfterATimedOutRegistrationRegistersNothing(t *testing.T) {
	tests := []struct {
		name string
		next func(ctx context.Context, ecs *aws.ECS, c deploy.Comparison) (deploy.Outcome, error)
	}{
		{name: "RegisterIfChanged, as the wizard's retry does", next: func(ctx context.Context, ecs *aws.ECS, c deploy.Comparison) (deploy.Outcome, error) {
			return deploy.RegisterIfChanged(ctx, ecs, c.TaskDefinition)
		}},
		{name: "Compare then Register, as ecswiz register does", next: func(ctx context.Context, ecs *aws.ECS, c deploy.Comparison) (deploy.Outcome, error) {
			again, err := deploy.Compare(ctx, ecs, c.TaskDefinition, "dev.tfvars", "")
			if err != nil {
				return deploy.Outcome{}, err
			}
			if !again.Unchanged() || again.LiveRef != "demo-shop-dev:5" {
				return deploy.Outcome{}, errors.New("the comparison is not unchanged with demo-shop-dev:5: " + again.LiveRef)
			}
			return deploy.Register(ctx, ecs, again, false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			network := &lossyNetwork{op: "RegisterTaskDefinition", down: true}
			ecs, srv := demoECSOver(t, network)
			td := taskDef(t, unchanged)
			c, err := deploy.Compare(t.Context(), ecs, td, "dev.tfvars", "")
			if err != nil {
				t.Fatal(err)
			}
			_, err = deploy.Register(t.Context(), ecs, c, false)
			var te *aws.TimeoutError
			if !errors.Is(err, aws.KindNetwork) || !errors.As(err, &te) || !strings.Contains(err.Error(), `register task definition "demo-shop-dev"`) {
				t.Fatalf("the first attempt: err = %v, want the registration's timeout", err)
			}
			if !errors.Is(err, deploy.ErrMaybeRegistered) {
				t.Errorf("the first attempt's error does not say the revision may exist: %v", err)
			}

			network.restore()
			got, err := tt.next(t.Context(), ecs, c)
			if err != nil {
				t.Fatal(err)
			}
			if want := (deploy.Outcome{Registered: demoShopDev5, Unchanged: true}); !cmp.Equal(want, got) {
				t.Errorf("the next attempt: %+v, want %+v", got, want)
			}
			if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
				t.Errorf("RegisterTaskDefinition reached ECS %d times, want once", n)
			}
		})
	}
}

func TestRegisterSaysWhenTheRevisionMayExist(t *testing.T) {
	tests := []struct {
		name      string
		fault     func(srv *fakeaws.Server)
		wantMaybe bool
		wantLooks int // DescribeTaskDefinition calls after the comparison's
	}{
		{name: "access denied is a refusal: nothing to look for",
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "AccessDeniedException", "not authorized to perform: ecs:RegisterTaskDefinition")
			}},
		{name: "an invalid task definition is a refusal: nothing to look for",
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "ClientException", "Invalid 'cpu' setting for task.")
			}},
		{name: "a server error, and the look finds no new revision: it was not made",
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "ServerException", "Service unavailable", fakeaws.WithStatus(http.StatusInternalServerError))
			},
			wantLooks: 1},
		{name: "a server error, and the look fails too: it may have been made",
			fault: func(srv *fakeaws.Server) {
				var registering atomic.Bool
				srv.Fail("RegisterTaskDefinition", "ServerException", "Service unavailable", fakeaws.WithStatus(http.StatusInternalServerError),
					fakeaws.When(func(fakeaws.Call) bool { registering.Store(true); return true }))
				srv.Fail("DescribeTaskDefinition", "ServerException", "Service unavailable", fakeaws.WithStatus(http.StatusInternalServerError),
					fakeaws.When(func(fakeaws.Call) bool { return registering.Load() }))
			},
			wantMaybe: true, wantLooks: 1},
		{name: "a timeout AWS reports, and the look fails too: it may have been made",
			fault: func(srv *fakeaws.Server) {
				var registering atomic.Bool
				srv.Fail("RegisterTaskDefinition", "RequestTimeoutException", "Request timed out",
					fakeaws.When(func(fakeaws.Call) bool { registering.Store(true); return true }))
				srv.Fail("DescribeTaskDefinition", "AccessDeniedException", "not authorized to perform: ecs:DescribeTaskDefinition",
					fakeaws.When(func(fakeaws.Call) bool { return registering.Load() }))
			},
			wantMaybe: true, wantLooks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ecs, srv := demoECS(t)
			tt.fault(srv)
			c, err := deploy.Compare(t.Context(), ecs, taskDef(t, unchanged), "dev.tfvars", "")
			if err != nil {
				t.Fatal(err)
			}
			_, err = deploy.Register(t.Context(), ecs, c, false)
			if err == nil || !strings.Contains(err.Error(), `register task definition "demo-shop-dev"`) {
				t.Fatalf("err = %v, want the registration's", err)
			}
			if got := errors.Is(err, deploy.ErrMaybeRegistered); got != tt.wantMaybe {
				t.Errorf("ErrMaybeRegistered %v, want %v: %v", got, tt.wantMaybe, err)
			}
			if n := len(srv.CallsTo("DescribeTaskDefinition")) - 1; n != tt.wantLooks {
				t.Errorf("%d DescribeTaskDefinition calls after the comparison, want %d", n, tt.wantLooks)
			}
		})
	}
}
