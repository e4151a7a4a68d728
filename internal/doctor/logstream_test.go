package doctor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

func TestLogStreamOf(t *testing.T) {
	const taskID = "96da6bbae010f764a9b7514960530137"
	type named struct{ Group, Stream, Region string }
	tests := []struct {
		name      string
		editTD    func(*taskdef.TaskDefinition)
		container string
		taskID    string
		want      named
		wantErr   error
		errHas    string
	}{
		{name: "the stream is PREFIX/CONTAINER/TASK_ID", container: "demo-shop", taskID: taskID,
			want: named{"/ecs/demo-shop-dev", "ecs/demo-shop/" + taskID, "eu-west-2"}},
		{name: "a task ARN names the same stream", container: "demo-shop",
			taskID: "arn:aws:ecs:eu-west-2:123456789012:task/demo-shop/" + taskID,
			want:   named{"/ecs/demo-shop-dev", "ecs/demo-shop/" + taskID, "eu-west-2"}},
		{name: "no container name means the main container", taskID: taskID,
			editTD: func(td *taskdef.TaskDefinition) {
				side := td.ContainerDefinitions[0]
				side.Name, side.Essential = "sidecar", false
				td.ContainerDefinitions = append([]taskdef.ContainerDefinition{side}, td.ContainerDefinitions...)
			},
			want: named{"/ecs/demo-shop-dev", "ecs/demo-shop/" + taskID, "eu-west-2"}},
		{name: "a sidecar has its own stream", container: "sidecar", taskID: taskID,
			editTD: func(td *taskdef.TaskDefinition) {
				side := td.ContainerDefinitions[0]
				side.Name, side.Essential = "sidecar", false
				side.LogConfiguration = &taskdef.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
					"awslogs-group": "/ecs/sidecars", "awslogs-stream-prefix": "side"}}
				td.ContainerDefinitions = append(td.ContainerDefinitions, side)
			},
			want: named{"/ecs/sidecars", "side/sidecar/" + taskID, ""}},
		{name: "a container the task definition lacks is an error", container: "web", taskID: taskID,
			errHas: `find container "web" in task definition demo-shop-dev: it has "demo-shop"`},
		{name: "no log configuration is an error", container: "demo-shop", taskID: taskID,
			editTD:  func(td *taskdef.TaskDefinition) { td.ContainerDefinitions[0].LogConfiguration = nil },
			wantErr: doctor.ErrNoAWSLogs, errHas: "no log configuration"},
		{name: "another log driver is an error", container: "demo-shop", taskID: taskID,
			editTD: func(td *taskdef.TaskDefinition) {
				td.ContainerDefinitions[0].LogConfiguration = &taskdef.LogConfiguration{LogDriver: "splunk"}
			},
			wantErr: doctor.ErrNoAWSLogs, errHas: "logs with splunk"},
		{name: "no stream prefix is an error that says why, with the group", container: "demo-shop", taskID: taskID,
			editTD: func(td *taskdef.TaskDefinition) {
				delete(td.ContainerDefinitions[0].LogConfiguration.Options, "awslogs-stream-prefix")
			},
			want:    named{Group: "/ecs/demo-shop-dev", Region: "eu-west-2"},
			wantErr: doctor.ErrNoStreamPrefix, errHas: "on Fargate the prefix is required"},
		{name: "no task id is an error", container: "demo-shop", errHas: "no task id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := document(t, nil, tt.editTD)
			group, stream, region, err := doctor.LogStreamOf(doc, tt.container, tt.taskID)
			if diff := cmp.Diff(tt.want, named{group, stream, region}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			switch {
			case tt.errHas == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)):
				t.Fatalf("error %v, want one containing %q", err, tt.errHas)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("error %v is not %v", err, tt.wantErr)
			}
		})
	}
}

// Every demo task that logged did so in the stream LogStreamOf names, which holds its
// lines; the group's first stream belongs to a task long gone.
func TestLogStreamOfDemoTasks(t *testing.T) {
	_, clients, _ := demo(t)
	ctx := context.Background()
	tasks, err := clients.ECS.StoppedTasks(ctx, fakeaws.DemoCluster, "")
	if err != nil {
		t.Fatal(err)
	}
	taskDefs := map[string]string{}
	for _, task := range tasks {
		taskDefs[task.ID] = task.TaskDefinitionARN
	}
	checked := 0
	for _, cause := range fakeaws.DemoCauses() {
		if cause.LogStream == "" {
			continue
		}
		t.Run(cause.Key, func(t *testing.T) {
			ref, found := taskDefs[cause.TaskID]
			if !found {
				t.Fatalf("task %s is not among the stopped tasks", cause.TaskID)
			}
			group, stream, _, err := doctor.LogStreamOf(described(t, clients, ref), "", cause.TaskID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{cause.LogGroup, cause.LogStream}, []string{group, stream}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			lines, _, err := clients.Logs.Tail(ctx, group, stream, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) == 0 {
				t.Errorf("stream %s in %s holds no lines", stream, group)
			}
		})
		checked++
	}
	if checked == 0 {
		t.Fatal("no demo task logged")
	}
}
