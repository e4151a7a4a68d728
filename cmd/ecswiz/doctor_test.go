package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
)

func decodeFindings(t *testing.T, out string) []doctor.Finding {
	t.Helper()
	var findings []doctor.Finding
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f doctor.Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		findings = append(findings, f)
	}
	return findings
}

func TestDemoDoctorJSONReportsEveryDemoFailure(t *testing.T) {
	got := demo.run(t, "doctor", "--json")
	if got.code != exitFailure || got.stderr != "" {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	byTask := map[string]doctor.Finding{}
	var checks []doctor.Finding
	for _, f := range decodeFindings(t, got.stdout) {
		switch f.Kind {
		case doctor.KindStoppedTask:
			byTask[f.Task] = f
		case doctor.KindCheck:
			checks = append(checks, f)
		default:
			t.Errorf("unknown kind %q", f.Kind)
		}
	}
	causes := fakeaws.DemoCauses()
	if len(byTask) != len(causes) {
		t.Errorf("%d stopped tasks reported, want the %d demo causes (ordinary stops are not findings)", len(byTask), len(causes))
	}
	for _, c := range causes {
		f, ok := byTask[c.TaskID]
		switch {
		case !ok:
			t.Errorf("%s (%s): not reported", c.Key, c.TaskID)
		case string(f.Cause) != c.Cause:
			t.Errorf("%s: cause %q, want %q (reason %q)", c.Key, f.Cause, c.Cause, f.StoppedReason)
		case f.Fix == "" || f.Title == "" || f.Cluster != fakeaws.DemoCluster || f.Service != c.Service || f.TaskDefinition == "":
			t.Errorf("%s: incomplete finding %+v", c.Key, f)
		}
	}
	if p := byTask[oomTask(t)].Proposal; p == nil || p.CPU != 1024 || p.Memory != 3072 || p.MonthlyChangeUSD <= 0 || p.PriceNote == "" {
		t.Errorf("the out-of-memory task's proposal is %+v, want 1024 CPU / 3072 MiB at a cost", p)
	}
	failing := map[string]bool{}
	for _, f := range checks {
		switch {
		case f.Fix == "":
			t.Errorf("a check line without a fix or a way on: %+v", f)
		case f.Status == doctor.StatusFail:
			failing[f.TaskDefinition+" "+f.Check] = true
		case f.Status != doctor.StatusSkip:
			t.Errorf("a check line that neither fails nor could not run: %+v", f)
		}
	}
	// demo-shop-prod:3 reads parameters that do not exist with a role that may not read any.
	for _, want := range []string{"demo-shop-prod:3 " + doctor.CheckSecrets, "demo-shop-prod:3 " + doctor.CheckRole} {
		if !failing[want] {
			t.Errorf("no failing check %q among %v", want, failing)
		}
	}
}

func TestDoctorJSONOfOneService(t *testing.T) {
	got := demo.run(t, "doctor", "--json", "--service", "demo-shop-prod-worker")
	if got.code != exitFailure {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	for _, f := range decodeFindings(t, got.stdout) {
		if f.Kind == doctor.KindStoppedTask && f.Service != "demo-shop-prod-worker" {
			t.Errorf("a task of %s reported", f.Service)
		}
	}
}

// A check that could not run is a line of its own, naming the call that failed and
// the way on; it is no finding, so only the failures set the exit code.
func TestDoctorJSONSaysWhichChecksCouldNotRun(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.Fail("DescribeLogGroups", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: logs:DescribeLogGroups")
	c := cli{env: demo.env, newDemo: func() *fakeaws.Server { return srv }}
	got := c.run(t, "doctor", "--json", "--service", "demo-shop-prod-worker")
	if got.code != exitFailure || got.stderr != "" {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	skipped := 0
	for _, f := range decodeFindings(t, got.stdout) {
		if f.Kind != doctor.KindCheck || f.Check != doctor.CheckLogGroup {
			continue
		}
		skipped++
		if f.Status != doctor.StatusSkip || !strings.Contains(f.Message, "logs:DescribeLogGroups") ||
			!strings.Contains(f.Fix, "ask for the permission") || f.Wrong() {
			t.Errorf("the log group check of %s: %+v; want a skip naming logs:DescribeLogGroups with the way on", f.TaskDefinition, f)
		}
	}
	if skipped == 0 {
		t.Errorf("no line for the log group checks that could not run:\n%s", got.stdout)
	}
}

// A preflight whose checks pass or could not run exits 0: nothing was found wrong.
func TestDoctorPreflightWithAChecksCallDeniedExitsZero(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.Fail("DescribeImages", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ecr:DescribeImages")
	c := cli{env: demo.env, newDemo: func() *fakeaws.Server { return srv }}
	got := c.run(t, "doctor", "--task-definition", "demo-shop-dev:4")
	if got.code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	for _, want := range []string{"every check passes or was skipped", "skip  image ", "ecr:DescribeImages", "-- hint: "} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, got.stdout)
		}
	}
}

func TestDoctorPreflightOfARevision(t *testing.T) {
	bad := demo.run(t, "doctor", "--task-definition", "demo-shop-prod:3")
	if bad.code != exitFailure {
		t.Fatalf("demo-shop-prod:3: exit %d, stdout %q, stderr %q", bad.code, bad.stdout, bad.stderr)
	}
	for _, want := range []string{"demo-shop-prod:3: ", "FAIL  " + doctor.CheckSecrets, "FAIL  " + doctor.CheckRole, "-- hint: "} {
		if !strings.Contains(bad.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, bad.stdout)
		}
	}
	good := demo.run(t, "doctor", "--task-definition", "demo-shop-dev:4", "--json")
	if good.code != 0 {
		t.Fatalf("demo-shop-dev:4: exit %d, stdout %q, stderr %q", good.code, good.stdout, good.stderr)
	}
	var names []string
	for _, f := range decodeFindings(t, good.stdout) {
		if f.Kind != doctor.KindCheck || f.TaskDefinition != "demo-shop-dev:4" || f.Status == "" {
			t.Errorf("not a check of demo-shop-dev:4: %+v", f)
		}
		names = append(names, f.Check)
	}
	if len(names) != 8 {
		t.Errorf("checks %v, want all 8", names)
	}
}

func TestDoctorBadUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"screens without a terminal", []string{"doctor"}, exitUsage, "doctor --json"},
		{"a service without its cluster", []string{"doctor", "--service", "web"}, exitUsage, "--cluster"},
		{"a revision and a cluster", []string{"doctor", "--task-definition", "x:1", "--cluster", "c"}, exitUsage, "leave out --cluster and --service"},
		{"a revision that does not exist", []string{"doctor", "--task-definition", "nope:1"}, exitFailure, "nope:1"},
		{"a cluster that does not exist", []string{"doctor", "--json", "--cluster", "nope"}, exitFailure, "nope"},
		{"a service no cluster has", []string{"doctor", "--json", "--service", "nope"}, exitFailure, `no cluster has a service "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := demo.run(t, tc.args...)
			if got.code != tc.code || !strings.Contains(got.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", got.code, got.stderr, tc.code, tc.want)
			}
		})
	}
}

// oomTask is the id of the demo's task that ran out of memory.
func oomTask(t *testing.T) string {
	t.Helper()
	for _, c := range fakeaws.DemoCauses() {
		if c.Key == "out-of-memory" {
			return c.TaskID
		}
	}
	t.Fatal("the demo has no out-of-memory task")
	return ""
}
