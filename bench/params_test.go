// Package bench holds the benchmarks that compare ecswiz with its peers on the same
// endpoint: the in-process fake AWS with AWS's page limits and a fixed latency per call.
// bench/params.sh runs them and prints the figures docs/PERFORMANCE.md records.
package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// callLatency is what one AWS call costs in these scenarios.
const callLatency = 25 * time.Millisecond

// paramsEndpoint is a fake AWS holding n parameters under /bench, answering each call
// after callLatency. With chain, every name shares one long stem
// (/bench/app-NN/..., 16 apps): the shape the partitioned listing handles worst.
func paramsEndpoint(b *testing.B, n int, chain bool) *fakeaws.Server {
	b.Helper()
	srv := fakeaws.New(fakeaws.WithLatency(callLatency))
	if chain {
		for i := range n {
			srv.PutParameter(fakeaws.Parameter{Name: fmt.Sprintf("/bench/app-%02d/param-%05d", i%16, i), Type: "String", Value: "v"})
		}
	} else {
		srv.SeedParameters("/bench", n)
	}
	if _, err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv
}

// clientsFor are ecswiz's adapters on srv, started, with the SDK's retries.
func clientsFor(b *testing.B, srv *fakeaws.Server) *aws.Clients {
	b.Helper()
	return awstest.Clients(b, srv, awstest.WithRetries)
}

// BenchmarkParams is ecswiz's parameter discovery, as `ecswiz params /bench` and the
// wizard's secrets step run it. calls/op is the number of DescribeParameters calls.
func BenchmarkParams(b *testing.B) {
	for _, tc := range []struct {
		n     int
		chain bool
	}{{1000, false}, {10000, false}, {1000, true}} {
		n, shape := tc.n, "services"
		if tc.chain {
			shape = "one-stem"
		}
		b.Run(fmt.Sprintf("ecswiz/%s/%d", shape, n), func(b *testing.B) {
			srv := paramsEndpoint(b, n, tc.chain)
			clients := clientsFor(b, srv)
			calls := 0
			for b.Loop() {
				srv.ResetCalls()
				params, warnings, err := clients.Parameters.List(context.Background(), "/bench", nil)
				if err != nil || len(warnings) > 0 || len(params) != n {
					b.Fatalf("listed %d of %d (warnings %v, err %v)", len(params), n, warnings, err)
				}
				calls = len(srv.Calls())
			}
			b.ReportMetric(float64(calls), "calls/op")
		})
	}
}

// BenchmarkAWSCLIGetParametersByPath is the peer: what people run today to see the
// parameters under a path. AWS allows it 10 parameters a call.
func BenchmarkAWSCLIGetParametersByPath(b *testing.B) {
	if _, err := exec.LookPath("aws"); err != nil {
		b.Skip("aws (the AWS CLI) is not on PATH")
	}
	const n = 1000
	srv := paramsEndpoint(b, n, false)
	calls := 0
	for b.Loop() {
		srv.ResetCalls()
		cmd := exec.Command("aws", "ssm", "get-parameters-by-path", "--path", "/bench", "--recursive",
			"--endpoint-url", srv.URL(), "--query", "Parameters[].Name", "--output", "text")
		cmd.Env = append(os.Environ(),
			"AWS_ACCESS_KEY_ID=fake", "AWS_SECRET_ACCESS_KEY=fake", "AWS_DEFAULT_REGION="+srv.Region(),
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		out, err := cmd.Output()
		if got := len(strings.Fields(string(out))); err != nil || got != n {
			b.Fatalf("aws ssm get-parameters-by-path listed %d of %d: %v", got, n, err)
		}
		calls = len(srv.Calls())
	}
	b.ReportMetric(float64(calls), "calls/op")
}
