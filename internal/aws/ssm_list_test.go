package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// describeServer is a hand-written DescribeParameters endpoint: it pages like AWS (50 at
// a time, in the order given), waits latency per call, counts calls, denies the
// BeginsWith values listed in deny, and fails the calls fault picks (by their number,
// from 1) with an HTTP status and an error code.
type describeServer struct {
	names    []string
	latency  time.Duration
	pageSize int
	deny     func(values []string) bool
	fault    func(call int64) (status int, code string)
	calls    atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64
}

type filterJSON struct {
	Key, Option string
	Values      []string
}

func (s *describeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := s.calls.Add(1)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxIn.Load()
		if n <= m || s.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(s.latency)
	if target := r.Header.Get("X-Amz-Target"); target != "AmazonSSM.DescribeParameters" {
		http.Error(w, "unexpected "+target, http.StatusBadRequest)
		return
	}
	var in struct {
		ParameterFilters []filterJSON
		MaxResults       int
		NextToken        string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if s.fault != nil {
		if status, code := s.fault(call); status != 0 {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"__type":%q,"message":"injected"}`, code)
			return
		}
	}
	for _, f := range in.ParameterFilters {
		if s.deny != nil && s.deny(f.Values) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"__type":"AccessDeniedException","message":"not allowed"}`)
			return
		}
	}
	var match []string
	for _, name := range s.names {
		if matchesAll(name, in.ParameterFilters) {
			match = append(match, name)
		}
	}
	start, _ := strconv.Atoi(in.NextToken)
	size := s.pageSize
	if size == 0 {
		size = min(in.MaxResults, 50)
	}
	end := min(start+size, len(match))
	type meta struct {
		Name, Type       string
		Version          int64
		LastModifiedDate float64
	}
	out := struct {
		Parameters []meta
		NextToken  string `json:",omitempty"`
	}{Parameters: []meta{}}
	for _, name := range match[start:end] {
		out.Parameters = append(out.Parameters, meta{Name: name, Type: "SecureString", Version: 1, LastModifiedDate: 1.7e9})
	}
	if end < len(match) {
		out.NextToken = strconv.Itoa(end)
	}
	_ = json.NewEncoder(w).Encode(out)
}

func matchesAll(name string, filters []filterJSON) bool {
	for _, f := range filters {
		ok := false
		for _, v := range f.Values {
			switch {
			case f.Key == "Path" && f.Option == "Recursive":
				ok = ok || strings.HasPrefix(name, strings.TrimRight(v, "/")+"/")
			case f.Key == "Name" && f.Option == "BeginsWith":
				ok = ok || strings.HasPrefix(name, v)
			case f.Key == "Name" && f.Option == "Equals":
				ok = ok || name == v
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func testParameters(t *testing.T, srv http.Handler) *Parameters {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	clients, err := Load(context.Background(), Options{
		Region:      "eu-west-2",
		EndpointURL: ts.URL,
		Credentials: &StaticCredentials{AccessKeyID: "testing", SecretAccessKey: "testing"},
		Getenv:      func(string) string { return "" },
		CallTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return clients.Parameters
}

// Shapes of 1,000 parameters under /bench/prod.
func hierarchicalNames() []string {
	groups := []string{"app", "api", "auth", "billing", "cache", "database", "email", "redis", "search", "third-party"}
	var names []string
	for i := range 1000 {
		names = append(names, fmt.Sprintf("/bench/prod/%s/param-%04d", groups[i%len(groups)], i))
	}
	return names
}

func flatNames() []string {
	r := rand.New(rand.NewPCG(1, 2))
	var names []string
	for i := range 1000 {
		b := make([]byte, 10)
		for j := range b {
			b[j] = nameAlphabet[r.IntN(len(nameAlphabet)-1)]
		}
		names = append(names, fmt.Sprintf("/bench/prod/%s-%d", b, i))
	}
	return names
}

func TestListSplitsLargePrefixes(t *testing.T) {
	shuffled := hierarchicalNames()
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	sorted := hierarchicalNames()
	sort.Strings(sorted)
	for _, tc := range []struct {
		name  string
		names []string
	}{
		{"1,000 parameters in ten groups, served in name order, list in at most 33 calls", sorted},
		{"1,000 parameters in ten groups, served in no order, list in at most 33 calls", shuffled},
		{"1,000 parameters with random names list in at most 33 calls", flatNames()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &describeServer{names: tc.names, latency: 5 * time.Millisecond}
			params := testParameters(t, srv)
			var last atomic.Int64
			got, warnings, err := params.List(context.Background(), "/bench/prod", func(n int) { last.Store(int64(n)) })
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings: %v", warnings)
			}
			want := slices.Sorted(slices.Values(tc.names))
			if diff := cmp.Diff(want, parameterNames(got)); diff != "" {
				t.Errorf("listing differs (-want +got):\n%s", diff)
			}
			if last.Load() != 1000 {
				t.Errorf("last progress = %d, want 1000", last.Load())
			}
			// The probe, 20 full pages, and a short last page for each query.
			if c, most := srv.calls.Load(), int64(1+20+listQueries); c > most {
				t.Errorf("%d DescribeParameters calls, want at most %d", c, most)
			}
			if n := srv.maxIn.Load(); n > int64(params.Concurrency) || n < 2 {
				t.Errorf("at most %d calls in flight, want between 2 and %d", n, params.Concurrency)
			}
		})
	}
}

func TestListIsCompleteWhateverTheShape(t *testing.T) {
	var chain, mixed, stems, numbered []string
	for i := range 300 {
		chain = append(chain, fmt.Sprintf("/p/service-one/key-%03d", i))
	}
	for i := range 400 {
		stems = append(stems, fmt.Sprintf("/p/app-%02d/param-%05d", i%16, i))
		numbered = append(numbered, fmt.Sprintf("/p/%d", i))
	}
	// Names that only the exact-name query can find once buckets are split.
	mixed = append(slices.Clone(chain), "/p/s", "/p/se", "/p/service-one", "/p/x")
	for _, tc := range []struct {
		name  string
		names []string
		page  int
	}{
		{"a single long chain of one group is listed in full", chain, 0},
		{"names that end where a crowded bucket was split are still listed", mixed, 0},
		{"pages of 10 with a NextToken on every full page are followed to the end", mixed, 10},
		{"names that differ only after a long stem are listed in full", stems, 0},
		{"names that differ in their digits are listed in full", numbered, 0},
		{"an empty prefix lists nothing", nil, 0},
		{"a prefix with a few parameters takes one call", []string{"/p/a", "/p/b/c"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &describeServer{names: tc.names, pageSize: tc.page}
			got, _, err := testParameters(t, srv).List(context.Background(), "/p/", nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(slices.Sorted(slices.Values(tc.names)), parameterNames(got), cmpEmpty); diff != "" {
				t.Errorf("listing differs (-want +got):\n%s", diff)
			}
			if len(tc.names) <= 2 && srv.calls.Load() != 1 {
				t.Errorf("%d calls, want 1", srv.calls.Load())
			}
		})
	}
}

var cmpEmpty = cmp.Transformer("nilToEmpty", func(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
})

func TestListWarnsAboutAPartitionItCannotRead(t *testing.T) {
	names := hierarchicalNames()
	srv := &describeServer{names: names, deny: func(values []string) bool {
		return slices.Contains(values, "/bench/prod/r")
	}}
	got, warnings, err := testParameters(t, srv).List(context.Background(), "/bench/prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 {
		t.Fatalf("warnings = %v, want one", warnings)
	}
	if !strings.Contains(warnings[0].Part, "/bench/prod/") || KindOf(warnings[0].Err) != KindAccessDenied {
		t.Errorf("warning = %v", warnings[0])
	}
	if len(got) == 0 || len(got) >= len(names) {
		t.Errorf("got %d parameters, want some but not all of %d", len(got), len(names))
	}
}

func TestListAsksThrottledPagesAgainItselfAndLeavesServerErrorsToTheSDK(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		code   string
		times  int64
	}{
		// Each throttle reaches the listing once: the SDK does not repeat it too.
		{"three throttled calls cost three calls", http.StatusBadRequest, "ThrottlingException", 3},
		{"an internal error is retried by the SDK", http.StatusInternalServerError, "InternalServerError", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &describeServer{names: []string{"/p/a", "/p/b"}, fault: func(call int64) (int, string) {
				if call <= tc.times {
					return tc.status, tc.code
				}
				return 0, ""
			}}
			got, _, err := testParameters(t, srv).List(context.Background(), "/p", nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"/p/a", "/p/b"}, parameterNames(got)); diff != "" {
				t.Errorf("listing differs (-want +got):\n%s", diff)
			}
			if n := srv.calls.Load(); n != tc.times+1 {
				t.Errorf("%d calls, want %d", n, tc.times+1)
			}
		})
	}
}

func parameterNames(ps []Parameter) []string {
	names := []string{}
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names
}
