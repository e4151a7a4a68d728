package model

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// specVariations are the examples and a spec for each feature the importer maps back.
// Every one sets aws_region: an import takes it from awslogs-region.
func specVariations(t *testing.T) map[string]Spec {
	t.Helper()
	specs := exampleSpecs(t)
	vary := func(name string, change func(*Spec)) {
		s := validSpec()
		change(&s)
		specs[name] = s
	}
	vary("twilio", func(s *Spec) { s.EnableTwilio = true })
	vary("S3 and CloudFront", func(s *Spec) {
		s.S3BucketName = "static-bucket"
		s.CloudFrontDistributionID = "E1234567890ABC"
	})
	vary("hardening with a bind volume", func(s *Spec) {
		s.ReadonlyRootFilesystem = true
		s.ContainerUser = "app:app"
		s.EnableLinuxParameters = true
		s.LinuxCapabilitiesDrop = []string{"ALL"}
		s.LinuxCapabilitiesAdd = []string{"SYS_PTRACE"}
		s.Volumes = []Volume{{Name: "tmp"}}
		s.MountPoints = []MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
	})
	vary("linux parameters with no capabilities listed", func(s *Spec) { s.EnableLinuxParameters = true })
	vary("EFS with every option", func(s *Spec) {
		s.Volumes = []Volume{{Name: "media", EFS: &EFSVolume{
			FileSystemID: "fs-0123456789abcdef0", RootDirectory: "/media", TransitEncryption: "ENABLED",
			TransitEncryptionPort: 2999, AuthorizationConfig: &EFSAuthorization{AccessPointID: "fsap-0123456789abcdef0", IAM: "DISABLED"},
		}}}
		s.MountPoints = []MountPoint{{SourceVolume: "media", ContainerPath: "/app/media", ReadOnly: true}}
	})
	vary("a custom command", func(s *Spec) {
		s.ContainerCommand = []string{"python", "manage.py", "runserver", "0.0.0.0:8000"}
	})
	vary("extra environment and secrets by name and ARN", func(s *Spec) {
		s.EnvironmentVariables = map[string]string{"CELERY_BROKER_URL": "redis://redis:6379/0", "EMPTY": "", "AWS_STORAGE_BUCKET_NAME": ""}
		s.SecretsFromParameterStore = map[string]string{
			"SENTRY_DSN": "/backend-booking/dev/app/sentry-dsn",
			"API_KEY":    "arn:aws:ssm:eu-west-2:826601724385:parameter/shared/api-key",
			"STRIPE_KEY": "arn:aws:secretsmanager:eu-west-2:826601724385:secret:stripe-AbCdEf:key::",
		}
	})
	vary("overrides of values the module sets", func(s *Spec) {
		s.EnvironmentVariables = map[string]string{"PORT": "9000", "PYTHONUNBUFFERED": "0", "DEBUG": "True"}
		s.SecretsFromParameterStore = map[string]string{"REDIS_HOST": "/shared/redis/host"}
	})
	vary("a custom parameter_store_prefix with twilio", func(s *Spec) {
		s.ParameterStorePrefix = "/shared/backend"
		s.EnableTwilio = true
	})
	vary("ARM64", func(s *Spec) { s.CPUArchitecture = "ARM64" })
	vary("no task role", func(s *Spec) { s.TaskRoleARN = "" })
	vary("Django settings", func(s *Spec) {
		s.DjangoSettingsModule = "shop.settings.dev"
		s.AllowedHosts = ""
		s.DebugMode = true
	})
	vary("a larger size, another port and log prefix", func(s *Spec) {
		s.TaskCPU, s.TaskMemory = "4096", "30720"
		s.ContainerPort = 8080
		s.LogStreamPrefix = "web"
	})
	vary("values HCL would read as templates or keywords", func(s *Spec) {
		s.ContainerCommand = []string{"sh", "-c", `echo "${HOME}" %{x} \\n`}
		s.EnvironmentVariables = map[string]string{"TEMPLATE": "${not_a_var} %{if x}", "QUOTE": `"'`}
		s.Tags = map[string]string{"for": "x", "with space": "a=b", "A${B}": "%{c}"}
	})
	vary("tags", func(s *Spec) { s.Tags = map[string]string{"Team": "web", "cost centre": "42"} })
	return specs
}

func TestImportingARenderGivesTheSpecBack(t *testing.T) {
	for name, s := range specVariations(t) {
		t.Run(name, func(t *testing.T) {
			td, err := Build(s, "")
			if err != nil {
				t.Fatal(err)
			}
			got, warnings, err := ImportTaskDefinition(RenderJSON(td))
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings: %v", warnings)
			}
			if diff := cmp.Diff(s, got, equateEmpty); diff != "" {
				t.Errorf("import changed the spec (-spec +imported):\n%s", diff)
			}
			again, err := Build(got, "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(RenderJSON(td)), string(RenderJSON(again))); diff != "" {
				t.Errorf("the imported spec renders differently (-before +after):\n%s", diff)
			}
		})
	}
}

func TestAnImportedSpecSurvivesTheTFVarsFile(t *testing.T) {
	for name, s := range specVariations(t) {
		t.Run(name, func(t *testing.T) {
			td, _ := Build(s, "")
			imported, _, err := ImportTaskDefinition(RenderJSON(td))
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range []string{"spec.tfvars", "spec.tfvars.json"} {
				out := FormatTFVars(imported)
				if IsJSONSpec(file) {
					out = FormatTFVarsJSON(imported)
				}
				back, err := ParseSpec(out, file)
				if err != nil {
					t.Fatalf("%s: %v\n%s", file, err, out)
				}
				if diff := cmp.Diff(imported, back, equateEmpty); diff != "" {
					t.Errorf("%s changed the spec (-imported +read):\n%s", file, diff)
				}
			}
		})
	}
}

func TestImportReadsDescribeOutput(t *testing.T) {
	// Registered with moto_server and described with the AWS CLI (--include TAGS):
	// read-only fields, container cpu 0, volumesFrom [] and rootDirectory "/" are there.
	doc, err := os.ReadFile(filepath.Join("testdata", "import", "described-hardened.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, warnings, err := ImportTaskDefinition(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if diff := cmp.Diff(exampleSpecs(t)["hardened"], got, equateEmpty); diff != "" {
		t.Errorf("(-example +imported):\n%s", diff)
	}
}

func TestImportWarnsAboutWhatASpecCannotHold(t *testing.T) {
	// A describe output (moto_server, plus the read-only fields real ECS adds) of the
	// basic example with a health check, ulimits and a FireLens sidecar in front.
	doc, err := os.ReadFile(filepath.Join("testdata", "import", "described-with-extras.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, warnings, err := ImportTaskDefinition(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []ImportWarning{
		{Field: "containerDefinitions[0]", Message: `second container "log-router": a spec describes one container, dropped`},
		{Field: "containerDefinitions[1].dependsOn", Message: notExpressible},
		{Field: "containerDefinitions[1].healthCheck", Message: notExpressible},
		{Field: "containerDefinitions[1].ulimits", Message: notExpressible},
		{Field: "ephemeralStorage", Message: notExpressible},
	}
	if diff := cmp.Diff(want, warnings, ignoreWarningKind); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if w := warnings[0]; w.Container != "log-router" || !w.Dropped || !warnings[1].Dropped {
		t.Errorf("the dropped container and parts are not marked: %+v", warnings[:2])
	}
	// What the spec can hold is still read: the basic example, whose tags the
	// describe call was not asked for.
	wantSpec := exampleSpecs(t)["basic-dev"]
	wantSpec.Tags = nil
	if diff := cmp.Diff(wantSpec, got, equateEmpty); diff != "" {
		t.Errorf("(-example +imported):\n%s", diff)
	}
}

// renderOf is the basic example's render as a generic JSON object, for tests to change.
func renderOf(t *testing.T, s Spec) map[string]any {
	t.Helper()
	td, err := Build(s, "")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(RenderJSON(td), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func container0(doc map[string]any) map[string]any {
	return doc["containerDefinitions"].([]any)[0].(map[string]any)
}

func setEnv(c map[string]any, name, value string) {
	for _, kv := range c["environment"].([]any) {
		if kv := kv.(map[string]any); kv["name"] == name {
			kv["value"] = value
			return
		}
	}
	c["environment"] = append(c["environment"].([]any), map[string]any{"name": name, "value": value})
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportWarnings(t *testing.T) {
	tests := []struct {
		name   string
		change func(td, c map[string]any)
		want   []ImportWarning
	}{
		{
			name: "a health check, ulimits and an entry point are named by their path",
			change: func(_, c map[string]any) {
				c["healthCheck"] = map[string]any{"command": []any{"CMD", "true"}}
				c["ulimits"] = []any{map[string]any{"name": "nofile"}}
				c["entryPoint"] = []any{"sh"}
			},
			want: []ImportWarning{
				{Field: "containerDefinitions[0].entryPoint", Message: notExpressible},
				{Field: "containerDefinitions[0].healthCheck", Message: notExpressible},
				{Field: "containerDefinitions[0].ulimits", Message: notExpressible},
			},
		},
		{
			name: "read-only and empty fields are not warned about",
			change: func(td, c map[string]any) {
				td["taskDefinitionArn"] = "arn:aws:ecs:eu-west-2:1:task-definition/x:3"
				td["revision"] = 3
				td["status"] = "ACTIVE"
				td["compatibilities"] = []any{"EC2", "FARGATE"}
				td["requiresAttributes"] = []any{map[string]any{"name": "ecs.capability.secrets.ssm.environment-variables"}}
				td["registeredAt"] = "2025-05-02T10:14:07Z"
				td["registeredBy"] = "arn:aws:iam::1:root"
				td["deregisteredAt"] = "2025-05-03T10:14:07Z"
				td["deleteRequestedAt"] = "2025-05-04T10:14:07Z"
				td["placementConstraints"] = []any{}
				td["enableFaultInjection"] = false
				td["pidMode"] = ""
				c["cpu"] = 0
				c["volumesFrom"] = []any{}
				c["systemControls"] = []any{}
				c["dockerLabels"] = map[string]any{}
				c["workingDirectory"] = nil
				c["linuxParameters"] = map[string]any{"capabilities": nil, "devices": []any{}, "tmpfs": []any{}}
			},
		},
		{
			name: "task-level extras are named",
			change: func(td, _ map[string]any) {
				td["pidMode"] = "task"
				td["ipcMode"] = "none"
				td["placementConstraints"] = []any{map[string]any{"type": "memberOf", "expression": "attribute:x == y"}}
				td["proxyConfiguration"] = map[string]any{"containerName": "envoy"}
				td["inferenceAccelerators"] = []any{map[string]any{"deviceName": "x"}}
				td["networkMode"] = "bridge"
				td["requiresCompatibilities"] = []any{"EC2"}
			},
			want: []ImportWarning{
				{Field: "networkMode", Message: `"bridge" not expressible in a spec, dropped (the spec always uses "awsvpc")`},
				{Field: "requiresCompatibilities", Message: `["EC2"] not expressible in a spec, dropped (the spec always requires ["FARGATE"])`},
				{Field: "inferenceAccelerators", Message: notExpressible},
				{Field: "ipcMode", Message: notExpressible},
				{Field: "pidMode", Message: notExpressible},
				{Field: "placementConstraints", Message: notExpressible},
				{Field: "proxyConfiguration", Message: notExpressible},
			},
		},
		{
			name: "port mappings the spec cannot write are named",
			change: func(_, c map[string]any) {
				c["portMappings"] = []any{
					map[string]any{"containerPort": 8000, "hostPort": 8001, "protocol": "udp", "name": "web"},
					map[string]any{"containerPort": 9000},
				}
			},
			want: []ImportWarning{
				{Field: "containerDefinitions[0].portMappings[0].hostPort", Message: "8001 is not expressible in a spec, dropped (the spec maps hostPort = containerPort)"},
				{Field: "containerDefinitions[0].portMappings[0].protocol", Message: `"udp" is not expressible in a spec, dropped (the spec maps tcp)`},
				{Field: "containerDefinitions[0].portMappings[0].name", Message: notExpressible},
				{Field: "containerDefinitions[0].portMappings[1]", Message: "a second port mapping is not expressible in a spec, dropped"},
			},
		},
		{
			name: "essential false, container sizes and docker labels are named",
			change: func(_, c map[string]any) {
				c["essential"] = false
				c["cpu"] = 256
				c["memory"] = 512
				c["memoryReservation"] = 256
				c["dockerLabels"] = map[string]any{"team": "web"}
			},
			want: []ImportWarning{
				{Field: "containerDefinitions[0].essential", Message: "false is not expressible in a spec, dropped (the container is always essential)"},
				{Field: "containerDefinitions[0].cpu", Message: notExpressible},
				{Field: "containerDefinitions[0].dockerLabels", Message: notExpressible},
				{Field: "containerDefinitions[0].memory", Message: notExpressible},
				{Field: "containerDefinitions[0].memoryReservation", Message: notExpressible},
			},
		},
		{
			name: "another log driver is named once",
			change: func(_, c map[string]any) {
				c["logConfiguration"] = map[string]any{"logDriver": "splunk", "options": map[string]any{"splunk-url": "https://x"}}
			},
			want: []ImportWarning{
				{Field: "containerDefinitions[0].logConfiguration", Message: `log driver "splunk" is not expressible in a spec, dropped (the spec always uses awslogs)`},
			},
		},
		{
			name: "awslogs options beyond group, region and prefix are named",
			change: func(_, c map[string]any) {
				opts := c["logConfiguration"].(map[string]any)["options"].(map[string]any)
				opts["awslogs-create-group"] = "true"
				opts["mode"] = "non-blocking"
			},
			want: []ImportWarning{
				{Field: "containerDefinitions[0].logConfiguration.options.awslogs-create-group", Message: notExpressible},
				{Field: "containerDefinitions[0].logConfiguration.options.mode", Message: notExpressible},
			},
		},
		{
			name: "linux parameters other than capabilities are named",
			change: func(_, c map[string]any) {
				c["linuxParameters"] = map[string]any{"initProcessEnabled": true}
			},
			want: []ImportWarning{{Field: "containerDefinitions[0].linuxParameters.initProcessEnabled", Message: notExpressible}},
		},
		{
			name: "a bind volume from a host path and a docker volume are named",
			change: func(td, _ map[string]any) {
				td["volumes"] = []any{
					map[string]any{"name": "tmp", "host": map[string]any{"sourcePath": "/var/tmp"}},
					map[string]any{"name": "data", "dockerVolumeConfiguration": map[string]any{"scope": "task"}},
				}
			},
			want: []ImportWarning{
				{Field: "volumes[0].host.sourcePath", Message: notExpressible},
				{Field: "volumes[1].dockerVolumeConfiguration", Message: notExpressible},
			},
		},
		{
			name: "what the spec would add is said",
			change: func(_, c map[string]any) {
				c["environment"] = []any{map[string]any{"name": "ENVIRONMENT", "value": "dev"}}
				c["secrets"] = []any{}
				delete(c["logConfiguration"].(map[string]any)["options"].(map[string]any), "awslogs-stream-prefix")
				delete(c, "portMappings")
			},
			want: []ImportWarning{
				{Field: "containerDefinitions[0].portMappings", Message: "none; the spec maps container_port 8000"},
				{Field: "containerDefinitions[0].logConfiguration.options.awslogs-stream-prefix", Message: `not set; the spec uses "ecs"`},
				{Field: "containerDefinitions[0].environment", Message: "the spec adds ALLOWED_HOSTS, DATABASE_ENGINE, DEBUG, DJANGO_SETTINGS_MODULE, PORT, PYTHONUNBUFFERED, which the task definition does not set"},
				{Field: "containerDefinitions[0].secrets", Message: "the spec adds DATABASE_HOST, DATABASE_NAME, DATABASE_PASSWORD, DATABASE_USER, DJANGO_SECRET_KEY, REDIS_HOST, which the task definition does not set"},
			},
		},
		{
			name: "a repeated environment variable is named",
			change: func(_, c map[string]any) {
				c["environment"] = append(c["environment"].([]any), map[string]any{"name": "DEBUG", "value": "true"})
			},
			want: []ImportWarning{{Field: "containerDefinitions[0].environment[7]", Message: "a second DEBUG is not expressible in a spec, dropped"}},
		},
		{
			name: "awslogs without options is named",
			change: func(_, c map[string]any) {
				c["logConfiguration"] = map[string]any{"logDriver": "awslogs"}
			},
			want: []ImportWarning{{Field: "containerDefinitions[0].logConfiguration.options",
				Message: "none; the spec always sets awslogs-group, awslogs-region and awslogs-stream-prefix"}},
		},
		{
			name: "awslogs without a group or a Region is named",
			change: func(_, c map[string]any) {
				opts := c["logConfiguration"].(map[string]any)["options"].(map[string]any)
				delete(opts, "awslogs-group")
				delete(opts, "awslogs-region")
			},
			want: []ImportWarning{
				{Field: "containerDefinitions[0].logConfiguration.options.awslogs-group", Message: "not set; the spec needs log_group_name"},
				{Field: "containerDefinitions[0].logConfiguration.options.awslogs-region", Message: "not set; the spec writes the Region it is rendered for"},
			},
		},
		{
			name: "no cpu or memory falls back to the defaults",
			change: func(td, _ map[string]any) {
				delete(td, "cpu")
				delete(td, "memory")
			},
			want: []ImportWarning{
				{Field: "cpu", Message: `not set; the spec uses "512"`},
				{Field: "memory", Message: `not set; the spec uses "1024"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := renderOf(t, validSpec())
			tt.change(td, container0(td))
			_, warnings, err := ImportTaskDefinition(marshal(t, td))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, warnings, equateEmpty, ignoreWarningKind); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportSplitsTheFamily(t *testing.T) {
	type split struct{ App, Env string }
	tests := []struct {
		name        string
		family, env string // env is ENVIRONMENT; "" leaves the render's
		want        split
		wantWarning bool
		wantEnvVar  bool // ENVIRONMENT stays in environment_variables
	}{
		{name: "ENVIRONMENT says where the app name ends", family: "my-shop-api-staging", env: "staging", want: split{"my-shop-api", "staging"}},
		{name: "an environment with a hyphen is kept whole", family: "shop-eu-prod", env: "eu-prod", want: split{"shop", "eu-prod"}},
		{name: "one hyphen splits without doubt", family: "shop-prod", env: "production", want: split{"shop", "prod"}, wantEnvVar: true},
		{name: "several hyphens and a different ENVIRONMENT split at the last one, with a warning",
			family: "my-shop-prod", env: "production", want: split{"my-shop", "prod"}, wantWarning: true, wantEnvVar: true},
		{name: "a family without a hyphen cannot be rendered again", family: "shop", env: "dev", want: split{"shop", "dev"}, wantWarning: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := renderOf(t, validSpec())
			td["family"] = tt.family
			setEnv(container0(td), "ENVIRONMENT", tt.env)
			s, warnings, err := ImportTaskDefinition(marshal(t, td))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, split{s.AppName, s.Environment}); diff != "" {
				t.Errorf("split (-want +got):\n%s", diff)
			}
			familyWarned := slices.ContainsFunc(warnings, func(w ImportWarning) bool { return w.Field == "family" })
			if familyWarned != tt.wantWarning {
				t.Errorf("family warned = %v, want %v: %v", familyWarned, tt.wantWarning, warnings)
			}
			if _, kept := s.EnvironmentVariables["ENVIRONMENT"]; kept != tt.wantEnvVar {
				t.Errorf("ENVIRONMENT in environment_variables = %v, want %v", kept, tt.wantEnvVar)
			}
		})
	}
}

func TestImportReadsEveryFormOfASize(t *testing.T) {
	td := renderOf(t, validSpec())
	td["cpu"] = "1 vCPU"
	td["memory"] = "2GB"
	s, _, err := ImportTaskDefinition(marshal(t, td))
	if err != nil {
		t.Fatal(err)
	}
	if s.TaskCPU != "1024" || s.TaskMemory != "2048" {
		t.Errorf("got %s/%s, want 1024/2048", s.TaskCPU, s.TaskMemory)
	}
}

func TestImportPicksTheDjangoContainer(t *testing.T) {
	td := renderOf(t, validSpec())
	sidecar := map[string]any{"name": "envoy", "image": "envoyproxy/envoy:v1.30"}
	td["containerDefinitions"] = append([]any{sidecar}, td["containerDefinitions"].([]any)...)
	s, warnings, err := ImportTaskDefinition(marshal(t, td))
	if err != nil {
		t.Fatal(err)
	}
	if s.ContainerName != "backend-booking" {
		t.Errorf("imported container %q", s.ContainerName)
	}
	want := []ImportWarning{{Field: "containerDefinitions[0]", Message: `second container "envoy": a spec describes one container, dropped`}}
	if diff := cmp.Diff(want, warnings, ignoreWarningKind); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestRequiredSecretsGivenByARNStayOverrides(t *testing.T) {
	// A prefix is a parameter name, so secrets given by ARN cannot share one: each
	// stays in secrets_from_parameter_store, and the render is the same.
	td := renderOf(t, validSpec())
	c := container0(td)
	for _, sec := range c["secrets"].([]any) {
		sec := sec.(map[string]any)
		sec["valueFrom"] = "arn:aws:ssm:eu-west-2:826601724385:parameter" + sec["valueFrom"].(string)
	}
	s, warnings, err := ImportTaskDefinition(marshal(t, td))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if s.ParameterStorePrefix != "" || len(s.SecretsFromParameterStore) != 6 {
		t.Errorf("prefix %q, overrides %v", s.ParameterStorePrefix, s.SecretsFromParameterStore)
	}
	again, _ := Build(s, "")
	var want, got any
	_ = json.Unmarshal(marshal(t, td), &want)
	_ = json.Unmarshal(RenderJSON(again), &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("render (-document +imported spec):\n%s", diff)
	}
}

func TestImportErrors(t *testing.T) {
	withContainer := func(change func(c map[string]any)) string {
		td := renderOf(t, validSpec())
		change(container0(td))
		return string(marshal(t, td))
	}
	noFamily := renderOf(t, validSpec())
	delete(noFamily, "family")

	tests := []struct {
		name, doc string
		want      ImportError
	}{
		{"malformed JSON is placed by line and column", "{\n  \"family\": \"web-dev\",\n  \"cpu\": }\n",
			ImportError{Line: 3, Column: 10, Message: "invalid JSON: invalid character '}' looking for beginning of value"}},
		{"a truncated document is placed at its end", "{\n  \"family\": \"web-dev\",\n",
			ImportError{Line: 3, Column: 1, Message: "unexpected end of JSON input"}},
		{"data after the document is refused", "{}\n{}\n",
			ImportError{Line: 2, Column: 2, Message: "unexpected data after the JSON document"}},
		{"an empty document says so", " \n", ImportError{Message: "empty document: expected JSON"}},
		{"an array is not a task definition", "[]",
			ImportError{Message: "expected a JSON object: the output of aws ecs describe-task-definition or a register-task-definition input"}},
		{"a task definition needs a family", string(marshal(t, noFamily)),
			ImportError{Field: "family", Message: "missing: a task definition needs a family"}},
		{"a task definition needs a container", `{"family": "web-dev", "containerDefinitions": []}`,
			ImportError{Field: "containerDefinitions", Message: "no container: a task definition needs one"}},
		{"describe output needs a container too", `{"taskDefinition": {"family": "web-dev"}}`,
			ImportError{Field: "containerDefinitions", Message: "no container: a task definition needs one"}},
		{"the container needs an image", withContainer(func(c map[string]any) { delete(c, "image") }),
			ImportError{Field: "containerDefinitions[0].image", Message: "missing: the container needs an image"}},
		{"the container needs a name", withContainer(func(c map[string]any) { c["name"] = "" }),
			ImportError{Field: "containerDefinitions[0].name", Message: "missing: the container needs a name"}},
		{"a wrong type names its path", withContainer(func(c map[string]any) { c["readonlyRootFilesystem"] = "yes" }),
			ImportError{Field: "containerDefinitions[0].readonlyRootFilesystem", Message: "expected true or false, got a string"}},
		{"a size that is not one says why", `{"family": "web-dev", "cpu": "lots", "containerDefinitions": [{"name": "web", "image": "web"}]}`,
			ImportError{Field: "cpu", Message: `"lots" is not a number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ImportTaskDefinition([]byte(tt.doc))
			var got *ImportError
			if !errors.As(err, &got) {
				t.Fatalf("want an *ImportError, got %v", err)
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportErrorNamesItsSource(t *testing.T) {
	tests := []struct {
		name string
		err  ImportError
		want string
	}{
		{"a syntax error in a file", ImportError{Source: "td.json", Line: 3, Column: 10, Message: "invalid JSON"}, "td.json:3:10: invalid JSON"},
		{"a field in a file", ImportError{Source: "td.json", Field: "family", Message: "missing"}, "td.json: family: missing"},
		{"a syntax error without a source", ImportError{Line: 1, Column: 2, Message: "invalid JSON"}, "line 1, column 2: invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzImportTaskDefinition feeds arbitrary documents to the importer. Nothing may
// panic; every failure is an *ImportError that says what is wrong; whatever is imported
// validates, builds, survives the tfvars write/read round trip (ecswiz import saves it as
// a spec) and exports as HCL that parses, and an exact import's render imports back to
// the same spec, exactly again.
func FuzzImportTaskDefinition(f *testing.F) {
	for _, p := range []string{"testdata/render/*.json", "testdata/import/*.json"} {
		paths, _ := filepath.Glob(p)
		for _, path := range paths {
			doc, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(doc)
		}
	}
	// Each example and the hardest values, in both forms: ecswiz render's, and
	// describe-task-definition --include TAGS's, with the tags beside the task definition.
	for _, s := range fuzzSpecs(f) {
		td, err := Build(s, "eu-west-2")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(RenderJSON(td))
		tags := td.Tags
		td.Tags = nil
		described, err := json.Marshal(map[string]any{"taskDefinition": td, "tags": tags})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(described)
	}
	for _, doc := range []string{
		`{"family": "a-b", "containerDefinitions": [{"name": "c", "image": "i", "environment": [{"name": "DEBUG", "value": "True"}]}]}`,
		`{"taskDefinition": {"family": "x", "cpu": "0.25 vCPU", "containerDefinitions": [{"name": "c", "image": "i"}]}}`,
		`{"taskDefinition": {"family": "shop-prod", "cpu": 512, "memory": "1GB", "containerDefinitions": [{"name": "web", "image": "i", "portMappings": [{"containerPort": 8000.0}]}]}, "tags": []}`,
		`{"family": "shop-prod", "containerDefinitions": [{"name": "web", "image": "i", "secrets": [{"name": "A", "valueFrom": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:a-AbCdEf:key::"}]}]}`,
		`{"family": "shop-prod", "containerDefinitions": [{"name": "web", "image": "i", "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}}, {"name": "worker", "image": "i"}]}`,
		`{"family": "shop-prod", "containerDefinitions": [null, {"name": "web", "image": "i", "environment": [{"name": "A"}, {"value": "b"}, null]}]}`,
		`{"family": "shop-prod", "volumes": [{"name": "m", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryptionPort": 99999999999}}], "containerDefinitions": [{"name": "web", "image": "i"}]}`,
		`{"family": "-", "containerDefinitions": [{"name": "", "image": ""}]}`,
		`{"family": "shop-prod", "containerDefinitions": []}`,
		`{"taskDefinition": null}`,
		`{"taskDefinition": []}`,
		`[{"family": "a-b"}]`,
		`null`,
		``,
		`{"family": "a-b"} trailing`,
	} {
		f.Add([]byte(doc))
	}

	f.Fuzz(func(t *testing.T, doc []byte) {
		s, warnings, err := ImportTaskDefinition(doc)
		if err != nil {
			var importErr *ImportError
			if !errors.As(err, &importErr) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if strings.TrimSpace(importErr.Message) == "" {
				t.Fatalf("an ImportError without a message: %+v", importErr)
			}
			return
		}
		for _, w := range warnings {
			if w.Field == "" || w.Message == "" {
				t.Errorf("warning without a field or a message: %+v", w)
			}
		}
		Validate(s)
		td, err := Build(s, "us-east-1")
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		checkRoundTrip(t, s)
		resource, err := FormatResource(s, "us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		for _, out := range [][]byte{FormatModule(s, ""), resource} {
			if _, diags := hclsyntax.ParseConfig(out, "export.tf", hcl.InitialPos); diags.HasErrors() {
				t.Fatalf("export does not parse: %v\n%s", diags, out)
			}
		}
		if len(warnings) > 0 {
			return
		}
		again, warnings, err := ImportTaskDefinition(RenderJSON(td))
		if err != nil || len(warnings) > 0 {
			t.Fatalf("the render of an exact import does not import exactly: %v %v", err, warnings)
		}
		if diff := cmp.Diff(s, again, equateEmpty); diff != "" {
			t.Fatalf("(-first +second):\n%s", diff)
		}
	})
}

func TestADescribeOutputWithoutTagsSaysHowToGetThem(t *testing.T) {
	td := renderOf(t, validSpec())
	delete(td, "tags")
	doc := marshal(t, map[string]any{"taskDefinition": td})
	_, warnings, err := ImportTaskDefinition(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []ImportWarning{{Field: "tags", Message: "not in the document: describe it with --include TAGS to import its tags"}}
	if diff := cmp.Diff(want, warnings, ignoreWarningKind); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// ignoreWarningKind compares import warnings by field and message; the test of the
// dropped container checks Dropped and Container.
var ignoreWarningKind = cmpopts.IgnoreFields(ImportWarning{}, "Dropped", "Container")
