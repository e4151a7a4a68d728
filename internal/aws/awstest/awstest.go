// Package awstest points ecswiz's AWS adapters at the in-process fake AWS, for the tests
// and benchmarks of the packages that use them.
package awstest

import (
	"context"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// Start starts srv for the test, closes it when the test ends, and returns Clients on it.
func Start(tb testing.TB, srv *fakeaws.Server, edit ...func(*aws.Options)) *aws.Clients {
	tb.Helper()
	if _, err := srv.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	return Clients(tb, srv, edit...)
}

// Clients are the adapters on srv, started: static keys, none of the user's AWS
// settings, one attempt a call (a fault injected on a call reaches the caller at once,
// not after the SDK's backoff) and 5 s a call. edit changes those options; WithRetries
// restores the SDK's own.
func Clients(tb testing.TB, srv *fakeaws.Server, edit ...func(*aws.Options)) *aws.Clients {
	tb.Helper()
	o := aws.Options{
		Region:      srv.Region(),
		EndpointURL: srv.URL(),
		Credentials: &aws.StaticCredentials{AccessKeyID: "fake", SecretAccessKey: "fake"},
		Getenv:      func(string) string { return "" },
		HomeDir:     tb.TempDir(),
		MaxAttempts: 1,
		CallTimeout: 5 * time.Second,
	}
	for _, e := range edit {
		e(&o)
	}
	clients, err := aws.Load(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	return clients
}

// WithRetries keeps the SDK's retries and call timeout, as ecswiz runs with them
// (benchmarks of throttling and latency).
func WithRetries(o *aws.Options) { o.MaxAttempts, o.CallTimeout = 0, 0 }
