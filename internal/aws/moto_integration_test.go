package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
	"github.com/ecswiz/ecswiz/internal/motoserver"
)

// moto keeps its state for the whole run: every test names what it creates uniquely.
var uniqueCounter atomic.Int64

func unique(kind string) string {
	return fmt.Sprintf("ecswiz-%s-%d-%d", kind, time.Now().UnixNano()%1e9, uniqueCounter.Add(1))
}

type moto struct {
	endpoint string
	clients  *Clients
	cfg      sdkaws.Config // for setting up state with the plain SDK
}

func motoClients(t *testing.T) moto {
	t.Helper()
	endpoint := motoserver.Endpoint(t)
	ctx := context.Background()
	clients, err := Load(ctx, Options{
		Region:      motoserver.Region,
		EndpointURL: endpoint,
		Credentials: &StaticCredentials{AccessKeyID: "testing", SecretAccessKey: "testing", SessionToken: "testing"},
		Getenv:      func(string) string { return "" },
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(motoserver.Region),
		config.WithBaseEndpoint(endpoint),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("testing", "testing", "testing")))
	if err != nil {
		t.Fatal(err)
	}
	return moto{endpoint: endpoint, clients: clients, cfg: cfg}
}

func basicDevRender(t *testing.T) taskdef.TaskDefinition {
	t.Helper()
	src, err := os.ReadFile("../../examples/basic-dev.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := model.ParseSpec(src, "basic-dev.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	td, err := model.Build(spec, motoserver.Region)
	if err != nil {
		t.Fatal(err)
	}
	td.Family = unique("family")
	return td
}

func TestIntegrationRegisterAndDescribeTaskDefinition(t *testing.T) {
	m := motoClients(t)
	ctx := context.Background()
	td := basicDevRender(t)
	td.Tags = append(td.Tags, taskdef.Tag{Key: "ecswiz:test", Value: "yes"})

	reg, err := m.clients.ECS.Register(ctx, td)
	if err != nil {
		t.Fatal(err)
	}
	if reg.Family != td.Family || reg.Revision != 1 || !strings.Contains(reg.ARN, td.Family+":1") {
		t.Errorf("registered = %+v", reg)
	}

	for _, ref := range []string{td.Family, td.Family + ":1", reg.ARN} {
		t.Run("described by "+ref+" it gives the render back", func(t *testing.T) {
			doc, err := m.clients.ECS.DescribeTaskDefinition(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(doc, []byte("null")) {
				t.Errorf("the document holds nulls:\n%s", doc)
			}
			var got struct {
				TaskDefinition taskdef.TaskDefinition `json:"taskDefinition"`
				Tags           []taskdef.Tag          `json:"tags"`
			}
			if err := json.Unmarshal(doc, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(td.ContainerDefinitions, got.TaskDefinition.ContainerDefinitions, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("containerDefinitions differ (-rendered +described):\n%s", diff)
			}
			if diff := cmp.Diff(td.Tags, got.Tags, cmpopts.SortSlices(func(a, b taskdef.Tag) bool { return a.Key < b.Key })); diff != "" {
				t.Errorf("tags differ (-rendered +described):\n%s", diff)
			}
			got.TaskDefinition.Tags = td.Tags
			if diff := cmp.Diff(td, got.TaskDefinition, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("task definition differs (-rendered +described):\n%s", diff)
			}
		})
	}

	t.Run("the document is shaped as the AWS CLI prints it", func(t *testing.T) {
		awsCLI, err := exec.LookPath("aws")
		if err != nil {
			t.Skip("the aws CLI is not on PATH")
		}
		cmd := exec.Command(awsCLI, "ecs", "describe-task-definition", "--task-definition", reg.ARN, "--include", "TAGS",
			"--endpoint-url", m.endpoint, "--region", motoserver.Region, "--output", "json")
		cmd.Env = motoserver.CLIEnv(m.endpoint)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws ecs describe-task-definition: %v", err)
		}
		doc, err := m.clients.ECS.DescribeTaskDefinition(ctx, reg.ARN)
		if err != nil {
			t.Fatal(err)
		}
		var cli, ours map[string]any
		if err := json.Unmarshal(out, &cli); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(doc, &ours); err != nil {
			t.Fatal(err)
		}
		// Timestamps are printed differently (the CLI's own format); the rest must match.
		for _, d := range []map[string]any{cli, ours} {
			delete(d["taskDefinition"].(map[string]any), "registeredAt")
			delete(d["taskDefinition"].(map[string]any), "deregisteredAt")
		}
		if diff := cmp.Diff(cli, ours); diff != "" {
			t.Errorf("document differs from the AWS CLI's (-cli +ours):\n%s", diff)
		}
	})

	t.Run("a task definition that does not exist is not found", func(t *testing.T) {
		_, err := m.clients.ECS.DescribeTaskDefinition(ctx, unique("missing")+":3")
		if !errors.Is(err, KindNotFound) {
			t.Errorf("err = %v, want KindNotFound", err)
		}
	})

	t.Run("families list the registered family by prefix", func(t *testing.T) {
		families, err := m.clients.ECS.Families(ctx, td.Family[:len(td.Family)-2])
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range families {
			found = found || f == td.Family
		}
		if !found {
			t.Errorf("families = %v, want %s among them", families, td.Family)
		}
	})
}

func TestIntegrationClustersServicesAndStoppedTasks(t *testing.T) {
	m := motoClients(t)
	ctx := context.Background()
	cluster := unique("cluster")
	if _, err := ecs.NewFromConfig(m.cfg).CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: sdkaws.String(cluster)}); err != nil {
		t.Fatal(err)
	}
	clusters, err := m.clients.ECS.Clusters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range clusters {
		found = found || (c.Name == cluster && c.Status == "ACTIVE")
	}
	if !found {
		t.Errorf("clusters = %+v, want %s", clusters, cluster)
	}
	services, err := m.clients.ECS.Services(ctx, cluster)
	if err != nil || len(services) != 0 {
		t.Errorf("services = %v, %v; want none", services, err)
	}
	tasks, err := m.clients.ECS.StoppedTasks(ctx, cluster, "web")
	if err != nil || len(tasks) != 0 {
		t.Errorf("stopped tasks = %v, %v; want none", tasks, err)
	}
}

func TestIntegrationParameters(t *testing.T) {
	m := motoClients(t)
	ctx := context.Background()
	prefix := "/" + unique("params")
	raw := ssm.NewFromConfig(m.cfg)
	groups := []string{"app", "database", "redis", "third-party", "zeta"}
	var want []string
	for i := range 63 {
		name := fmt.Sprintf("%s/%s/key-%02d", prefix, groups[i%len(groups)], i)
		want = append(want, name)
		if _, err := raw.PutParameter(ctx, &ssm.PutParameterInput{
			Name: sdkaws.String(name), Value: sdkaws.String("v"), Type: ssmtypes.ParameterTypeString,
		}); err != nil {
			t.Fatal(err)
		}
	}
	// A parameter beside the prefix must not be listed.
	if _, err := raw.PutParameter(ctx, &ssm.PutParameterInput{
		Name: sdkaws.String(prefix + "-other/x"), Value: sdkaws.String("v"), Type: ssmtypes.ParameterTypeString,
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("List finds every parameter under the prefix though moto pages 10 at a time", func(t *testing.T) {
		var calls atomic.Int64
		got, warnings, err := m.clients.Parameters.List(ctx, prefix, func(int) { calls.Add(1) })
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 0 {
			t.Errorf("warnings: %v", warnings)
		}
		if diff := cmp.Diff(want, parameterNames(got), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("listing differs (-want +got):\n%s", diff)
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].Name >= got[i].Name {
				t.Fatalf("not sorted: %s before %s", got[i-1].Name, got[i].Name)
			}
		}
		if p := got[0]; p.Type != "String" || p.Version != 1 || p.LastModified.IsZero() {
			t.Errorf("metadata = %+v", p)
		}
		// moto leaves ARN out of DescribeParameters; AWS sends it.
		if calls.Load() == 0 {
			t.Error("progress was never called")
		}
	})

	t.Run("Exist tells found from missing across batches of 10", func(t *testing.T) {
		names := append(want[:15:15], prefix+"/missing/a", prefix+"/missing/b")
		got, err := m.clients.Parameters.Exist(ctx, names)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if wantFound := !strings.Contains(n, "/missing/"); got[n] != wantFound {
				t.Errorf("exists[%s] = %v, want %v", n, got[n], wantFound)
			}
		}
	})

	t.Run("CreateSecureString creates, refuses to overwrite, then overwrites when asked", func(t *testing.T) {
		name := prefix + "/app/new-secret"
		v, err := m.clients.Parameters.CreateSecureString(ctx, name, "hunter2-value", "", false)
		if err != nil || v != 1 {
			t.Fatalf("create = %d, %v", v, err)
		}
		_, err = m.clients.Parameters.CreateSecureString(ctx, name, "hunter2-value", "", false)
		if !errors.Is(err, KindAlreadyExists) {
			t.Errorf("second create: err = %v, want KindAlreadyExists", err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2-value") {
			t.Errorf("the error shows the value: %v", err)
		}
		v, err = m.clients.Parameters.CreateSecureString(ctx, name, "other-value", "", true)
		if err != nil || v != 2 {
			t.Errorf("overwrite = %d, %v; want version 2", v, err)
		}
		got, _, err := m.clients.Parameters.List(ctx, prefix+"/app", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got {
			if p.Name == name && p.Type != "SecureString" {
				t.Errorf("type = %s, want SecureString", p.Type)
			}
		}
	})
}

func TestIntegrationLogs(t *testing.T) {
	m := motoClients(t)
	ctx := context.Background()
	group := "/ecs/" + unique("logs")
	if ok, err := m.clients.Logs.GroupExists(ctx, group); err != nil || ok {
		t.Fatalf("before: exists = %v, %v", ok, err)
	}
	if err := m.clients.Logs.CreateGroup(ctx, group, 30); err != nil {
		t.Fatal(err)
	}
	if err := m.clients.Logs.CreateGroup(ctx, group, 30); err != nil {
		t.Errorf("creating it again: %v", err)
	}
	if ok, err := m.clients.Logs.GroupExists(ctx, group); err != nil || !ok {
		t.Errorf("after: exists = %v, %v", ok, err)
	}
	if ok, err := m.clients.Logs.GroupExists(ctx, group[:len(group)-1]); err != nil || ok {
		t.Errorf("a prefix of the name: exists = %v, %v; want false", ok, err)
	}

	stream := TaskStream("ecs", "web", "arn:aws:ecs:eu-west-2:123456789012:task/c/0123abcd")
	if stream != "ecs/web/0123abcd" {
		t.Errorf("stream = %s", stream)
	}
	raw := cloudwatchlogs.NewFromConfig(m.cfg)
	if _, err := raw.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &group, LogStreamName: &stream}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var events []logstypes.InputLogEvent
	for i := range 5 {
		events = append(events, logstypes.InputLogEvent{Message: sdkaws.String(fmt.Sprintf("line %d", i)), Timestamp: sdkaws.Int64(now.Add(time.Duration(i) * time.Millisecond).UnixMilli())})
	}
	if _, err := raw.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &group, LogStreamName: &stream, LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	lines, token, err := m.clients.Logs.Tail(ctx, group, stream, 3)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, l := range lines {
		msgs = append(msgs, l.Message)
	}
	if diff := cmp.Diff([]string{"line 2", "line 3", "line 4"}, msgs); diff != "" {
		t.Errorf("tail differs (-want +got):\n%s", diff)
	}
	if _, _, err := m.clients.Logs.Next(ctx, group, stream, token); err != nil {
		t.Errorf("next: %v", err)
	}
	if _, _, err := m.clients.Logs.Tail(ctx, group, "ecs/web/missing", 3); !errors.Is(err, KindNotFound) {
		t.Errorf("missing stream: err = %v, want KindNotFound", err)
	}
}

func TestIntegrationIAMAndSTS(t *testing.T) {
	m := motoClients(t)
	ctx := context.Background()
	raw := iam.NewFromConfig(m.cfg)
	taskRole, lambdaRole := unique("task-role"), unique("lambda-role")
	for name, trust := range map[string]string{
		taskRole:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
		lambdaRole: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`,
	} {
		if _, err := raw.CreateRole(ctx, &iam.CreateRoleInput{RoleName: sdkaws.String(name), AssumeRolePolicyDocument: sdkaws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	roles, err := m.clients.IAM.TaskRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var taskRoleARN string
	for _, r := range roles {
		names = append(names, r.Name)
		if r.Name == taskRole {
			taskRoleARN = r.ARN
		}
	}
	if taskRoleARN == "" || strings.Contains(strings.Join(names, " "), lambdaRole) {
		t.Errorf("task roles = %v, want %s and not %s", names, taskRole, lambdaRole)
	}

	res, err := m.clients.IAM.CanReadParameters(ctx, taskRoleARN,
		[]string{"arn:aws:ssm:eu-west-2:123456789012:parameter/demo/x"}, []string{"arn:aws:kms:eu-west-2:123456789012:key/abc"})
	if err != nil {
		t.Fatal(err)
	}
	// moto has no SimulatePrincipalPolicy: the check must say it could not be made.
	if res.Status != CheckUnknown || res.Reason == "" {
		t.Errorf("policy simulation against moto = %+v, want could not check with a reason", res)
	}

	id, err := m.clients.STS.Caller(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id.Account != "123456789012" || id.ARN == "" {
		t.Errorf("identity = %+v", id)
	}
}

func TestIntegrationECR(t *testing.T) {
	m := motoClients(t)
	ctx := context.Background()
	repo := unique("repo")
	out, err := ecr.NewFromConfig(m.cfg).CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: sdkaws.String(repo)})
	if err != nil {
		t.Fatal(err)
	}
	uri := sdkaws.ToString(out.Repository.RepositoryUri)
	repos, err := m.clients.ECR.Repositories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range repos {
		found = found || (r.Name == repo && r.URI == uri)
	}
	if !found {
		t.Errorf("repositories = %+v, want %s", repos, repo)
	}
	if images, err := m.clients.ECR.Tags(ctx, repo); err != nil || len(images) != 0 {
		t.Errorf("images = %v, %v; want none", images, err)
	}
	for _, tc := range []struct {
		name, ref string
		want      ImageCheck
	}{
		{"a missing tag in an existing repository does not exist", uri + ":nope", ImageCheck{Checked: true}},
		{"a missing repository does not exist", strings.Replace(uri, repo, repo+"-gone", 1) + ":v1", ImageCheck{Checked: true}},
		{"a Docker Hub image cannot be checked", "python:3.12-slim", ImageCheck{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.clients.ECR.ImageExists(ctx, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			if got.Checked != tc.want.Checked || got.Exists != tc.want.Exists || got.Reason == "" {
				t.Errorf("check = %+v, want checked=%v exists=%v with a reason", got, tc.want.Checked, tc.want.Exists)
			}
		})
	}
}
