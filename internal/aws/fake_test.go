package aws_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// These tests run every adapter against fakeaws, the in-process fake that speaks the real
// wire protocols, so the real SDK clients, retryer and call timeout are exercised.

// fakeSeq keeps the names a test creates apart from the demo's and from each other's.
var fakeSeq atomic.Int64

func uniqueName(kind string) string { return fmt.Sprintf("ecswiz-%s-%d", kind, fakeSeq.Add(1)) }

// startFake starts srv and closes it when the test ends.
func startFake(t *testing.T, srv *fakeaws.Server) *fakeaws.Server {
	t.Helper()
	if _, err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// fakeClients are the adapters pointed at srv, with static credentials and no trace of
// the machine's own AWS configuration.
func fakeClients(t *testing.T, srv *fakeaws.Server, callTimeout time.Duration) *aws.Clients {
	t.Helper()
	clients, err := aws.Load(context.Background(), aws.Options{
		Region:      srv.Region(),
		EndpointURL: srv.URL(),
		Credentials: &aws.StaticCredentials{AccessKeyID: "fake", SecretAccessKey: "fake"},
		Getenv:      func(string) string { return "" },
		HomeDir:     t.TempDir(),
		CallTimeout: callTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	return clients
}

// demoAccount starts a fresh demo account: each test gets its own state.
func demoAccount(t *testing.T) (*fakeaws.Server, *aws.Clients) {
	t.Helper()
	srv := startFake(t, fakeaws.NewDemo())
	return srv, fakeClients(t, srv, 10*time.Second)
}

func names(ps []aws.Parameter) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func namesUnder(all []string, prefix string) []string {
	var out []string
	for _, n := range all {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// nameFilterValues are the Values of a DescribeParameters call's Name filter.
func nameFilterValues(c fakeaws.Call) []string {
	filters, _ := c.Params["ParameterFilters"].([]any)
	var out []string
	for _, f := range filters {
		f, _ := f.(map[string]any)
		if f["Key"] != "Name" {
			continue
		}
		values, _ := f["Values"].([]any)
		for _, v := range values {
			s, _ := v.(string)
			out = append(out, s)
		}
	}
	return out
}

func mustNoError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRequestsStayWithinTheAPILimits(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()
	bench := "/" + uniqueName("bench")
	srv.SeedParameters(bench, 1000)
	cluster := uniqueName("cluster")
	services := srv.SeedServices(cluster, 25)
	srv.SeedStoppedTasks(cluster, services[0], 250)

	_, _, err := c.Parameters.List(ctx, "/demo-shop/dev", nil)
	mustNoError(t, err)
	_, _, err = c.Parameters.List(ctx, bench, nil)
	mustNoError(t, err)
	var many []string
	for i := range 35 {
		many = append(many, fmt.Sprintf("/demo-shop/dev/missing-%02d", i))
	}
	_, err = c.Parameters.Exist(ctx, append(many, "/demo-shop/dev/database/host"))
	mustNoError(t, err)
	_, err = c.Parameters.CreateSecureString(ctx, "/"+uniqueName("create")+"/token", "s3cr3t-value", "", false)
	mustNoError(t, err)
	_, err = c.ECS.Services(ctx, cluster)
	mustNoError(t, err)
	_, err = c.ECS.StoppedTasks(ctx, cluster, services[0])
	mustNoError(t, err)

	calls := srv.Calls()
	for _, tc := range []struct {
		name      string
		operation string
		ok        func(fakeaws.Call) bool
	}{
		{"describe-parameters asks for pages of 50", "DescribeParameters", func(c fakeaws.Call) bool {
			return c.Int("MaxResults") == 50
		}},
		{"get-parameters sends at most 10 names", "GetParameters", func(c fakeaws.Call) bool {
			return c.Len("Names") >= 1 && c.Len("Names") <= 10
		}},
		{"describe-tasks sends at most 100 tasks", "DescribeTasks", func(c fakeaws.Call) bool {
			return c.Len("tasks") >= 1 && c.Len("tasks") <= 100
		}},
		{"list-tasks asks for at most 100 tasks", "ListTasks", func(c fakeaws.Call) bool {
			return c.Int("maxResults") >= 1 && c.Int("maxResults") <= 100
		}},
		{"describe-services sends at most 10 services", "DescribeServices", func(c fakeaws.Call) bool {
			return c.Len("services") >= 1 && c.Len("services") <= 10
		}},
		{"no call asks for decrypted values", "*", func(c fakeaws.Call) bool {
			return !c.Has("WithDecryption")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for _, call := range calls {
				if tc.operation != "*" && call.Operation != tc.operation {
					continue
				}
				n++
				if !tc.ok(call) {
					t.Errorf("%s #%d breaks the limit: %s", call.Operation, call.Seq, call.Body)
				}
			}
			if n == 0 {
				t.Errorf("no %s call was made", tc.operation)
			}
		})
	}
	t.Run("nothing reads values", func(t *testing.T) {
		for _, op := range []string{"GetParameter", "GetParametersByPath"} {
			if n := len(srv.CallsTo(op)); n > 0 {
				t.Errorf("%d %s calls", n, op)
			}
		}
	})
}

func TestParametersList(t *testing.T) {
	t.Run("the demo's dev prefix gives its 12 names and no value", func(t *testing.T) {
		srv, c := demoAccount(t)
		got, warnings, err := c.Parameters.List(context.Background(), "/demo-shop/dev", nil)
		mustNoError(t, err)
		want := namesUnder(srv.ParameterNames(), "/demo-shop/dev/")
		if len(want) != 12 {
			t.Fatalf("the demo has %d dev parameters, want 12", len(want))
		}
		if diff := cmp.Diff(want, names(got)); diff != "" {
			t.Errorf("names (-want +got):\n%s", diff)
		}
		if len(warnings) > 0 {
			t.Errorf("warnings = %v", warnings)
		}
		dump := fmt.Sprintf("%+v", got)
		for _, value := range []string{"fake-dev-db-password", "fake-dev-django-secret-key", "fake-stripe-test-key-dev", "demo_shop"} {
			if strings.Contains(dump, value) {
				t.Errorf("the listing holds the value %q", value)
			}
		}
		for _, p := range got {
			if p.ARN == "" || p.Type == "" || p.Version < 1 {
				t.Errorf("metadata missing: %+v", p)
			}
		}
		if n := len(srv.CallsTo("DescribeParameters")); n != 1 {
			t.Errorf("%d DescribeParameters calls for 12 parameters, want 1", n)
		}
	})

	t.Run("1,000 parameters come back complete, sorted and once each in at most 25 calls", func(t *testing.T) {
		srv := startFake(t, fakeaws.New())
		c := fakeClients(t, srv, 10*time.Second)
		prefix := "/" + uniqueName("big")
		want := srv.SeedParameters(prefix, 1000)
		srv.SeedParameters(prefix+"-sibling", 30) // shares the prefix's first characters, not its path
		var progress []int
		got, warnings, err := c.Parameters.List(context.Background(), prefix, func(n int) { progress = append(progress, n) })
		mustNoError(t, err)
		if diff := cmp.Diff(want, names(got)); diff != "" {
			t.Errorf("names (-want +got):\n%s", diff)
		}
		if !slices.IsSortedFunc(got, func(a, b aws.Parameter) int { return strings.Compare(a.Name, b.Name) }) {
			t.Error("not sorted")
		}
		if len(warnings) > 0 {
			t.Errorf("warnings = %v", warnings)
		}
		if n := len(srv.CallsTo("DescribeParameters")); n > 25 {
			t.Errorf("%d DescribeParameters calls, want at most 25", n)
		}
		if len(progress) == 0 || progress[len(progress)-1] != 1000 || !slices.IsSorted(progress) {
			t.Errorf("progress = %v, want a rising count ending at 1000", progress)
		}
	})
}

func TestParametersExist(t *testing.T) {
	_, c := demoAccount(t)
	var refs []string
	for _, s := range model.RequiredSecrets(model.Spec{AppName: "demo-shop", Environment: "prod"}) {
		refs = append(refs, s.ValueFrom)
	}
	// A Secrets Manager ARN is no parameter: it is left out rather than failing its batch.
	refs = append(refs, "arn:aws:secretsmanager:eu-west-2:123456789012:secret:demo-shop/prod/stripe-Ab12Cd:api_key::")
	// A parameter's ARN is checked like its name.
	refs = append(refs, "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/redis/host")
	got, err := c.Parameters.Exist(context.Background(), refs)
	mustNoError(t, err)
	want := map[string]bool{
		"/demo-shop/prod/app/django-secret-key":                                 true,
		"/demo-shop/prod/database/password":                                     true,
		"/demo-shop/prod/database/host":                                         true,
		"/demo-shop/prod/database/name":                                         true,
		"/demo-shop/prod/database/username":                                     false,
		"/demo-shop/prod/redis/host":                                            false,
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/redis/host": true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exist (-want +got):\n%s", diff)
	}
}

func TestParametersCreateSecureString(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()
	const secret = "correct-horse-battery-staple-42"
	prefix := "/" + uniqueName("create")
	name := prefix + "/app/api-key"

	version, err := c.Parameters.CreateSecureString(ctx, name, secret, "", false)
	mustNoError(t, err)
	if version != 1 {
		t.Errorf("version = %d, want 1", version)
	}
	listed, _, err := c.Parameters.List(ctx, prefix, nil)
	mustNoError(t, err)
	wantMeta := []aws.Parameter{{Name: name, Type: "SecureString", KeyID: aws.DefaultParameterKey, Version: 1}}
	if diff := cmp.Diff(wantMeta, listed, cmpopts.IgnoreFields(aws.Parameter{}, "ARN", "LastModified", "Tier", "DataType")); diff != "" {
		t.Errorf("created parameter (-want +got):\n%s", diff)
	}
	puts := srv.CallsTo("PutParameter")
	if len(puts) != 1 || puts[0].String("Type") != "SecureString" || puts[0].String("KeyId") != aws.DefaultParameterKey {
		t.Errorf("PutParameter calls = %+v", puts)
	}

	t.Run("an existing parameter is not overwritten without consent", func(t *testing.T) {
		_, err := c.Parameters.CreateSecureString(ctx, name, secret, "", false)
		if !errors.Is(err, aws.KindAlreadyExists) {
			t.Fatalf("err = %v, want KindAlreadyExists", err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the secret: %v", err)
		}
	})

	t.Run("with overwrite it becomes version 2", func(t *testing.T) {
		version, err := c.Parameters.CreateSecureString(ctx, name, secret+"-2", "alias/custom", true)
		mustNoError(t, err)
		if version != 2 {
			t.Errorf("version = %d, want 2", version)
		}
	})

	t.Run("an error that echoes the value does not show it", func(t *testing.T) {
		srv.Fail("PutParameter", "ValidationException", "Value "+secret+" is not valid", fakeaws.Times(1))
		_, err := c.Parameters.CreateSecureString(ctx, prefix+"/other", secret, "", false)
		if err == nil {
			t.Fatal("no error")
		}
		var e *aws.Error
		if !errors.As(err, &e) {
			t.Fatalf("err = %T %v, want *aws.Error", err, err)
		}
		for _, s := range []string{err.Error(), e.Summary(), e.Detail(), fmt.Sprintf("%+v", err)} {
			if strings.Contains(s, secret) {
				t.Errorf("the error shows the secret: %s", s)
			}
		}
	})
}

func basicDevSpec(t *testing.T) model.Spec {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "basic-dev.tfvars"))
	mustNoError(t, err)
	spec, err := model.ParseSpec(src, "basic-dev.tfvars")
	mustNoError(t, err)
	return spec
}

func TestECSRegisterAndDescribe(t *testing.T) {
	srv := startFake(t, fakeaws.New())
	c := fakeClients(t, srv, 10*time.Second)
	ctx := context.Background()
	td, err := model.Build(basicDevSpec(t), srv.Region())
	mustNoError(t, err)
	td.Family = uniqueName("family")
	rendered, err := json.Marshal(td)
	mustNoError(t, err)

	reg, err := c.ECS.Register(ctx, td)
	mustNoError(t, err)
	wantARN := fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:1", srv.Region(), srv.Account(), td.Family)
	if diff := cmp.Diff(aws.Registered{ARN: wantARN, Family: td.Family, Revision: 1}, reg); diff != "" {
		t.Errorf("registered (-want +got):\n%s", diff)
	}

	for _, tc := range []struct{ name, ref string }{
		{"described by family it is the render", td.Family},
		{"described by family:revision it is the render", td.Family + ":1"},
		{"described by ARN it is the render", reg.ARN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := c.ECS.DescribeTaskDefinition(ctx, tc.ref)
			mustNoError(t, err)
			diff, err := model.DiffTaskDefinitions("rendered", rendered, "described", doc)
			mustNoError(t, err)
			if diff != "" {
				t.Errorf("described differs from the render:\n%s", diff)
			}
			if strings.Contains(string(doc), "null") {
				t.Errorf("the document holds nulls:\n%s", doc)
			}
		})
	}

	t.Run("a second register makes revision 2, which the family then names", func(t *testing.T) {
		reg2, err := c.ECS.Register(ctx, td)
		mustNoError(t, err)
		if reg2.Revision != 2 {
			t.Fatalf("revision = %d, want 2", reg2.Revision)
		}
		doc, err := c.ECS.DescribeTaskDefinition(ctx, td.Family)
		mustNoError(t, err)
		var got struct {
			TaskDefinition struct {
				Revision int `json:"revision"`
			} `json:"taskDefinition"`
		}
		mustNoError(t, json.Unmarshal(doc, &got))
		if got.TaskDefinition.Revision != 2 {
			t.Errorf("revision = %d, want 2", got.TaskDefinition.Revision)
		}
	})

	for _, ref := range []string{uniqueName("missing"), td.Family + ":99", "arn:aws:ecs:eu-west-2:123456789012:task-definition/" + uniqueName("missing") + ":1"} {
		t.Run("a task definition that does not exist is not found: "+ref, func(t *testing.T) {
			_, err := c.ECS.DescribeTaskDefinition(ctx, ref)
			if !errors.Is(err, aws.KindNotFound) {
				t.Errorf("err = %v, want KindNotFound", err)
			}
		})
	}
}

func TestECSOnTheDemoCluster(t *testing.T) {
	_, c := demoAccount(t)
	ctx := context.Background()

	t.Run("families are listed by prefix", func(t *testing.T) {
		for _, tc := range []struct {
			prefix string
			want   []string
		}{
			{"demo-shop", []string{"demo-shop-dev", "demo-shop-prod", "demo-shop-prod-worker"}},
			{"demo-shop-prod", []string{"demo-shop-prod", "demo-shop-prod-worker"}},
			{"nothing-like-it", nil},
		} {
			got, err := c.ECS.Families(ctx, tc.prefix)
			mustNoError(t, err)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("families %q (-want +got):\n%s", tc.prefix, diff)
			}
		}
	})

	t.Run("the demo cluster is listed", func(t *testing.T) {
		got, err := c.ECS.Clusters(ctx)
		mustNoError(t, err)
		i := slices.IndexFunc(got, func(cl aws.Cluster) bool { return cl.Name == fakeaws.DemoCluster })
		if i < 0 {
			t.Fatalf("clusters = %+v, want %s", got, fakeaws.DemoCluster)
		}
		if got[i].Status != "ACTIVE" || !strings.HasSuffix(got[i].ARN, ":cluster/"+fakeaws.DemoCluster) || got[i].ActiveServices != 3 {
			t.Errorf("cluster = %+v", got[i])
		}
	})

	t.Run("its services are listed with their counts", func(t *testing.T) {
		got, err := c.ECS.Services(ctx, fakeaws.DemoCluster)
		mustNoError(t, err)
		type counts struct {
			Name                      string
			Desired, Running, Pending int32
		}
		var gotCounts []counts
		for _, s := range got {
			gotCounts = append(gotCounts, counts{s.Name, s.Desired, s.Running, s.Pending})
			if s.ARN == "" || s.TaskDefinitionARN == "" || s.Status != "ACTIVE" {
				t.Errorf("service = %+v", s)
			}
		}
		want := []counts{
			{"demo-shop-dev-web", 1, 1, 0},
			{"demo-shop-prod-web", 2, 1, 0},
			{"demo-shop-prod-worker", 1, 0, 0},
		}
		if diff := cmp.Diff(want, gotCounts); diff != "" {
			t.Errorf("services (-want +got):\n%s", diff)
		}
	})

	t.Run("every demo cause is a stopped task with its stop code, reason and exit code", func(t *testing.T) {
		tasks, err := c.ECS.StoppedTasks(ctx, fakeaws.DemoCluster, "")
		mustNoError(t, err)
		if !slices.IsSortedFunc(tasks, func(a, b aws.Task) int { return b.StoppedAt.Compare(a.StoppedAt) }) {
			t.Error("not most recently stopped first")
		}
		byID := map[string]aws.Task{}
		for _, task := range tasks {
			byID[task.ID] = task
		}
		// What ECS reports for each row of "Why tasks stop".
		want := map[string]struct {
			stopCode string
			reason   string // a part of stoppedReason or of the container's reason
			exitCode *int
		}{
			"image-not-found":           {"TaskFailedToStart", "demo-shop:1.4.3: not found", nil},
			"platform-mismatch":         {"TaskFailedToStart", "does not contain descriptor matching platform 'linux/amd64'", nil},
			"network-timeout":           {"TaskFailedToStart", "i/o timeout", nil},
			"docker-hub-rate-limit":     {"TaskFailedToStart", "toomanyrequests", nil},
			"ssm-access-denied":         {"TaskFailedToStart", "is not authorized to perform: ssm:GetParameters", nil},
			"ssm-parameter-not-found":   {"TaskFailedToStart", "invalid parameters: /demo-shop/prod/database/username", nil},
			"asm-json-key":              {"TaskFailedToStart", "did not contain json key api_key", nil},
			"log-group-missing":         {"TaskFailedToStart", "The specified log group does not exist.", nil},
			"out-of-memory":             {"EssentialContainerExited", "OutOfMemoryError: Container killed due to memory usage", exit(137)},
			"killed-after-stop-timeout": {"ServiceSchedulerInitiated", "Scaling activity initiated by", exit(137)},
			"app-crashed":               {"EssentialContainerExited", "Essential container in task exited", exit(1)},
			"elb-health-checks":         {"ServiceSchedulerInitiated", "Task failed ELB health checks", exit(0)},
			"spot-interruption":         {"SpotInterruption", "Your Spot Task was interrupted.", exit(0)},
			"termination-notice":        {"TerminationNotice", "Your Spot Task was interrupted.", exit(0)},
			"cannot-start-container":    {"EssentialContainerExited", "CannotStartContainerError", nil},
			"container-runtime-timeout": {"TaskFailedToStart", "ContainerRuntimeTimeoutError", nil},
		}
		causes := fakeaws.DemoCauses()
		if len(causes) != len(want) {
			t.Errorf("the demo has %d causes, the test knows %d", len(causes), len(want))
		}
		for _, cause := range causes {
			task, ok := byID[cause.TaskID]
			if !ok {
				t.Errorf("%s: task %s not among the stopped tasks", cause.Key, cause.TaskID)
				continue
			}
			w, known := want[cause.Key]
			if !known {
				t.Errorf("%s: a cause the test does not know", cause.Key)
				continue
			}
			if task.LastStatus != "STOPPED" || task.StopCode != w.stopCode || task.Group != "service:"+cause.Service || task.StoppedAt.IsZero() {
				t.Errorf("%s: task = status %s, stop code %s, group %s, stopped %v; want STOPPED, %s, service:%s",
					cause.Key, task.LastStatus, task.StopCode, task.Group, task.StoppedAt, w.stopCode, cause.Service)
			}
			if len(task.Containers) != 1 {
				t.Errorf("%s: containers = %+v", cause.Key, task.Containers)
				continue
			}
			ct := task.Containers[0]
			if !strings.Contains(task.StoppedReason+"\n"+ct.Reason, w.reason) {
				t.Errorf("%s: reasons %q / %q do not mention %q", cause.Key, task.StoppedReason, ct.Reason, w.reason)
			}
			if diff := cmp.Diff(w.exitCode, ct.ExitCode); diff != "" {
				t.Errorf("%s: exit code (-want +got):\n%s", cause.Key, diff)
			}
		}
	})

	t.Run("a service's stopped tasks are only its own", func(t *testing.T) {
		tasks, err := c.ECS.StoppedTasks(ctx, fakeaws.DemoCluster, "demo-shop-prod-worker")
		mustNoError(t, err)
		if len(tasks) == 0 {
			t.Fatal("no stopped tasks")
		}
		for _, task := range tasks {
			if task.Group != "service:demo-shop-prod-worker" {
				t.Errorf("task %s of %s", task.ID, task.Group)
			}
		}
	})

	t.Run("a cluster that does not exist is an error, not an empty list", func(t *testing.T) {
		_, err := c.ECS.Services(ctx, uniqueName("no-cluster"))
		if err == nil {
			t.Error("no error")
		}
	})
}

func exit(n int) *int { return &n }

func TestECSStoppedTasksPagesAndBatches(t *testing.T) {
	srv := startFake(t, fakeaws.New())
	c := fakeClients(t, srv, 10*time.Second)
	cluster := uniqueName("cluster")
	service := srv.SeedServices(cluster, 1)[0]
	want := srv.SeedStoppedTasks(cluster, service, 250)
	srv.SeedStoppedTasks(cluster, srv.SeedServices(cluster, 2)[1], 5) // another service's

	tasks, err := c.ECS.StoppedTasks(context.Background(), cluster, service)
	mustNoError(t, err)
	var got []string
	for _, task := range tasks {
		got = append(got, task.ID)
	}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("task ids (-want +got):\n%s", diff)
	}
	if n := len(srv.CallsTo("ListTasks")); n < 3 {
		t.Errorf("%d ListTasks calls for 250 tasks, want at least 3 pages", n)
	}
	if n := len(srv.CallsTo("DescribeTasks")); n != 3 {
		t.Errorf("%d DescribeTasks calls for 250 tasks, want 3", n)
	}
}

func TestECR(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()

	t.Run("repositories are listed by name", func(t *testing.T) {
		got, err := c.ECR.Repositories(ctx)
		mustNoError(t, err)
		var gotNames []string
		for _, r := range got {
			gotNames = append(gotNames, r.Name)
			if r.URI != srv.RepositoryURI(r.Name) || r.RegistryID != srv.Account() || r.ARN == "" {
				t.Errorf("repository = %+v", r)
			}
		}
		if diff := cmp.Diff([]string{"demo-shop", "demo-shop-nginx"}, gotNames); diff != "" {
			t.Errorf("repositories (-want +got):\n%s", diff)
		}
	})

	t.Run("tags are listed newest first", func(t *testing.T) {
		got, err := c.ECR.Tags(ctx, "demo-shop")
		mustNoError(t, err)
		var tags [][]string
		for _, img := range got {
			tags = append(tags, img.Tags)
			if !strings.HasPrefix(img.Digest, "sha256:") || img.SizeBytes <= 0 {
				t.Errorf("image = %+v", img)
			}
		}
		want := [][]string{{"1.5.0-arm64"}, {"1.4.2", "latest"}, {"1.4.1"}, {"1.4.0"}, nil}
		if diff := cmp.Diff(want, tags, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("tags (-want +got):\n%s", diff)
		}
	})

	t.Run("a repository that does not exist is not found", func(t *testing.T) {
		_, err := c.ECR.Tags(ctx, uniqueName("repo"))
		if !errors.Is(err, aws.KindNotFound) {
			t.Errorf("err = %v, want KindNotFound", err)
		}
	})

	uri := srv.RepositoryURI("demo-shop")
	for _, tc := range []struct {
		name string
		ref  string
		want aws.ImageCheck
	}{
		{"an existing tag exists", uri + ":1.4.2", aws.ImageCheck{Checked: true, Exists: true}},
		{"a reference without a tag means latest, which exists", uri, aws.ImageCheck{Checked: true, Exists: true}},
		{"a missing tag does not exist", uri + ":1.4.3", aws.ImageCheck{Checked: true, Reason: "no image 1.4.3 in repository demo-shop"}},
		{"a missing repository does not exist", srv.RepositoryURI("no-such-repo") + ":1", aws.ImageCheck{Checked: true, Reason: "no repository no-such-repo in account " + srv.Account()}},
		{"a Docker Hub image cannot be checked", "docker.io/demoshop/demo-shop:1.4.0", aws.ImageCheck{Reason: "not an ECR image; only images in ECR can be checked"}},
		{"an image in another Region cannot be checked", "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-shop:1.4.2", aws.ImageCheck{Reason: "the image is in us-east-1, ecswiz is talking to " + srv.Region()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.ECR.ImageExists(ctx, tc.ref)
			mustNoError(t, err)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ImageExists(%s) (-want +got):\n%s", tc.ref, diff)
			}
		})
	}
}

func TestLogs(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()

	for _, tc := range []struct {
		name, group string
		want        bool
	}{
		{"the dev group exists", "/ecs/demo-shop-dev", true},
		{"the prod worker's group is missing", "/ecs/demo-shop-prod-worker", false},
		{"a prefix of an existing group is not that group", "/ecs/demo-shop", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Logs.GroupExists(ctx, tc.group)
			mustNoError(t, err)
			if got != tc.want {
				t.Errorf("GroupExists(%s) = %v, want %v", tc.group, got, tc.want)
			}
		})
	}

	t.Run("a created group exists, and creating it again is fine", func(t *testing.T) {
		group := "/ecs/" + uniqueName("group")
		mustNoError(t, c.Logs.CreateGroup(ctx, group, 30))
		mustNoError(t, c.Logs.CreateGroup(ctx, group, 14))
		ok, err := c.Logs.GroupExists(ctx, group)
		mustNoError(t, err)
		if !ok {
			t.Error("the group does not exist")
		}
		var days []int
		for _, call := range srv.CallsTo("PutRetentionPolicy") {
			days = append(days, call.Int("retentionInDays"))
		}
		if diff := cmp.Diff([]int{30, 14}, days); diff != "" {
			t.Errorf("retention (-want +got):\n%s", diff)
		}
	})

	var oom fakeaws.DemoCause
	for _, cause := range fakeaws.DemoCauses() {
		if cause.Key == "out-of-memory" {
			oom = cause
		}
	}
	if oom.LogStream == "" {
		t.Fatal("the demo has no out-of-memory cause with a log stream")
	}

	t.Run("tail gives the stream's lines oldest first, then next gives a new line", func(t *testing.T) {
		lines, token, err := c.Logs.Tail(ctx, oom.LogGroup, oom.LogStream, 100)
		mustNoError(t, err)
		if len(lines) < 3 || lines[0].Message != "[1] [INFO] Starting gunicorn 22.0.0" ||
			lines[len(lines)-1].Message != "INFO orders.admin Export progress: 100000/184223 rows buffered" {
			t.Fatalf("lines = %+v", lines)
		}
		if !slices.IsSortedFunc(lines, func(a, b aws.LogLine) int { return a.Time.Compare(b.Time) }) {
			t.Error("lines are not oldest first")
		}

		last3, _, err := c.Logs.Tail(ctx, oom.LogGroup, oom.LogStream, 3)
		mustNoError(t, err)
		if diff := cmp.Diff(lines[len(lines)-3:], last3); diff != "" {
			t.Errorf("tail of 3 (-want +got):\n%s", diff)
		}

		nothing, same, err := c.Logs.Next(ctx, oom.LogGroup, oom.LogStream, token)
		mustNoError(t, err)
		if len(nothing) != 0 || same != token {
			t.Errorf("next on an idle stream = %+v, token changed %v", nothing, same != token)
		}

		at := time.Now().Truncate(time.Millisecond)
		srv.PutLogEvents(oom.LogGroup, oom.LogStream, fakeaws.LogEvent{Timestamp: at, Message: "a new line"})
		got, next, err := c.Logs.Next(ctx, oom.LogGroup, oom.LogStream, token)
		mustNoError(t, err)
		if diff := cmp.Diff([]aws.LogLine{{Time: at, Message: "a new line"}}, got, cmpopts.EquateApproxTime(time.Millisecond)); diff != "" {
			t.Errorf("next (-want +got):\n%s", diff)
		}
		again, _, err := c.Logs.Next(ctx, oom.LogGroup, oom.LogStream, next)
		mustNoError(t, err)
		if len(again) != 0 {
			t.Errorf("the line came twice: %+v", again)
		}
	})

	t.Run("a stream that does not exist is not found", func(t *testing.T) {
		_, _, err := c.Logs.Tail(ctx, oom.LogGroup, uniqueName("stream"), 10)
		if !errors.Is(err, aws.KindNotFound) {
			t.Errorf("err = %v, want KindNotFound", err)
		}
	})
}

func TestIAMAndSTS(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()
	roleARN := func(name string) string { return fmt.Sprintf("arn:aws:iam::%s:role/%s", srv.Account(), name) }

	t.Run("task roles are the roles ECS tasks may assume", func(t *testing.T) {
		roles, err := c.IAM.TaskRoles(ctx)
		mustNoError(t, err)
		var got []string
		for _, r := range roles {
			got = append(got, r.Name)
			if r.ARN != roleARN(r.Name) {
				t.Errorf("role %s has ARN %s", r.Name, r.ARN)
			}
		}
		want := []string{
			"demo-shop-dev-ecs-task", "demo-shop-dev-ecs-task-execution",
			"demo-shop-prod-ecs-task", "demo-shop-prod-ecs-task-execution",
			"ecsTaskExecutionRole",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("task roles (-want +got):\n%s", diff)
		}
	})

	parameterARNs := func(env string) []string {
		ps, _, err := c.Parameters.List(ctx, "/demo-shop/"+env, nil)
		mustNoError(t, err)
		var arns []string
		for _, p := range ps {
			arns = append(arns, p.ARN)
		}
		return arns
	}
	keys := []string{fmt.Sprintf("arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab", srv.Region(), srv.Account())}

	t.Run("the dev execution role can read the dev parameters", func(t *testing.T) {
		got, err := c.IAM.CanReadParameters(ctx, roleARN("demo-shop-dev-ecs-task-execution"), parameterARNs("dev"), keys)
		mustNoError(t, err)
		if diff := cmp.Diff(aws.CheckResult{Status: aws.CheckOK}, got); diff != "" {
			t.Errorf("check (-want +got):\n%s", diff)
		}
	})

	t.Run("the prod execution role cannot read the prod parameters", func(t *testing.T) {
		arns := parameterARNs("prod")
		got, err := c.IAM.CanReadParameters(ctx, roleARN("demo-shop-prod-ecs-task-execution"), arns, keys)
		mustNoError(t, err)
		var want []aws.Denial
		for _, arn := range arns {
			want = append(want, aws.Denial{Action: "ssm:GetParameters", Resource: arn, Decision: "implicitDeny"})
		}
		if diff := cmp.Diff(aws.CheckResult{Status: aws.CheckFail, Denied: want}, got); diff != "" {
			t.Errorf("check (-want +got):\n%s", diff)
		}
	})

	t.Run("the caller is in the demo account", func(t *testing.T) {
		got, err := c.STS.Caller(ctx)
		mustNoError(t, err)
		if got.Account != "123456789012" || got.ARN == "" {
			t.Errorf("caller = %+v", got)
		}
	})
}

func TestFaults(t *testing.T) {
	t.Run("throttled calls are retried and the listing succeeds", func(t *testing.T) {
		t.Parallel()
		srv, c := demoAccount(t)
		srv.Fail("DescribeParameters", "ThrottlingException", "Rate exceeded", fakeaws.Times(2))
		got, _, err := c.Parameters.List(context.Background(), "/demo-shop/dev", nil)
		mustNoError(t, err)
		if len(got) != 12 {
			t.Errorf("%d parameters, want 12", len(got))
		}
		var codes []string
		for _, call := range srv.CallsTo("DescribeParameters") {
			codes = append(codes, call.ErrorCode)
		}
		if diff := cmp.Diff([]string{"ThrottlingException", "ThrottlingException", ""}, codes); diff != "" {
			t.Errorf("DescribeParameters outcomes (-want +got):\n%s", diff)
		}
	})

	t.Run("many concurrent calls under a token bucket all end without error", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, fakeaws.NewDemo(fakeaws.WithThrottle(fakeaws.Throttle{
			Service: fakeaws.ServiceSSM, Operations: []string{"GetParameters"}, Rate: 40, Burst: 8,
		})))
		c := fakeClients(t, srv, 10*time.Second)
		var refs []string
		for _, env := range []string{"dev", "prod"} {
			for _, s := range model.RequiredSecrets(model.Spec{AppName: "demo-shop", Environment: env}) {
				refs = append(refs, s.ValueFrom)
			}
		}
		for i := range 34 {
			refs = append(refs, fmt.Sprintf("/demo-shop/dev/extra-%02d", i))
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				got, err := c.Parameters.Exist(context.Background(), refs)
				if err == nil && (!got["/demo-shop/dev/redis/host"] || got["/demo-shop/prod/redis/host"]) {
					err = fmt.Errorf("wrong answer: %v", got)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		mustNoError(t, errors.Join(errs...))
		throttled := 0
		for _, call := range srv.CallsTo("GetParameters") {
			if call.ErrorCode == "ThrottlingException" {
				throttled++
			}
		}
		if throttled == 0 {
			t.Error("nothing was throttled: the test did not test throttling")
		}
	})

	t.Run("access denied on a part of a prefix gives the rest and a warning", func(t *testing.T) {
		srv := startFake(t, fakeaws.New())
		c := fakeClients(t, srv, 10*time.Second)
		prefix := "/" + uniqueName("partly")
		all := srv.SeedParameters(prefix, 300)
		denied := prefix + "/search" // beyond the first page of the prefix
		var (
			mu           sync.Mutex
			deniedValues []string
		)
		srv.Fail("DescribeParameters", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ssm:DescribeParameters",
			fakeaws.When(func(call fakeaws.Call) bool {
				values := nameFilterValues(call)
				for _, v := range values {
					if strings.HasPrefix(denied, v) {
						mu.Lock()
						deniedValues = values
						mu.Unlock()
						return true
					}
				}
				return false
			}))
		got, warnings, err := c.Parameters.List(context.Background(), prefix, nil)
		mustNoError(t, err)
		mu.Lock()
		isDenied := func(n string) bool {
			return slices.ContainsFunc(deniedValues, func(v string) bool { return strings.HasPrefix(n, v) })
		}
		mu.Unlock()
		// Every name outside the denied partition is there; names inside it may be too,
		// when the first page of the whole prefix (the probe) already held them.
		var missing []string
		for _, n := range all {
			if !slices.Contains(names(got), n) {
				missing = append(missing, n)
			}
		}
		if len(missing) == 0 {
			t.Fatal("nothing is missing: the test does not test a partial denial")
		}
		for _, n := range missing {
			if !isDenied(n) {
				t.Errorf("%s is missing but was not denied", n)
			}
		}
		if !slices.ContainsFunc(missing, func(n string) bool { return strings.HasPrefix(n, denied) }) {
			t.Errorf("no name under %s is missing", denied)
		}
		if diff := cmp.Diff(all, names(got), cmpopts.IgnoreSliceElements(func(n string) bool { return slices.Contains(missing, n) })); diff != "" {
			t.Errorf("names beside the denied ones (-want +got):\n%s", diff)
		}
		if len(warnings) != 1 {
			t.Fatalf("warnings = %v, want 1", warnings)
		}
		w := warnings[0]
		if !strings.Contains(w.Part, "parameters beginning with "+prefix+"/") || !errors.Is(w.Err, aws.KindAccessDenied) ||
			!strings.Contains(w.String(), "ssm:DescribeParameters") {
			t.Errorf("warning = %s", w)
		}
	})

	for _, tc := range []struct {
		name  string
		match func(fakeaws.Call) bool
	}{
		{"access denied on every call is an error with a hint", nil},
		{"access denied on every partition is an error with a hint", func(call fakeaws.Call) bool { return len(nameFilterValues(call)) > 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, fakeaws.New())
			c := fakeClients(t, srv, 10*time.Second)
			prefix := "/" + uniqueName("denied")
			srv.SeedParameters(prefix, 120)
			var opts []fakeaws.FaultOption
			if tc.match != nil {
				opts = append(opts, fakeaws.When(tc.match))
			}
			srv.Fail("DescribeParameters", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ssm:DescribeParameters", opts...)
			got, warnings, err := c.Parameters.List(context.Background(), prefix, nil)
			if !errors.Is(err, aws.KindAccessDenied) {
				t.Fatalf("List = %d parameters, %v, %v; want KindAccessDenied", len(got), warnings, err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.Contains(msg, "hint:") || !strings.Contains(msg, "ssm:DescribeParameters") || !strings.Contains(msg, prefix) {
				t.Errorf("message = %q, want one line naming the prefix and the action, with a hint", msg)
			}
		})
	}

	t.Run("a hung call is cancelled after the call timeout", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, fakeaws.NewDemo())
		c := fakeClients(t, srv, 300*time.Millisecond)
		srv.Hang("DescribeParameters")
		start := time.Now()
		_, _, err := c.Parameters.List(context.Background(), "/demo-shop/dev", nil)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("took %v, want well under 2s", took)
		}
		var te *aws.TimeoutError
		if !errors.Is(err, aws.KindNetwork) || !errors.As(err, &te) {
			t.Errorf("err = %v, want KindNetwork from a TimeoutError", err)
		}
	})

	t.Run("a cancelled context returns promptly", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, fakeaws.NewDemo())
		c := fakeClients(t, srv, 10*time.Second)
		srv.Hang("*")
		calls := map[string]func(context.Context) error{
			"list parameters": func(ctx context.Context) error {
				_, _, err := c.Parameters.List(ctx, "/demo-shop/dev", nil)
				return err
			},
			"check parameters": func(ctx context.Context) error {
				_, err := c.Parameters.Exist(ctx, []string{"/demo-shop/dev/redis/host"})
				return err
			},
			"stopped tasks": func(ctx context.Context) error {
				_, err := c.ECS.StoppedTasks(ctx, fakeaws.DemoCluster, "")
				return err
			},
			"caller": func(ctx context.Context) error {
				_, err := c.STS.Caller(ctx)
				return err
			},
		}
		for name, call := range calls {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			err := call(ctx)
			cancel()
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("%s: took %v after cancelling", name, took)
			}
			if !errors.Is(err, aws.KindCancelled) && !errors.Is(err, context.Canceled) {
				t.Errorf("%s: err = %v, want cancelled", name, err)
			}
		}
	})
}

func TestMissingCredentialsSayHowToFixThem(t *testing.T) {
	srv := startFake(t, fakeaws.NewDemo())
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	mustNoError(t, os.WriteFile(empty, nil, 0o600))
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION",
	} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("HOME", dir)

	c, err := aws.Load(context.Background(), aws.Options{
		Region: srv.Region(), EndpointURL: srv.URL(), CallTimeout: 5 * time.Second,
		Getenv: func(string) string { return "" }, HomeDir: dir,
	})
	mustNoError(t, err)
	start := time.Now()
	_, err = c.STS.Caller(context.Background())
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %v", took)
	}
	if !errors.Is(err, aws.KindNoCredentials) {
		t.Fatalf("err = %v, want KindNoCredentials", err)
	}
	var e *aws.Error
	if !errors.As(err, &e) || !strings.Contains(e.Hint(), "aws configure") || !strings.Contains(e.Hint(), "--profile") {
		t.Errorf("hint = %q", e.Hint())
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("not one line: %q", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls reached AWS without credentials", n)
	}
}
