package module_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-config-inspect/tfconfig"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// dataSourceRegion is the region data "aws_region" "current" reads in these tests, and
// the region Build is given for a spec without aws_region.
const dataSourceRegion = "us-east-1"

func TestTheModuleDeclaresEveryVariableOfTheModel(t *testing.T) {
	mod := inspect(t)
	for _, v := range model.Variables() {
		got, ok := mod.Variables[v.Name]
		if !ok {
			t.Errorf("variable %s is missing from variables.tf", v.Name)
			continue
		}
		if withoutSpace(got.Type) != withoutSpace(v.TypeExpr) {
			t.Errorf("variable %s: type is %s, the model says %s", v.Name, got.Type, v.TypeExpr)
		}
		if got.Description != v.Description {
			t.Errorf("variable %s: description is %q, the model says %q", v.Name, got.Description, v.Description)
		}
		if got.Required != v.Required() {
			t.Errorf("variable %s: required is %t, the model says %t", v.Name, got.Required, v.Required())
		}
		if v.Required() || got.Required {
			continue
		}
		// Both defaults as values of the variable's type: "[]" and [] are the same.
		ty := v.Type.WithoutOptionalAttributesDeep()
		raw, err := json.Marshal(got.Default)
		if err != nil {
			t.Fatal(err)
		}
		moduleDefault, err := ctyjson.Unmarshal(raw, ty)
		if err != nil {
			t.Errorf("variable %s: default %s is not a %s: %v", v.Name, raw, v.TypeExpr, err)
			continue
		}
		modelDefault, err := convert.Convert(v.Default, ty)
		if err != nil {
			t.Fatalf("variable %s: the model's default does not convert: %v", v.Name, err)
		}
		if !moduleDefault.RawEquals(modelDefault) {
			t.Errorf("variable %s: default is %s, the model says %s", v.Name, raw, v.DefaultExpr)
		}
	}
	for name := range mod.Variables {
		if _, ok := model.LookupVariable(name); !ok {
			t.Errorf("variables.tf declares %s, which the model does not know", name)
		}
	}
}

func TestTheModuleHasTheSeedsOutputs(t *testing.T) {
	want := []string{"container_name", "container_port", "task_definition_arn", "task_definition_family", "task_definition_revision"}
	if diff := cmp.Diff(want, slices.Sorted(maps.Keys(inspect(t).Outputs))); diff != "" {
		t.Errorf("outputs differ (-want +got):\n%s", diff)
	}
}

func TestTheModuleNeedsTerraform15AndTheAWSProvider5AndConfiguresNoProvider(t *testing.T) {
	mod := inspect(t)
	if diff := cmp.Diff([]string{">= 1.5"}, mod.RequiredCore); diff != "" {
		t.Errorf("required_version differs (-want +got):\n%s", diff)
	}
	aws, ok := mod.RequiredProviders["aws"]
	if !ok || aws.Source != "hashicorp/aws" || !slices.Equal(aws.VersionConstraints, []string{">= 5.0"}) {
		t.Errorf("required_providers.aws = %+v, want hashicorp/aws >= 5.0", aws)
	}
	if len(mod.ProviderConfigs) > 0 {
		t.Errorf("a module configures no provider; the caller does (found %v)", slices.Collect(maps.Keys(mod.ProviderConfigs)))
	}
	want := []string{"aws_ecs_task_definition.this", "data.aws_region.current"}
	got := slices.Sorted(maps.Keys(merged(mod.ManagedResources, mod.DataResources)))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resources differ (-want +got):\n%s", diff)
	}
}

func TestTheModuleBuildsTheTaskDefinitionEcswizBuilds(t *testing.T) {
	m := loadModule(t)
	for _, c := range append(exampleCases(t), variationCases(t)...) {
		t.Run(c.name, func(t *testing.T) {
			if findings := model.Validate(c.spec); findings.HasErrors() {
				t.Fatalf("the case is not a valid spec: %v", findings.Errors())
			}
			tfvars := model.FormatTFVars(c.spec)
			t.Logf("spec:\n%s", tfvars)

			td, err := model.Build(c.spec, dataSourceRegion)
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal(model.RenderJSON(td), &want); err != nil {
				t.Fatal(err)
			}

			values, err := m.inputs(tfvars, "spec.tfvars")
			if err != nil {
				t.Fatal(err)
			}
			jsonValues, err := m.inputs(model.FormatTFVarsJSON(c.spec), "spec.tfvars.json")
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range slices.Sorted(maps.Keys(values)) {
				if !jsonValues[name].RawEquals(values[name]) {
					t.Errorf("var.%s from the tfvars.json spec is %#v, from the tfvars spec %#v", name, jsonValues[name], values[name])
				}
			}
			if failed, err := m.failedValidations(values); err != nil || len(failed) > 0 {
				t.Fatalf("validations fail: %v %v", failed, err)
			}
			ctx, err := m.evalContext(values, dataSourceRegion)
			if err != nil {
				t.Fatal(err)
			}
			if failed, err := m.failedPreconditions(ctx); err != nil || len(failed) > 0 {
				t.Fatalf("preconditions fail: %v %v", failed, err)
			}
			got, err := m.request(ctx)
			if err != nil {
				t.Fatal(err)
			}

			wantFields, gotFields := fields(want), fields(got)
			for _, name := range slices.Sorted(maps.Keys(merged(wantFields, gotFields))) {
				if diff := cmp.Diff(wantFields[name], gotFields[name]); diff != "" {
					t.Errorf("%s differs (-model.Build +module):\n%s", name, diff)
				}
			}
		})
	}
}

// fields splits a register-task-definition document into its fields, the container's
// one by one, so that a difference names the field it is in.
func fields(doc map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range doc {
		containers, ok := v.([]any)
		if k != "containerDefinitions" || !ok {
			out[k] = v
			continue
		}
		out["len(containerDefinitions)"] = len(containers)
		for _, c := range containers {
			for field, value := range c.(map[string]any) {
				out["container "+field] = value
			}
		}
	}
	return out
}

func merged[V any](a, b map[string]V) map[string]V {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

type specCase struct {
	name string
	spec model.Spec
}

// exampleCases are the spec files in examples/, as ecswiz reads them.
func exampleCases(t *testing.T) []specCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", "*.tfvars"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	var cases []specCase
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".tfvars")
		cases = append(cases, specCase{"the example " + name, readSpec(t, path)})
	}
	return cases
}

// variationCases change the basic example one topic at a time.
func variationCases(t *testing.T) []specCase {
	t.Helper()
	basic := filepath.Join("..", "..", "..", "examples", "basic-dev.tfvars")
	efs := func(e model.EFSVolume, readOnly bool) func(*model.Spec) {
		return func(s *model.Spec) {
			s.Volumes = []model.Volume{{Name: "media", EFS: &e}}
			s.MountPoints = []model.MountPoint{{SourceVolume: "media", ContainerPath: "/app/media", ReadOnly: readOnly}}
		}
	}
	variations := []struct {
		name   string
		change func(*model.Spec)
	}{
		{"Twilio adds its three secrets", func(s *model.Spec) { s.EnableTwilio = true }},
		{"an S3 bucket and a CloudFront distribution set their variables", func(s *model.Spec) {
			s.S3BucketName = "my-static-bucket"
			s.CloudFrontDistributionID = "E1234567890ABC"
		}},
		{"only an S3 bucket sets only its variable", func(s *model.Spec) { s.S3BucketName = "my-static-bucket" }},
		{"a hardened container drops everything and adds SYS_PTRACE", func(s *model.Spec) {
			s.ReadonlyRootFilesystem = true
			s.Volumes = []model.Volume{{Name: "tmp"}}
			s.MountPoints = []model.MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
			s.ContainerUser = "1000:1000"
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesDrop = []string{"ALL"}
			s.LinuxCapabilitiesAdd = []string{"SYS_PTRACE"}
		}},
		{"linux parameters without capabilities write empty add and drop", func(s *model.Spec) { s.EnableLinuxParameters = true }},
		{"an EFS volume with only a file system", efs(model.EFSVolume{FileSystemID: "fs-0123456789abcdef0"}, false)},
		{"an EFS volume with a root directory, mounted read-only", efs(model.EFSVolume{
			FileSystemID: "fs-0123456789abcdef0", RootDirectory: "/static",
		}, true)},
		{"an EFS volume with transit encryption on its own port", efs(model.EFSVolume{
			FileSystemID: "fs-0123456789abcdef0", TransitEncryption: "ENABLED", TransitEncryptionPort: 2999,
		}, false)},
		{"an EFS volume through an access point with IAM", efs(model.EFSVolume{
			FileSystemID: "fs-0123456789abcdef0", TransitEncryption: "ENABLED",
			AuthorizationConfig: &model.EFSAuthorization{AccessPointID: "fsap-0123456789abcdef0", IAM: "ENABLED"},
		}, false)},
		{"an EFS volume with IAM and no access point", efs(model.EFSVolume{
			FileSystemID: "fs-0123456789abcdef0", TransitEncryption: "ENABLED",
			AuthorizationConfig: &model.EFSAuthorization{IAM: "ENABLED"},
		}, false)},
		{"a bind volume beside an EFS volume", func(s *model.Spec) {
			s.Volumes = []model.Volume{{Name: "tmp"}, {Name: "media", EFS: &model.EFSVolume{FileSystemID: "fs-01234567"}}}
			s.MountPoints = []model.MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}, {SourceVolume: "media", ContainerPath: "/app/media"}}
		}},
		{"a custom command", func(s *model.Spec) {
			s.ContainerCommand = []string{"python", "manage.py", "runserver", "0.0.0.0:8000"}
		}},
		{"environment variables are added and one overrides DEBUG", func(s *model.Spec) {
			s.EnvironmentVariables = map[string]string{
				"CORS_ALLOWED_ORIGINS": "https://example.com",
				"CELERY_BROKER_URL":    "redis://redis.example.com:6379/0",
				"DEBUG":                "1",
				"EMPTY":                "",
				"ESCAPED":              `a&b <c> "d" ${e}`,
			}
		}},
		{"secrets are added by name and by ARN, and one required secret is overridden", func(s *model.Spec) {
			s.SecretsFromParameterStore = map[string]string{
				"SENTRY_DSN": "/backend-booking/dev/app/sentry-dsn",
				"API_KEY":    "arn:aws:ssm:eu-west-2:826601724385:parameter/shared/api-key",
				"STRIPE_KEY": "arn:aws:secretsmanager:eu-west-2:826601724385:secret:stripe-AbCdEf:key::",
				"REDIS_HOST": "/shared/redis/host",
			}
		}},
		{"a parameter store prefix moves the required secrets", func(s *model.Spec) {
			s.ParameterStorePrefix = "/shared/backend"
			s.EnableTwilio = true
		}},
		{"without aws_region the data source gives the region", func(s *model.Spec) { s.AWSRegion = "" }},
		{"without a task role", func(s *model.Spec) { s.TaskRoleARN = "" }},
		{"ARM64", func(s *model.Spec) { s.CPUArchitecture = model.ArchARM64 }},
		{"debug on", func(s *model.Spec) { s.DebugMode = true }},
		{"another port, stream prefix and settings module", func(s *model.Spec) {
			s.ContainerPort = 8080
			s.LogStreamPrefix = "web"
			s.DjangoSettingsModule = "config.settings.staging"
			s.AllowedHosts = "api.example.com,admin.example.com"
		}},
		{"the largest Fargate size", func(s *model.Spec) { s.TaskCPU, s.TaskMemory = "16384", "122880" }},
		{"no tags", func(s *model.Spec) { s.Tags = nil }},
		{"every default", func(s *model.Spec) {
			*s = model.NewSpec()
			s.AppName, s.Environment, s.ContainerName = "app", "dev", "app"
			s.ContainerImage = "nginx:1.27"
			s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/exec"
			s.LogGroupName = "/ecs/app-dev"
		}},
	}
	var cases []specCase
	for _, v := range variations {
		s := readSpec(t, basic)
		v.change(&s)
		cases = append(cases, specCase{v.name, s})
	}
	return cases
}

func TestOnlyFargateSizesPassTheChecks(t *testing.T) {
	m := loadModule(t)
	values, err := m.inputs(model.FormatTFVars(readSpec(t, filepath.Join("..", "..", "..", "examples", "basic-dev.tfvars"))), "spec.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := m.evalContext(values, dataSourceRegion)
	if err != nil {
		t.Fatal(err)
	}

	var pairs []model.Size
	for cpu, mems := range ctx.Variables["local"].GetAttr("fargate_memories").AsValueMap() {
		for _, mem := range mems.AsValueSlice() {
			pairs = append(pairs, model.Size{CPU: atoi(t, cpu), Memory: atoi(t, mem.AsString())})
		}
	}
	slices.SortFunc(pairs, func(a, b model.Size) int { return (a.CPU-b.CPU)*1_000_000 + a.Memory - b.Memory })
	if diff := cmp.Diff(model.FargateSizes(), pairs); diff != "" {
		t.Errorf("local.fargate_memories differs from the model's sizes (-model +module):\n%s", diff)
	}

	// Every Fargate CPU and a few others, with every multiple of 512 MiB around the
	// table and a few memories between. A validation sees one variable, so each value
	// is validated once.
	cpus := append(model.FargateCPUs(), 128, 1000, 32768)
	mems := []int{256, 1000, 3000, 123904}
	for mem := 512; mem <= 123392; mem += 512 {
		mems = append(mems, mem)
	}
	refusals := func(name string, n int) []string {
		values := maps.Clone(values)
		values[name] = cty.StringVal(strconv.Itoa(n))
		failed, err := m.failedValidations(values, name)
		if err != nil {
			t.Fatal(err)
		}
		return failed
	}
	cpuRefusals, memRefusals := map[int][]string{}, map[int][]string{}
	for _, cpu := range cpus {
		cpuRefusals[cpu] = refusals("task_cpu", cpu)
	}
	for _, mem := range mems {
		memRefusals[mem] = refusals("task_memory", mem)
	}

	for _, cpu := range cpus {
		for _, mem := range mems {
			values := maps.Clone(values)
			values["task_cpu"] = cty.StringVal(strconv.Itoa(cpu))
			values["task_memory"] = cty.StringVal(strconv.Itoa(mem))
			child := ctx.NewChild()
			child.Variables = map[string]cty.Value{"var": cty.ObjectVal(values)}
			failed, err := m.failedPreconditions(child)
			if err != nil {
				t.Fatal(err)
			}
			failed = slices.Concat(cpuRefusals[cpu], memRefusals[mem], failed)
			if accepted := len(failed) == 0; accepted != model.IsValidSize(cpu, mem) {
				t.Errorf("%d CPU / %d MiB: the module accepts it: %t; ecswiz: %t (%q)",
					cpu, mem, accepted, model.IsValidSize(cpu, mem), failed)
			}
		}
	}
}

func TestTheModuleRefusesWhatFargateRefuses(t *testing.T) {
	m := loadModule(t)
	tests := []struct {
		name   string
		change func(*model.Spec)
		module string // part of the message of the failing validation or precondition
		ecswiz string // the field model.Validate reports as an error
	}{
		{"NET_BIND_SERVICE cannot be added on Fargate", func(s *model.Spec) {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesAdd = []string{"NET_BIND_SERVICE"}
		}, "only SYS_PTRACE", "linux_capabilities_add[0]"},
		{"a CPU that is not a Fargate size", func(s *model.Spec) { s.TaskCPU = "1000" }, "Invalid 'cpu' setting", "task_cpu"},
		{"memory that does not go with the CPU", func(s *model.Spec) { s.TaskCPU, s.TaskMemory = "1024", "1024" },
			"No Fargate configuration exists", "task_memory"},
		{"memory written in GB", func(s *model.Spec) { s.TaskMemory = "2GB" }, "whole MiB", "task_memory"},
		{"an architecture Fargate does not know", func(s *model.Spec) { s.CPUArchitecture = "amd64" }, "X86_64 or ARM64", "cpu_architecture"},
		{"an app name with a dot", func(s *model.Spec) { s.AppName = "backend.booking" }, "app_name may only", "app_name"},
		{"an environment with a space", func(s *model.Spec) { s.Environment = "dev 2" }, "environment may only", "environment"},
		{"a container name with a slash", func(s *model.Spec) { s.ContainerName = "web/app" }, "container_name must", "container_name"},
		{"a family longer than 255 characters", func(s *model.Spec) { s.AppName = strings.Repeat("a", 252) }, "longer than the 255", "app_name"},
		{"a port above 65535", func(s *model.Spec) { s.ContainerPort = 70000 }, "container_port must", "container_port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := readSpec(t, filepath.Join("..", "..", "..", "examples", "basic-dev.tfvars"))
			tt.change(&s)

			values, err := m.inputs(model.FormatTFVars(s), "spec.tfvars")
			if err != nil {
				t.Fatal(err)
			}
			failed, err := m.failedValidations(values)
			if err != nil {
				t.Fatal(err)
			}
			if len(failed) == 0 {
				ctx, err := m.evalContext(values, dataSourceRegion)
				if err != nil {
					t.Fatal(err)
				}
				if failed, err = m.failedPreconditions(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.ContainsFunc(failed, func(msg string) bool { return strings.Contains(msg, tt.module) }) {
				t.Errorf("the module should refuse it with %q; it says %q", tt.module, failed)
			}

			var ecswiz []string
			for _, f := range model.Validate(s).Errors() {
				ecswiz = append(ecswiz, f.Field)
			}
			if !slices.Contains(ecswiz, tt.ecswiz) {
				t.Errorf("ecswiz should report an error at %s; it reports %v", tt.ecswiz, ecswiz)
			}
		})
	}
}

func TestTheReadmeDocumentsEveryVariableAndOutput(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range model.Variables() {
		if !strings.Contains(string(readme), "`"+v.Name+"`") {
			t.Errorf("README.md does not mention `%s`", v.Name)
		}
	}
	for name := range inspect(t).Outputs {
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README.md does not mention the output `%s`", name)
		}
	}
}

func inspect(t *testing.T) *tfconfig.Module {
	t.Helper()
	mod, diags := tfconfig.LoadModule(".")
	if diags.HasErrors() {
		t.Fatalf("terraform-config-inspect: %v", diags.Err())
	}
	return mod
}

func loadModule(t *testing.T) *tfModule {
	t.Helper()
	m, err := loadTFModule(".")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readSpec(t *testing.T, path string) model.Spec {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := model.ParseSpec(src, path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
