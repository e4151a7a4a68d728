package fakeaws_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// clients are real SDK clients pointed at a started fake.
type clients struct {
	srv  *fakeaws.Server
	cfg  aws.Config
	ssm  *ssm.Client
	ecs  *ecs.Client
	logs *cloudwatchlogs.Client
	ecr  *ecr.Client
	iam  *iam.Client
	sts  *sts.Client
}

func start(t *testing.T, opts ...fakeaws.Option) *clients {
	t.Helper()
	srv, err := fakeaws.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := srv.Config()
	// Quick retries, so tests of throttling stay fast; no client-side retry quota.
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 20
			o.MaxBackoff = 20 * time.Millisecond
			o.RateLimiter = ratelimit.None
		})
	}
	return &clients{
		srv: srv, cfg: cfg,
		ssm: ssm.NewFromConfig(cfg), ecs: ecs.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg),
		ecr: ecr.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg),
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// wantCode fails unless err is an API error with the code (and, when given, message).
func wantCode(t *testing.T, err error, code string, message ...string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want error code %s, got %s (%v)", code, ae.ErrorCode(), err)
	}
	if len(message) > 0 && ae.ErrorMessage() != message[0] {
		t.Fatalf("want message %q, got %q", message[0], ae.ErrorMessage())
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
