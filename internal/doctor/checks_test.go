package doctor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// The checks run against fakeaws's demo account (see fakeaws/demo.go) through the real
// adapters and SDK clients, so a fault injected on an operation reaches a check as AWS
// would deliver it.

// demo starts a fresh demo account and returns it with a Checker on it.
func demo(t *testing.T) (*fakeaws.Server, *aws.Clients, *doctor.Checker) {
	t.Helper()
	srv := fakeaws.NewDemo()
	clients := awstest.Start(t, srv)
	return srv, clients, checkerOn(clients, srv)
}

func checkerOn(clients *aws.Clients, srv *fakeaws.Server) *doctor.Checker {
	return &doctor.Checker{
		Parameters: clients.Parameters, Images: clients.ECR, Logs: clients.Logs, Roles: clients.IAM,
		Region: srv.Region(), Account: srv.Account(),
	}
}

// described is a demo revision as describe-task-definition prints it.
func described(t *testing.T, clients *aws.Clients, ref string) []byte {
	t.Helper()
	doc, err := clients.ECS.DescribeTaskDefinition(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const (
	demoImage   = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:"
	devRole     = "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution"
	prodRole    = "arn:aws:iam::123456789012:role/demo-shop-prod-ecs-task-execution"
	demoSecrets = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:demo-shop/dev/stripe-Ab12Cd"
)

// document is the RegisterTaskDefinition request of a demo-shop dev spec that passes
// every check, with editSpec applied to the spec and then editTD to the task definition.
func document(t *testing.T, editSpec func(*model.Spec), editTD func(*taskdef.TaskDefinition)) []byte {
	t.Helper()
	s := model.NewSpec()
	s.AppName, s.Environment, s.ContainerName = "demo-shop", "dev", "demo-shop"
	s.ContainerImage = demoImage + "1.4.2"
	s.ExecutionRoleARN = devRole
	s.LogGroupName = "/ecs/demo-shop-dev"
	s.AWSRegion = "eu-west-2"
	if editSpec != nil {
		editSpec(&s)
	}
	td, err := model.Build(s, "eu-west-2")
	if err != nil {
		t.Fatal(err)
	}
	if editTD != nil {
		editTD(&td)
	}
	return model.RenderJSON(td)
}

// outcome is the part of a result a test pins; the message is matched by a substring.
type outcome struct {
	Status doctor.Status
	Field  string
}

func resultOf(t *testing.T, results []doctor.Result, name string) doctor.Result {
	t.Helper()
	for _, r := range results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for check %q in %v", name, results)
	return doctor.Result{}
}

func expect(t *testing.T, got doctor.Result, want outcome, message string) {
	t.Helper()
	if diff := cmp.Diff(want, outcome{got.Status, got.Field}); diff != "" {
		t.Errorf("check %s (-want +got):\n%s\nmessage: %s\nhint: %s", got.Name, diff, got.Message, got.Hint)
	}
	if !strings.Contains(got.Message, message) {
		t.Errorf("check %s: message %q does not contain %q", got.Name, got.Message, message)
	}
}

func statuses(results []doctor.Result) map[string]doctor.Status {
	out := map[string]doctor.Status{}
	for _, r := range results {
		out[r.Name] = r.Status
	}
	return out
}

// checkNames are the checks in the order Run returns them.
var checkNames = []string{
	doctor.CheckSizing, doctor.CheckImage, doctor.CheckSecrets, doctor.CheckRole,
	doctor.CheckLogGroup, doctor.CheckWritableTmp, doctor.CheckPortUser, doctor.CheckSpec,
}

// allOK is every check passing, with the exceptions given.
func allOK(except map[string]doctor.Status) map[string]doctor.Status {
	out := map[string]doctor.Status{}
	for _, n := range checkNames {
		out[n] = doctor.StatusOK
	}
	for n, s := range except {
		out[n] = s
	}
	return out
}

func TestRunReturnsEveryCheckInOrder(t *testing.T) {
	_, clients, checker := demo(t)
	want := checkNames
	for _, doc := range [][]byte{described(t, clients, "demo-shop-dev:4"), []byte(`{"not": "a task definition"}`), []byte("{")} {
		results := checker.Run(context.Background(), doc)
		var got []string
		for _, r := range results {
			got = append(got, r.Name)
			if r.Title == "" {
				t.Errorf("check %s has title %q", r.Name, r.Title)
			}
			if r.Message == "" {
				t.Errorf("check %s has no message", r.Name)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Run on %.30s (-want +got):\n%s", doc, diff)
		}
	}
}

func TestDemoRevisions(t *testing.T) {
	_, clients, checker := demo(t)
	tests := []struct {
		name string
		ref  string
		want map[string]doctor.Status
	}{
		{"the dev revision the service runs passes every check", "demo-shop-dev:4", allOK(nil)},
		{"a tag that was never pushed fails the image check", "demo-shop-dev:2",
			allOK(map[string]doctor.Status{doctor.CheckImage: doctor.StatusFail})},
		{"an arm64-only image on X86_64 fails the image check", "demo-shop-dev:3",
			allOK(map[string]doctor.Status{doctor.CheckImage: doctor.StatusFail})},
		{"prod lacks two parameters and its role may not read any", "demo-shop-prod:3",
			allOK(map[string]doctor.Status{doctor.CheckSecrets: doctor.StatusFail, doctor.CheckRole: doctor.StatusFail})},
		{"a Docker Hub image cannot be checked", "demo-shop-prod-worker:1",
			allOK(map[string]doctor.Status{doctor.CheckImage: doctor.StatusSkip, doctor.CheckSecrets: doctor.StatusFail, doctor.CheckRole: doctor.StatusFail})},
		{"a log group that does not exist fails the log-group check", "demo-shop-prod-worker:2",
			allOK(map[string]doctor.Status{doctor.CheckLogGroup: doctor.StatusFail, doctor.CheckSecrets: doctor.StatusFail, doctor.CheckRole: doctor.StatusFail})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := checker.Run(context.Background(), described(t, clients, tt.ref))
			if diff := cmp.Diff(tt.want, statuses(results)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s\n%v", diff, results)
			}
		})
	}

	t.Run("the failures say what is wrong and which variable fixes it", func(t *testing.T) {
		dev2 := checker.Run(context.Background(), described(t, clients, "demo-shop-dev:2"))
		expect(t, resultOf(t, dev2, doctor.CheckImage), outcome{doctor.StatusFail, "container_image"}, "no image 1.4.3 in repository demo-shop")

		dev3 := checker.Run(context.Background(), described(t, clients, "demo-shop-dev:3"))
		expect(t, resultOf(t, dev3, doctor.CheckImage), outcome{doctor.StatusFail, "cpu_architecture"}, "built for arm64 only; the task runs on X86_64 (linux/amd64)")

		prod := checker.Run(context.Background(), described(t, clients, "demo-shop-prod:3"))
		expect(t, resultOf(t, prod, doctor.CheckSecrets), outcome{doctor.StatusFail, "parameter_store_prefix"},
			"2 of 6 parameters missing: DATABASE_USER (/demo-shop/prod/database/username), REDIS_HOST (/demo-shop/prod/redis/host)")
		role := resultOf(t, prod, doctor.CheckRole)
		expect(t, role, outcome{doctor.StatusFail, "execution_role_arn"}, "demo-shop-prod-ecs-task-execution may not read 6 of 6 parameters with ssm:GetParameters")
		if !strings.Contains(role.Hint, "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/prod/*") {
			t.Errorf("role hint %q does not name the parameters' path", role.Hint)
		}

		worker := checker.Run(context.Background(), described(t, clients, "demo-shop-prod-worker:2"))
		expect(t, resultOf(t, worker, doctor.CheckLogGroup), outcome{doctor.StatusFail, "log_group_name"}, "log group /ecs/demo-shop-prod-worker does not exist")

		hub := checker.Run(context.Background(), described(t, clients, "demo-shop-prod-worker:1"))
		expect(t, resultOf(t, hub, doctor.CheckImage), outcome{doctor.StatusSkip, "container_image"}, "not an ECR image")
	})

	t.Run("a Secrets Manager secret is left to the role and said so", func(t *testing.T) {
		prod1 := checker.Run(context.Background(), described(t, clients, "demo-shop-prod:1"))
		expect(t, resultOf(t, prod1, doctor.CheckSecrets), outcome{doctor.StatusFail, "parameter_store_prefix"}, "1 Secrets Manager secret not checked here")
		expect(t, resultOf(t, prod1, doctor.CheckRole), outcome{doctor.StatusFail, "execution_role_arn"}, "1 Secrets Manager secret not simulated")
	})
}

func TestEveryDocumentShapeGivesTheSameResults(t *testing.T) {
	_, clients, checker := demo(t)
	doc := described(t, clients, "demo-shop-prod:3")
	var wrapper struct {
		TaskDefinition json.RawMessage `json:"taskDefinition"`
	}
	if err := json.Unmarshal(doc, &wrapper); err != nil {
		t.Fatal(err)
	}
	td, err := doctor.ParseTaskDefinition(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := checker.Run(context.Background(), doc)
	for name, shape := range map[string][]byte{
		"the bare task definition":         wrapper.TaskDefinition,
		"a RegisterTaskDefinition request": model.RenderJSON(td),
	} {
		got := checker.Run(context.Background(), shape)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-described +got):\n%s", name, diff)
		}
	}
}

func TestChecksPassAndFail(t *testing.T) {
	_, _, checker := demo(t)
	tmpVolume := func(s *model.Spec) {
		s.ReadonlyRootFilesystem = true
		s.Volumes = []model.Volume{{Name: "tmp"}}
		s.MountPoints = []model.MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
	}
	sidecar := func(image string) func(*taskdef.TaskDefinition) {
		return func(td *taskdef.TaskDefinition) {
			td.ContainerDefinitions = append(td.ContainerDefinitions, taskdef.ContainerDefinition{
				Name: "nginx", Image: image, Essential: false,
			})
		}
	}
	tests := []struct {
		name     string
		editSpec func(*model.Spec)
		editTD   func(*taskdef.TaskDefinition)
		check    string
		want     outcome
		message  string
	}{
		{name: "a valid size passes", check: doctor.CheckSizing,
			want: outcome{doctor.StatusOK, "task_cpu"}, message: "512 CPU / 1024 MiB is a valid Fargate size"},
		{name: "a memory the CPU does not allow fails with the nearest valid ones",
			editSpec: func(s *model.Spec) { s.TaskMemory = "8192" }, check: doctor.CheckSizing,
			want: outcome{doctor.StatusFail, "task_memory"}, message: "8192 MiB is not a Fargate size for 512 CPU"},
		{name: "a CPU Fargate does not offer fails",
			editSpec: func(s *model.Spec) { s.TaskCPU = "384" }, check: doctor.CheckSizing,
			want: outcome{doctor.StatusFail, "task_cpu"}, message: "384 CPU is not a Fargate size"},
		{name: "the API's vCPU and GB forms are valid sizes",
			editTD: func(td *taskdef.TaskDefinition) { td.CPU, td.Memory = "1 vCPU", "2GB" }, check: doctor.CheckSizing,
			want: outcome{doctor.StatusOK, "task_cpu"}, message: "1024 CPU / 2048 MiB"},

		{name: "an image of a single platform exists with its architecture unknown",
			editSpec: func(s *model.Spec) { s.ContainerImage = demoImage + "1.4.2" }, check: doctor.CheckImage,
			want: outcome{doctor.StatusOK, "container_image"}, message: "exists"},
		{name: "a multi-platform image runs on ARM64",
			editSpec: func(s *model.Spec) { s.ContainerImage, s.CPUArchitecture = demoImage+"1.4.0", "ARM64" }, check: doctor.CheckImage,
			want: outcome{doctor.StatusOK, "container_image"}, message: "exists and runs on linux/arm64"},
		{name: "an arm64-only image runs on ARM64",
			editSpec: func(s *model.Spec) { s.ContainerImage, s.CPUArchitecture = demoImage+"1.5.0-arm64", "ARM64" }, check: doctor.CheckImage,
			want: outcome{doctor.StatusOK, "container_image"}, message: "runs on linux/arm64"},
		{name: "an image by a digest that does not exist fails",
			editSpec: func(s *model.Spec) {
				s.ContainerImage = demoImage[:len(demoImage)-1] + "@sha256:" + strings.Repeat("0", 64)
			}, check: doctor.CheckImage,
			want: outcome{doctor.StatusFail, "container_image"}, message: "does not exist"},
		{name: "a repository that does not exist fails",
			editSpec: func(s *model.Spec) { s.ContainerImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/nothing:1" }, check: doctor.CheckImage,
			want: outcome{doctor.StatusFail, "container_image"}, message: "no repository nothing"},
		{name: "an image in another Region cannot be checked",
			editSpec: func(s *model.Spec) { s.ContainerImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-shop:1.4.2" }, check: doctor.CheckImage,
			want: outcome{doctor.StatusSkip, "container_image"}, message: "the image is in us-east-1"},
		{name: "a sidecar's missing image fails, naming the sidecar",
			editTD: sidecar(demoImage[:len(demoImage)-len("demo-shop:")] + "demo-shop-nginx:9.9"), check: doctor.CheckImage,
			want: outcome{doctor.StatusFail, "container_image"}, message: `container "nginx": `},
		{name: "a sidecar from another registry is noted, not failed",
			editTD: sidecar("public.ecr.aws/nginx/nginx:1.27"), check: doctor.CheckImage,
			want: outcome{doctor.StatusOK, "container_image"}, message: `container "nginx" not checked (not an ECR image`},

		{name: "every parameter of the dev secrets exists", check: doctor.CheckSecrets,
			want: outcome{doctor.StatusOK, "parameter_store_prefix"}, message: "6 parameters exist"},
		{name: "a missing parameter of an extra secret fails on secrets_from_parameter_store",
			editSpec: func(s *model.Spec) {
				s.SecretsFromParameterStore = map[string]string{"SENTRY_DSN": "/demo-shop/dev/sentry/nope"}
			}, check: doctor.CheckSecrets,
			want: outcome{doctor.StatusFail, "secrets_from_parameter_store"}, message: "1 of 7 parameters missing: SENTRY_DSN (/demo-shop/dev/sentry/nope)"},
		{name: "a parameter given by its ARN is checked",
			editSpec: func(s *model.Spec) {
				s.SecretsFromParameterStore = map[string]string{
					"SENTRY_DSN": "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/sentry/dsn",
					"STRIPE_KEY": "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/stripe/gone",
				}
			}, check: doctor.CheckSecrets,
			want: outcome{doctor.StatusFail, "secrets_from_parameter_store"}, message: "1 of 8 parameters missing: STRIPE_KEY (arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/stripe/gone)"},
		{name: "a parameter in another Region is not checked and said so",
			editSpec: func(s *model.Spec) {
				s.SecretsFromParameterStore = map[string]string{"X": "arn:aws:ssm:us-east-1:123456789012:parameter/x"}
			}, check: doctor.CheckSecrets,
			want: outcome{doctor.StatusOK, "parameter_store_prefix"}, message: "1 parameter in another Region not checked"},
		{name: "a task without secrets has nothing to check",
			editTD: func(td *taskdef.TaskDefinition) { td.ContainerDefinitions[0].Secrets = nil }, check: doctor.CheckSecrets,
			want: outcome{doctor.StatusOK, "parameter_store_prefix"}, message: "no secrets"},
		{name: "only Secrets Manager secrets cannot be checked here",
			editTD: func(td *taskdef.TaskDefinition) {
				td.ContainerDefinitions[0].Secrets = []taskdef.Secret{{Name: "STRIPE", ValueFrom: demoSecrets}}
			}, check: doctor.CheckSecrets,
			want: outcome{doctor.StatusSkip, "secrets_from_parameter_store"}, message: "1 Secrets Manager secret not checked here"},

		{name: "the dev role may read the dev parameters", check: doctor.CheckRole,
			want: outcome{doctor.StatusOK, "execution_role_arn"}, message: "may read the 6 parameters"},
		{name: "the prod role may not read parameters",
			editSpec: func(s *model.Spec) { s.ExecutionRoleARN = prodRole }, check: doctor.CheckRole,
			want: outcome{doctor.StatusFail, "execution_role_arn"}, message: "may not read 6 of 6 parameters"},
		{name: "the dev role may not read another app's parameter",
			editSpec: func(s *model.Spec) {
				s.SecretsFromParameterStore = map[string]string{"OTHER": "/other-app/prod/database/password"}
			}, check: doctor.CheckRole,
			want: outcome{doctor.StatusFail, "execution_role_arn"}, message: "may not read 1 of 7 parameters with ssm:GetParameters (no policy of the role allows it): /other-app/prod/database/password"},
		{name: "secrets without an execution role fail",
			editTD: func(td *taskdef.TaskDefinition) { td.ExecutionRoleArn = "" }, check: doctor.CheckRole,
			want: outcome{doctor.StatusFail, "execution_role_arn"}, message: "no execution role"},
		{name: "a role of another account fails, naming both accounts",
			editSpec: func(s *model.Spec) {
				s.ExecutionRoleARN = "arn:aws:iam::999999999999:role/demo-shop-dev-ecs-task-execution"
			},
			check: doctor.CheckRole,
			want:  outcome{doctor.StatusFail, "execution_role_arn"}, message: "is in account 999999999999, not this one (123456789012)"},
		{name: "a required and an extra secret missing are fixed through the prefix",
			editSpec: func(s *model.Spec) {
				s.ParameterStorePrefix = "/demo-shop/prod"
				s.SecretsFromParameterStore = map[string]string{"SENTRY_DSN": "/demo-shop/prod/sentry/nope"}
			}, check: doctor.CheckSecrets,
			want: outcome{doctor.StatusFail, "parameter_store_prefix"}, message: "3 of 7 parameters missing"},
		{name: "the dev role needs no kms:Decrypt for the AWS managed key",
			check: doctor.CheckRole,
			want:  outcome{doctor.StatusOK, "execution_role_arn"}, message: "use the AWS managed key (alias/aws/ssm), which needs no kms:Decrypt grant"},
		{name: "a role that does not exist fails",
			editSpec: func(s *model.Spec) { s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/gone" }, check: doctor.CheckRole,
			want: outcome{doctor.StatusFail, "execution_role_arn"}, message: "does not exist"},
		{name: "no secrets need no role",
			editTD: func(td *taskdef.TaskDefinition) { td.ContainerDefinitions[0].Secrets, td.ExecutionRoleArn = nil, "" }, check: doctor.CheckRole,
			want: outcome{doctor.StatusOK, "execution_role_arn"}, message: "no secrets to read"},
		{name: "Secrets Manager access is not simulated",
			editTD: func(td *taskdef.TaskDefinition) {
				td.ContainerDefinitions[0].Secrets = []taskdef.Secret{{Name: "STRIPE", ValueFrom: demoSecrets}}
			}, check: doctor.CheckRole,
			want: outcome{doctor.StatusSkip, "execution_role_arn"}, message: "Secrets Manager"},

		{name: "the dev log group exists", check: doctor.CheckLogGroup,
			want: outcome{doctor.StatusOK, "log_group_name"}, message: "log group /ecs/demo-shop-dev exists"},
		{name: "a log group that does not exist fails",
			editSpec: func(s *model.Spec) { s.LogGroupName = "/ecs/nowhere" }, check: doctor.CheckLogGroup,
			want: outcome{doctor.StatusFail, "log_group_name"}, message: "log group /ecs/nowhere does not exist"},
		{name: "a group whose name only begins another's does not exist",
			editSpec: func(s *model.Spec) { s.LogGroupName = "/ecs/demo-shop" }, check: doctor.CheckLogGroup,
			want: outcome{doctor.StatusFail, "log_group_name"}, message: "log group /ecs/demo-shop does not exist"},
		{name: "a group awslogs creates passes with a note",
			editSpec: func(s *model.Spec) { s.LogGroupName = "/ecs/nowhere" },
			editTD: func(td *taskdef.TaskDefinition) {
				td.ContainerDefinitions[0].LogConfiguration.Options["awslogs-create-group"] = "true"
			}, check: doctor.CheckLogGroup,
			want: outcome{doctor.StatusOK, "log_group_name"}, message: "logs:CreateLogGroup"},
		{name: "a group in another Region cannot be checked",
			editSpec: func(s *model.Spec) { s.AWSRegion = "us-east-1" }, check: doctor.CheckLogGroup,
			want: outcome{doctor.StatusSkip, "log_group_name"}, message: "another Region"},
		{name: "a container without awslogs has no group to check",
			editTD: func(td *taskdef.TaskDefinition) { td.ContainerDefinitions[0].LogConfiguration = nil }, check: doctor.CheckLogGroup,
			want: outcome{doctor.StatusOK, "log_group_name"}, message: "nothing to check"},

		{name: "a writable root needs no /tmp volume", check: doctor.CheckWritableTmp,
			want: outcome{doctor.StatusOK, "readonly_root_filesystem"}, message: "writable"},
		{name: "a read-only root with a /tmp volume passes", editSpec: tmpVolume, check: doctor.CheckWritableTmp,
			want: outcome{doctor.StatusOK, "readonly_root_filesystem"}, message: "/tmp is a writable volume"},
		{name: "a read-only root without /tmp fails with the spec's fix",
			editSpec: func(s *model.Spec) { s.ReadonlyRootFilesystem = true }, check: doctor.CheckWritableTmp,
			want: outcome{doctor.StatusFail, "readonly_root_filesystem"}, message: "no volume is mounted at /tmp"},
		{name: "a read-only /tmp mount fails",
			editSpec: func(s *model.Spec) { tmpVolume(s); s.MountPoints[0].ReadOnly = true }, check: doctor.CheckWritableTmp,
			want: outcome{doctor.StatusFail, "readonly_root_filesystem"}, message: "mounted at /tmp read-only"},
		{name: "a /tmp mount of an undeclared volume fails",
			editSpec: func(s *model.Spec) { tmpVolume(s); s.Volumes = nil }, check: doctor.CheckWritableTmp,
			want: outcome{doctor.StatusFail, "readonly_root_filesystem"}, message: "does not declare"},

		{name: "port 8000 as any user passes",
			editSpec: func(s *model.Spec) { s.ContainerUser = "1000:1000" }, check: doctor.CheckPortUser,
			want: outcome{doctor.StatusOK, "container_port"}, message: "no non-root user"},
		{name: "port 80 as a non-root user fails",
			editSpec: func(s *model.Spec) { s.ContainerPort, s.ContainerUser = 80, "app" }, check: doctor.CheckPortUser,
			want: outcome{doctor.StatusFail, "container_port"}, message: `listens on port 80 as user "app"`},
		{name: "port 80 as root passes",
			editSpec: func(s *model.Spec) { s.ContainerPort, s.ContainerUser = 80, "0:0" }, check: doctor.CheckPortUser,
			want: outcome{doctor.StatusOK, "container_port"}, message: "no non-root user"},
		{name: "port 80 as the image's user passes with a note",
			editSpec: func(s *model.Spec) { s.ContainerPort = 80 }, check: doctor.CheckPortUser,
			want: outcome{doctor.StatusOK, "container_port"}, message: "binds only if that is root"},

		{name: "an ecswiz render validates", check: doctor.CheckSpec,
			want: outcome{doctor.StatusOK, ""}, message: "valid"},
		{name: "a spec error fails with its field",
			editSpec: func(s *model.Spec) { s.ContainerUser = "not a user" }, check: doctor.CheckSpec,
			want: outcome{doctor.StatusFail, "container_user"}, message: `1 error: container_user: "not a user" is not a user`},
		{name: "warnings only pass with their count",
			editSpec: func(s *model.Spec) { s.ReadonlyRootFilesystem = true }, check: doctor.CheckSpec,
			want: outcome{doctor.StatusOK, "readonly_root_filesystem"}, message: "valid, with 1 warning"},
		{name: "a second container is said to be outside the spec, not failed",
			editTD: sidecar("public.ecr.aws/nginx/nginx:1.27"), check: doctor.CheckSpec,
			want: outcome{doctor.StatusOK, ""}, message: `validated container "demo-shop" only; "nginx" is not part of a spec`},
		{name: "a document without a family fails the spec check",
			editTD: func(td *taskdef.TaskDefinition) { td.Family = "" }, check: doctor.CheckSpec,
			want: outcome{doctor.StatusFail, ""}, message: "cannot read the task definition: family: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := checker.Run(context.Background(), document(t, tt.editSpec, tt.editTD))
			expect(t, resultOf(t, results, tt.check), tt.want, tt.message)
		})
	}
}

func TestTheRoleCheckSimulatesDecryptWithCustomerKeys(t *testing.T) {
	const (
		keyID    = "1234abcd-12ab-34cd-56ef-1234567890ab"
		keyARN   = "arn:aws:kms:eu-west-2:123456789012:key/" + keyID
		aliasARN = "arn:aws:kms:eu-west-2:123456789012:alias/payments"
	)
	devParameters := fakeaws.Permission{Action: "ssm:GetParameters", Resource: "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/*"}
	tests := []struct {
		name    string
		keyID   string // of the extra parameter
		allow   []fakeaws.Permission
		want    doctor.Status
		message string
		hint    string
	}{
		{"a role without kms:Decrypt on the customer key fails", keyID, []fakeaws.Permission{devParameters}, doctor.StatusFail,
			"may not decrypt with kms:Decrypt on 1 of 1 customer key (no policy of the role allows it): " + keyARN, "Allow kms:Decrypt on " + keyARN},
		{"a role with kms:Decrypt on the key passes", keyID, []fakeaws.Permission{devParameters, {Action: "kms:Decrypt", Resource: keyARN}},
			doctor.StatusOK, "may read the 7 parameters (ssm:GetParameters, simulated) and decrypt them (kms:Decrypt on 1 customer key, simulated", ""},
		{"a key given by its alias is simulated on the alias", "alias/payments", []fakeaws.Permission{devParameters, {Action: "kms:Decrypt", Resource: aliasARN}},
			doctor.StatusOK, "kms:Decrypt on 1 customer key", ""},
		{"a key given by its ARN is simulated as is", keyARN, []fakeaws.Permission{devParameters}, doctor.StatusFail,
			"kms:Decrypt on 1 of 1 customer key (no policy of the role allows it): " + keyARN, "kms:Decrypt"},
		{"a role without either fails on both", keyID, nil, doctor.StatusFail,
			"may not read 7 of 7 parameters with ssm:GetParameters (no policy of the role allows it): /demo-shop/dev/app/django-secret-key, " +
				"/demo-shop/dev/database/host, /demo-shop/dev/database/name and 4 more; no-kms may not decrypt with kms:Decrypt", "Allow ssm:GetParameters on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, checker := demo(t)
			srv.PutParameter(fakeaws.Parameter{Name: "/demo-shop/dev/payments/key", Type: "SecureString", Value: "fake", KeyID: tt.keyID})
			srv.AddRole(fakeaws.Role{Name: "no-kms", TrustedServices: []string{"ecs-tasks.amazonaws.com"}, Allow: tt.allow})
			doc := document(t, func(s *model.Spec) {
				s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/no-kms"
				s.SecretsFromParameterStore = map[string]string{"PAYMENTS_KEY": "/demo-shop/dev/payments/key"}
			}, nil)
			got := resultOf(t, checker.Run(context.Background(), doc), doctor.CheckRole)
			expect(t, got, outcome{tt.want, "execution_role_arn"}, tt.message)
			if !strings.Contains(got.Hint, tt.hint) {
				t.Errorf("hint %q does not say %q", got.Hint, tt.hint)
			}
			if strings.Contains(got.Message, "not simulated") {
				t.Errorf("message %q says decrypt was not simulated", got.Message)
			}
		})
	}
}

// The parameters' keys are read for the kms:Decrypt simulation: when that read fails,
// the role check could do only half its work, so it does not pass; it says which call
// failed and the way on, and a role that fails anyway says it beside its fix.
func TestTheRoleCheckSaysWhyDecryptCouldNotBeChecked(t *testing.T) {
	for _, tt := range []struct{ code, message, reason, hint string }{
		{"AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ssm:DescribeParameters",
			"could not read the parameters' keys (access denied (ssm:DescribeParameters))",
			"Checking kms:Decrypt needs the parameters' keys, read with ssm:DescribeParameters (no value is read): your identity is not allowed ssm:DescribeParameters: use a profile that is, or ask for the permission"},
		{"ThrottlingException", "Rate exceeded", "could not read the parameters' keys (throttled by AWS (ssm:DescribeParameters))",
			"AWS is limiting the request rate: wait a few seconds and try again."},
	} {
		t.Run(tt.code, func(t *testing.T) {
			srv, clients, checker := demo(t)
			srv.Fail("DescribeParameters", tt.code, tt.message)
			dev := resultOf(t, checker.Run(context.Background(), described(t, clients, "demo-shop-dev:4")), doctor.CheckRole)
			expect(t, dev, outcome{doctor.StatusSkip, "execution_role_arn"},
				"could not check kms:Decrypt: "+tt.reason+"; demo-shop-dev-ecs-task-execution may read the 9 parameters (ssm:GetParameters, simulated)")
			if !strings.HasPrefix(dev.Hint, tt.hint) {
				t.Errorf("hint %q does not begin %q", dev.Hint, tt.hint)
			}
			prod := resultOf(t, checker.Run(context.Background(), described(t, clients, "demo-shop-prod:3")), doctor.CheckRole)
			expect(t, prod, outcome{doctor.StatusFail, "execution_role_arn"}, "may not read 6 of 6 parameters with ssm:GetParameters")
			if want := "kms:Decrypt not checked: " + tt.reason; !strings.Contains(prod.Message, want) {
				t.Errorf("message %q does not say %q", prod.Message, want)
			}
			if want := "; to check kms:Decrypt too: " + strings.ToLower(tt.hint[:1]) + strings.TrimSuffix(tt.hint[1:], "."); !strings.Contains(prod.Hint, want) {
				t.Errorf("hint %q does not say %q", prod.Hint, want)
			}
		})
	}
}

func TestTheLogGroupHintNamesTheRegion(t *testing.T) {
	_, _, checker := demo(t)
	got := resultOf(t, checker.Run(context.Background(), document(t, func(s *model.Spec) { s.LogGroupName = "/ecs/nowhere" }, nil)), doctor.CheckLogGroup)
	if want := "aws logs create-log-group --log-group-name /ecs/nowhere --region eu-west-2"; !strings.Contains(got.Hint, want) {
		t.Errorf("hint %q does not say %q", got.Hint, want)
	}
}

// TestEveryHintIsASentence runs the checks on every demo revision, on documents that
// fail each check, and with AWS failing or gone, and holds every hint to the house
// style: a fail or skip always has one, and each begins with a capital and ends with a period.
func TestEveryHintIsASentence(t *testing.T) {
	srv, clients, checker := demo(t)
	var docs [][]byte
	for _, ref := range []string{
		"demo-shop-dev:1", "demo-shop-dev:2", "demo-shop-dev:3", "demo-shop-dev:4",
		"demo-shop-prod:1", "demo-shop-prod:2", "demo-shop-prod:3",
		"demo-shop-prod-worker:1", "demo-shop-prod-worker:2",
	} {
		docs = append(docs, described(t, clients, ref))
	}
	docs = append(docs,
		[]byte(`{"taskDefinition": {"family": "x"}}`),
		document(t, func(s *model.Spec) { s.TaskCPU, s.TaskMemory = "384", "1000" }, nil),
		document(t, func(s *model.Spec) { s.ContainerUser, s.ContainerPort = "app", 80 }, nil),
		document(t, func(s *model.Spec) { s.ReadonlyRootFilesystem = true }, nil),
		document(t, func(s *model.Spec) { s.ExecutionRoleARN = "arn:aws:iam::999999999999:role/x" }, nil),
		document(t, func(s *model.Spec) { s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/gone" }, nil),
		document(t, nil, func(td *taskdef.TaskDefinition) { td.ExecutionRoleArn = "" }),
		document(t, nil, func(td *taskdef.TaskDefinition) { td.Family = "" }),
		document(t, nil, func(td *taskdef.TaskDefinition) { td.CPU = "lots" }),
		document(t, nil, func(td *taskdef.TaskDefinition) {
			td.ContainerDefinitions[0].Secrets = []taskdef.Secret{{Name: "STRIPE", ValueFrom: demoSecrets}}
		}),
	)
	cancelledCtx, cancel := context.WithCancel(context.Background())
	cancel()
	runs := []struct {
		name    string
		checker *doctor.Checker
		ctx     context.Context
	}{
		{"against the demo", checker, context.Background()},
		{"offline", &doctor.Checker{}, context.Background()},
		{"cancelled", checker, cancelledCtx},
	}
	check := func(t *testing.T, results []doctor.Result) {
		t.Helper()
		for _, r := range results {
			if r.Status == doctor.StatusOK && r.Hint == "" {
				continue
			}
			first, _ := utf8.DecodeRuneInString(r.Hint)
			if !unicode.IsUpper(first) || !strings.HasSuffix(r.Hint, ".") {
				t.Errorf("%s %s (%s): hint %q is not a sentence", r.Name, r.Status, r.Message, r.Hint)
			}
		}
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			for _, doc := range docs {
				check(t, run.checker.Run(run.ctx, doc))
			}
		})
	}
	for _, op := range []string{"GetParameters", "DescribeImages", "DescribeLogGroups", "SimulatePrincipalPolicy", "DescribeParameters"} {
		t.Run("with "+op+" failing", func(t *testing.T) {
			srv.Fail(op, "InternalFailure", "We encountered an internal error.", fakeaws.WithStatus(500))
			defer srv.ClearFaults()
			check(t, checker.Run(context.Background(), docs[3]))
		})
	}
}

// An answer that cannot be read skips the check with the way on: try again.
func TestChecksWhoseAnswerCannotBeRead(t *testing.T) {
	for _, f := range []struct{ operation, check string }{
		{"GetParameters", doctor.CheckSecrets},
		{"DescribeImages", doctor.CheckImage},
		{"BatchGetImage", doctor.CheckImage},
		{"DescribeLogGroups", doctor.CheckLogGroup},
		{"SimulatePrincipalPolicy", doctor.CheckRole},
	} {
		t.Run(f.operation+" skips the "+f.check+" check", func(t *testing.T) {
			srv, clients, checker := demo(t)
			srv.Malformed(f.operation, fakeaws.BrokenBody)
			got := resultOf(t, checker.Run(context.Background(), described(t, clients, "demo-shop-dev:4")), f.check)
			if got.Status != doctor.StatusSkip || !strings.Contains(got.Message, f.operation) || !strings.Contains(strings.ToLower(got.Hint), "try again") {
				t.Errorf("%s: %s, hint %q; want a skip naming %s and saying to try again", got.Status, got.Message, got.Hint, f.operation)
			}
		})
	}
}

func TestChecksThatCannotCheck(t *testing.T) {
	faults := []struct {
		operation, action, check string
	}{
		{"GetParameters", "ssm:GetParameters", doctor.CheckSecrets},
		{"DescribeImages", "ecr:DescribeImages", doctor.CheckImage},
		{"BatchGetImage", "ecr:BatchGetImage", doctor.CheckImage},
		{"DescribeLogGroups", "logs:DescribeLogGroups", doctor.CheckLogGroup},
		{"SimulatePrincipalPolicy", "iam:SimulatePrincipalPolicy", doctor.CheckRole},
	}
	errors := []struct {
		name, code, message, reason string
	}{
		{"access denied", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: %s", "access denied (%s)"},
		{"throttled", "ThrottlingException", "Rate exceeded", "throttled by AWS (%s)"},
	}
	for _, f := range faults {
		for _, e := range errors {
			t.Run(fmt.Sprintf("%s on %s skips the %s check", e.name, f.operation, f.check), func(t *testing.T) {
				srv, clients, checker := demo(t)
				code := e.code
				if f.operation == "SimulatePrincipalPolicy" && code == "AccessDeniedException" {
					code = "AccessDenied" // IAM's query protocol spells it so
				}
				if f.operation == "SimulatePrincipalPolicy" && code == "ThrottlingException" {
					code = "Throttling"
				}
				srv.Fail(f.operation, code, fmt.Sprintf(e.message, f.action))
				results := checker.Run(context.Background(), described(t, clients, "demo-shop-dev:4"))
				got := resultOf(t, results, f.check)
				if got.Status != doctor.StatusSkip {
					t.Fatalf("status %s, want skip: %s", got.Status, got.Message)
				}
				if want := "could not check: " + fmt.Sprintf(e.reason, f.action); got.Message != want {
					t.Errorf("message %q, want %q", got.Message, want)
				}
				if e.name == "access denied" && (!strings.Contains(got.Hint, f.action) || !strings.Contains(got.Hint, "ask for the permission")) {
					t.Errorf("hint %q does not name the permission %s to ask for", got.Hint, f.action)
				}
				if e.name == "throttled" && !strings.Contains(got.Hint, "wait") {
					t.Errorf("hint %q does not say to wait", got.Hint)
				}
				want := allOK(map[string]doctor.Status{f.check: doctor.StatusSkip})
				if diff := cmp.Diff(want, statuses(results)); diff != "" {
					t.Errorf("the other checks are affected (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestChecksWithoutAWS(t *testing.T) {
	_, clients, checker := demo(t)
	doc := described(t, clients, "demo-shop-prod:3")
	offlineChecks := map[string]doctor.Status{
		doctor.CheckImage: doctor.StatusSkip, doctor.CheckSecrets: doctor.StatusSkip,
		doctor.CheckRole: doctor.StatusSkip, doctor.CheckLogGroup: doctor.StatusSkip,
	}

	t.Run("nil clients skip the checks that need AWS and run the rest", func(t *testing.T) {
		results := (&doctor.Checker{}).Run(context.Background(), doc)
		if diff := cmp.Diff(allOK(offlineChecks), statuses(results)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		for name := range offlineChecks {
			if r := resultOf(t, results, name); r.Message != "not checked (offline)" {
				t.Errorf("%s: message %q", name, r.Message)
			}
		}
	})

	t.Run("a nil adapter pointer counts as no client", func(t *testing.T) {
		var params *aws.Parameters
		results := (&doctor.Checker{Parameters: params}).Run(context.Background(), doc)
		if r := resultOf(t, results, doctor.CheckSecrets); r.Message != "not checked (offline)" {
			t.Errorf("secrets: %s %q", r.Status, r.Message)
		}
	})

	t.Run("a cancelled context skips the checks that need AWS", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		results := checker.Run(ctx, doc)
		if diff := cmp.Diff(allOK(offlineChecks), statuses(results)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		for name := range offlineChecks {
			if r := resultOf(t, results, name); r.Message != "could not check: cancelled" {
				t.Errorf("%s: message %q", name, r.Message)
			}
		}
	})

	t.Run("a document that is not a task definition fails the spec check and skips the rest", func(t *testing.T) {
		results := (&doctor.Checker{}).Run(context.Background(), []byte(`{"taskDefinition": {"family": "x"}}`))
		want := map[string]doctor.Status{}
		for _, n := range checkNames {
			want[n] = doctor.StatusSkip
		}
		want[doctor.CheckSpec] = doctor.StatusFail
		if diff := cmp.Diff(want, statuses(results)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
	})
}

func TestNoCheckReadsASecretValue(t *testing.T) {
	srv, clients, checker := demo(t)
	for _, ref := range []string{
		"demo-shop-dev:1", "demo-shop-dev:2", "demo-shop-dev:3", "demo-shop-dev:4",
		"demo-shop-prod:1", "demo-shop-prod:2", "demo-shop-prod:3",
		"demo-shop-prod-worker:1", "demo-shop-prod-worker:2",
	} {
		checker.Run(context.Background(), described(t, clients, ref))
	}
	calls := srv.Calls()
	if len(srv.CallsTo("GetParameters")) == 0 {
		t.Fatal("no GetParameters call: the secrets check did not run")
	}
	for _, c := range calls {
		switch c.Operation {
		case "GetParameter", "GetParametersByPath", "GetSecretValue", "BatchGetSecretValue":
			t.Errorf("a check called %s", c.Operation)
		case "GetParameters":
			if c.Has("WithDecryption") {
				t.Errorf("GetParameters sent WithDecryption=%v", c.Bool("WithDecryption"))
			}
		}
	}
}

func TestParseTaskDefinition(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want taskdef.TaskDefinition
	}{
		{"a described task definition takes the tags beside it",
			`{"taskDefinition": {"family": "f", "containerDefinitions": [{"name": "a", "image": "i", "essential": false}, {"name": "b", "image": "j"}]},
			  "tags": [{"key": "k", "value": "v"}]}`,
			taskdef.TaskDefinition{Family: "f", Tags: []taskdef.Tag{{Key: "k", Value: "v"}}, ContainerDefinitions: []taskdef.ContainerDefinition{
				{Name: "a", Image: "i"}, {Name: "b", Image: "j", Essential: true}}}},
		{"a container that does not say is essential, as ECS reads it",
			`{"family": "f", "containerDefinitions": [{"name": "a", "image": "i"}]}`,
			taskdef.TaskDefinition{Family: "f", ContainerDefinitions: []taskdef.ContainerDefinition{{Name: "a", Image: "i", Essential: true}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := doctor.ParseTaskDefinition([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{``, `[]`, `{"family": "f"}`, `{"containerDefinitions": "no"}`} {
		if _, err := doctor.ParseTaskDefinition([]byte(bad)); err == nil {
			t.Errorf("ParseTaskDefinition(%q) gave no error", bad)
		}
	}
}

func TestParameterARN(t *testing.T) {
	for _, tt := range []struct{ region, name, want string }{
		{"eu-west-2", "/demo-shop/dev/app/key", "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/app/key"},
		{"eu-west-2", "plain", "arn:aws:ssm:eu-west-2:123456789012:parameter/plain"},
		{"cn-north-1", "/x", "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x"},
		{"us-gov-west-1", "/x", "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/x"},
	} {
		if got := doctor.ParameterARN(tt.region, "123456789012", tt.name); got != tt.want {
			t.Errorf("ParameterARN(%s, %s) = %s, want %s", tt.region, tt.name, got, tt.want)
		}
	}
}

// A registered revision names its account: a Checker that was given none (doctor does
// not ask STS before its first screen) checks with the revision's own.
func TestARevisionsOwnAccountIsUsedWithoutTheSessions(t *testing.T) {
	_, clients, checker := demo(t)
	checker.Account = ""
	got := resultOf(t, checker.Run(context.Background(), described(t, clients, "demo-shop-prod:3")), doctor.CheckRole)
	if got.Status != doctor.StatusFail || !strings.Contains(got.Hint, "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/prod/*") {
		t.Errorf("role check %+v; want the prod role's denial in account 123456789012", got)
	}
}
