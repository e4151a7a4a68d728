// Package bench holds the benchmarks `make bench` runs: each scenario times itself
// through package measure and prints one line per row of docs/PERFORMANCE.md, ecswiz
// beside its peer on the same endpoint (the in-process fake AWS with AWS's page limits
// and a fixed latency per call).
package bench

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/measure"
)

// paramsLatency is what one AWS call costs in the parameter-discovery scenarios.
const paramsLatency = 25 * time.Millisecond

// paramsPath is where the scenarios' parameters live.
const paramsPath = "/bench"

// paramsShape is how a scenario's parameters are named.
type paramsShape struct {
	name string
	n    int
	// oneStem names every parameter /bench/app-NN/param-NNNNN (16 apps): the names
	// differ only after a long shared stem. Otherwise they are spread over 16 services
	// as an account's usually are (fakeaws.SeedParameters).
	oneStem bool
}

// paramsEndpoint is a fake AWS holding the parameters of shape under paramsPath,
// answering each call after paramsLatency, with the throttles given.
func paramsEndpoint(b *testing.B, shape paramsShape, throttles ...fakeaws.Throttle) *fakeaws.Server {
	b.Helper()
	opts := []fakeaws.Option{fakeaws.WithLatency(paramsLatency)}
	for _, t := range throttles {
		opts = append(opts, fakeaws.WithThrottle(t))
	}
	srv := fakeaws.New(opts...)
	if shape.oneStem {
		for i := range shape.n {
			srv.PutParameter(fakeaws.Parameter{Name: fmt.Sprintf("%s/app-%02d/param-%05d", paramsPath, i%16, i), Type: "String", Value: "v"})
		}
	} else {
		srv.SeedParameters(paramsPath, shape.n)
	}
	if _, err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv
}

// listParams is ecswiz's parameter discovery as `ecswiz params /bench` and the wizard's
// secrets step run it. Anything short of every parameter without a warning is an error.
func listParams(clients *aws.Clients, n int) error {
	params, warnings, err := clients.Parameters.List(context.Background(), paramsPath, nil)
	if err != nil || len(warnings) > 0 || len(params) != n {
		return fmt.Errorf("listed %d of %d parameters (warnings %v, err %v)", len(params), n, warnings, err)
	}
	return nil
}

// BenchmarkParams is parameter discovery at 25 ms a call against the peer people use
// today, `aws ssm get-parameters-by-path --recursive` (AWS allows it 10 parameters a
// call), on the same fake AWS. calls are the DescribeParameters calls of one ecswiz run.
func BenchmarkParams(b *testing.B) {
	for _, shape := range []paramsShape{
		{name: "1000", n: 1000},
		{name: "10000", n: 10000},
		{name: "1000-one-stem", n: 1000, oneStem: true},
	} {
		b.Run(shape.name, func(b *testing.B) {
			srv := paramsEndpoint(b, shape)
			clients := awstest.Clients(b, srv, awstest.WithRetries)
			calls := 0
			s, err := measure.Time(measure.MinRuns, func() error {
				srv.ResetCalls()
				err := listParams(clients, shape.n)
				calls = len(srv.CallsTo("DescribeParameters"))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			metrics := map[string]float64{measure.Calls: float64(calls)}
			if _, err := exec.LookPath("aws"); err != nil {
				b.Log("no peer figures: aws (the AWS CLI) is not on PATH")
			} else {
				peerCalls := 0
				peer, err := measure.Time(measure.MinRuns, func() error {
					srv.ResetCalls()
					err := cliGetParametersByPath(srv, shape.n)
					peerCalls = len(srv.Calls())
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				metrics[measure.Peer] = measure.Ms(peer.Median())
				metrics[measure.PeerCalls] = float64(peerCalls)
			}
			measure.Report(b, s, metrics)
		})
	}
}

// cliGetParametersByPath is the peer: what people run today to see the parameters
// under a path, here against srv with fake keys and none of this machine's AWS
// settings. It fails unless it printed all n names.
func cliGetParametersByPath(srv *fakeaws.Server, n int) error {
	cmd := awsCLI(srv, "aws", "ssm", "get-parameters-by-path", "--path", paramsPath, "--recursive",
		"--endpoint-url", srv.URL(), "--query", "Parameters[].Name", "--output", "text")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if got := len(strings.Fields(string(out))); err != nil || got != n {
		return fmt.Errorf("aws ssm get-parameters-by-path listed %d of %d: %v\n%s", got, n, err, stderr.String())
	}
	return nil
}

// BenchmarkParamsThrottled is parameter discovery at 25 ms a call with
// fakeaws.DescribeParametersThrottle on DescribeParameters: 40 calls a second, 40 at
// once, a throttled call spending no token (as AWS). Every run gets a fake AWS of its
// own, so that each starts with a full bucket as a first listing would (back to back,
// a run would start with the bucket the last one emptied). calls are the calls AWS
// answered and throttled those it refused, medians over the runs; bucket-min-ms is the
// least time the bucket allows (bucketMin). Any error or warning fails the benchmark.
func BenchmarkParamsThrottled(b *testing.B) {
	throttle := fakeaws.DescribeParametersThrottle
	for _, shape := range []paramsShape{{name: "1000", n: 1000}, {name: "10000", n: 10000}} {
		b.Run(shape.name, func(b *testing.B) {
			type endpoint struct {
				srv     *fakeaws.Server
				clients *aws.Clients
			}
			endpoints := make([]endpoint, measure.MinRuns+1) // and the warm-up
			for i := range endpoints {
				srv := paramsEndpoint(b, shape, throttle)
				endpoints[i] = endpoint{srv, awstest.Clients(b, srv, awstest.WithRetries)}
			}
			var calls, throttled []float64
			run := 0
			s, err := measure.Time(measure.MinRuns, func() error {
				e := endpoints[run]
				run++
				if err := listParams(e.clients, shape.n); err != nil {
					return err
				}
				answered, refused := 0, 0
				for _, c := range e.srv.CallsTo("DescribeParameters") {
					if c.ErrorCode == "ThrottlingException" {
						refused++
					} else {
						answered++
					}
				}
				calls, throttled = append(calls, float64(answered)), append(throttled, float64(refused))
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			calls, throttled = calls[1:], throttled[1:] // the warm-up's
			measure.Report(b, s, map[string]float64{
				measure.BucketMin: measure.Ms(bucketMin(shape.n, throttle, paramsLatency)),
				measure.Throttled: measure.Median(throttled),
				measure.Calls:     measure.Median(calls),
			})
		})
	}
}

// bucketMin is the least time a listing of n parameters can take under t when every
// call takes latency: it needs at least ceil(n/50) calls (DescribeParameters pages hold
// 50); the bucket lets t.Burst of them go at once and then t.Rate a second, and the
// last is answered a latency after it went. A listing of more than one page also needs
// two round trips whatever the bucket: the API gives no count and no list of sub-paths,
// so nothing can be split before a first page has come back.
func bucketMin(n int, t fakeaws.Throttle, latency time.Duration) time.Duration {
	calls := (n + 49) / 50
	if calls <= 1 {
		return latency
	}
	queued := time.Duration(float64(max(calls-t.Burst, 0)) / t.Rate * float64(time.Second))
	return max(2*latency, latency+queued)
}
