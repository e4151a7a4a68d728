package doctorui

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// Demo task ids the tests open.
const (
	oomTask      = "fbe429f3b74c6cf9ed338678788d5813" // demo-shop-prod-web, out of memory, logged
	paramTask    = "bf6ddcb4a274d82c5480013fba7104a1" // demo-shop-prod-web, parameter not found
	strangeTask  = "5eed5eed5eed5eed5eed5eed5eed5eed" // added by the tests: a reason no row matches
	strangeWords = "FluxCapacitorError: the capacitor is out of alignment (code 88)"
)

// tasksScreenOf is the top screen as a task list; the test fails if it is not one.
func (d *driver) tasksScreen() *tasksScreen {
	d.t.Helper()
	s, ok := d.m.top().screen.(*tasksScreen)
	if !ok {
		d.t.Fatalf("the top screen is a %T, not the stopped tasks", d.m.top().screen)
	}
	return s
}

// selectTask moves the cursor of the task list to the task with id.
func (d *driver) selectTask(id string) {
	d.t.Helper()
	s := d.tasksScreen()
	for range len(s.tasks) + 1 {
		if t, ok := s.selected(); ok && t.ID == id {
			return
		}
		d.keys("down")
	}
	d.t.Fatalf("task %s is not in the list:\n%s", id, d.screen())
}

// openTask opens a task of a service of the demo cluster from the first screen.
func openTask(t *testing.T, o Options, width, height int, service, id string) *driver {
	t.Helper()
	o.Cluster, o.Service = fakeaws.DemoCluster, service
	d := start(t, o, width, height)
	d.selectTask(id)
	d.keys("enter")
	if _, ok := d.m.top().screen.(*detailScreen); !ok {
		t.Fatalf("enter did not open the task:\n%s", d.screen())
	}
	return d
}

// addStrangeTask adds a stopped task outside any service whose reason no row matches.
func addStrangeTask(srv *fakeaws.Server) {
	srv.AddTask(fakeaws.Task{Cluster: fakeaws.DemoCluster, ID: strangeTask, TaskDefinition: "demo-shop-prod:2",
		Group: "family:demo-shop-prod", StartedBy: "ops", LastStatus: "STOPPED", DesiredStatus: "STOPPED",
		StopCode: "TaskFailedToStart", StoppedReason: strangeWords,
		CreatedAt: demoNow.Add(-10 * time.Minute), StoppedAt: demoNow.Add(-8 * time.Minute),
		Containers: []fakeaws.TaskContainer{{Name: "demo-shop", LastStatus: "STOPPED", Reason: strangeWords}}})
}

func TestScreensOfTheDemoAccount(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fakeaws.Server)
		opts  func(*Options)
		walk  func(*driver)
	}{
		{name: "clusters", walk: func(*driver) {}},
		{name: "services", walk: func(d *driver) { d.keys("enter") }},
		{name: "tasks-of-a-service", walk: func(d *driver) { d.keys("enter", "down", "enter") }},
		{name: "tasks-all", setup: addStrangeTask, walk: func(d *driver) { d.keys("enter", "down", "down", "down", "enter") }},
		{name: "detail-out-of-memory", opts: func(o *Options) { o.Cluster, o.Service = fakeaws.DemoCluster, "demo-shop-prod-web" },
			walk: func(d *driver) { d.selectTask(oomTask); d.keys("enter") }},
		{name: "detail-out-of-memory-logs", opts: func(o *Options) { o.Cluster, o.Service = fakeaws.DemoCluster, "demo-shop-prod-web" },
			walk: func(d *driver) { d.selectTask(oomTask); d.keys("enter", "pgdown", "pgdown", "pgdown") }},
		{name: "detail-parameter-not-found", opts: func(o *Options) { o.Cluster, o.Service = fakeaws.DemoCluster, "demo-shop-prod-web" },
			walk: func(d *driver) { d.selectTask(paramTask); d.keys("enter") }},
		{name: "detail-unrecognised", setup: addStrangeTask,
			walk: func(d *driver) {
				d.keys("enter", "down", "down", "down", "enter")
				d.selectTask(strangeTask)
				d.keys("enter")
			}},
		{name: "clusters-access-denied",
			setup: func(srv *fakeaws.Server) {
				srv.Fail("ListClusters", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecs:ListClusters")
			},
			walk: func(*driver) {}},
		{name: "clusters-count-failed",
			setup: func(srv *fakeaws.Server) {
				srv.Fail("ListTasks", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecs:ListTasks")
			},
			walk: func(*driver) {}},
		{name: "services-describe-tasks-denied",
			setup: func(srv *fakeaws.Server) {
				srv.Fail("DescribeTasks", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecs:DescribeTasks")
			},
			walk: func(d *driver) { d.keys("enter") }},
		{name: "tasks-none", walk: func(d *driver) { d.keys("enter", "down", "down", "down", "enter") },
			opts: func(o *Options) { o.ECS = noStoppedTasks{o.ECS} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clients, srv := demo(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			o := demoOptions(clients, srv)
			if tt.opts != nil {
				tt.opts(&o)
			}
			d := start(t, o, 100, 30)
			tt.walk(d)
			tuitest.Golden(t, tt.name, d.screen())
		})
	}
}

// noStoppedTasks is an account whose clusters stopped no task lately.
type noStoppedTasks struct{ doctor.ECS }

func (noStoppedTasks) EachStoppedTask(context.Context, string, string, func([]aws.Task)) error {
	return nil
}

func (noStoppedTasks) CountStoppedTasks(context.Context, string) (int, error) { return 0, nil }

func TestAnAccountWithoutClustersSaysSo(t *testing.T) {
	srv := fakeaws.New(fakeaws.WithClock(demoClock))
	if _, err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	clients, err := aws.Load(context.Background(), aws.Options{
		Region: srv.Region(), EndpointURL: srv.URL(), MaxAttempts: 1, HomeDir: t.TempDir(),
		Credentials: &aws.StaticCredentials{AccessKeyID: "test", SecretAccessKey: "test"},
		Getenv:      func(string) string { return "" },
	})
	if err != nil {
		t.Fatal(err)
	}
	d := start(t, Options{ECS: clients.ECS, Now: demoClock}, 100, 30)
	tuitest.Golden(t, "clusters-empty", d.screen())
}

func TestAListingThatFailedIsRetried(t *testing.T) {
	clients, srv := demo(t)
	srv.Fail("ListClusters", "AccessDeniedException", "not authorized to perform: ecs:ListClusters")
	d := start(t, demoOptions(clients, srv), 100, 30)
	if !strings.Contains(d.screen(), "Could not list the clusters") {
		t.Fatalf("the failure is not shown:\n%s", d.screen())
	}
	srv.ClearFaults()
	d.keys("ctrl+r")
	if got := d.screen(); !strings.Contains(got, "demo-shop") || strings.Contains(got, "Could not") {
		t.Errorf("after a retry the clusters show:\n%s", got)
	}
}

func TestAStaleAnswerIsDropped(t *testing.T) {
	clients, srv := demo(t)
	d := start(t, demoOptions(clients, srv), 100, 30)
	before := d.screen()
	d.send(tuiResult(0, []aws.Cluster{{Name: "stale-cluster", Status: "ACTIVE"}}))
	d.send(tuiResult(0, clusterCount{cluster: "demo-shop", n: 999}))
	if got := d.screen(); got != before {
		t.Errorf("answers to requests no one waits for changed the screen:\n--- before\n%s\n--- after\n%s", before, got)
	}
}

func tuiResult[T any](id int64, v T) tui.Result[T] { return tui.Result[T]{ID: id, Value: v} }
