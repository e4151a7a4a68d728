package deploy_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// The tests run against fakeaws, the in-process fake speaking the ECS wire protocol,
// through the real adapter: the demo account's family demo-shop-dev has revisions 1 and
// 4 ACTIVE, and its service demo-shop-dev-web runs revision 4.

// demoECS starts the demo account and returns its ECS adapter.
func demoECS(t *testing.T) (*aws.ECS, *fakeaws.Server) {
	t.Helper()
	srv := fakeaws.NewDemo()
	clients := awstest.Start(t, srv)
	return clients.ECS, srv
}

// taskDef is the task definition of the demo spec with edit applied.
func taskDef(t *testing.T, edit func(s *model.Spec)) taskdef.TaskDefinition {
	t.Helper()
	s := model.NewSpec()
	s.AppName, s.Environment, s.ContainerName = "demo-shop", "dev", "demo-shop"
	s.ContainerImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2"
	s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/demo-shop-execution"
	s.LogGroupName = "/ecs/demo-shop-dev"
	s.AWSRegion = "eu-west-2"
	edit(&s)
	td, err := model.Build(s, "")
	if err != nil {
		t.Fatal(err)
	}
	return td
}

func unchanged(*model.Spec) {}

func newFamily(s *model.Spec) { s.AppName, s.ContainerName = "fresh", "fresh" }

// registered registers td in srv first, as if an earlier run had.
func registered(t *testing.T, srv *fakeaws.Server, td taskdef.TaskDefinition) {
	t.Helper()
	if _, err := srv.RegisterTaskDefinition(string(model.RenderJSON(td))); err != nil {
		t.Fatal(err)
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name          string
		edit          func(s *model.Spec)
		registerFirst bool
		against       string
		wantRef       string
		wantNew       bool
		wantUnchanged bool
		wantDiff      []string // lines the diff holds
		wantErr       error
	}{
		{name: "a family with no revision is new: every line is added", edit: newFamily,
			wantRef: "fresh-dev", wantNew: true, wantDiff: []string{"--- fresh-dev", "+++ dev.tfvars", `+  "family": "fresh-dev",`}},
		{name: "a changed spec is compared with the latest ACTIVE revision", edit: unchanged,
			wantRef: "demo-shop-dev:4", wantDiff: []string{"--- demo-shop-dev:4", `-          "value": "true"`, `+          "value": "false"`}},
		{name: "the latest revision equal to the spec is unchanged", edit: unchanged, registerFirst: true,
			wantRef: "demo-shop-dev:5", wantUnchanged: true},
		{name: "another revision can be named", edit: unchanged, against: "demo-shop-dev:1",
			wantRef: "demo-shop-dev:1", wantDiff: []string{"--- demo-shop-dev:1"}},
		{name: "a missing revision named is an error, not a new family", edit: unchanged, against: "demo-shop-dev:99",
			wantErr: aws.KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ecs, srv := demoECS(t)
			td := taskDef(t, tt.edit)
			if tt.registerFirst {
				registered(t, srv, td)
			}
			c, err := deploy.Compare(t.Context(), ecs, td, "dev.tfvars", tt.against)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if c.LiveRef != tt.wantRef || c.NewFamily() != tt.wantNew || c.Unchanged() != tt.wantUnchanged {
				t.Errorf("LiveRef %q, NewFamily %v, Unchanged %v; want %q, %v, %v",
					c.LiveRef, c.NewFamily(), c.Unchanged(), tt.wantRef, tt.wantNew, tt.wantUnchanged)
			}
			if string(c.Render) != string(model.RenderJSON(td)) {
				t.Error("the render is not model.RenderJSON's")
			}
			for _, line := range tt.wantDiff {
				if !strings.Contains(c.Diff, line+"\n") {
					t.Errorf("the diff lacks %q:\n%s", line, c.Diff)
				}
			}
		})
	}
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name          string
		edit          func(s *model.Spec)
		registerFirst bool
		force         bool
		fault         func(srv *fakeaws.Server)
		want          deploy.Outcome
		wantLost      bool
		wantErr       string
		wantCalls     int // RegisterTaskDefinition calls
	}{
		{name: "a new family gets its first revision", edit: newFamily, wantCalls: 1,
			want: deploy.Outcome{Registered: aws.Registered{ARN: "arn:aws:ecs:eu-west-2:123456789012:task-definition/fresh-dev:1", Family: "fresh-dev", Revision: 1}}},
		{name: "a changed task definition becomes the next revision", edit: unchanged, wantCalls: 1,
			want: deploy.Outcome{Registered: aws.Registered{ARN: "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5", Family: "demo-shop-dev", Revision: 5}}},
		{name: "an unchanged task definition registers nothing", edit: unchanged, registerFirst: true, wantCalls: 0,
			want: deploy.Outcome{Unchanged: true, Registered: aws.Registered{ARN: "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5", Family: "demo-shop-dev", Revision: 5}}},
		{name: "force registers an unchanged one", edit: unchanged, registerFirst: true, force: true, wantCalls: 1,
			want: deploy.Outcome{Registered: aws.Registered{ARN: "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:6", Family: "demo-shop-dev", Revision: 6}}},
		{name: "a revision made whose answer was lost is found, not made again", edit: unchanged, wantCalls: 1, wantLost: true,
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "ServerException", "the connection dropped", fakeaws.AfterWork(), fakeaws.Times(1), fakeaws.WithStatus(500))
			},
			want: deploy.Outcome{Registered: aws.Registered{ARN: "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5", Family: "demo-shop-dev", Revision: 5}}},
		{name: "a failure that made no revision is reported", edit: unchanged, wantCalls: 1,
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "ServerException", "Service unavailable", fakeaws.WithStatus(500))
			},
			wantErr: `register task definition "demo-shop-dev"`},
		{name: "a failure of a new family that made no revision is reported", edit: newFamily, wantCalls: 1,
			fault: func(srv *fakeaws.Server) {
				srv.Fail("RegisterTaskDefinition", "AccessDeniedException", "not authorized to perform: ecs:RegisterTaskDefinition")
			},
			wantErr: "access denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ecs, srv := demoECS(t)
			td := taskDef(t, tt.edit)
			if tt.registerFirst {
				registered(t, srv, td)
			}
			if tt.fault != nil {
				tt.fault(srv)
			}
			c, err := deploy.Compare(t.Context(), ecs, td, "spec", "")
			if err != nil {
				t.Fatal(err)
			}
			got, err := deploy.Register(t.Context(), ecs, c, tt.force)
			if n := len(srv.CallsTo("RegisterTaskDefinition")); n != tt.wantCalls {
				t.Errorf("%d RegisterTaskDefinition calls, want %d", n, tt.wantCalls)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got.Lost != nil) != tt.wantLost {
				t.Errorf("Lost = %v, want lost %v", got.Lost, tt.wantLost)
			}
			got.Lost = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRegisterRefusesAComparisonWithAnOlderRevision(t *testing.T) {
	ecs, srv := demoECS(t)
	c, err := deploy.Compare(t.Context(), ecs, taskDef(t, unchanged), "spec", "demo-shop-dev:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := deploy.Register(t.Context(), ecs, c, false); !errors.Is(err, deploy.ErrNotLatest) {
		t.Errorf("err = %v, want ErrNotLatest", err)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 0 {
		t.Errorf("%d RegisterTaskDefinition calls", n)
	}
}

func TestRegisterIfChangedRegistersOnce(t *testing.T) {
	ecs, srv := demoECS(t)
	td := taskDef(t, unchanged)
	first, err := deploy.RegisterIfChanged(t.Context(), ecs, td)
	if err != nil || first.Unchanged || first.Registered.Revision != 5 {
		t.Fatalf("first: %+v, %v", first, err)
	}
	again, err := deploy.RegisterIfChanged(t.Context(), ecs, td)
	if err != nil || !again.Unchanged || again.Registered != first.Registered {
		t.Fatalf("again: %+v, %v", again, err)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Errorf("%d RegisterTaskDefinition calls, want 1", n)
	}
}

func TestServicesOf(t *testing.T) {
	tests := []struct {
		name    string
		family  string
		fault   func(srv *fakeaws.Server)
		want    []deploy.Service
		wantErr bool
	}{
		{name: "the services running a revision of the family", family: "demo-shop-dev",
			want: []deploy.Service{{Cluster: "demo-shop", Name: "demo-shop-dev-web", Running: "demo-shop-dev:4"}}},
		{name: "a family whose name begins another's is not mixed up with it", family: "demo-shop-prod",
			want: []deploy.Service{{Cluster: "demo-shop", Name: "demo-shop-prod-web", Running: "demo-shop-prod:3"}}},
		{name: "a family no service runs has none", family: "fresh-dev"},
		{name: "a failure to list them is reported", family: "demo-shop-dev", wantErr: true,
			fault: func(srv *fakeaws.Server) { srv.Fail("ListServices", "AccessDeniedException", "not authorized") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ecs, srv := demoECS(t)
			if tt.fault != nil {
				tt.fault(srv)
			}
			got, err := deploy.ServicesOf(t.Context(), ecs, tt.family)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want an error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("services (-want +got):\n%s", diff)
			}
		})
	}
}

// serviceLister is a ServiceLister answering from a table: cluster → services.
type serviceLister map[string][]aws.Service

func (l serviceLister) Clusters(context.Context) ([]aws.Cluster, error) {
	var out []aws.Cluster
	for _, name := range slices.Sorted(maps.Keys(l)) {
		out = append(out, aws.Cluster{Name: name})
	}
	return out, nil
}

func (l serviceLister) Services(_ context.Context, cluster string) ([]aws.Service, error) {
	return l[cluster], nil
}

func TestServicesOfListsOnlyTheServicesOnTheFamily(t *testing.T) {
	const arn = "arn:aws:ecs:eu-west-2:123456789012:task-definition/"
	ecs := serviceLister{
		"web": {
			{Name: "shop-dev-web", Status: "ACTIVE", TaskDefinitionARN: arn + "shop-dev:3"},
			{Name: "shop-dev-worker", Status: "ACTIVE", TaskDefinitionARN: arn + "shop-dev-worker:7"},
			{Name: "shop-prod-web", Status: "ACTIVE", TaskDefinitionARN: arn + "shop-prod:3"},
			{Name: "shop-dev-old", Status: "DRAINING", TaskDefinitionARN: arn + "shop-dev:1"},
			{Name: "shop-dev-odd", Status: "ACTIVE", TaskDefinitionARN: arn + "shop-dev:latest"},
			{Name: "shop-dev-bare", Status: "ACTIVE", TaskDefinitionARN: "shop-dev"},
		},
		"batch": {
			{Name: "shop-dev-cron", TaskDefinitionARN: "shop-dev:2"},
			{Name: "shop", Status: "ACTIVE", TaskDefinitionARN: arn + "shop:9"},
		},
	}
	got, err := deploy.ServicesOf(t.Context(), ecs, "shop-dev")
	if err != nil {
		t.Fatal(err)
	}
	want := []deploy.Service{
		{Cluster: "batch", Name: "shop-dev-cron", Running: "shop-dev:2"},
		{Cluster: "web", Name: "shop-dev-web", Running: "shop-dev:3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
}

func TestUpdateCommand(t *testing.T) {
	svc := deploy.Service{Cluster: "web", Name: "shop-dev-web", Running: "shop-dev:3"}
	want := "aws ecs update-service --cluster web --service shop-dev-web --task-definition shop-dev:4"
	if got := svc.UpdateCommand("shop-dev:4"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestOutputs(t *testing.T) {
	reg := aws.Registered{ARN: "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5", Family: "demo-shop-dev", Revision: 5}
	tests := []struct {
		name string
		td   taskdef.TaskDefinition
		want []string
	}{
		{"the module's outputs, in its names", taskDef(t, unchanged), []string{
			`task_definition_arn      = "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5"`,
			`task_definition_family   = "demo-shop-dev"`,
			`task_definition_revision = 5`,
			`container_name           = "demo-shop"`,
			`container_port           = 8000`,
		}},
		{"a task definition without containers gives empty ones", taskdef.TaskDefinition{}, []string{
			`task_definition_arn      = "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5"`,
			`task_definition_family   = "demo-shop-dev"`,
			`task_definition_revision = 5`,
			`container_name           = ""`,
			`container_port           = 0`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, deploy.Outputs(reg, tt.td)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRevision(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    aws.Registered
		wantErr bool
	}{
		{"a describe-task-definition document", `{"taskDefinition": {"taskDefinitionArn": "arn:x/shop-dev:3", "family": "shop-dev", "revision": 3}, "tags": []}`,
			aws.Registered{ARN: "arn:x/shop-dev:3", Family: "shop-dev", Revision: 3}, false},
		{"something else is an error", `not json`, aws.Registered{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := deploy.Revision([]byte(tt.doc))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %+v, %v; want %+v (error %v)", got, err, tt.want, tt.wantErr)
			}
			if !tt.wantErr && deploy.Ref(got) != "shop-dev:3" {
				t.Errorf("Ref = %q", deploy.Ref(got))
			}
		})
	}
}
