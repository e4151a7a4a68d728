package aws

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeClock is a pacer's clock that only moves when told to or slept on.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeSSM answers DescribeParameters with describe; Parameters.List makes no other call.
type fakeSSM struct {
	describe func(ctx context.Context, in *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error)
}

func (f fakeSSM) DescribeParameters(ctx context.Context, in *ssm.DescribeParametersInput, _ ...func(*ssm.Options)) (*ssm.DescribeParametersOutput, error) {
	return f.describe(ctx, in)
}

func (fakeSSM) GetParameters(context.Context, *ssm.GetParametersInput, ...func(*ssm.Options)) (*ssm.GetParametersOutput, error) {
	return nil, errors.New("not used")
}

func (fakeSSM) PutParameter(context.Context, *ssm.PutParameterInput, ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	return nil, errors.New("not used")
}

// pagesOf answers as AWS would for names (sorted): the matches of the filters, 50 a page.
func pagesOf(names []string) func(context.Context, *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error) {
	return func(_ context.Context, in *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error) {
		var filters []filterJSON
		for _, f := range in.ParameterFilters {
			filters = append(filters, filterJSON{Key: sdkaws.ToString(f.Key), Option: sdkaws.ToString(f.Option), Values: f.Values})
		}
		start, _ := strconv.Atoi(sdkaws.ToString(in.NextToken))
		out := &ssm.DescribeParametersOutput{}
		i := start
		for ; i < len(names) && len(out.Parameters) < int(sdkaws.ToInt32(in.MaxResults)); i++ {
			if matchesAll(names[i], filters) {
				out.Parameters = append(out.Parameters, ssmtypes.ParameterMetadata{Name: sdkaws.String(names[i]), Type: ssmtypes.ParameterTypeString})
			}
		}
		if i < len(names) {
			out.NextToken = sdkaws.String(strconv.Itoa(i))
		}
		return out, nil
	}
}

var errThrottled = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}

// Names of several shapes under /p, sorted.
func servicesNames(n int) []string {
	services := []string{"api", "billing", "catalog", "checkout", "emails", "frontend", "gateway", "inventory",
		"jobs", "kafka", "ledger", "media", "notifications", "orders", "payments", "search"}
	groups := []string{"app", "database", "redis", "third-party"}
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf("/p/%s/%s/param-%05d", services[i%16], groups[(i/16)%4], i))
	}
	slices.Sort(names)
	return names
}

func oneStemNames(n int) []string {
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf("/p/app-%02d/param-%05d", i%16, i))
	}
	slices.Sort(names)
	return names
}

func randomNames(n int) []string {
	r := rand.New(rand.NewPCG(5, 6))
	var names []string
	for range n {
		b := make([]byte, 1+r.IntN(12))
		for j := range b {
			b[j] = nameAlphabet[r.IntN(len(nameAlphabet))]
		}
		names = append(names, "/p/"+string(b))
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// matchCount is how many of queries match each name.
func matchCount(queries []*query, names []string) map[string]int {
	counts := map[string]int{}
	for _, name := range names {
		counts[name] = 0
		for _, q := range queries {
			for _, v := range q.values {
				if q.exact && name == v || !q.exact && strings.HasPrefix(name, v) {
					counts[name]++
				}
			}
		}
	}
	return counts
}

func TestPlanCoversEveryNameOnce(t *testing.T) {
	shuffled := func(names []string) []string {
		s := slices.Clone(names)
		rand.New(rand.NewPCG(7, 8)).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}
	services, stem, random := servicesNames(1000), oneStemNames(1000), randomNames(1000)
	outside := []string{"/p", "/p-other/a", "/pa", "/q/x", "p/x"}
	for _, tc := range []struct {
		name   string
		under  string
		names  []string
		sample []string
	}{
		{"services, sampled in name order", "/p/", services, services[:50]},
		{"services, sampled at random", "/p/", services, shuffled(services)[:50]},
		{"names under one long stem, sampled in name order", "/p/", stem, stem[:50]},
		{"random names, sampled in name order", "/p/", random, random[:50]},
		{"random names, sampled at random", "/p/", random, shuffled(random)[:50]},
		{"a sample of two names", "/p/", services, services[:2]},
		{"a sample that is the split bucket's own name", "/p/", append(slices.Clone(stem), "/p/a", "/p/ap", "/p/app"), append([]string{"/p/a", "/p/ap", "/p/app"}, stem[:47]...)},
		{"every parameter of the account, some outside any path", "", append(slices.Clone(services), "a", "b/c", "zz"), services[:50]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			queries := planQueries(tc.under, tc.sample)
			for _, q := range queries {
				if len(q.values) == 0 || len(q.values) > maxFilterValues {
					t.Errorf("a query has %d values, want 1 to %d", len(q.values), maxFilterValues)
				}
			}
			want := map[string]int{}
			for _, n := range tc.names {
				want[n] = 1
			}
			var all []string
			all = append(all, tc.names...)
			if tc.under != "" {
				for _, n := range outside {
					want[n] = 0
					all = append(all, n)
				}
			}
			if diff := cmp.Diff(want, matchCount(queries, all)); diff != "" {
				t.Errorf("queries matching each name (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResplitCoversWhatItReplaces(t *testing.T) {
	names := oneStemNames(1000)
	var inQuery []string // what q matches: app-03 and everything in app-1
	for _, n := range names {
		if strings.HasPrefix(n, "/p/app-03") || strings.HasPrefix(n, "/p/app-1") {
			inQuery = append(inQuery, n)
		}
	}
	q := &query{values: []string{"/p/app-03", "/p/app-1", "/p/app-_"}}
	for _, tc := range []struct {
		name      string
		pages     int
		wantSplit bool
	}{
		{"after two pages it goes on", 2, false},
		{"after four pages, the last two in app-1 whose names differ next, it splits", 4, true},
		{"after five pages it goes on: the new queries would read too much again", 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := inQuery[:tc.pages*50]
			split := resplit(q, tc.pages, seen, seen[len(seen)-100:])
			if (split != nil) != tc.wantSplit {
				t.Fatalf("split = %v, want a split: %t", split != nil, tc.wantSplit)
			}
			if split == nil {
				return
			}
			want := map[string]int{}
			for _, n := range names {
				want[n] = 0
			}
			for _, n := range inQuery {
				want[n] = 1
			}
			if diff := cmp.Diff(want, matchCount(split, names)); diff != "" {
				t.Errorf("queries matching each name (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("a value whose names go on alike is not split", func(t *testing.T) {
		billing := servicesNames(10000)
		var seen []string
		for _, n := range billing {
			if strings.HasPrefix(n, "/p/b") && len(seen) < 200 {
				seen = append(seen, n)
			}
		}
		if split := resplit(&query{values: []string{"/p/b", "/p/c"}}, 4, seen, seen[100:]); split != nil {
			t.Errorf("split into %d queries, want none", len(split))
		}
	})
}

// pacerAfter is a pacer that saw AWS answer ok calls, evenly over span, then throttle
// the next one.
func pacerAfter(ok int, span time.Duration) (*pacer, *fakeClock) {
	clk := newFakeClock()
	p := newPacer(clk)
	for range ok {
		_, _ = p.wait(context.Background())
		clk.advance(span / time.Duration(ok))
		p.succeeded()
	}
	epoch, _ := p.wait(context.Background())
	p.throttled(epoch)
	return p, clk
}

func TestPacer(t *testing.T) {
	near := cmpopts.EquateApprox(0, 0.01)
	t.Run("calls go unpaced until AWS throttles one", func(t *testing.T) {
		clk := newFakeClock()
		p := newPacer(clk)
		for range 100 {
			if _, err := p.wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			p.succeeded()
		}
		if len(clk.slept) > 0 || p.limited() {
			t.Errorf("slept %v, limited %t; want no wait", clk.slept, p.limited())
		}
	})

	t.Run("after a throttle it paces at what got through in the last second", func(t *testing.T) {
		// 60 calls in 300 ms were sent at 200 a second; 60 got through in the last second.
		p, _ := pacerAfter(60, 300*time.Millisecond)
		if diff := cmp.Diff(60.0, p.rate, near); diff != "" {
			t.Errorf("rate (-want +got):\n%s", diff)
		}
	})

	t.Run("paced calls are spaced a rate's interval apart", func(t *testing.T) {
		p, clk := pacerAfter(60, 300*time.Millisecond)
		clk.slept = nil
		for range 3 {
			_, _ = p.wait(context.Background())
		}
		interval := time.Duration(float64(time.Second) / p.rate)
		if diff := cmp.Diff([]time.Duration{interval, interval, interval}, clk.slept); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})

	t.Run("a throttle of a call sent before it slowed down does not slow it again", func(t *testing.T) {
		clk := newFakeClock()
		p := newPacer(clk)
		var epochs []int
		for range 8 {
			e, _ := p.wait(context.Background())
			epochs = append(epochs, e)
		}
		clk.advance(25 * time.Millisecond)
		p.throttled(epochs[0])
		rate := p.rate
		for _, e := range epochs[1:] {
			p.throttled(e)
		}
		if p.rate != rate {
			t.Errorf("rate = %.1f after the calls in flight came back throttled, want %.1f", p.rate, rate)
		}
	})

	t.Run("another throttle slows it by 15 percent, not below 90 percent of what got through", func(t *testing.T) {
		p, clk := pacerAfter(60, 300*time.Millisecond)
		first := clk.Now()
		// Paced at 60, 40 a second get through in the next half second.
		for range 20 {
			_, _ = p.wait(context.Background())
			clk.advance(25 * time.Millisecond)
			p.succeeded()
		}
		before := p.rate
		epoch, _ := p.wait(context.Background())
		p.throttled(epoch)
		// Since the first throttle, over half a second ago: 20 successes.
		through := 20 / clk.Now().Sub(first).Seconds()
		want := max(min(before*paceBackoff, through), 0.9*through)
		if diff := cmp.Diff(want, p.rate, near); diff != "" {
			t.Errorf("rate (-want +got):\n%s", diff)
		}
	})

	t.Run("a throttle never speeds it up", func(t *testing.T) {
		// The 60 that got through in the first 300 ms were the bucket's burst.
		p, clk := pacerAfter(60, 300*time.Millisecond)
		p.rate = 30
		clk.advance(time.Millisecond)
		epoch, _ := p.wait(context.Background())
		p.throttled(epoch)
		if p.rate > 30 {
			t.Errorf("rate = %.1f, want at most 30", p.rate)
		}
	})

	t.Run("with nothing getting through it halves, down to one call a second", func(t *testing.T) {
		clk := newFakeClock()
		p := newPacer(clk)
		var rates []float64
		for range 8 {
			epoch, _ := p.wait(context.Background())
			clk.advance(25 * time.Millisecond)
			p.throttled(epoch)
			rates = append(rates, math.Round(p.rate*100)/100)
		}
		// A lone call was sent at one per round trip: 40 a second.
		want := []float64{20, 10, 5, 2.5, 1.25, 1, 1, 1}
		if diff := cmp.Diff(want, rates); diff != "" {
			t.Errorf("rates (-want +got):\n%s", diff)
		}
	})

	t.Run("each second of successes adds a tenth of the rate", func(t *testing.T) {
		p, clk := pacerAfter(60, 300*time.Millisecond)
		start := p.rate
		for range int(start) {
			_, _ = p.wait(context.Background())
			clk.advance(time.Duration(float64(time.Second) / p.rate))
			p.succeeded()
		}
		if got := p.rate / start; got < 1.09 || got > 1.1 {
			t.Errorf("rate grew %.3f times in a second, want about 1.1", got)
		}
	})
}

func TestListUnderATokenBucket(t *testing.T) {
	names := servicesNames(3000)
	clk := newFakeClock()
	const rate, burst = 20.0, 10.0
	var (
		mu          sync.Mutex
		tokens      = burst
		last        = clk.Now()
		ok, refused int
	)
	serve := pagesOf(names)
	api := fakeSSM{describe: func(ctx context.Context, in *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error) {
		mu.Lock()
		now := clk.Now()
		tokens = min(burst, tokens+now.Sub(last).Seconds()*rate)
		last = now
		if tokens < 1 {
			refused++
			mu.Unlock()
			return nil, errThrottled
		}
		tokens--
		ok++
		mu.Unlock()
		return serve(ctx, in)
	}}
	// One call at a time on a clock that moves only when the pacer waits: the calls AWS
	// refuses are the pacer's doing alone.
	p := &Parameters{api: api, Concurrency: 1, clock: clk}
	got, warnings, err := p.List(context.Background(), "/p", nil)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("List: %v, warnings %v", err, warnings)
	}
	if diff := cmp.Diff(names, parameterNames(got)); diff != "" {
		t.Errorf("listing differs (-want +got):\n%s", diff)
	}
	t.Logf("%d calls answered, %d throttled", ok, refused)
	if refused == 0 || refused > ok/10 {
		t.Errorf("%d calls throttled of %d, want some (the bucket was hit) but at most a tenth", refused, ok+refused)
	}
}

func TestListGivesUpOnAPersistentThrottle(t *testing.T) {
	calls := 0
	clk := newFakeClock()
	p := &Parameters{api: fakeSSM{describe: func(context.Context, *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error) {
		calls++
		return nil, errThrottled
	}}, Concurrency: 8, clock: clk}
	_, _, err := p.List(context.Background(), "/p", nil)
	if !errors.Is(err, KindThrottled) {
		t.Fatalf("err = %v, want KindThrottled", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "list parameters under /p") || !strings.Contains(msg, "hint:") {
		t.Errorf("message = %q, want one line naming the prefix, with a hint", msg)
	}
	// A client that shows no attempts count gets the default's.
	if want := throttledTriesPerAttempt * DefaultMaxAttempts; calls != want {
		t.Errorf("%d calls, want %d", calls, want)
	}
}

func TestListStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	p := &Parameters{api: fakeSSM{describe: func(context.Context, *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error) {
		calls++
		if calls == 3 {
			cancel()
		}
		return nil, errThrottled
	}}, Concurrency: 8, clock: newFakeClock()}
	_, _, err := p.List(ctx, "/p", nil)
	if !errors.Is(err, KindCancelled) {
		t.Errorf("err = %v, want KindCancelled", err)
	}
	if calls != 3 {
		t.Errorf("%d calls, want none after the third cancelled the listing", calls)
	}
}
