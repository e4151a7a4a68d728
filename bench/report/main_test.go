package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseReadsBenchmarkLinesAndSkipsTheRest(t *testing.T) {
	in := strings.Join([]string{
		"goos: linux",
		"# ecswiz start-up",
		"BenchmarkParams/1000-2   1   200.0 ecswiz-ms  3000 peer-ms  24 calls  100 peer-calls  5 runs  0.4 load",
		"BenchmarkParams/1000-one-stem-2 1 500 ecswiz-ms",
		"BenchmarkStartup/binary 1 1048576 bytes",
		"PASS",
	}, "\n")
	got := map[string]metrics{}
	if err := parse(strings.NewReader(in), got); err != nil {
		t.Fatal(err)
	}
	want := map[string]metrics{
		"Params/1000":          {"ecswiz-ms": 200, "peer-ms": 3000, "calls": 24, "peer-calls": 100, "runs": 5, "load": 0.4},
		"Params/1000-one-stem": {"ecswiz-ms": 500},
		"Startup/binary":       {"bytes": 1 << 20},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed (-want +got):\n%s", diff)
	}
}

func TestRenderJudgesEachGoalAndNamesWhatDidNotRun(t *testing.T) {
	results := map[string]metrics{
		"Params/1000":           {"ecswiz-ms": 200, "peer-ms": 3000, "calls": 24, "peer-calls": 100, "runs": 5, "load": 0.4},
		"Params/10000":          {"ecswiz-ms": 2000, "peer-ms": 20000},
		"Startup/version":       {"ecswiz-ms": 16.4},
		"ParamsThrottled/10000": {"ecswiz-ms": 4500, "bucket-min-ms": 4000, "throttled": 3},
		"ParamsThrottled/1000":  {"ecswiz-ms": 230, "bucket-min-ms": 50},
		"PickerMemory/10000":    {"peak-MB": 61.5},
	}
	table, missing := render(results, "today")
	for _, want := range []string{
		"| parameter discovery: 1,000 parameters, 25 ms a call | 200 ms | 3.00 s | 15.0× | 24 / 100 | ≥ 15× the AWS CLI | yes | 5 runs, load 0.40 |",
		"| parameter discovery: 10,000 parameters, 25 ms a call | 2.00 s | 20.00 s | 10.0× | — | ≥ 15× the AWS CLI | **no** |",
		"| `ecswiz version` | 16 ms | — | — | — | < 10 ms | **no** |",
		"| 4.50 s (bucket minimum 4.00 s) | — | — | — | no error, ≤ 1.2× the bucket's minimum (or the unthrottled listing's, if longer) | yes | 3 throttled a run |",
		"| 61.5 MB |",
		// The bucket does not bind at 1,000: the unthrottled 200 ms is the least time.
		"| 230 ms (bucket minimum 50 ms) | — | — | — | no error, ≤ 1.2× the bucket's minimum (or the unthrottled listing's, if longer) | yes |",
		"| `ecswiz render -f examples/production.tfvars` | not run |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	if len(missing) != len(scenarios)-len(results) || missing[0] != "Startup/render" {
		t.Errorf("missing = %v", missing)
	}
}

func TestRewriteReplacesOnlyTheTableBetweenTheMarkers(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "PERFORMANCE.md")
	before := "# Performance\n\n" + beginMarker + "\nold table\n" + endMarker + "\n\nWhat bounds each figure.\n"
	if err := os.WriteFile(doc, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rewrite(doc, "new table\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(doc)
	want := "# Performance\n\n" + beginMarker + "\nnew table\n" + endMarker + "\n\nWhat bounds each figure.\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
}

func TestRewriteRefusesADocumentWithoutMarkers(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "PERFORMANCE.md")
	if err := os.WriteFile(doc, []byte("# Performance\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := rewrite(doc, "table\n")
	if err == nil || !strings.Contains(err.Error(), "markers are missing") {
		t.Fatalf("err = %v, want the markers named", err)
	}
	if got, _ := os.ReadFile(doc); string(got) != "# Performance\n" {
		t.Errorf("the document changed: %q", got)
	}
}
