package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
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
	// Concurrency bounds the calls in flight for one List or Exist.
	Concurrency int
}

// NewParameters wraps an SSM client.
func NewParameters(api SSMAPI) *Parameters { return &Parameters{api: api, Concurrency: 8} }

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

// Page and filter limits of DescribeParameters.
const (
	describePageSize  = 50
	maxFilterValues   = 50
	listPartitions    = 4 // partitions planned for a large listing
	maxExpansions     = 2 // how far a crowded bucket is split into finer ones
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
// partitions that each page on their own:
//
//  1. A probe lists the first page of the whole prefix. Most prefixes (an app's dozen
//     secrets) fit in it and the listing ends after one call.
//  2. Otherwise the names in that page are a sample. Every name under P = prefix+"/"
//     begins with P+c for exactly one c in the name alphabet, so the 66 buckets P+c cover
//     the namespace exactly, whatever its shape. A bucket that holds most of the sample is
//     split once or twice more into its own 66 children; the bucket's own name, which no
//     child covers, is then looked up with a Name Equals filter.
//  3. The buckets are packed into partitions of at most 50 values (the filter's limit),
//     heaviest first onto the lightest partition, each queried as Name BeginsWith
//     [values...], and the partitions are paged concurrently.
//
// With n parameters spread over several first letters this costs 1 + n/50 + the
// partitions' last short pages, and about n/50/partitions round trips. The sample only
// steers balance, never coverage: a skewed or sorted sample makes the listing slower,
// never incomplete. Results are de-duplicated by name, so an overlap costs nothing but a call.
func (p *Parameters) List(ctx context.Context, prefix string, progress func(n int)) ([]Parameter, []Warning, error) {
	op := fmt.Sprintf("list parameters under %s", prefix)
	base := strings.TrimRight(prefix, "/")
	l := &listing{api: p.api, found: map[string]Parameter{}, progress: progress}

	pathValue := base
	if pathValue == "" {
		pathValue = "/"
	}
	probe := []ssmtypes.ParameterStringFilter{{
		Key: sdkaws.String("Path"), Option: sdkaws.String("Recursive"), Values: []string{pathValue},
	}}
	sample, token, err := l.page(ctx, probe, nil)
	if err != nil {
		return nil, nil, classify(op, err)
	}
	if token == nil {
		return l.sorted(), nil, nil
	}
	if base == "" {
		// Names outside any hierarchy ("foo") have no "/" to split on: page on.
		if err := l.all(ctx, probe, token); err != nil {
			return nil, nil, classify(op, err)
		}
		return l.sorted(), nil, nil
	}

	queries := planPartitions(base+"/", sample)
	limit := max(p.Concurrency, 1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	var (
		mu       sync.Mutex
		warnings []Warning
	)
	for _, q := range queries {
		g.Go(func() error {
			err := l.all(gctx, q.filters(), nil)
			if err == nil {
				return nil
			}
			err = classify(op, err)
			if errors.Is(err, KindAccessDenied) {
				mu.Lock()
				warnings = append(warnings, Warning{Part: q.describe(), Err: err})
				mu.Unlock()
				return nil
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if len(warnings) == len(queries) {
		return nil, nil, warnings[0].Err
	}
	sort.Slice(warnings, func(i, j int) bool { return warnings[i].Part < warnings[j].Part })
	return l.sorted(), warnings, nil
}

// listing collects the parameters found by concurrent partitions.
type listing struct {
	api      SSMAPI
	mu       sync.Mutex
	found    map[string]Parameter
	progress func(int)
}

// page fetches one page and records it, returning the names it held.
func (l *listing) page(ctx context.Context, filters []ssmtypes.ParameterStringFilter, token *string) ([]string, *string, error) {
	out, err := l.api.DescribeParameters(ctx, &ssm.DescribeParametersInput{
		ParameterFilters: filters,
		MaxResults:       sdkaws.Int32(describePageSize),
		NextToken:        token,
	})
	if err != nil {
		return nil, nil, err
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

// all pages a query to its end, starting at token. Pages may be short and still carry a
// NextToken; only a missing token ends the listing.
func (l *listing) all(ctx context.Context, filters []ssmtypes.ParameterStringFilter, token *string) error {
	for {
		_, next, err := l.page(ctx, filters, token)
		if err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		token = next
	}
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

// partitionQuery is one partition: names beginning with any of prefixes, or (exact)
// names equal to any of them.
type partitionQuery struct {
	prefixes []string
	exact    bool
}

func (q partitionQuery) filters() []ssmtypes.ParameterStringFilter {
	option := "BeginsWith"
	if q.exact {
		option = "Equals"
	}
	return []ssmtypes.ParameterStringFilter{{
		Key: sdkaws.String("Name"), Option: sdkaws.String(option), Values: q.prefixes,
	}}
}

func (q partitionQuery) describe() string {
	const show = 4
	verb := "beginning with"
	if q.exact {
		verb = "named"
	}
	list := strings.Join(q.prefixes[:min(show, len(q.prefixes))], ", ")
	if len(q.prefixes) > show {
		list += fmt.Sprintf(" and %d more prefixes", len(q.prefixes)-show)
	}
	return fmt.Sprintf("parameters %s %s", verb, list)
}

// planPartitions splits the names under base (which ends in "/") into queries, using
// the sample of names already seen to balance them (see List).
func planPartitions(base string, sample []string) []partitionQuery {
	var suffixes []string
	for _, n := range sample {
		if s, ok := strings.CutPrefix(n, base); ok && s != "" {
			suffixes = append(suffixes, s)
		}
	}
	weight := func(prefix string) int {
		n := 0
		for _, s := range suffixes {
			if strings.HasPrefix(s, prefix) {
				n++
			}
		}
		return n
	}
	buckets := map[string]int{}
	for _, c := range nameAlphabet {
		buckets[string(c)] = weight(string(c))
	}
	var exact []string
	for range maxExpansions {
		hot, hotWeight := "", 0
		for b, w := range buckets {
			if w > hotWeight || (w == hotWeight && b < hot) {
				hot, hotWeight = b, w
			}
		}
		// Split a bucket only when it holds most of the sample: then it alone would
		// page sequentially while the other partitions sit idle.
		if len(suffixes) < 4 || hotWeight*10 < len(suffixes)*6 {
			break
		}
		delete(buckets, hot)
		exact = append(exact, base+hot)
		for _, c := range nameAlphabet {
			buckets[hot+string(c)] = weight(hot + string(c))
		}
	}

	// A sample served in name order shows only the start of the namespace: its counts
	// say which buckets are not empty, not how full they are.
	if slices.IsSorted(sample) {
		for b, w := range buckets {
			buckets[b] = min(w, 1)
		}
	}
	keys := make([]string, 0, len(buckets))
	for b := range buckets {
		keys = append(keys, b)
	}
	// Heaviest first; every bucket also counts a little, as the sample may have missed it.
	sort.Slice(keys, func(i, j int) bool {
		if buckets[keys[i]] != buckets[keys[j]] {
			return buckets[keys[i]] > buckets[keys[j]]
		}
		return keys[i] < keys[j]
	})
	n := max(listPartitions, (len(keys)+maxFilterValues-1)/maxFilterValues)
	parts := make([]partitionQuery, n)
	load := make([]int, n)
	const prior = 5 // a bucket's guessed size when the sample shows none of it, in tenths of a sample hit
	for _, k := range keys {
		best := -1
		for i := range parts {
			if len(parts[i].prefixes) >= maxFilterValues {
				continue
			}
			if best < 0 || load[i] < load[best] {
				best = i
			}
		}
		parts[best].prefixes = append(parts[best].prefixes, base+k)
		load[best] += buckets[k]*10 + prior
	}
	for i := range parts {
		slices.Sort(parts[i].prefixes)
	}
	if len(exact) > 0 {
		parts = append(parts, partitionQuery{prefixes: exact, exact: true})
	}
	return parts
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
