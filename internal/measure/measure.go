// Package measure is how a benchmark scenario times itself for `make bench`: one warm-up
// run, then at least MinRuns measured runs, reported as medians in the units bench/report
// reads (see the Unit constants). A scenario runs its own loop (go test -benchtime 1x), so
// the figures are medians of whole runs rather than the testing package's mean per op.
package measure

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// MinRuns is the fewest measured runs a figure in docs/PERFORMANCE.md may come from.
const MinRuns = 5

// Units of the metrics a scenario reports; bench/report builds its table from them.
const (
	Ecswiz    = "ecswiz-ms"     // ecswiz's median, milliseconds
	EcswizP90 = "p90-ms"        // ecswiz's 90th percentile, milliseconds
	Peer      = "peer-ms"       // the peer's median on the same endpoint, milliseconds
	Calls     = "calls"         // AWS calls one ecswiz run makes
	PeerCalls = "peer-calls"    // AWS calls one peer run makes
	BucketMin = "bucket-min-ms" // the least time a token bucket allows for the calls needed
	Throttled = "throttled"     // throttling errors one ecswiz run met (and rode out)
	PeakMB    = "peak-MB"       // peak resident memory of the whole process
	Bytes     = "bytes"         // a size in bytes
	Runs      = "runs"          // measured runs behind the medians
	Load      = "load"          // the machine's 1-minute load average after the runs
)

// Sample is the durations of the measured runs.
type Sample []time.Duration

// Time runs fn once to warm up, then n times (at least MinRuns), and returns the measured
// durations. The first error ends it.
func Time(n int, fn func() error) (Sample, error) {
	n = max(n, MinRuns)
	if err := fn(); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	s := make(Sample, 0, n)
	for i := range n {
		start := time.Now()
		if err := fn(); err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		s = append(s, time.Since(start))
	}
	return s, nil
}

// Median is the middle run (the mean of the two middle ones for an even count).
func (s Sample) Median() time.Duration { return Median(s) }

// Median is the middle value of xs (the mean of the two middle ones for an even
// count): of runs' durations, or of per-run counts such as calls.
func Median[T ~int64 | ~float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	v := slices.Sorted(slices.Values(xs))
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// P90 is the nearest-rank 90th percentile.
func (s Sample) P90() time.Duration {
	if len(s) == 0 {
		return 0
	}
	v := slices.Sorted(slices.Values(s))
	i := (len(v)*9 + 9) / 10 // ceil(0.9 n)
	return v[max(i, 1)-1]
}

// Ms is d in milliseconds.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Report writes a scenario's figures as the benchmark's metrics, adding the ecswiz
// median and p90 from s, the number of runs and the load average, and dropping the
// testing package's ns/op (a mean of whatever b.N was). metrics maps a unit above to
// its value.
func Report(b *testing.B, s Sample, metrics map[string]float64) {
	b.Helper()
	if len(s) > 0 {
		b.ReportMetric(Ms(s.Median()), Ecswiz)
		b.ReportMetric(Ms(s.P90()), EcswizP90)
		b.ReportMetric(float64(len(s)), Runs)
	}
	for unit, v := range metrics {
		b.ReportMetric(v, unit)
	}
	if l, ok := LoadAverage(); ok {
		b.ReportMetric(l, Load)
	}
	b.ReportMetric(0, "ns/op")
}

// LoadAverage is the 1-minute load average (Linux); false where it cannot be read.
func LoadAverage() (float64, bool) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return 0, false
	}
	l, err := strconv.ParseFloat(f[0], 64)
	return l, err == nil
}
