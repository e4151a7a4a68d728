package fakeaws_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func TestThrottledCallsAreRetriedUntilTheySucceed(t *testing.T) {
	c := start(t, fakeaws.WithDemo(), fakeaws.WithThrottle(fakeaws.Throttle{Service: "ssm", Rate: 50, Burst: 2}))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.ssm.GetParametersByPath(ctx(t), &ssm.GetParametersByPathInput{Path: aws.String("/demo-shop/dev"), Recursive: aws.Bool(true)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("retries did not get through: %v", err)
		}
	}
	var throttled int
	for _, call := range c.srv.CallsTo("GetParametersByPath") {
		if call.ErrorCode == "ThrottlingException" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Error("no call was throttled")
	}

	// Without retries the error is a retryable ThrottlingException with HTTP 400.
	noRetry := ssm.NewFromConfig(c.cfg, func(o *ssm.Options) { o.RetryMaxAttempts = 1 })
	var last error
	for range 5 {
		if _, last = noRetry.DescribeParameters(ctx(t), &ssm.DescribeParametersInput{}); last != nil {
			break
		}
	}
	wantCode(t, last, "ThrottlingException", "Rate exceeded")
	var re interface{ HTTPStatusCode() int }
	if !errors.As(last, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
		t.Errorf("status of %v", last)
	}
	// Other services have no bucket.
	if _, err := c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}); err != nil {
		t.Error(err)
	}
}

func TestInjectedErrors(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	c.srv.Fail("DescribeParameters", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ssm:DescribeParameters",
		fakeaws.When(func(call fakeaws.Call) bool { return strings.Contains(string(call.Body), "/demo-shop/prod") }), fakeaws.Times(2))
	describe := func(path string) error {
		_, err := c.ssm.DescribeParameters(ctx(t), &ssm.DescribeParametersInput{ParameterFilters: pathFilter(path, "Recursive")})
		return err
	}
	if err := describe("/demo-shop/dev"); err != nil {
		t.Fatalf("dev path failed: %v", err)
	}
	wantCode(t, describe("/demo-shop/prod"), "AccessDeniedException")
	wantCode(t, describe("/demo-shop/prod"), "AccessDeniedException")
	if err := describe("/demo-shop/prod"); err != nil {
		t.Fatalf("third call should pass after Times(2): %v", err)
	}

	// A typed error of the service's model deserializes into its type.
	c.srv.Fail("GetParameter", "ParameterNotFound", "gone", fakeaws.Times(1))
	_, err := c.ssm.GetParameter(ctx(t), &ssm.GetParameterInput{Name: aws.String("/demo-shop/dev/redis/host")})
	wantCode(t, err, "ParameterNotFound", "gone")

	// Query protocol errors too.
	c.srv.Fail("ListRoles", "AccessDenied", "not authorized to perform: iam:ListRoles", fakeaws.Times(1))
	_, err = c.iam.ListRoles(ctx(t), &iam.ListRolesInput{})
	wantCode(t, err, "AccessDenied", "not authorized to perform: iam:ListRoles")

	c.srv.Fail("*", "InternalServerError", "boom")
	c.srv.ClearFaults()
	if err := describe("/demo-shop/prod"); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

func TestHangIsCancelledByTheContext(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	c.srv.Hang("DescribeTasks")
	cx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: aws.String("demo-shop"), Tasks: []string{"x"}})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestLatencyAndHandlerMountedOnHTTPTest(t *testing.T) {
	srv := fakeaws.New(fakeaws.WithDemo(), fakeaws.WithOperationLatency("GetCallerIdentity", 80*time.Millisecond))
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	client := sts.New(sts.Options{Region: "eu-west-2", Credentials: fakeaws.Credentials, BaseEndpoint: aws.String(hs.URL)})
	began := time.Now()
	out, err := client.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < 80*time.Millisecond {
		t.Errorf("latency not applied: %v", d)
	}
	if *out.Account != "123456789012" {
		t.Errorf("account %s", *out.Account)
	}
	if n := len(srv.Calls()); n != 1 {
		t.Errorf("%d calls logged", n)
	}
	srv.ResetCalls()
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls after reset", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				_, _ = c.ssm.DescribeParameters(ctx(t), &ssm.DescribeParametersInput{})
			case 1:
				c.srv.SeedParameters("/race", 5)
			case 2:
				_ = c.srv.Calls()
			case 3:
				_, _ = c.ssm.PutParameter(ctx(t), &ssm.PutParameterInput{Name: aws.String("/race/x"), Value: aws.String("v"), Type: "String", Overwrite: aws.Bool(true)})
			}
		})
	}
	wg.Wait()
}
