package fakeaws_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	logs "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func TestDemoTaskDefinitionsDescribeCorrectly(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	for _, tc := range []struct {
		ref      string
		revision int32
		image    string
		cpu, mem string
		group    string
	}{
		{"demo-shop-dev", 4, "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2", "512", "1024", "/ecs/demo-shop-dev"},
		{"demo-shop-prod", 3, "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2", "2048", "4096", "/ecs/demo-shop-prod"},
		{"demo-shop-prod-worker", 2, "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2", "512", "1024", "/ecs/demo-shop-prod-worker"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			out := must[*ecs.DescribeTaskDefinitionOutput](t)(c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{
				TaskDefinition: aws.String(tc.ref), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}}))
			td := out.TaskDefinition
			if td.Revision != tc.revision || *td.Cpu != tc.cpu || *td.Memory != tc.mem || td.NetworkMode != ecstypes.NetworkModeAwsvpc {
				t.Errorf("revision %d cpu %s memory %s", td.Revision, *td.Cpu, *td.Memory)
			}
			cd := td.ContainerDefinitions[0]
			if *cd.Name != "demo-shop" || *cd.Image != tc.image || cd.LogConfiguration.LogDriver != ecstypes.LogDriverAwslogs {
				t.Errorf("container %s %s", *cd.Name, *cd.Image)
			}
			want := map[string]string{"awslogs-group": tc.group, "awslogs-region": "eu-west-2", "awslogs-stream-prefix": "ecs"}
			if diff := cmp.Diff(want, cd.LogConfiguration.Options); diff != "" {
				t.Errorf("log options (-want +got):\n%s", diff)
			}
			if len(out.Tags) != 3 || *td.ExecutionRoleArn == "" || td.RuntimePlatform.CpuArchitecture != ecstypes.CPUArchitectureX8664 {
				t.Errorf("tags %v", out.Tags)
			}
			var names []string
			for _, s := range cd.Secrets {
				names = append(names, *s.Name)
			}
			for _, n := range []string{"DATABASE_HOST", "DATABASE_NAME", "DATABASE_PASSWORD", "DATABASE_USER", "DJANGO_SECRET_KEY", "REDIS_HOST"} {
				if !strings.Contains(strings.Join(names, ","), n) {
					t.Errorf("secret %s missing from %v", n, names)
				}
			}
		})
	}
	// The port of the web containers.
	dev := must[*ecs.DescribeTaskDefinitionOutput](t)(c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("demo-shop-dev")}))
	if pm := dev.TaskDefinition.ContainerDefinitions[0].PortMappings; len(pm) != 1 || *pm[0].ContainerPort != 8000 {
		t.Errorf("port mappings %+v", pm)
	}
	// Every secret of the dev revision exists; prod misses two.
	for _, tc := range []struct {
		family  string
		missing []string
	}{
		{"demo-shop-dev", nil},
		{"demo-shop-prod", []string{"/demo-shop/prod/database/username", "/demo-shop/prod/redis/host"}},
	} {
		td := must[*ecs.DescribeTaskDefinitionOutput](t)(c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(tc.family)}))
		var names []string
		for _, s := range td.TaskDefinition.ContainerDefinitions[0].Secrets {
			names = append(names, *s.ValueFrom)
		}
		var missing []string
		for i := 0; i < len(names); i += 10 {
			out := must[*ssm.GetParametersOutput](t)(c.ssm.GetParameters(ctx(t), &ssm.GetParametersInput{Names: names[i:min(i+10, len(names))]}))
			missing = append(missing, out.InvalidParameters...)
		}
		if diff := cmp.Diff(tc.missing, missing); diff != "" {
			t.Errorf("%s missing parameters (-want +got):\n%s", tc.family, diff)
		}
	}
}

func TestDemoHasAStoppedTaskForEveryCause(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	causes := fakeaws.DemoCauses()
	want := []string{
		"image-not-found", "platform-mismatch", "network-timeout", "docker-hub-rate-limit", "ssm-access-denied",
		"ssm-parameter-not-found", "asm-json-key", "log-group-missing", "out-of-memory", "killed-after-stop-timeout",
		"app-crashed", "elb-health-checks", "spot-interruption", "termination-notice", "cannot-start-container",
		"container-runtime-timeout",
	}
	byKey := map[string]fakeaws.DemoCause{}
	for _, dc := range causes {
		byKey[dc.Key] = dc
	}
	for _, k := range want {
		if _, ok := byKey[k]; !ok {
			t.Errorf("no demo task for %s", k)
		}
	}

	// Every cause's task is listed as STOPPED for its service and describes as the row says.
	listed := map[string]bool{}
	for _, svc := range []string{"demo-shop-dev-web", "demo-shop-prod-web", "demo-shop-prod-worker"} {
		out := must[*ecs.ListTasksOutput](t)(c.ecs.ListTasks(ctx(t), &ecs.ListTasksInput{Cluster: aws.String(fakeaws.DemoCluster),
			ServiceName: aws.String(svc), DesiredStatus: ecstypes.DesiredStatusStopped}))
		for _, a := range out.TaskArns {
			listed[a[strings.LastIndex(a, "/")+1:]] = true
		}
	}
	var ids []string
	for _, dc := range causes {
		ids = append(ids, dc.TaskID)
		if !listed[dc.TaskID] {
			t.Errorf("%s: task %s not listed as stopped", dc.Key, dc.TaskID)
		}
	}
	out := must[*ecs.DescribeTasksOutput](t)(c.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Cluster: aws.String(fakeaws.DemoCluster), Tasks: ids}))
	if len(out.Failures) != 0 || len(out.Tasks) != len(ids) {
		t.Fatalf("describe: %d tasks, failures %+v", len(out.Tasks), out.Failures)
	}
	tasks := map[string]ecstypes.Task{}
	for _, task := range out.Tasks {
		a := *task.TaskArn
		tasks[a[strings.LastIndex(a, "/")+1:]] = task
	}
	for _, tc := range []struct {
		key, stopCode, inReason, inContainerReason string
		exit                                       int32
	}{
		{"image-not-found", "TaskFailedToStart", "CannotPullContainerError", "", -1},
		{"platform-mismatch", "TaskFailedToStart", "does not contain descriptor matching platform 'linux/amd64'", "", -1},
		{"network-timeout", "TaskFailedToStart", "i/o timeout", "", -1},
		{"docker-hub-rate-limit", "TaskFailedToStart", "toomanyrequests", "", -1},
		{"ssm-access-denied", "TaskFailedToStart", "unable to retrieve secrets from ssm", "", -1},
		{"ssm-parameter-not-found", "TaskFailedToStart", "invalid parameters: ", "", -1},
		{"asm-json-key", "TaskFailedToStart", "did not contain json key", "", -1},
		{"log-group-missing", "TaskFailedToStart", "failed to validate logger args", "", -1},
		{"out-of-memory", "EssentialContainerExited", "Essential container in task exited", "OutOfMemoryError: Container killed due to memory usage", 137},
		{"killed-after-stop-timeout", "ServiceSchedulerInitiated", "Scaling activity", "", 137},
		{"app-crashed", "EssentialContainerExited", "Essential container in task exited", "", 1},
		{"elb-health-checks", "ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:", "", 0},
		{"spot-interruption", "SpotInterruption", "Your Spot Task was interrupted.", "", 0},
		{"termination-notice", "TerminationNotice", "Your Spot Task was interrupted.", "", 0},
		{"cannot-start-container", "EssentialContainerExited", "Essential container in task exited", "CannotStartContainerError", -1},
		{"container-runtime-timeout", "TaskFailedToStart", "", "ContainerRuntimeTimeoutError", -1},
	} {
		t.Run(tc.key, func(t *testing.T) {
			task := tasks[byKey[tc.key].TaskID]
			if string(task.StopCode) != tc.stopCode || !strings.Contains(*task.StoppedReason, tc.inReason) {
				t.Errorf("stopCode %s reason %q", task.StopCode, *task.StoppedReason)
			}
			if *task.LastStatus != "STOPPED" || task.StoppedAt == nil || *task.Group != "service:"+byKey[tc.key].Service || task.TaskDefinitionArn == nil {
				t.Errorf("task %+v", task)
			}
			ct := task.Containers[0]
			if *ct.Name != "demo-shop" || *ct.LastStatus != "STOPPED" || ct.Image == nil {
				t.Errorf("container %+v", ct)
			}
			if tc.inContainerReason != "" && (ct.Reason == nil || !strings.Contains(*ct.Reason, tc.inContainerReason)) {
				t.Errorf("container reason %v", ct.Reason)
			}
			if tc.exit >= 0 && (ct.ExitCode == nil || *ct.ExitCode != tc.exit) {
				t.Errorf("exit code %v, want %d", ct.ExitCode, tc.exit)
			}
			if tc.exit < 0 && ct.ExitCode != nil {
				t.Errorf("exit code %d, want none", *ct.ExitCode)
			}
		})
	}
	if tasks[byKey["spot-interruption"].TaskID].CapacityProviderName == nil || *tasks[byKey["spot-interruption"].TaskID].CapacityProviderName != "FARGATE_SPOT" {
		t.Error("spot task not on FARGATE_SPOT")
	}

	// The log group of the log-group-missing task does not exist; the others' streams do.
	groups := must[*logs.DescribeLogGroupsOutput](t)(c.logs.DescribeLogGroups(ctx(t), &logs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(byKey["log-group-missing"].LogGroup)}))
	if len(groups.LogGroups) != 0 {
		t.Errorf("log group %s exists", byKey["log-group-missing"].LogGroup)
	}
	for _, dc := range causes {
		if dc.LogStream == "" {
			continue
		}
		ev := must[*logs.GetLogEventsOutput](t)(c.logs.GetLogEvents(ctx(t), &logs.GetLogEventsInput{LogGroupName: aws.String(dc.LogGroup),
			LogStreamName: aws.String(dc.LogStream), StartFromHead: aws.Bool(true)}))
		if len(ev.Events) == 0 {
			t.Errorf("%s: no events in %s", dc.Key, dc.LogStream)
		}
		if dc.Key == "app-crashed" && !strings.Contains(*ev.Events[len(ev.Events)-1].Message, "OperationalError") {
			t.Errorf("crash log ends with %q", *ev.Events[len(ev.Events)-1].Message)
		}
	}
	// Neither the first stream by name nor the latest by event time is a crashed task's.
	for _, order := range []logstypes.OrderBy{logstypes.OrderByLogStreamName, logstypes.OrderByLastEventTime} {
		streams := must[*logs.DescribeLogStreamsOutput](t)(c.logs.DescribeLogStreams(ctx(t), &logs.DescribeLogStreamsInput{
			LogGroupName: aws.String("/ecs/demo-shop-dev"), OrderBy: order, Descending: aws.Bool(order == logstypes.OrderByLastEventTime), Limit: aws.Int32(1)}))
		if first := *streams.LogStreams[0].LogStreamName; first == byKey["app-crashed"].LogStream {
			t.Errorf("ordering by %s finds the crashed task's stream first", order)
		}
	}
}
