package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// equateEmpty: in a spec an empty collection and an absent one mean the same.
var equateEmpty = cmpopts.EquateEmpty()

func exampleSpecs(t *testing.T) map[string]Spec {
	t.Helper()
	paths, err := filepath.Glob("../../examples/*.tfvars")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	specs := map[string]Spec{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseSpec(src, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		specs[strings.TrimSuffix(filepath.Base(p), ".tfvars")] = s
	}
	return specs
}

func TestEveryExampleIsValid(t *testing.T) {
	for name, s := range exampleSpecs(t) {
		t.Run(name, func(t *testing.T) {
			if got := Validate(s); len(got) != 0 {
				t.Fatalf("findings: %+v", got)
			}
		})
	}
}

func TestWritingAndReadingASpecGivesItBack(t *testing.T) {
	specs := exampleSpecs(t)
	specs["defaults only"] = NewSpec()
	edge := validSpec()
	edge.AllowedHosts = ""                                     // differs from the default "*"
	edge.EnvironmentVariables = map[string]string{"EMPTY": ""} // an empty value is a value
	edge.ContainerCommand = []string{"sh", "-c", `echo "${HOME}" %{x}`}
	edge.Tags = map[string]string{"with space": "a=b", "Team": "web", "for": "x", "null": "y", "if": "z", "A${B}": "%{c}"}
	edge.Volumes = []Volume{{Name: "media", EFS: &EFSVolume{FileSystemID: "fs-01234567", RootDirectory: "/x", TransitEncryptionPort: 2049}}}
	edge.MountPoints = []MountPoint{{SourceVolume: "media", ContainerPath: "/m", ReadOnly: true}}
	specs["edge values"] = edge

	for name, s := range specs {
		for _, form := range []struct {
			file  string
			write func(Spec) []byte
		}{{"spec.tfvars", FormatTFVars}, {"spec.tfvars.json", FormatTFVarsJSON}} {
			t.Run(name+" as "+form.file, func(t *testing.T) {
				out := form.write(s)
				back, err := ParseSpec(out, form.file)
				if err != nil {
					t.Fatalf("reading what was written: %v\n%s", err, out)
				}
				if diff := cmp.Diff(s, back, equateEmpty); diff != "" {
					t.Fatalf("round trip changed the spec (-before +after):\n%s\nfile:\n%s", diff, out)
				}
				if again := form.write(back); string(again) != string(out) {
					t.Fatalf("writing is not canonical:\n%s\nthen:\n%s", out, again)
				}
			})
		}
	}
}

func TestWrittenSpecsHoldOnlyWhatDiffersFromDefaults(t *testing.T) {
	s := validSpec()
	s.TaskCPU = "1024"
	s.TaskMemory = "2048"
	got := string(FormatTFVars(s))
	want := `# Application
app_name        = "backend-booking"
environment     = "dev"
container_name  = "backend-booking"
container_image = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-dev:latest"

# Sizing
task_cpu    = "1024"
task_memory = "2048"

# Roles
execution_role_arn = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task-execution"

# Logging
log_group_name = "/ecs/backend-booking-dev"
aws_region     = "eu-west-2"
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestParseSpecProblems(t *testing.T) {
	cases := []struct {
		name, file, src string
		want            []string // each problem's line, in order
	}{
		{"an unknown key suggests the nearest variable", "dev.tfvars",
			"app_name = \"a\"\ntask_memroy = \"2048\"\n",
			[]string{"dev.tfvars:2:1: task_memroy: unknown variable; did you mean task_memory?"}},
		{"an unknown key far from every variable suggests nothing", "dev.tfvars",
			"colour = \"blue\"\n",
			[]string{"dev.tfvars:1:1: colour: unknown variable"}},
		{"a wrong type names the key and the expected type", "dev.tfvars",
			"debug_mode = \"maybe\"\n",
			[]string{`dev.tfvars:1:1: debug_mode: expected true or false: a bool is required`}},
		{"a list for a string names the expected type", "dev.tfvars",
			"task_cpu = [512]\n",
			[]string{"dev.tfvars:1:1: task_cpu: expected a string: string required, but have tuple"}},
		{"a fractional port is refused", "dev.tfvars",
			"container_port = 80.5\n",
			[]string{"dev.tfvars:1:1: container_port: expected a whole number, got 80.5"}},
		{"a variable reference is refused with its position", "dev.tfvars",
			"app_name = \"a\"\ncontainer_image = var.image\n",
			[]string{"dev.tfvars:2:19: container_image: only literal values are allowed in a spec, not a variable reference"}},
		{"a function call is refused with its position", "dev.tfvars",
			"tags = merge({}, {})\n",
			[]string{"dev.tfvars:1:8: tags: only literal values are allowed in a spec, not a function call"}},
		{"an interpolation is refused", "dev.tfvars",
			"container_image = \"${local.repo}:1\"\n",
			[]string{"dev.tfvars:1:22: container_image: only literal values are allowed in a spec, not a template interpolation"}},
		{"arithmetic is refused, though Terraform would evaluate it", "dev.tfvars",
			"container_port = 8000 + 1\n",
			[]string{"dev.tfvars:1:18: container_port: only literal values are allowed in a spec, not an operator"}},
		{"a conditional is refused", "dev.tfvars",
			"debug_mode = true ? false : true\n",
			[]string{"dev.tfvars:1:14: debug_mode: only literal values are allowed in a spec, not a conditional"}},
		{"a for expression is refused", "dev.tfvars",
			"linux_capabilities_drop = [for c in [\"ALL\"] : c]\n",
			[]string{"dev.tfvars:1:27: linux_capabilities_drop: only literal values are allowed in a spec, not a for expression"}},
		{"a reference inside a map value is found", "dev.tfvars",
			"tags = {\n  Team = \"web\"\n  Env  = var.env\n}\n",
			[]string{"dev.tfvars:3:10: tags: only literal values are allowed in a spec, not a variable reference"}},
		{"a computed map key is refused", "dev.tfvars",
			"tags = { (var.k) = \"v\" }\n",
			[]string{"dev.tfvars:1:11: tags: only literal values are allowed in a spec, not a variable reference"}},
		{"a syntax error gives one line with its position", "dev.tfvars",
			"app_name = \"a\n",
			[]string{`dev.tfvars:1:14: Invalid multi-line string: Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \n escape to represent a newline character or use the "heredoc" multi-line template syntax`}},
		{"a block is refused", "dev.tfvars",
			"module \"x\" {\n}\n",
			[]string{`dev.tfvars:1:1: Unexpected "module" block: Blocks are not allowed here`}},
		{"an unknown attribute of a volume is named with its path", "dev.tfvars",
			"volumes = [{ name = \"a\", host_path = \"/x\" }]\n",
			[]string{"dev.tfvars:1:1: volumes[0].host_path: unknown attribute"}},
		{"a misspelt EFS attribute gets a suggestion", "dev.tfvars",
			"volumes = [{ name = \"a\", efs_volume_configuration = { file_sytem_id = \"fs-1\" } }]\n",
			[]string{"dev.tfvars:1:1: volumes[0].efs_volume_configuration.file_sytem_id: unknown attribute; did you mean file_system_id?"}},
		{"a volume without a name is refused", "dev.tfvars",
			"volumes = [{}]\n",
			[]string{`dev.tfvars:1:1: volumes: expected a list of objects: element 0: attribute "name" is required`}},
		{"every problem in the file is listed", "dev.tfvars",
			"task_memroy = \"1\"\ndebug_mode = 3\n",
			[]string{
				"dev.tfvars:1:1: task_memroy: unknown variable; did you mean task_memory?",
				"dev.tfvars:2:1: debug_mode: expected true or false: bool required, but have number",
			}},
		{"JSON: an unknown key", "dev.tfvars.json",
			`{"app_name": "a", "enviroment": "dev"}`,
			[]string{"dev.tfvars.json:1:19: enviroment: unknown variable; did you mean environment?"}},
		{"JSON: malformed input", "dev.tfvars.json",
			`{"app_name": }`,
			[]string{"dev.tfvars.json:1:14: Missing JSON value: A JSON value must start with a brace, a bracket, a number, a string, or a keyword"}},
		{"JSON: a top-level array is refused", "dev.tfvars.json",
			`[1]`,
			[]string{"dev.tfvars.json:1:1: Incorrect JSON value type: A JSON object is required here, setting the arguments for this block"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(tc.src), tc.file)
			se, ok := err.(*SpecError)
			if !ok {
				t.Fatalf("want a *SpecError, got %T %v", err, err)
			}
			var got []string
			for _, p := range se.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSpecAcceptsWhatTerraformAccepts(t *testing.T) {
	src := `
task_cpu       = 1024   # a number where a string is expected
container_port = "8080" # a string where a number is expected
task_role_arn  = null   # null means the default
debug_mode     = "true"
`
	s, err := ParseSpec([]byte(src), "x.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	if s.TaskCPU != "1024" || s.ContainerPort != 8080 || s.TaskRoleARN != "" || !s.DebugMode {
		t.Fatalf("conversions: %+v", s)
	}
	if s.TaskMemory != "1024" || s.DjangoSettingsModule != "config.settings.production" {
		t.Fatalf("defaults not applied: %+v", s)
	}
}

func TestLiteralFormsAreAccepted(t *testing.T) {
	src := `
container_port = (8000)
tags = {
  "Quoted Key" = "v"
  bare_key     = "w"
}
allowed_hosts = <<EOT
a.example.com
EOT
environment_variables = { NEGATIVE = -1 }
`
	s, err := ParseSpec([]byte(src), "x.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	if s.ContainerPort != 8000 || s.Tags["Quoted Key"] != "v" || s.Tags["bare_key"] != "w" ||
		s.AllowedHosts != "a.example.com\n" || s.EnvironmentVariables["NEGATIVE"] != "-1" {
		t.Fatalf("got %+v", s)
	}
}

func TestJSONSpecStringsAreLiteral(t *testing.T) {
	s, err := ParseSpec([]byte(`{"container_image": "repo:${tag}"}`), "x.tfvars.json")
	if err != nil {
		t.Fatal(err)
	}
	if s.ContainerImage != "repo:${tag}" {
		t.Fatalf("got %q", s.ContainerImage)
	}
}

func TestSetVariable(t *testing.T) {
	cases := []struct {
		name, set string
		check     func(Spec) bool
		wantErr   string
	}{
		{"a string takes the value as it is", "container_image=repo:tag", func(s Spec) bool { return s.ContainerImage == "repo:tag" }, ""},
		{"a string keeps further equals signs", "allowed_hosts=a=b", func(s Spec) bool { return s.AllowedHosts == "a=b" }, ""},
		{"cpu is a string variable", "task_cpu=1024", func(s Spec) bool { return s.TaskCPU == "1024" }, ""},
		{"a bool is parsed", "debug_mode=true", func(s Spec) bool { return s.DebugMode }, ""},
		{"a number is parsed", "container_port=9000", func(s Spec) bool { return s.ContainerPort == 9000 }, ""},
		{"a list is parsed as HCL", `container_command=["gunicorn", "app"]`, func(s Spec) bool { return len(s.ContainerCommand) == 2 }, ""},
		{"a map is parsed as HCL", `tags={Team = "web"}`, func(s Spec) bool { return s.Tags["Team"] == "web" }, ""},
		{"an empty string clears a string", "container_user=", func(s Spec) bool { return s.ContainerUser == "" }, ""},
		{"an unknown key suggests", "task_memroy=2048", nil, "task_memroy: unknown variable; did you mean task_memory?"},
		{"no equals sign is refused", "debug_mode", nil, `--set: "debug_mode" is not KEY=VALUE`},
		{"a bad bool is refused", "debug_mode=yes", nil, `debug_mode: "yes" is not true or false`},
		{"a bad number is refused", "container_port=http", nil, `container_port: "http" is not a number`},
		{"an expression is refused", "container_port=8000+1", nil, `container_port: only literal values are allowed, not an operator`},
		{"a bad list says how to write one", "container_command=gunicorn app", nil, `container_command: "gunicorn app" is not a list of strings; write it as HCL, e.g. ["a", "b"]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := SetVariable(validSpec(), tc.set)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("want error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(s) {
				t.Fatalf("not applied: %+v", s)
			}
		})
	}
}

func TestTheREADMEDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Variables() {
		def := "*required*"
		if !v.Required() {
			def = "`" + v.DefaultExpr + "`"
		}
		if row := "| `" + v.Name + "` |"; !strings.Contains(string(readme), row) {
			t.Errorf("README has no row for %s", v.Name)
		} else if line := lineWith(string(readme), row); !strings.Contains(line, " "+def+" ") {
			t.Errorf("README row of %s does not give its default %s: %s", v.Name, def, line)
		}
	}
}

func lineWith(text, sub string) string {
	for line := range strings.Lines(text) {
		if strings.Contains(line, sub) {
			return line
		}
	}
	return ""
}
