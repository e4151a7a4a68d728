package aws_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// RegisterTaskDefinition makes a new revision on every call, so a call whose answer is
// lost must not be sent again: the SDK's retryer, left to itself, repeats a call that
// timed out or met a 5xx, and the repeat registers a second revision. These tests run
// the SDK's own retryer (5 attempts, as ecswiz runs) against the fake and count the
// calls that reach it.

// lostAnswer is an HTTP client that sends a request and then loses its answer, as a
// connection does when it times out or drops after the server did the work. The request
// reaches the fake whatever the call's context does meanwhile, so the work is always done.
type lostAnswer struct {
	op   string // the operation whose answers are lost
	mode lostAnswerMode
	// times bounds the answers lost; 0 loses every one.
	times int
	lost  atomic.Int64
}

type lostAnswerMode int

const (
	// answerTimesOut: the HTTP client gives up waiting for the response headers, as
	// http.Client.Timeout or Transport.ResponseHeaderTimeout do.
	answerTimesOut lostAnswerMode = iota
	// answerReset: the connection is reset before the response arrives.
	answerReset
	// answerNeverComes: nothing comes back until the call's own timeout cancels it.
	answerNeverComes
)

// timeoutError is net/http's error when the response headers do not come in time.
type timeoutError struct{}

func (timeoutError) Error() string   { return "net/http: timeout awaiting response headers" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func (l *lostAnswer) Do(req *http.Request) (*http.Response, error) {
	target := req.Header.Get("X-Amz-Target")
	if !strings.HasSuffix(target, "."+l.op) || (l.times > 0 && l.lost.Load() >= int64(l.times)) {
		return http.DefaultClient.Do(req)
	}
	l.lost.Add(1)
	resp, err := http.DefaultClient.Do(req.Clone(context.WithoutCancel(req.Context())))
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	urlErr := func(err error) error { return &url.Error{Op: req.Method, URL: req.URL.String(), Err: err} }
	switch l.mode {
	case answerTimesOut:
		return nil, urlErr(timeoutError{})
	case answerReset:
		return nil, urlErr(fmt.Errorf("read tcp 127.0.0.1:40000->%s: read: connection reset by peer", req.URL.Host))
	}
	<-req.Context().Done()
	return nil, urlErr(req.Context().Err())
}

// retryingClients are the adapters on srv with the SDK's retries as ecswiz runs them,
// through httpClient.
func retryingClients(t *testing.T, srv *fakeaws.Server, httpClient aws.HTTPDoer, callTimeout time.Duration) *aws.Clients {
	t.Helper()
	clients, err := aws.Load(context.Background(), aws.Options{
		Region:      srv.Region(),
		EndpointURL: srv.URL(),
		Credentials: &aws.StaticCredentials{AccessKeyID: "fake", SecretAccessKey: "fake"},
		Getenv:      func(string) string { return "" },
		HomeDir:     t.TempDir(),
		CallTimeout: callTimeout,
		HTTPClient:  httpClient,
		MaxAttempts: aws.DefaultMaxAttempts,
	})
	if err != nil {
		t.Fatal(err)
	}
	return clients
}

// latestRevision is the revision DescribeTaskDefinition gives for family; 0 when none.
func latestRevision(t *testing.T, c *aws.Clients, family string) int {
	t.Helper()
	doc, err := c.ECS.DescribeTaskDefinition(context.Background(), family)
	if errors.Is(err, aws.KindNotFound) {
		return 0
	}
	mustNoError(t, err)
	var got struct {
		TaskDefinition struct {
			Revision int `json:"revision"`
		} `json:"taskDefinition"`
	}
	mustNoError(t, json.Unmarshal(doc, &got))
	return got.TaskDefinition.Revision
}

func TestRegisterIsNotRepeatedWhenItsAnswerIsLost(t *testing.T) {
	tests := []struct {
		name string
		// fault makes the answer of op's next call lost, or refused before any work.
		fault       func(srv *fakeaws.Server, op string)
		http        func(op string) aws.HTTPDoer
		callTimeout time.Duration
		wantKind    aws.Kind
	}{
		{name: "a timeout AWS reports after the work (RequestTimeoutException)",
			fault: func(srv *fakeaws.Server, op string) {
				srv.Fail(op, "RequestTimeoutException", "Request timed out", fakeaws.AfterWork(), fakeaws.Times(1))
			},
			wantKind: aws.KindOther},
		{name: "a gateway timeout after the work (504)",
			fault: func(srv *fakeaws.Server, op string) {
				srv.Fail(op, "GatewayTimeout", "Gateway Timeout", fakeaws.AfterWork(), fakeaws.Times(1), fakeaws.WithStatus(http.StatusGatewayTimeout))
			},
			wantKind: aws.KindServerError},
		{name: "a server error after the work (500)",
			fault: func(srv *fakeaws.Server, op string) {
				srv.Fail(op, "ServerException", "Service unavailable", fakeaws.AfterWork(), fakeaws.Times(1), fakeaws.WithStatus(http.StatusInternalServerError))
			},
			wantKind: aws.KindServerError},
		{name: "the HTTP client timing out waiting for the answer",
			http:     func(op string) aws.HTTPDoer { return &lostAnswer{op: op, mode: answerTimesOut, times: 1} },
			wantKind: aws.KindNetwork},
		{name: "the connection reset before the answer",
			http:     func(op string) aws.HTTPDoer { return &lostAnswer{op: op, mode: answerReset, times: 1} },
			wantKind: aws.KindNetwork},
		{name: "no answer until the call timeout",
			http:        func(op string) aws.HTTPDoer { return &lostAnswer{op: op, mode: answerNeverComes, times: 1} },
			callTimeout: 2 * time.Second,
			wantKind:    aws.KindNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			callTimeout := tt.callTimeout
			if callTimeout == 0 {
				callTimeout = 30 * time.Second
			}
			td, err := model.Build(basicDevSpec(t), "eu-west-2")
			mustNoError(t, err)
			td.Family = uniqueName("family")

			t.Run("RegisterTaskDefinition is sent once and its revision made once", func(t *testing.T) {
				srv := startFake(t, fakeaws.New())
				var httpClient aws.HTTPDoer
				if tt.http != nil {
					httpClient = tt.http("RegisterTaskDefinition")
				}
				if tt.fault != nil {
					tt.fault(srv, "RegisterTaskDefinition")
				}
				c := retryingClients(t, srv, httpClient, callTimeout)
				_, err := c.ECS.Register(context.Background(), td)
				if !errors.Is(err, tt.wantKind) || !strings.Contains(err.Error(), `register task definition "`+td.Family+`"`) {
					t.Errorf("err = %v, want %v naming the registration", err, tt.wantKind)
				}
				if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
					t.Errorf("RegisterTaskDefinition reached AWS %d times, want once", n)
				}
				if got := latestRevision(t, c, td.Family); got != 1 {
					t.Errorf("the family's latest revision is %d, want 1", got)
				}
			})

			// The same loss on a call that only reads is retried, so the clients above
			// did retry, and not repeating the registration was the adapter's doing.
			t.Run("a read losing its answer the same way is retried", func(t *testing.T) {
				if tt.callTimeout != 0 {
					t.Skip("the call timeout covers the retries too: there is no time left to retry in")
				}
				srv := startFake(t, fakeaws.New())
				if _, err := srv.RegisterTaskDefinition(string(model.RenderJSON(td))); err != nil {
					t.Fatal(err)
				}
				var httpClient aws.HTTPDoer
				if tt.http != nil {
					httpClient = tt.http("DescribeTaskDefinition")
				}
				if tt.fault != nil {
					tt.fault(srv, "DescribeTaskDefinition")
				}
				c := retryingClients(t, srv, httpClient, callTimeout)
				_, err := c.ECS.DescribeTaskDefinition(context.Background(), td.Family)
				mustNoError(t, err)
				if n := len(srv.CallsTo("DescribeTaskDefinition")); n != 2 {
					t.Errorf("DescribeTaskDefinition reached AWS %d times, want twice (the lost answer, then the retry)", n)
				}
			})
		})
	}
}

func TestThrottledRegistrationIsRetriedUntilItIsMade(t *testing.T) {
	srv := startFake(t, fakeaws.New())
	// Refused for its rate, the call did nothing: asking again is safe.
	srv.Fail("RegisterTaskDefinition", "ThrottlingException", "Rate exceeded", fakeaws.Times(1))
	c := retryingClients(t, srv, nil, 30*time.Second)
	td, err := model.Build(basicDevSpec(t), "eu-west-2")
	mustNoError(t, err)
	td.Family = uniqueName("family")
	reg, err := c.ECS.Register(context.Background(), td)
	mustNoError(t, err)
	if reg.Revision != 1 {
		t.Errorf("revision %d, want 1", reg.Revision)
	}
	var codes []string
	for _, call := range srv.CallsTo("RegisterTaskDefinition") {
		codes = append(codes, call.ErrorCode)
	}
	if want := []string{"ThrottlingException", ""}; strings.Join(codes, ",") != strings.Join(want, ",") {
		t.Errorf("RegisterTaskDefinition outcomes %q, want %q", codes, want)
	}
}
