package aws

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"golang.org/x/sync/errgroup"
)

// SSMAPI is the part of the SSM client Parameters uses.
type SSMAPI interface {
	DescribeParameters(context.Context, *ssm.DescribeParametersInput, ...func(*ssm.Options)) (*ssm.DescribeParametersOutput, error)
	GetParameters(context.Context, *ssm.GetParametersInput, ...func(*ssm.Options)) (*ssm.GetParametersOutput, error)
	PutParameter(context.Context, *ssm.PutParameterInput, ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
}

// Parameters reads Parameter Store metadata and creates SecureString parameters. It
// never reads a value: WithDecryption is never set and no call that returns values for
// a whole path is made.
type Parameters struct {
	api SSMAPI
	// Concurrency bounds the calls in flight for one List, Exist or Keys.
	Concurrency int
	clock       clock // the pacer's; nil = the real one
}

// NewParameters wraps an SSM client.
func NewParameters(api SSMAPI) *Parameters { return &Parameters{api: api, Concurrency: 16} }

// Parameter is a parameter's metadata; never its value.
type Parameter struct {
	Name         string
	Type         string // String, StringList, SecureString
	ARN          string
	Version      int64
	LastModified time.Time
	Tier         string // Standard, Advanced, Intelligent-Tiering
	DataType     string // text, aws:ec2:image, ...
	KeyID        string // the KMS key of a SecureString
	Description  string
}

// Warning is a part of a listing that could not be read; the rest was.
type Warning struct {
	Part string // "parameters beginning with /demo/prod/a, /demo/prod/b"
	Err  error
}

func (w Warning) String() string { return fmt.Sprintf("could not read %s: %v", w.Part, w.Err) }

// Page and filter limits of DescribeParameters, and the batch limit of GetParameters.
const (
	describePageSize  = 50
	maxFilterValues   = 50
	getParametersSize = 10
)

// nameAlphabet is every character an SSM parameter name may hold. Splitting a prefix
// into prefix+c for each c in it covers every longer name under the prefix.
const nameAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/"

// List returns the metadata of every parameter under prefix (recursively), sorted by
// name. Parts of the namespace that could not be read for lack of permission come back
// as warnings beside what could be read. progress, when set, is called with the running
// count of parameters found; calls never overlap.
//
// Equivalent to aws ssm describe-parameters --parameter-filters Key=Path,Option=Recursive,Values=PREFIX
//
// DescribeParameters pages hold at most 50 items, so a sequential listing of 1,000
// parameters takes 20 round trips. To run pages concurrently the namespace is split into
// queries that each page on their own:
//
//  1. A probe lists the first page of the whole prefix. Most prefixes (an app's dozen
//     secrets) fit in it and the listing ends after one call.
//  2. Otherwise the names in that page are a sample. Every name under P = prefix+"/"
//     begins with P+c for exactly one c in the name alphabet, so the 66 buckets P+c cover
//     the namespace exactly, whatever its shape. A bucket that would page on alone is
//     replaced by its own 66 children, as far as the filters' 50 values per query allow
//     (see planQueries); the split buckets' own names, which no child covers, are looked
//     up with one Name Equals query.
//  3. The buckets are packed into listQueries queries (more if their values need it),
//     heaviest first onto the lightest, each a Name BeginsWith [values...] filter, and
//     the queries are paged concurrently, Concurrency calls at a time.
//  4. A query that turns out to page through one large bucket early on is replaced by
//     queries over that bucket's children (see resplit).
//
// How heavy a bucket is comes from the sample. A random sample tells shares. A sample in
// name order (the fake serves pages so; AWS documents no order) is the start of the
// namespace: buckets before its first name are probably empty, buckets within it hold
// what it shows, and the rest of the names lie in the buckets after its last name, of
// which nothing is known. Those share an assumed remainder by how names usually go on
// (see continuationPrior). The sample only steers balance, never coverage: a wrong guess
// makes the listing slower, never incomplete. Results are de-duplicated by name.
//
// Throttling is handled here rather than by the SDK's retryer, whose exponential backoff
// with jitter idles most of a token bucket's refill: a throttled page is asked again
// once a pacer allows (see pacer), which learns the rate AWS sustains from the calls
// that succeeded. Server errors and timeouts keep the SDK's retries.
func (p *Parameters) List(ctx context.Context, prefix string, progress func(n int)) ([]Parameter, []Warning, error) {
	op := fmt.Sprintf("list parameters under %s", prefix)
	base := strings.TrimRight(prefix, "/")
	pathValue, under := base, base+"/"
	if base == "" {
		// Path "/" is every parameter, names outside any hierarchy ("foo") too: they
		// begin with a character of the alphabet like any other name.
		pathValue, under = "/", ""
	}
	concurrency := max(p.Concurrency, 1)
	l := &listing{
		api:      p.api,
		pace:     newPacer(p.clock),
		slots:    make(chan struct{}, concurrency),
		found:    map[string]Parameter{},
		progress: progress,
	}
	probe := &query{path: pathValue}
	sample, token, err := l.page(ctx, probe, nil)
	if err != nil {
		return nil, nil, classify(op, err)
	}
	if token == nil {
		return l.sorted(), nil, nil
	}

	g, gctx := errgroup.WithContext(ctx)
	l.g = g
	for _, q := range planQueries(under, sample) {
		g.Go(func() error { return l.run(gctx, op, q) })
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	// Nothing but the probe and the split buckets' own names could be read: that is no
	// listing with a gap but a refusal.
	if l.completed == 0 && len(l.warnings) > 0 {
		return nil, nil, l.warnings[0].Err
	}
	sort.Slice(l.warnings, func(i, j int) bool { return l.warnings[i].Part < l.warnings[j].Part })
	return l.sorted(), l.warnings, nil
}

// throttledTriesPerAttempt is how many times in a row one page may be throttled before
// the listing gives up, per attempt the client allows a call (Options.MaxAttempts): the
// pacer slows down after each, and a throttled call spends none of the account's rate,
// so with the default of 5 this is 10 tries over several seconds.
const throttledTriesPerAttempt = 2

// listing collects the parameters found by concurrent queries.
type listing struct {
	api   SSMAPI
	pace  *pacer
	slots chan struct{}   // bounds the calls in flight
	g     *errgroup.Group // runs the queries

	attempts atomic.Int32 // the client's attempts a call, once a call has shown them

	mu        sync.Mutex
	found     map[string]Parameter
	progress  func(int)
	warnings  []Warning
	completed int // BeginsWith queries read to their end
}

// run pages q to its end. A query AWS refuses is a warning, not an error, so that the
// rest of the namespace is still listed.
func (l *listing) run(ctx context.Context, op string, q *query) error {
	var (
		token      *string
		seen, prev []string
	)
	for pages := 1; ; pages++ {
		names, next, err := l.page(ctx, q, token)
		if err != nil {
			err = classify(op, err)
			if errors.Is(err, KindAccessDenied) {
				l.mu.Lock()
				l.warnings = append(l.warnings, Warning{Part: q.describe(), Err: err})
				l.mu.Unlock()
				return nil
			}
			return err
		}
		// A page may be short and still carry a token: only a missing one ends it.
		if next == nil {
			l.mu.Lock()
			if !q.exact {
				l.completed++
			}
			l.mu.Unlock()
			return nil
		}
		if pages <= resplitUntil && !l.pace.limited() {
			seen = append(seen, names...)
			if split := resplit(q, pages, seen, slices.Concat(prev, names)); split != nil {
				for _, s := range split {
					l.g.Go(func() error { return l.run(ctx, op, s) })
				}
				return nil
			}
			prev = names
		}
		token = next
	}
}

// page fetches one page of q and records it, returning the names it held. A throttled
// page is asked again once the pacer allows, up to throttledTriesPerAttempt times the
// client's attempts in a row.
func (l *listing) page(ctx context.Context, q *query, token *string) ([]string, *string, error) {
	in := &ssm.DescribeParametersInput{
		ParameterFilters: q.filters(),
		MaxResults:       sdkaws.Int32(describePageSize),
		NextToken:        token,
	}
	var (
		out *ssm.DescribeParametersOutput
		err error
	)
	for tries := 1; ; tries++ {
		out, err = l.call(ctx, in)
		if err == nil {
			break
		}
		if !isThrottling(err) {
			return nil, nil, err
		}
		attempts := int(l.attempts.Load())
		if attempts == 0 {
			attempts = DefaultMaxAttempts
		}
		if tries >= throttledTriesPerAttempt*attempts {
			return nil, nil, fmt.Errorf("throttled %d times in a row: %w", tries, err)
		}
	}
	names := make([]string, 0, len(out.Parameters))
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range out.Parameters {
		p := parameterFromMetadata(m)
		names = append(names, p.Name)
		l.found[p.Name] = p
	}
	if l.progress != nil {
		l.progress(len(l.found))
	}
	next := out.NextToken
	if next != nil && *next == "" {
		next = nil
	}
	return names, next, nil
}

// call makes one DescribeParameters call when a slot is free and the pacer allows, and
// tells the pacer how it went.
func (l *listing) call(ctx context.Context, in *ssm.DescribeParametersInput) (*ssm.DescribeParametersOutput, error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-l.slots }()
	epoch, err := l.pace.wait(ctx)
	if err != nil {
		return nil, err
	}
	out, err := l.api.DescribeParameters(ctx, in, l.throttlingReturned)
	switch {
	case err == nil:
		l.pace.succeeded()
	case isThrottling(err):
		l.pace.throttled(epoch)
	}
	return out, err
}

func (l *listing) sorted() []Parameter {
	l.mu.Lock()
	defer l.mu.Unlock()
	ps := make([]Parameter, 0, len(l.found))
	for _, p := range l.found {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return ps
}

func parameterFromMetadata(m ssmtypes.ParameterMetadata) Parameter {
	return Parameter{
		Name:         sdkaws.ToString(m.Name),
		Type:         string(m.Type),
		ARN:          sdkaws.ToString(m.ARN),
		Version:      m.Version,
		LastModified: sdkaws.ToTime(m.LastModifiedDate),
		Tier:         string(m.Tier),
		DataType:     sdkaws.ToString(m.DataType),
		KeyID:        sdkaws.ToString(m.KeyId),
		Description:  sdkaws.ToString(m.Description),
	}
}

// isThrottling reports whether AWS refused a call for its rate.
func isThrottling(err error) bool {
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool()
}

// notThrottling tells the SDK's retryer not to repeat a throttled call: the listing
// does, paced (see pacer).
var notThrottling = retry.IsErrorRetryableFunc(func(err error) sdkaws.Ternary {
	if isThrottling(err) {
		return sdkaws.FalseTernary
	}
	return sdkaws.UnknownTernary
})

// throttlingReturned gives a listing's calls the standard retryer (server errors,
// timeouts, dropped connections; as many attempts as the client's own retryer) without
// its retries of throttled calls, and without the client's adaptive rate limiter,
// which would sleep on throttles the pacer already answers.
func (l *listing) throttlingReturned(o *ssm.Options) {
	attempts := DefaultMaxAttempts
	if o.Retryer != nil {
		attempts = o.Retryer.MaxAttempts()
	}
	l.attempts.Store(int32(attempts))
	o.Retryer = listRetryer(attempts)
}

// listRetryers holds one standard retryer per attempt count, so that its retry quota
// (which stops retry storms against a failing service) is shared by the calls made.
var listRetryers sync.Map // int → sdkaws.Retryer

func listRetryer(attempts int) sdkaws.Retryer {
	if r, ok := listRetryers.Load(attempts); ok {
		return r.(sdkaws.Retryer)
	}
	r, _ := listRetryers.LoadOrStore(attempts, retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = attempts
		so.MaxBackoff = 5 * time.Second
		so.Retryables = append([]retry.IsErrorRetryable{notThrottling}, so.Retryables...)
	}))
	return r.(sdkaws.Retryer)
}

// query is one stream of pages: the probe (every name under path), or the names
// beginning with (or, exact, equal to) any of values.
type query struct {
	path   string
	values []string
	exact  bool
}

func (q *query) filters() []ssmtypes.ParameterStringFilter {
	if q.path != "" {
		return []ssmtypes.ParameterStringFilter{{
			Key: sdkaws.String("Path"), Option: sdkaws.String("Recursive"), Values: []string{q.path},
		}}
	}
	option := "BeginsWith"
	if q.exact {
		option = "Equals"
	}
	return []ssmtypes.ParameterStringFilter{{
		Key: sdkaws.String("Name"), Option: sdkaws.String(option), Values: q.values,
	}}
}

func (q *query) describe() string {
	if q.path != "" {
		return "parameters under " + q.path
	}
	const show = 4
	verb := "beginning with"
	if q.exact {
		verb = "named"
	}
	list := strings.Join(q.values[:min(show, len(q.values))], ", ")
	if len(q.values) > show {
		list += fmt.Sprintf(" and %d more prefixes", len(q.values)-show)
	}
	return fmt.Sprintf("parameters %s %s", verb, list)
}

// listQueries is how many BeginsWith queries a listing starts with after the probe,
// beside the Name Equals query of the split buckets' own names. Each costs its last,
// short page (or a call that finds nothing), so it trades calls for round trips. At 25 ms
// a call, 1,000 names over 16 services took 164 ms in 25 calls with 6 (a sequential
// listing: 20 calls in 20 round trips); 12 took 115 ms in 30 calls, past the 25 calls
// issue 4 allows 1,000 names (calls are what a throttled account pays for), and 4 took
// 242 ms in 24.
const listQueries = 6

// planQueries splits the names beginning with under into queries, using the sample of
// names already seen to balance them (see List).
func planQueries(under string, sample []string) []*query {
	sample = slices.DeleteFunc(slices.Clone(sample), func(n string) bool {
		return !strings.HasPrefix(n, under) || n == under
	})
	ordered := slices.IsSorted(sample)
	slices.Sort(sample)
	buckets := children(under)
	var exact []string
	// Each split adds 65 values; following a long stem (app-00/param-...) down to where
	// names differ may take an eighth query's worth of them.
	for budget := (listQueries + 1) * maxFilterValues; len(buckets)+len(nameAlphabet)-1 <= budget; {
		hot, hotN := "", 0
		for _, b := range buckets {
			// In a random sample, a bucket whose names go on alike (billing/...) gains
			// nothing from its children: one would hold it all.
			if n := countPrefixed(sample, b); n > hotN && (ordered || branches(sample, b)) {
				hot, hotN = b, n
			}
		}
		// Split a bucket that would page on alone while the other queries sit idle: one
		// holding half a query's share of a random sample (a sample of 50 tells shares
		// roughly), or most of a sample in name order (the start of the names, which says
		// nothing of their shares).
		share := 0.5 / listQueries
		if ordered {
			share = 0.6
		}
		if len(sample) < 4 || float64(hotN) <= share*float64(len(sample)) {
			break
		}
		buckets = slices.DeleteFunc(buckets, func(b string) bool { return b == hot })
		buckets = append(buckets, children(hot)...)
		exact = append(exact, hot)
	}
	weight, known := bucketWeights(buckets, sample, ordered, listQueries)
	queries := pack(buckets, weight, known, listQueries)
	if len(exact) > 0 {
		queries = append(queries, &query{values: exact, exact: true})
	}
	return queries
}

// pack puts buckets into at least parts queries of at most 50 values, heaviest first
// onto the lightest query; the buckets in together go to one query.
func pack(buckets []string, weight map[string]float64, together map[string]bool, parts int) []*query {
	buckets = slices.Clone(buckets)
	slices.SortFunc(buckets, func(a, b string) int {
		if weight[a] != weight[b] {
			if weight[a] > weight[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	n := max(parts, (len(buckets)+maxFilterValues-1)/maxFilterValues)
	queries := make([]*query, n)
	load := make([]float64, n)
	for i := range queries {
		queries[i] = &query{}
	}
	joint := -1 // the query of the buckets in together
	for _, b := range buckets {
		best := -1
		if together[b] && joint >= 0 && len(queries[joint].values) < maxFilterValues {
			best = joint
		} else {
			for i, q := range queries {
				if len(q.values) < maxFilterValues && (best < 0 || load[i] < load[best]) {
					best = i
				}
			}
		}
		if together[b] {
			joint = best
		}
		queries[best].values = append(queries[best].values, b)
		load[best] += weight[b]
	}
	queries = slices.DeleteFunc(queries, func(q *query) bool { return len(q.values) == 0 })
	for _, q := range queries {
		slices.Sort(q.values)
	}
	return queries
}

// A query that turns out large is split again (see resplit) after it has read
// resplitFrom to resplitUntil pages, into resplitWays queries.
const (
	resplitFrom  = 3
	resplitUntil = 4
	resplitWays  = 8
)

// remainderPages is how many pages a query is assumed to read beyond the sample (see
// bucketWeights).
const remainderPages = 3

// resplit replaces q, which has read pages pages holding seen (names in the order
// read) and goes on, by smaller queries when the last two pages (last2) fell in one of
// its values v and the names in v differ right after it (app-10, app-11, ...): v is
// large, q would page through it alone, and v's children share it out. q's other
// values go to queries of their own.
//
// The new queries read q's pages again, so q is split early or not at all, and not when
// v's names go on alike (billing/...): its children would be v again under another
// name. The caller does not split under a throttle either: the rate, not the queries in
// flight, then bounds the listing, and every call counts.
func resplit(q *query, pages int, seen, last2 []string) []*query {
	if q.exact || q.path != "" || pages < resplitFrom || pages > resplitUntil || len(last2) == 0 {
		return nil
	}
	v := ""
	for _, val := range q.values {
		if countPrefixed(last2, val) == len(last2) {
			v = val
		}
	}
	ordered := slices.IsSorted(seen)
	seen = slices.Sorted(slices.Values(seen))
	if v == "" || !branches(seen, v) {
		return nil
	}
	buckets := slices.DeleteFunc(slices.Clone(q.values), func(b string) bool { return b == v })
	buckets = append(buckets, children(v)...)
	weight, known := bucketWeights(buckets, seen, ordered, resplitWays)
	queries := pack(buckets, weight, known, resplitWays)
	return append(queries, &query{values: []string{v}, exact: true})
}

// branches reports whether the names in sorted that begin with prefix differ in the
// character after it.
func branches(sorted []string, prefix string) bool {
	var first byte
	for i, _ := slices.BinarySearch(sorted, prefix); i < len(sorted) && strings.HasPrefix(sorted[i], prefix); i++ {
		if n := sorted[i]; len(n) > len(prefix) {
			if first != 0 && n[len(prefix)] != first {
				return true
			}
			first = n[len(prefix)]
		}
	}
	return false
}

// countPrefixed counts the names in sorted that begin with prefix.
func countPrefixed(sorted []string, prefix string) int {
	i, _ := slices.BinarySearch(sorted, prefix)
	j := i
	for j < len(sorted) && strings.HasPrefix(sorted[j], prefix) {
		j++
	}
	return j - i
}

// children are the buckets one character longer than b.
func children(b string) []string {
	out := make([]string, 0, len(nameAlphabet))
	for _, c := range nameAlphabet {
		out = append(out, b+string(c))
	}
	return out
}

// bucketWeights guesses how many names each bucket (a name prefix) holds, from a
// sample of names (sorted) and what names usually look like (see List). ordered says
// the sample came in name order: it is then the start of the names, not a random draw.
//
// It also returns the buckets a sample in name order has read (to their end, or up to
// its last name): they hold about a page together, better read in one query than as a
// few names added to many, which can cost each of them a page.
func bucketWeights(buckets, sample []string, ordered bool, parts int) (map[string]float64, map[string]bool) {
	w := make(map[string]float64, len(buckets))
	known := map[string]bool{}
	// Pages of one name say nothing of order.
	if !ordered || len(sample) < 2 {
		for _, b := range buckets {
			// A bucket the sample missed may still hold names: half a sample hit, by prior.
			w[b] = float64(countPrefixed(sample, b)) + 0.5*charPrior(b[len(b)-1])
		}
		return w, known
	}
	first, last := sample[0], sample[len(sample)-1]
	before := func(b, name string) bool { return b < name && !strings.HasPrefix(name, b) }
	var unknown []string
	priors := 0.0
	for _, b := range buckets {
		w[b] = float64(countPrefixed(sample, b))
		switch {
		case before(b, first):
		case before(b, last):
			known[b] = w[b] > 0
		default:
			known[b] = strings.HasPrefix(last, b) // the rest of the last name's path
			unknown = append(unknown, b)
			priors += continuationPrior(b, last)
		}
	}
	// The rest of the names lie after the sample's last one. How many is unknown: a few
	// pages for every query weighs them against the sample's own counts, a page in all.
	remainder := float64(remainderPages * parts * describePageSize)
	for _, b := range unknown {
		w[b] += remainder * continuationPrior(b, last) / priors
	}
	if len(sample) > describePageSize {
		known = nil // more than a page: better spread
	}
	return w, known
}

// continuationPrior is how likely names go on as bucket b does after the sample's last
// name. Siblings of the last name's path are likelier near its root (a sibling of its
// first segment is a whole subtree; one of its third, a corner of one), where a name
// segment starts (after a separator) or where it counts (a digit: app-01 after
// app-00), and unlikely within a word (apq beside api); then by the character b adds,
// less when it is not of the kind the last name has there.
func continuationPrior(b, last string) float64 {
	i := len(b) - 1
	p := charPrior(b[i])
	if i >= len(last) || b[:i] != last[:i] {
		return p
	}
	p *= math.Pow(0.25, float64(strings.Count(b[:i], "/")))
	if i > 0 && charClass(last[i-1]) != '.' && charClass(last[i]) != '0' {
		p *= 0.1
	}
	if charClass(b[i]) != charClass(last[i]) {
		p *= 0.25
	}
	return p
}

// initialLetters is how often dictionary words begin with each letter, in percent:
// names are mostly words (service, environment, setting), so buckets of common initials
// are likely the big ones.
var initialLetters = [26]float64{
	6, 5.5, 9.5, 6, 4.2, 4.2, 3.3, 3.6, 3.9, 0.9, 0.9, 3.1, 5.6, // a-m
	2.2, 2.5, 7.7, 0.5, 6, 11, 5.3, 2.6, 1.6, 2.7, 0.1, 0.3, 0.3, // n-z
}

// charPrior is how often a name goes on with c, relative to an average letter (1).
func charPrior(c byte) float64 {
	switch charClass(c) {
	case 'a':
		return initialLetters[c-'a'] * 26 / 100
	case '0':
		return 1
	default:
		return 0.3
	}
}

// charClass is 'a' for a lower-case letter, 'A' for an upper-case one, '0' for a digit
// and '.' for the rest.
func charClass(c byte) byte {
	switch {
	case c >= 'a' && c <= 'z':
		return 'a'
	case c >= 'A' && c <= 'Z':
		return 'A'
	case c >= '0' && c <= '9':
		return '0'
	}
	return '.'
}

// The pacer's settings (see pacer).
const (
	paceWindow  = time.Second            // successes counted for the sustainable rate
	paceBackoff = 0.85                   // each throttle slows to at most this share of the rate
	paceFloor   = 0.9                    // but not below this share of what succeeded lately
	paceGrowth  = 0.1                    // share of the rate added per second without throttling
	paceMinRate = 1.0                    // calls a second it never goes below
	paceLatency = 25 * time.Millisecond  // a round trip, for a rate when few calls were made
	paceMinSpan = 250 * time.Millisecond // the least time since the first throttle to measure over
)

// pacer spaces the calls of one listing at the rate AWS sustains. It does not know that
// rate (accounts and Regions differ, and AWS publishes none for DescribeParameters), so
// calls go unpaced until AWS throttles one. At each throttle it paces at what got through
// lately: the successes a second over the last paceWindow, or since the first throttle
// once that is paceMinSpan ago (by then the bucket's burst is spent, and what gets
// through is what it refills). That is slowed multiplicatively (paceBackoff) when it is
// not below the rate sent at, but never below paceFloor of it; with nothing getting
// through, the rate is halved. Each success speeds it up additively (paceGrowth of the
// rate a second) to spend what the bucket gains while the pacer is below its rate. A
// throttle only counts against the rate its call was sent at: calls in flight when the
// pacer slowed down come back throttled too and say nothing new.
type pacer struct {
	clock clock

	mu          sync.Mutex
	rate        float64 // calls a second; 0 = not paced (no throttle yet)
	growth      float64 // calls a second added per second
	next        time.Time
	epoch       int // counts the slow-downs
	began       time.Time
	throttledAt time.Time   // when AWS first throttled
	started     []time.Time // call starts within paceWindow
	oks         []time.Time // successes within paceWindow
}

func newPacer(c clock) *pacer {
	if c == nil {
		c = realClock{}
	}
	return &pacer{clock: c}
}

// wait blocks until the next call may start and returns the pacer's epoch for
// throttled.
func (p *pacer) wait(ctx context.Context) (int, error) {
	p.mu.Lock()
	now := p.clock.Now()
	if p.began.IsZero() {
		p.began = now
	}
	at := now
	if p.rate > 0 {
		at = later(now, p.next)
		p.next = at.Add(time.Duration(float64(time.Second) / p.rate))
	}
	p.started = append(recent(p.started, now), at)
	epoch := p.epoch
	p.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return epoch, p.clock.Sleep(ctx, d)
	}
	return epoch, ctx.Err()
}

// succeeded records a call that AWS answered.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	p.oks = append(recent(p.oks, now), now)
	if p.rate > 0 {
		p.rate += p.growth / p.rate
	}
}

// throttled records a call AWS throttled, started in epoch, and slows down when it was
// sent at the current rate.
func (p *pacer) throttled(epoch int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if epoch != p.epoch {
		return
	}
	now := p.clock.Now()
	p.oks, p.started = recent(p.oks, now), recent(p.started, now)
	// Successes over the last paceWindow, or since AWS first throttled when that is
	// long enough ago: until the bucket's burst was spent, the calls that succeeded
	// were not what it sustains.
	from := now.Add(-paceWindow)
	if !p.throttledAt.IsZero() && p.throttledAt.After(from) && now.Sub(p.throttledAt) >= paceMinSpan {
		from = p.throttledAt
	}
	ok := 0
	for _, t := range p.oks {
		if t.After(from) {
			ok++
		}
	}
	sustained := float64(ok) / now.Sub(from).Seconds()
	if p.throttledAt.IsZero() {
		p.throttledAt = now
	}
	current := p.rate
	if current == 0 {
		// Unpaced, the rate sent at is what started lately over the time they had, a
		// round trip at least (a lone first call: one call per round trip).
		span := min(max(now.Sub(p.began), paceLatency), paceWindow)
		current = float64(len(p.started)) / span.Seconds()
	}
	rate := current / 2 // nothing got through lately: halve, as often as AWS throttles
	if ok > 0 {
		rate = max(min(current*paceBackoff, sustained), sustained*paceFloor)
	}
	p.rate = min(max(rate, paceMinRate), current)
	p.growth = p.rate * paceGrowth
	p.next = later(p.next, now.Add(time.Duration(float64(time.Second)/p.rate)))
	p.epoch++
}

// limited reports whether AWS has throttled this listing (the pacer is pacing).
func (p *pacer) limited() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate > 0
}

// recent drops the times older than paceWindow before now.
func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > paceWindow {
		i++
	}
	return append(ts[:0], ts[i:]...)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// clock is the time a pacer reads and waits on; tests give a fake one.
type clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Exist reports which of names exist, in batches of 10 run concurrently. Values are not
// decrypted (WithDecryption is never set); only the names AWS reports missing matter.
// A name may be a parameter's name or its ARN. Other ARNs (a Secrets Manager secret, as
// a task definition's valueFrom may hold) are not parameters and are left out of the
// result: one in a batch would make AWS refuse the whole batch.
//
// Equivalent to aws ssm get-parameters --names NAME... (without --with-decryption)
func (p *Parameters) Exist(ctx context.Context, names []string) (map[string]bool, error) {
	uniq := slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		return strings.HasPrefix(n, "arn:") && !strings.Contains(n, ":ssm:")
	})
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	result := make(map[string]bool, len(uniq))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(p.Concurrency, 1))
	for batch := range slices.Chunk(uniq, getParametersSize) {
		g.Go(func() error {
			out, err := p.api.GetParameters(gctx, &ssm.GetParametersInput{Names: batch})
			if err != nil {
				return classify(fmt.Sprintf("check that parameters exist (%s ...)", batch[0]), err)
			}
			missing := map[string]bool{}
			for _, n := range out.InvalidParameters {
				missing[n] = true
			}
			mu.Lock()
			defer mu.Unlock()
			for _, n := range batch {
				result[n] = !missing[n]
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return result, nil
}

// Keys returns the KMS key of each SecureString parameter among names, by the name or
// ARN as given, as DescribeParameters reports it: a key id, a key ARN, or an alias
// ("alias/aws/ssm" for the AWS managed key). Parameters that do not exist, that are not
// SecureStrings, and ARNs that are no parameter's are left out. Only metadata is read,
// never a value. The names go 50 to a call (the filter's limit), calls run concurrently.
//
// A parameter ARN is looked up by its name: DescribeParameters filters on names only,
// and lists the caller's own account, so an ARN of another account finds nothing or its
// namesake here; callers pass only their own account's ARNs.
//
// Equivalent to aws ssm describe-parameters --parameter-filters Key=Name,Option=Equals,Values=NAME...
func (p *Parameters) Keys(ctx context.Context, names []string) (map[string]string, error) {
	candidates := map[string][]string{} // as given → the names it may be
	var query []string
	for _, n := range names {
		c := namesOfParameterRef(n)
		if len(c) == 0 {
			continue
		}
		candidates[n] = c
		query = append(query, c...)
	}
	slices.Sort(query)
	query = slices.Compact(query)

	keys := map[string]string{} // parameter name → key, for SecureStrings
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(p.Concurrency, 1))
	for batch := range slices.Chunk(query, maxFilterValues) {
		g.Go(func() error {
			in := &ssm.DescribeParametersInput{
				ParameterFilters: []ssmtypes.ParameterStringFilter{{
					Key: sdkaws.String("Name"), Option: sdkaws.String("Equals"), Values: batch,
				}},
				MaxResults: sdkaws.Int32(describePageSize),
			}
			for {
				out, err := p.api.DescribeParameters(gctx, in)
				if err != nil {
					return classify(fmt.Sprintf("read the KMS keys of parameters (%s ...)", batch[0]), err)
				}
				mu.Lock()
				for _, m := range out.Parameters {
					if m.Type == ssmtypes.ParameterTypeSecureString {
						keys[sdkaws.ToString(m.Name)] = sdkaws.ToString(m.KeyId)
					}
				}
				mu.Unlock()
				// A page may be short and still carry a token: only a missing one ends it.
				if sdkaws.ToString(out.NextToken) == "" {
					return nil
				}
				in.NextToken = out.NextToken
			}
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	result := make(map[string]string, len(candidates))
	for given, cs := range candidates {
		for _, c := range cs {
			if key, ok := keys[c]; ok {
				result[given] = key
				break
			}
		}
	}
	return result, nil
}

// namesOfParameterRef are the names a parameter reference may stand for: a name is itself; an
// SSM parameter ARN drops the name's leading "/", so arn:...:parameter/a/b is "/a/b" (a
// name with a "/" begins with one) and arn:...:parameter/a is "/a" or "a". Any other ARN
// stands for no parameter.
func namesOfParameterRef(ref string) []string {
	if !strings.HasPrefix(ref, "arn:") {
		return []string{ref}
	}
	parts := strings.SplitN(ref, ":", 6)
	if len(parts) != 6 || parts[2] != "ssm" {
		return nil
	}
	rest, ok := strings.CutPrefix(parts[5], "parameter/")
	if !ok || rest == "" {
		return nil
	}
	if strings.Contains(rest, "/") {
		return []string{"/" + rest}
	}
	return []string{"/" + rest, rest}
}

// DefaultParameterKey is the AWS managed key SSM encrypts SecureStrings with.
const DefaultParameterKey = "alias/aws/ssm"

// The most a parameter's value holds, in bytes. The PutParameter API reference says of
// Value: "Standard parameters have a value limit of 4 KB. Advanced parameters have a
// value limit of 8 KB." CreateSecureString asks for no tier, so the parameter is a
// Standard one (unless the account's default tier says otherwise): MaxParameterValue is
// the limit a value typed for it is held to.
const (
	MaxParameterValue         = 4096 // Standard tier
	MaxAdvancedParameterValue = 8192 // Advanced tier
)

// CreateSecureString stores value as a SecureString parameter and returns its version.
// An existing parameter is an error of KindAlreadyExists unless overwrite is set. The
// value goes to PutParameter and nowhere else: it is never logged and is scrubbed from
// any error.
//
// Equivalent to aws ssm put-parameter --type SecureString --name NAME --value VALUE --key-id KEY [--overwrite]
func (p *Parameters) CreateSecureString(ctx context.Context, name, value, kmsKeyID string, overwrite bool) (int64, error) {
	if kmsKeyID == "" {
		kmsKeyID = DefaultParameterKey
	}
	out, err := p.api.PutParameter(ctx, &ssm.PutParameterInput{
		Name:      sdkaws.String(name),
		Value:     sdkaws.String(value),
		Type:      ssmtypes.ParameterTypeSecureString,
		KeyId:     sdkaws.String(kmsKeyID),
		Overwrite: sdkaws.Bool(overwrite),
	}, func(o *ssm.Options) { o.Retryer = retryOnlyThrottling(o.Retryer) })
	if err != nil {
		return 0, scrubbed(classify(fmt.Sprintf("create parameter %s", name), err), value)
	}
	return out.Version, nil
}

// scrubbed replaces the underlying error of a classified error with its one-line
// detail, with secret masked: AWS does not echo values, but the rule is that a value
// typed by a person reaches PutParameter and nothing else, error text included.
func scrubbed(err error, secret string) error {
	var e *Error
	if secret == "" || !errors.As(err, &e) {
		return err
	}
	detail := strings.ReplaceAll(e.Detail(), secret, "***")
	return &Error{Kind: e.Kind, Op: e.Op, Action: e.Action, Code: e.Code, Err: errors.New(detail)}
}
