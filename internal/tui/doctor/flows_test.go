package doctorui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
)

// gatedECS hands out the first stopped tasks (by id) at once and the rest only when
// gate closes, so a test sees the screens in the middle of a scan.
type gatedECS struct {
	doctor.ECS
	first int
	gate  chan struct{}
}

func (g *gatedECS) EachStoppedTask(ctx context.Context, cluster, service string, fn func([]aws.Task)) error {
	var all []aws.Task
	if err := g.ECS.EachStoppedTask(ctx, cluster, service, func(b []aws.Task) { all = append(all, b...) }); err != nil {
		return err
	}
	slices.SortFunc(all, func(a, b aws.Task) int { return strings.Compare(a.ID, b.ID) })
	fn(all[:g.first])
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	fn(all[g.first:])
	return nil
}

func TestRowsFillInAsTheScanStreams(t *testing.T) {
	clients, srv := demo(t)
	o := demoOptions(clients, srv)
	gated := &gatedECS{ECS: clients.ECS, first: 5, gate: make(chan struct{})}
	o.ECS, o.Cluster = gated, fakeaws.DemoCluster
	d := begin(t, o, 100, 30)
	services := d.m.top().screen.(*servicesScreen)
	d.drain(func() bool { return services.scan.servicesKnown && len(services.scan.tasks) == 5 })
	if !strings.Contains(d.screen(), "scanning… 5 tasks so far") {
		t.Errorf("the services screen does not say how far the scan is:\n%s", d.screen())
	}
	tuitest.Golden(t, "services-scanning", d.screen())

	// The rest of the scan waits in the queue while the person opens a service.
	held := d.queue
	d.queue = nil
	d.keys("down", "enter")
	tuitest.Golden(t, "tasks-scanning", d.screen())

	close(gated.gate)
	d.queue = held
	d.drain(nil)
	if got := d.screen(); !strings.Contains(got, "7 stopped tasks, 6 failures") {
		t.Errorf("the open task list did not fill in when the scan went on:\n%s", got)
	}
	d.keys("esc")
	if got := d.screen(); !strings.Contains(got, "18 stopped tasks in the last hour or so, 14 failures") {
		t.Errorf("the services did not fill in when the scan went on:\n%s", got)
	}
}

func TestFollowModeAppendsNewLines(t *testing.T) {
	clients, srv := demo(t)
	d := openTask(t, demoOptions(clients, srv), 100, 30, "demo-shop-prod-web", oomTask)
	d.keys("f")
	if len(d.deferred) != 1 {
		t.Fatalf("f scheduled %d reads of the log, want 1", len(d.deferred))
	}
	srv.PutLogEvents("/ecs/demo-shop-prod", "ecs/demo-shop/"+oomTask,
		fakeaws.LogEvent{Timestamp: demoNow.Add(-32 * time.Minute), Message: "INFO orders.admin Export progress: 150000/184223 rows buffered"},
		fakeaws.LogEvent{Timestamp: demoNow.Add(-31 * time.Minute), Message: "WARNING orders.admin Export buffer at 1.9 GiB"})
	d.tick()
	tuitest.Golden(t, "detail-following", d.screen())

	reads := len(srv.CallsTo("GetLogEvents"))
	d.tick() // nothing new: the lines stay as they are
	if got := len(srv.CallsTo("GetLogEvents")); got != reads+1 {
		t.Errorf("a tick read the log %d times, want once", got-reads)
	}
	if n := strings.Count(d.screen(), "Export buffer at 1.9 GiB"); n != 1 {
		t.Errorf("the new line shows %d times after a read that found nothing new, want once:\n%s", n, d.screen())
	}

	d.keys("f")
	if strings.Contains(d.screen(), "following…") {
		t.Errorf("f did not stop following:\n%s", d.screen())
	}
	reads = len(srv.CallsTo("GetLogEvents"))
	d.tick()
	if got := len(srv.CallsTo("GetLogEvents")); got != reads {
		t.Errorf("after following stopped, a late tick still read the log (%d calls)", got-reads)
	}
}

func TestLeavingATaskStopsFollowingAndCancelsItsCalls(t *testing.T) {
	clients, srv := demo(t)
	d := openTask(t, demoOptions(clients, srv), 100, 30, "demo-shop-prod-web", oomTask)
	detail := d.m.top().screen.(*detailScreen)
	d.keys("f", "esc")
	if !errors.Is(detail.ctx.Err(), context.Canceled) {
		t.Errorf("the task's context is %v after leaving it, want cancelled", detail.ctx.Err())
	}
	reads := len(srv.CallsTo("GetLogEvents"))
	d.tick()
	if got := len(srv.CallsTo("GetLogEvents")); got != reads {
		t.Errorf("a tick after leaving the task read its log (%d calls)", got-reads)
	}
}

func TestEscGoesBackThroughTheStack(t *testing.T) {
	clients, srv := demo(t)
	d := start(t, demoOptions(clients, srv), 100, 30)
	d.keys("enter", "down", "enter")
	d.selectTask(oomTask)
	d.keys("enter")
	var left []*frame
	steps := []struct {
		path   string
		screen string
	}{
		{"demo-shop › demo-shop-prod-web › task fbe429f3", "*doctorui.detailScreen"},
		{"demo-shop › demo-shop-prod-web", "*doctorui.tasksScreen"},
		{"demo-shop", "*doctorui.servicesScreen"},
		{"", "*doctorui.clustersScreen"},
	}
	for i, step := range steps {
		if i > 0 {
			left = append(left, d.m.top())
			d.keys("esc")
		}
		if got := d.m.path(); got != step.path {
			t.Errorf("after %d× esc the path is %q, want %q", i, got, step.path)
		}
		if got := fmt.Sprintf("%T", d.m.top().screen); got != step.screen {
			t.Errorf("after %d× esc the screen is %s, want %s", i, got, step.screen)
		}
	}
	for _, f := range left {
		if !errors.Is(f.ctx.Err(), context.Canceled) {
			t.Errorf("%T was left with its context %v, want cancelled", f.screen, f.ctx.Err())
		}
	}
	if first := d.m.top(); first.ctx.Err() != nil {
		t.Errorf("the clusters' context is %v while they show", first.ctx.Err())
	}
	if d.quit {
		t.Fatal("the program ended before esc on the first screen")
	}
	d.keys("esc")
	if !d.quit || d.m.Outcome().Fix != nil {
		t.Errorf("esc on the clusters ended the program: %v, with fix %+v; want ended, no fix", d.quit, d.m.Outcome().Fix)
	}
}

func TestStartingAtAServiceKeepsThePickersBehind(t *testing.T) {
	clients, srv := demo(t)
	o := demoOptions(clients, srv)
	o.Cluster, o.Service = fakeaws.DemoCluster, "demo-shop-prod-web"
	d := start(t, o, 100, 30)
	if got := len(srv.CallsTo("ListClusters")); got != 0 {
		t.Errorf("the cluster picker listed clusters %d times before it was shown", got)
	}
	if !strings.Contains(d.screen(), "7 stopped tasks, 6 failures") {
		t.Errorf("the service's tasks do not show:\n%s", d.screen())
	}
	d.keys("esc")
	if !strings.Contains(d.screen(), "18 stopped tasks in the last hour or so") {
		t.Errorf("esc did not bring up the cluster's services, scanned:\n%s", d.screen())
	}
	d.keys("esc")
	if !strings.Contains(d.screen(), "▸ demo-shop") {
		t.Errorf("esc did not bring up the clusters:\n%s", d.screen())
	}
}

func TestCtrlCQuitsFromATask(t *testing.T) {
	clients, srv := demo(t)
	d := openTask(t, demoOptions(clients, srv), 100, 30, "demo-shop-prod-web", oomTask)
	d.keys("ctrl+c")
	if !d.quit || d.m.Outcome().Fix != nil {
		t.Errorf("ctrl+c: ended %v with fix %+v; want ended, no fix", d.quit, d.m.Outcome().Fix)
	}
	if d.m.View().Content != "" {
		t.Errorf("the screen is not cleared after quitting:\n%s", d.m.View().Content)
	}
}

func TestFixInWizard(t *testing.T) {
	tests := []struct {
		name      string
		service   string
		setup     func(*fakeaws.Server)
		task      string
		revision  string
		field     string
		serviceTD string
		memory    string // the task_memory the wizard opens with; "" is the revision's
		resized   string // what the reason adds about it
	}{
		{name: "an out-of-memory task opens its revision at task_memory, the next size chosen", service: "demo-shop-prod-web",
			task: oomTask, revision: "demo-shop-prod:2", field: "task_memory", serviceTD: "demo-shop-prod:3",
			memory: "3072", resized: ": 1024 CPU / 2048 MiB → 1024 CPU / 3072 MiB, the next valid size, is chosen"},
		{name: "an unrecognised stop opens at the field of the first failing check", service: "", setup: addStrangeTask,
			task: strangeTask, revision: "demo-shop-prod:2", field: "", serviceTD: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clients, srv := demo(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			o := demoOptions(clients, srv)
			o.Cluster = fakeaws.DemoCluster
			d := start(t, o, 100, 30)
			d.keys("pgdown", "enter") // the last row: all stopped tasks
			d.selectTask(tt.task)
			d.keys("enter")
			detail := d.m.top().screen.(*detailScreen)
			field, why := tt.field, detail.task.Diagnosis.Title
			if field == "" {
				for _, r := range detail.checks {
					if r.Status == doctor.StatusFail && r.Field != "" {
						field, why = r.Field, r.Message
						break
					}
				}
				if field == "" {
					t.Fatal("no check fails on the revision: the case tests nothing")
				}
			}
			d.keys("w")
			if !d.quit {
				t.Fatalf("w did not end the program:\n%s", d.screen())
			}
			doc, err := clients.ECS.DescribeTaskDefinition(context.Background(), tt.revision)
			if err != nil {
				t.Fatal(err)
			}
			spec, warnings, err := model.ImportTaskDefinition(doc)
			if err != nil {
				t.Fatal(err)
			}
			if tt.memory != "" {
				spec.TaskMemory = tt.memory
			}
			why += tt.resized
			want := &Fix{Spec: spec, Revision: tt.revision, Field: field, Why: why, Cluster: fakeaws.DemoCluster,
				Service: serviceOf(t, srv, tt.task), ServiceRevision: tt.serviceTD, ImportWarnings: warnings}
			if diff := cmp.Diff(want, d.m.Outcome().Fix); diff != "" {
				t.Errorf("the fix (-want +got):\n%s", diff)
			}
		})
	}
}

// serviceOf is the service of a task of the demo.
func serviceOf(t *testing.T, _ *fakeaws.Server, id string) string {
	t.Helper()
	for _, c := range fakeaws.DemoCauses() {
		if c.TaskID == id {
			return c.Service
		}
	}
	return ""
}

// brokenDocument is an ECS whose task definitions cannot be imported.
type brokenDocument struct{ doctor.ECS }

func (brokenDocument) DescribeTaskDefinition(context.Context, string) ([]byte, error) {
	return []byte(`{"taskDefinition": []}`), nil
}

func TestAFixThatCannotBeImportedSaysWhyAndStays(t *testing.T) {
	clients, srv := demo(t)
	o := demoOptions(clients, srv)
	o.ECS = brokenDocument{clients.ECS}
	d := openTask(t, o, 100, 30, "demo-shop-prod-web", oomTask)
	d.keys("w")
	if d.quit {
		t.Fatal("w ended the program with a revision that cannot be imported")
	}
	if got := d.screen(); !strings.Contains(got, "Cannot open demo-shop-prod:2 in the wizard: taskDefinition: expected an object") {
		t.Errorf("the screen does not say why:\n%s", got)
	}
	if _, ok := d.m.top().screen.(*detailScreen); !ok {
		t.Errorf("the task's screen was left")
	}
}

func TestNoFixIsOfferedWhenNothingInTheTaskDefinitionIsWrong(t *testing.T) {
	clients, srv := demo(t)
	o := demoOptions(clients, srv)
	// No check runs, so none can point at a field; the load balancer's health checks are
	// fixed outside the task definition.
	o.Checker = nil
	d := openTask(t, o, 100, 30, "demo-shop-prod-web", "de7de93bfd5ce3910bd685cfd9ca08f5")
	if strings.Contains(d.screen(), "fix in wizard") {
		t.Errorf("fix in wizard is offered for a cause outside the task definition:\n%s", d.screen())
	}
	d.keys("w")
	if d.quit {
		t.Error("w ended the program")
	}
}

func TestTheFramesNeverExceedTheWindow(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {132, 43}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			w, h := size[0], size[1]
			clients, srv := demo(t)
			addStrangeTask(srv)
			d := start(t, demoOptions(clients, srv), w, h)
			frames := 0
			check := func(where string) {
				t.Helper()
				frames++
				view := d.m.View().Content
				lines := strings.Split(view, "\n")
				if len(lines) > h {
					t.Errorf("%s: %d lines in a window of %d:\n%s", where, len(lines), h, tuitest.Plain(view))
				}
				for i, l := range lines {
					if lw := lipgloss.Width(l); lw > w {
						t.Errorf("%s: line %d is %d wide in a window of %d: %q", where, i+1, lw, w, tuitest.Plain(l))
					}
				}
			}
			check("clusters")
			d.keys("enter")
			check("services")
			services := d.m.top().screen.(*servicesScreen)
			for row := range len(services.scan.services) + 1 {
				services.list.cursor = row
				d.keys("enter")
				check(fmt.Sprintf("tasks of row %d", row))
				tasks := d.tasksScreen()
				for i := range tasks.tasks {
					tasks.list.cursor = i
					task, _ := tasks.selected()
					check("task list at " + task.ID)
					d.keys("enter")
					detail := d.m.top().screen.(*detailScreen)
					for range len(detail.document(w))/max(1, h-chrome-2) + 1 {
						check("task " + task.ID)
						d.keys("pgdown")
					}
					if detail.canFollow() {
						d.keys("f")
						d.tick()
						check("following " + task.ID)
					}
					d.keys("esc")
				}
				d.keys("esc")
			}
			if frames < 40 {
				t.Errorf("only %d frames were checked", frames)
			}
		})
	}
}

// rewrittenDocument is an ECS whose task definitions are changed by edit before the
// screens see them.
type rewrittenDocument struct {
	doctor.ECS
	edit func(container map[string]any)
}

func (r rewrittenDocument) DescribeTaskDefinition(ctx context.Context, ref string) ([]byte, error) {
	doc, err := r.ECS.DescribeTaskDefinition(ctx, ref)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, err
	}
	td := v["taskDefinition"].(map[string]any)
	r.edit(td["containerDefinitions"].([]any)[0].(map[string]any))
	return json.Marshal(v)
}

func TestTheLogsSayWhyThereAreNone(t *testing.T) {
	const ranWithoutLog = "0ddba11c0ddba11c0ddba11c0ddba11c"
	tests := []struct {
		name string
		task string
		edit func(container map[string]any)
		want string
	}{
		{name: "a container that never started wrote nothing", task: paramTask,
			want: "The container never started, so it wrote no log."},
		{name: "a container without a log configuration sent its output nowhere", task: oomTask,
			edit: func(c map[string]any) { delete(c, "logConfiguration") },
			want: `container "demo-shop" has no log configuration`},
		{name: "a container that logs to another Region says where", task: oomTask,
			edit: func(c map[string]any) {
				c["logConfiguration"].(map[string]any)["options"].(map[string]any)["awslogs-region"] = "us-east-1"
			},
			want: "run doctor with --region us-east-1"},
		{name: "a container that ran but has no stream says so", task: ranWithoutLog,
			want: "There is no log stream ecs/demo-shop/" + ranWithoutLog + " in /ecs/demo-shop-prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clients, srv := demo(t)
			exit := 1
			srv.AddTask(fakeaws.Task{Cluster: fakeaws.DemoCluster, ID: ranWithoutLog, TaskDefinition: "demo-shop-prod:2",
				Group: "service:demo-shop-prod-web", LastStatus: "STOPPED", DesiredStatus: "STOPPED",
				StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
				StartedAt: demoNow.Add(-3 * time.Minute), StoppedAt: demoNow.Add(-2 * time.Minute),
				Containers: []fakeaws.TaskContainer{{Name: "demo-shop", LastStatus: "STOPPED", ExitCode: &exit}}})
			o := demoOptions(clients, srv)
			if tt.edit != nil {
				o.ECS = rewrittenDocument{ECS: clients.ECS, edit: tt.edit}
			}
			d := openTask(t, o, 100, 30, "demo-shop-prod-web", tt.task)
			d.keys("pgdown", "pgdown", "pgdown")
			if got := d.screen(); !strings.Contains(strings.Join(strings.Fields(got), " "), tt.want) {
				t.Errorf("the logs do not say %q:\n%s", tt.want, got)
			}
			if strings.Contains(d.screen(), "follow logs") {
				t.Errorf("follow is offered without a stream to follow:\n%s", d.screen())
			}
		})
	}
}

// Tasks of one revision (most of a group) have it described and checked once; ctrl+r
// checks again, after a fix made elsewhere.
func TestARevisionIsReadOnceAndCheckedAgainOnRequest(t *testing.T) {
	const deniedTask = "e7344e3bbcbafa15cd634de93db4abc1" // demo-shop-prod:3 too
	clients, srv := demo(t)
	d := openTask(t, demoOptions(clients, srv), 100, 30, "demo-shop-prod-web", paramTask)
	describes, lookups := len(srv.CallsTo("DescribeTaskDefinition")), len(srv.CallsTo("GetParameters"))
	d.keys("esc")
	d.selectTask(deniedTask)
	d.keys("enter")
	detail := d.m.top().screen.(*detailScreen)
	if got := len(srv.CallsTo("DescribeTaskDefinition")); got != describes {
		t.Errorf("the revision was described again (%d calls, want %d)", got, describes)
	}
	if got := len(srv.CallsTo("GetParameters")); got != lookups {
		t.Errorf("the revision was checked again (%d GetParameters calls, want %d)", got, lookups)
	}
	if secrets := resultNamed(detail.checks, doctor.CheckSecrets); secrets.Status != doctor.StatusFail {
		t.Fatalf("secrets check %+v, want the missing parameters", secrets)
	}

	for _, name := range []string{"/demo-shop/prod/database/username", "/demo-shop/prod/redis/host"} {
		srv.PutParameter(fakeaws.Parameter{Name: name, Type: "SecureString", Value: "fake"})
	}
	d.keys("ctrl+r")
	if secrets := resultNamed(detail.checks, doctor.CheckSecrets); secrets.Status != doctor.StatusOK {
		t.Errorf("after ctrl+r the secrets check is %+v, want ok", secrets)
	}
	if got := len(srv.CallsTo("DescribeTaskDefinition")); got != describes {
		t.Errorf("checking again described the revision again (%d calls, want %d)", got, describes)
	}
}

func resultNamed(results []doctor.Result, name string) doctor.Result {
	for _, r := range results {
		if r.Name == name {
			return r
		}
	}
	return doctor.Result{}
}
