package fakeaws_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func registerInput(family, image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		Cpu:                     aws.String("512"),
		Memory:                  aws.String("1024"),
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/x-ecs-task-execution"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:         aws.String("web"),
			Image:        aws.String(image),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8000)}},
			Secrets:      []ecstypes.Secret{{Name: aws.String("DJANGO_SECRET_KEY"), ValueFrom: aws.String("/web/dev/app/django-secret-key")}},
		}},
		Tags: []ecstypes.Tag{{Key: aws.String("Environment"), Value: aws.String("dev")}},
	}
}

func TestRegisterAndDescribeTaskDefinition(t *testing.T) {
	c := start(t)
	reg := must[*ecs.RegisterTaskDefinitionOutput](t)(c.ecs.RegisterTaskDefinition(ctx(t), registerInput("web-dev", "nginx:1")))
	td := reg.TaskDefinition
	if *td.TaskDefinitionArn != "arn:aws:ecs:eu-west-2:123456789012:task-definition/web-dev:1" || td.Revision != 1 || td.Status != ecstypes.TaskDefinitionStatusActive {
		t.Errorf("registered %v rev %d %s", *td.TaskDefinitionArn, td.Revision, td.Status)
	}
	if td.RegisteredAt == nil || td.RegisteredAt.IsZero() {
		t.Error("no registeredAt")
	}
	if diff := cmp.Diff([]ecstypes.Compatibility{"EC2", "FARGATE"}, td.Compatibilities); diff != "" {
		t.Errorf("compatibilities (-want +got):\n%s", diff)
	}
	if len(td.RequiresAttributes) == 0 {
		t.Error("no requiresAttributes")
	}
	cd := td.ContainerDefinitions[0]
	if cd.Cpu != 0 || cd.Essential == nil || !*cd.Essential || cd.VolumesFrom == nil || cd.Environment == nil {
		t.Errorf("container defaults missing: %+v", cd)
	}
	pm := cd.PortMappings[0]
	if pm.Protocol != ecstypes.TransportProtocolTcp || pm.HostPort == nil || *pm.HostPort != 8000 {
		t.Errorf("port mapping defaults: %+v", pm)
	}
	reg2 := must[*ecs.RegisterTaskDefinitionOutput](t)(c.ecs.RegisterTaskDefinition(ctx(t), registerInput("web-dev", "nginx:2")))
	if reg2.TaskDefinition.Revision != 2 {
		t.Errorf("second revision %d", reg2.TaskDefinition.Revision)
	}

	for _, ref := range []string{"web-dev", "web-dev:2", *reg2.TaskDefinition.TaskDefinitionArn} {
		out := must[*ecs.DescribeTaskDefinitionOutput](t)(c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref)}))
		if out.TaskDefinition.Revision != 2 || *out.TaskDefinition.ContainerDefinitions[0].Image != "nginx:2" || out.Tags != nil {
			t.Errorf("describe %s: rev %d tags %v", ref, out.TaskDefinition.Revision, out.Tags)
		}
	}
	withTags := must[*ecs.DescribeTaskDefinitionOutput](t)(c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String("web-dev:1"), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}}))
	if len(withTags.Tags) != 1 || *withTags.Tags[0].Key != "Environment" || *withTags.TaskDefinition.ContainerDefinitions[0].Image != "nginx:1" {
		t.Errorf("with tags: %+v", withTags.Tags)
	}
	_, err := c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("nope")})
	var ce *ecstypes.ClientException
	if !errors.As(err, &ce) || ce.ErrorMessage() != "Unable to describe task definition." {
		t.Fatalf("want ClientException, got %v", err)
	}

	// Deregistering the latest makes the family resolve to the previous ACTIVE revision.
	must[*ecs.DeregisterTaskDefinitionOutput](t)(c.ecs.DeregisterTaskDefinition(ctx(t), &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web-dev:2")}))
	latest := must[*ecs.DescribeTaskDefinitionOutput](t)(c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web-dev")}))
	if latest.TaskDefinition.Revision != 1 {
		t.Errorf("latest ACTIVE = %d", latest.TaskDefinition.Revision)
	}
	inactive := must[*ecs.DescribeTaskDefinitionOutput](t)(c.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web-dev:2")}))
	if inactive.TaskDefinition.Status != ecstypes.TaskDefinitionStatusInactive || inactive.TaskDefinition.DeregisteredAt == nil {
		t.Errorf("deregistered: %s", inactive.TaskDefinition.Status)
	}

	// The stored document is the request plus what AWS adds.
	var doc map[string]any
	b := c.srv.CallsTo("DescribeTaskDefinition")[0].Body
	if err := json.Unmarshal(b, &doc); err != nil || doc["taskDefinition"] != "web-dev" {
		t.Errorf("request log body %s", b)
	}
}

func TestRegisterTaskDefinitionRejectsWhatFargateRejects(t *testing.T) {
	c := start(t)
	for name, mutate := range map[string]func(*ecs.RegisterTaskDefinitionInput){
		"bridge network mode": func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = ecstypes.NetworkModeBridge },
		"invalid size pair":   func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = aws.String("8192") },
		"host port mismatch": func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].PortMappings[0].HostPort = aws.Int32(80)
		},
		"invalid family name": func(in *ecs.RegisterTaskDefinitionInput) { in.Family = aws.String("web dev") },
		"missing image":       func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Image = nil },
		"NET_BIND_SERVICE add": func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].LinuxParameters = &ecstypes.LinuxParameters{Capabilities: &ecstypes.KernelCapabilities{Add: []string{"NET_BIND_SERVICE"}}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			in := registerInput("web", "nginx")
			mutate(in)
			_, err := c.ecs.RegisterTaskDefinition(ctx(t), in)
			wantCode(t, err, "ClientException")
		})
	}
}

func TestListTaskDefinitionsAndFamilies(t *testing.T) {
	c := start(t)
	for _, f := range []string{"web-dev", "web-dev", "web-prod", "worker"} {
		must[*ecs.RegisterTaskDefinitionOutput](t)(c.ecs.RegisterTaskDefinition(ctx(t), registerInput(f, "nginx")))
	}
	fams := must[*ecs.ListTaskDefinitionFamiliesOutput](t)(c.ecs.ListTaskDefinitionFamilies(ctx(t), &ecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("web")}))
	if diff := cmp.Diff([]string{"web-dev", "web-prod"}, fams.Families); diff != "" {
		t.Errorf("families (-want +got):\n%s", diff)
	}
	// familyPrefix of ListTaskDefinitions is an exact family.
	defs := must[*ecs.ListTaskDefinitionsOutput](t)(c.ecs.ListTaskDefinitions(ctx(t), &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: aws.String("web-dev"), Sort: ecstypes.SortOrderDesc}))
	want := []string{"arn:aws:ecs:eu-west-2:123456789012:task-definition/web-dev:2", "arn:aws:ecs:eu-west-2:123456789012:task-definition/web-dev:1"}
	if diff := cmp.Diff(want, defs.TaskDefinitionArns); diff != "" {
		t.Errorf("task definitions (-want +got):\n%s", diff)
	}
	none := must[*ecs.ListTaskDefinitionsOutput](t)(c.ecs.ListTaskDefinitions(ctx(t), &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web")}))
	if len(none.TaskDefinitionArns) != 0 {
		t.Errorf("prefix matched: %v", none.TaskDefinitionArns)
	}
	var all []string
	p := ecs.NewListTaskDefinitionsPaginator(c.ecs, &ecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		all = append(all, must[*ecs.ListTaskDefinitionsOutput](t)(p.NextPage(ctx(t))).TaskDefinitionArns...)
	}
	if len(all) != 4 {
		t.Errorf("paged %v", all)
	}
}

func TestClustersServicesAndTasks(t *testing.T) {
	c := start(t)
	services := c.srv.SeedServices("bench", 25)
	ids := c.srv.SeedStoppedTasks("bench", services[0], 250)

	clusters := must[*ecs.ListClustersOutput](t)(c.ecs.ListClusters(ctx(t), &ecs.ListClustersInput{}))
	if diff := cmp.Diff([]string{"arn:aws:ecs:eu-west-2:123456789012:cluster/bench"}, clusters.ClusterArns); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	dc := must[*ecs.DescribeClustersOutput](t)(c.ecs.DescribeClusters(ctx(t), &ecs.DescribeClustersInput{Clusters: []string{"bench", "nope"}}))
	if len(dc.Clusters) != 1 || *dc.Clusters[0].ClusterName != "bench" || dc.Clusters[0].ActiveServicesCount != 25 || len(dc.Failures) != 1 {
		t.Errorf("describe clusters: %+v", dc)
	}

	var arns []string
	sp := ecs.NewListServicesPaginator(c.ecs, &ecs.ListServicesInput{Cluster: aws.String("bench"), MaxResults: aws.Int32(10)})
	for sp.HasMorePages() {
		arns = append(arns, must[*ecs.ListServicesOutput](t)(sp.NextPage(ctx(t))).ServiceArns...)
	}
	if len(arns) != 25 {
		t.Errorf("listed %d services", len(arns))
	}
	_, err := c.ecs.ListServices(ctx(t), &ecs.ListServicesInput{Cluster: aws.String("bench"), MaxResults: aws.Int32(101)})
	wantCode(t, err, "InvalidParameterException")
	_, err = c.ecs.DescribeServices(ctx(t), &ecs.DescribeServicesInput{Cluster: aws.String("bench"), Services: services[:11]})
	wantCode(t, err, "InvalidParameterException")
	ds := must[*ecs.DescribeServicesOutput](t)(c.ecs.DescribeServices(ctx(t), &ecs.DescribeServicesInput{Cluster: aws.String("bench"), Services: append(arns[:9:9], "missing")}))
	if len(ds.Services) != 9 || len(ds.Failures) != 1 || *ds.Failures[0].Reason != "MISSING" {
		t.Errorf("describe services: %d services, failures %+v", len(ds.Services), ds.Failures)
	}
	if s := ds.Services[0]; s.RunningCount != 1 || s.DesiredCount != 1 || *s.TaskDefinition != "arn:aws:ecs:eu-west-2:123456789012:task-definition/bench:1" {
		t.Errorf("service %+v", s)
	}
	_, err = c.ecs.ListServices(ctx(t), &ecs.ListServicesInput{Cluster: aws.String("nope")})
	var cnf *ecstypes.ClusterNotFoundException
	if !errors.As(err, &cnf) {
		t.Errorf("want ClusterNotFoundException, got %v", err)
	}

	// Stopped tasks page 100 at a time and each is visited once.
	seen := map[string]int{}
	tp := ecs.NewListTasksPaginator(c.ecs, &ecs.ListTasksInput{Cluster: aws.String("bench"), ServiceName: aws.String(services[0]),
		DesiredStatus: ecstypes.DesiredStatusStopped, MaxResults: aws.Int32(100)})
	var pages int
	for tp.HasMorePages() {
		pages++
		for _, a := range must[*ecs.ListTasksOutput](t)(tp.NextPage(ctx(t))).TaskArns {
			seen[a[strings.LastIndex(a, "/")+1:]]++
		}
	}
	if len(seen) != 250 || pages != 3 {
		t.Errorf("saw %d tasks in %d pages", len(seen), pages)
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("task %s seen %d times", id, seen[id])
		}
	}
	running := must[*ecs.ListTasksOutput](t)(c.ecs.ListTasks(ctx(t), &ecs.ListTasksInput{Cluster: aws.String("bench"), ServiceName: aws.String(services[0])}))
	if len(running.TaskArns) != 0 {
		t.Errorf("running tasks: %v", running.TaskArns)
	}
	_, err = c.ecs.ListTasks(ctx(t), &ecs.ListTasksInput{Cluster: aws.String("bench"), MaxResults: aws.Int32(101)})
	wantCode(t, err, "InvalidParameterException")

	_, err = c.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Cluster: aws.String("bench"), Tasks: ids[:101]})
	wantCode(t, err, "InvalidParameterException")
	dt := must[*ecs.DescribeTasksOutput](t)(c.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Cluster: aws.String("bench"),
		Tasks: append(ids[:99:99], "0123456789abcdef0123456789abcdef")}))
	if len(dt.Tasks) != 99 || len(dt.Failures) != 1 || *dt.Failures[0].Reason != "MISSING" ||
		*dt.Failures[0].Arn != "arn:aws:ecs:eu-west-2:123456789012:task/bench/0123456789abcdef0123456789abcdef" {
		t.Errorf("describe tasks: %d tasks, failures %+v", len(dt.Tasks), dt.Failures)
	}
	task := dt.Tasks[0]
	if *task.LastStatus != "STOPPED" || *task.Group != "service:"+services[0] || task.StopCode == "" || task.StoppedReason == nil ||
		task.StoppedAt == nil || *task.TaskDefinitionArn != "arn:aws:ecs:eu-west-2:123456789012:task-definition/bench:1" ||
		len(task.Containers) != 1 || *task.Containers[0].Name != "app" || task.Containers[0].Image == nil {
		t.Errorf("task %s", fmt.Sprintf("%+v", task))
	}
}

func TestAddTaskAndServiceFromTests(t *testing.T) {
	c := start(t)
	c.srv.AddService(fakeaws.Service{Cluster: "c", Name: "s", TaskDefinition: "f:1", DesiredCount: 2})
	arn := c.srv.AddTask(fakeaws.Task{Cluster: "c", ID: "abc", Group: "service:s", LastStatus: "STOPPED", StopCode: "UserInitiated"})
	out := must[*ecs.DescribeTasksOutput](t)(c.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: []string{arn}}))
	if len(out.Tasks) != 1 || out.Tasks[0].StopCode != ecstypes.TaskStopCodeUserInitiated || *out.Tasks[0].DesiredStatus != "STOPPED" {
		t.Errorf("%+v", out)
	}
}
