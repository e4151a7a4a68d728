package doctor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
)

// scanAll runs a scan and gathers what it emitted.
func scanAll(t *testing.T, ecs doctor.ECS, cluster, service string) ([]aws.Service, []doctor.StoppedTask, []error, error) {
	t.Helper()
	var (
		services []aws.Service
		tasks    []doctor.StoppedTask
		errs     []error
	)
	err := doctor.Scan(context.Background(), ecs, cluster, service, func(ev doctor.Event) {
		services = append(services, ev.Services...)
		tasks = append(tasks, ev.Tasks...)
		if ev.Err != nil {
			errs = append(errs, ev.Err)
		}
	})
	return services, tasks, errs, err
}

func TestScanOfTheDemoClusterClassifiesEveryStoppedTask(t *testing.T) {
	_, clients, _ := demo(t)
	services, tasks, errs, err := scanAll(t, clients.ECS, fakeaws.DemoCluster, "")
	if err != nil || len(errs) > 0 {
		t.Fatalf("err %v, part errors %v", err, errs)
	}
	if len(services) != 3 {
		t.Errorf("%d services, want the demo's 3", len(services))
	}
	byID := map[string]doctor.StoppedTask{}
	for _, task := range tasks {
		byID[task.ID] = task
	}
	for _, c := range fakeaws.DemoCauses() {
		task, ok := byID[c.TaskID]
		switch {
		case !ok:
			t.Errorf("%s: task %s not scanned", c.Key, c.TaskID)
		case task.Service != c.Service:
			t.Errorf("%s: service %q, want %q", c.Key, task.Service, c.Service)
		case task.Diagnosis.Cause == model.CauseUnrecognised || task.Diagnosis.Cause == model.CauseNotAFailure:
			t.Errorf("%s: diagnosed %q", c.Key, task.Diagnosis.Cause)
		}
	}
}

func TestScanOfOneService(t *testing.T) {
	_, clients, _ := demo(t)
	_, tasks, _, err := scanAll(t, clients.ECS, fakeaws.DemoCluster, "demo-shop-prod-worker")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("%d tasks, err %v", len(tasks), err)
	}
	for _, task := range tasks {
		if task.Service != "demo-shop-prod-worker" {
			t.Errorf("task %s of %q scanned", task.ID, task.Service)
		}
	}
}

// A part that fails is emitted and the rest still arrives.
func TestScanGoesOnWhenAPartFails(t *testing.T) {
	srv, clients, _ := demo(t)
	srv.Fail("DescribeTasks", "AccessDeniedException", "User is not authorized to perform: ecs:DescribeTasks")
	services, tasks, errs, err := scanAll(t, clients.ECS, fakeaws.DemoCluster, "")
	if len(services) != 3 {
		t.Errorf("%d services, want 3 though the tasks failed", len(services))
	}
	if len(tasks) != 0 || len(errs) != 1 || !errors.Is(errs[0], aws.KindAccessDenied) || !errors.Is(err, aws.KindAccessDenied) {
		t.Errorf("tasks %d, part errors %v, err %v; want one access denied", len(tasks), errs, err)
	}
}

// The first tasks come before the scan of a big cluster ends: batches are emitted as
// each page is described.
func TestScanEmitsTasksAsEachPageArrives(t *testing.T) {
	srv := fakeaws.New()
	srv.SeedCluster("big", 5, 100)
	clients := awstest.Start(t, srv)
	var batches []int
	err := doctor.Scan(context.Background(), clients.ECS, "big", "", func(ev doctor.Event) {
		if len(ev.Tasks) > 0 {
			batches = append(batches, len(ev.Tasks))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 5 || slices.Max(batches) > 100 {
		t.Errorf("batches %v, want 5 of at most 100 (one a ListTasks page)", batches)
	}
}

func TestGroupByCause(t *testing.T) {
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	task := func(id string, cause model.Cause, failure bool, minutesAgo int) doctor.StoppedTask {
		st := doctor.StoppedTask{Diagnosis: model.Diagnosis{Cause: cause, Failure: failure}}
		st.ID, st.StoppedAt = id, at.Add(-time.Duration(minutesAgo)*time.Minute)
		return st
	}
	groups := doctor.GroupByCause([]doctor.StoppedTask{
		task("a", model.CauseNotAFailure, false, 1),
		task("b", model.CauseOutOfMemory, true, 30),
		task("c", model.CauseAppCrashed, true, 5),
		task("d", model.CauseOutOfMemory, true, 10),
		task("e", model.CauseLogGroupMissing, true, 2),
		task("f", model.CauseSpotInterruption, false, 3),
	})
	var got [][]string
	for _, g := range groups {
		ids := []string{string(g.Cause)}
		for _, t := range g.Tasks {
			ids = append(ids, t.ID)
		}
		got = append(got, ids)
	}
	want := [][]string{
		{"out-of-memory", "d", "b"}, // failures first, the most tasks first, newest task first
		{"log-group-missing", "e"},  // then the most recent
		{"app-crashed", "c"},
		{"not-a-failure", "a"},
		{"spot-interruption", "f"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("groups %v, want %v", got, want)
	}
}

func TestReportOfTheDemo(t *testing.T) {
	_, clients, checker := demo(t)
	var findings []doctor.Finding
	if err := doctor.Report(context.Background(), clients.ECS, checker, "", "", func(f doctor.Finding) {
		findings = append(findings, f)
	}); err != nil {
		t.Fatal(err)
	}
	tasks, wrongChecks := 0, 0
	for _, f := range findings {
		switch {
		case f.Kind == doctor.KindStoppedTask:
			tasks++
			if f.Cause == model.CauseNotAFailure {
				t.Errorf("an ordinary stop is reported: %+v", f)
			}
		case f.Wrong():
			wrongChecks++
		}
	}
	if tasks != len(fakeaws.DemoCauses()) || wrongChecks == 0 {
		t.Errorf("%d tasks (want %d), %d failing checks", tasks, len(fakeaws.DemoCauses()), wrongChecks)
	}
	// The checks come after every task, so a reader of the lines sees causes first.
	last := slices.IndexFunc(findings, func(f doctor.Finding) bool { return f.Kind == doctor.KindCheck })
	if slices.ContainsFunc(findings[last:], func(f doctor.Finding) bool { return f.Kind == doctor.KindStoppedTask }) {
		t.Error("a task is reported after the checks")
	}
}

// A check that could not run is reported too, with why and the way on, and is not
// something wrong: silence would read as a pass.
func TestReportSaysWhichChecksCouldNotRun(t *testing.T) {
	srv, clients, checker := demo(t)
	srv.Fail("DescribeLogGroups", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: logs:DescribeLogGroups")
	var skipped []doctor.Finding
	if err := doctor.Report(context.Background(), clients.ECS, checker, "", "demo-shop-prod-worker", func(f doctor.Finding) {
		if f.Kind == doctor.KindCheck && f.Status == doctor.StatusSkip {
			skipped = append(skipped, f)
		}
	}); err != nil {
		t.Fatal(err)
	}
	logGroup := 0
	for _, f := range skipped {
		if f.Wrong() {
			t.Errorf("a check that could not run counts as wrong: %+v", f)
		}
		if f.Check != doctor.CheckLogGroup {
			continue
		}
		logGroup++
		if !strings.Contains(f.Message, "logs:DescribeLogGroups") || !strings.Contains(f.Fix, "ask for the permission") {
			t.Errorf("the skipped log group check does not name the call and the way on: %+v", f)
		}
	}
	if logGroup == 0 {
		t.Errorf("no skipped log group check among %+v", skipped)
	}
}
