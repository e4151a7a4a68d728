package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

const basicDev = "../../examples/basic-dev.tfvars"

// cli runs ecswiz in-process with a fake environment.
type cli struct {
	env     map[string]string
	home    string                 // "" for a fresh empty home directory
	newDemo func() *fakeaws.Server // nil for the plain demo account
}

type result struct {
	stdout, stderr string
	code           int
}

func (c cli) run(t *testing.T, args ...string) result {
	t.Helper()
	home := c.home
	if home == "" {
		home = t.TempDir()
	}
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, deps{
		stdout:  &stdout,
		stderr:  &stderr,
		getenv:  func(k string) string { return c.env[k] },
		homeDir: func() (string, error) { return home, nil },
		newDemo: c.newDemo,
	})
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// writeSpec writes a spec file in a fresh directory and returns its path.
func writeSpec(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// basicDevWithout is the basic-dev example without the lines that set the given keys.
func basicDevWithout(t *testing.T, keys ...string) string {
	t.Helper()
	src, err := os.ReadFile(basicDev)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for line := range strings.Lines(string(src)) {
		drop := false
		for _, k := range keys {
			drop = drop || strings.HasPrefix(strings.TrimSpace(line), k+" ")
		}
		if !drop {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "")
}

// basicDevWith is the basic-dev example with the given "key = value" lines instead of
// the lines that set those keys. They go at the end: the order of a spec's lines does
// not matter.
func basicDevWith(t *testing.T, lines ...string) string {
	t.Helper()
	var keys []string
	for _, line := range lines {
		key, _, ok := strings.Cut(line, " = ")
		if !ok {
			t.Fatalf("%q is not a key = value line", line)
		}
		keys = append(keys, key)
	}
	return basicDevWithout(t, keys...) + strings.Join(lines, "\n") + "\n"
}

// Changes to the basic-dev example that give the findings the tests need.
var (
	// task_memory: an error, as 9216 MiB is no Fargate size for 1 vCPU.
	badMemory = []string{`task_cpu = "1024"`, `task_memory = "9216"`}
	// readonly_root_filesystem: a warning, as /tmp is not writable.
	readonlyRoot = []string{"readonly_root_filesystem = true"}
	// linux_capabilities_add[0]: an error, as Fargate refuses NET_BIND_SERVICE.
	netBindService = []string{"enable_linux_parameters = true", `linux_capabilities_add = ["NET_BIND_SERVICE"]`}
	// container_image, allowed_hosts and debug_mode: warnings, as the spec is prod.
	debugInProd = []string{`environment = "prod"`, "debug_mode = true"}
)

// validateFile is what model.Validate finds in the spec file at path.
func validateFile(t *testing.T, path string) model.Findings {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := model.ParseSpec(src, path)
	if err != nil {
		t.Fatal(err)
	}
	return model.Validate(spec)
}

// explained is what a text report prints after the field path of the finding on field:
// its message and hint. Their wording is the model's and is tested there, so these
// tests take it from model.Validate and check only how the CLI lays findings out.
func explained(t *testing.T, findings model.Findings, field string) string {
	t.Helper()
	for _, f := range findings {
		if f.Field == field {
			if f.Hint == "" {
				return f.Message
			}
			return f.Message + " -- hint: " + f.Hint
		}
	}
	t.Fatalf("model.Validate finds nothing on %s: %+v", field, findings)
	return ""
}

func decodeTaskDefinition(t *testing.T, out string) taskdef.TaskDefinition {
	t.Helper()
	var td taskdef.TaskDefinition
	if err := json.Unmarshal([]byte(out), &td); err != nil {
		t.Fatalf("output is not a task definition: %v\n%s", err, out)
	}
	return td
}

// summary is the part of a rendered task definition the tests look at.
type summary struct {
	Family, Image, CPU, Memory, Region string
}

func summarize(t *testing.T, out string) summary {
	t.Helper()
	td := decodeTaskDefinition(t, out)
	if len(td.ContainerDefinitions) != 1 || td.ContainerDefinitions[0].LogConfiguration == nil {
		t.Fatalf("want one container with a log configuration, got %+v", td.ContainerDefinitions)
	}
	c := td.ContainerDefinitions[0]
	return summary{
		Family: td.Family, Image: c.Image, CPU: td.CPU, Memory: td.Memory,
		Region: c.LogConfiguration.Options["awslogs-region"],
	}
}

func TestRender(t *testing.T) {
	basic := summary{
		Family: "backend-booking-dev",
		Image:  "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-dev:latest",
		CPU:    "512", Memory: "1024", Region: "eu-west-2",
	}
	withImage := basic
	withImage.Image, withImage.CPU, withImage.Memory = "repo:1.4.2", "1024", "2048"

	tests := []struct {
		name string
		args []string
		want summary
	}{
		{
			name: "the basic example renders as it is",
			args: []string{"render", "-f", basicDev},
			want: basic,
		},
		{
			name: "set overrides values of every type in order",
			args: []string{"render", "-f", basicDev, "--set", "container_image=repo:1.4.2",
				"--set", "task_cpu=1024", "--set", "task_memory=4096", "--set", "task_memory=2048",
				"--set", "container_port=8080", "--set", "debug_mode=false"},
			want: withImage,
		},
		{
			name: "the spec's aws_region wins over the region flag",
			args: []string{"--region", "us-east-1", "render", "-f", basicDev},
			want: basic,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cli{}.run(t, tt.args...)
			if got.code != exitOK || strings.Contains(got.stderr, "error") {
				t.Fatalf("exit %d, stderr %q; want 0 and at most warnings", got.code, got.stderr)
			}
			if diff := cmp.Diff(tt.want, summarize(t, got.stdout)); diff != "" {
				t.Errorf("render mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderPassesSetValuesThrough(t *testing.T) {
	got := cli{}.run(t, "render", "-f", basicDev,
		"--set", `container_command=["gunicorn", "config.wsgi", "--bind=0.0.0.0:8000"]`)
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	td := decodeTaskDefinition(t, got.stdout)
	want := []string{"gunicorn", "config.wsgi", "--bind=0.0.0.0:8000"}
	if diff := cmp.Diff(want, td.ContainerDefinitions[0].Command); diff != "" {
		t.Errorf("command mismatch (-want +got):\n%s", diff)
	}
}

func TestRenderRegion(t *testing.T) {
	spec := writeSpec(t, "dev.tfvars", basicDevWithout(t, "aws_region"))
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	config := "[default]\nregion = eu-west-1\n[profile ci]\nregion = ap-southeast-2\n"
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		cli  cli
		args []string
		want string
	}{
		{
			name: "the region flag comes first",
			cli:  cli{home: home, env: map[string]string{"AWS_REGION": "us-east-2"}},
			args: []string{"render", "--region", "us-west-2", "-f", spec},
			want: "us-west-2",
		},
		{
			name: "AWS_REGION comes next",
			cli:  cli{home: home, env: map[string]string{"AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1"}},
			args: []string{"render", "-f", spec},
			want: "us-east-2",
		},
		{
			name: "the profile flag picks the profile in the config file",
			cli:  cli{home: home, env: map[string]string{"AWS_PROFILE": "default"}},
			args: []string{"render", "--profile", "ci", "-f", spec},
			want: "ap-southeast-2",
		},
		{
			name: "the default profile is used last",
			cli:  cli{home: home},
			args: []string{"render", "-f", spec},
			want: "eu-west-1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cli.run(t, tt.args...)
			if got.code != exitOK {
				t.Fatalf("exit %d: %s", got.code, got.stderr)
			}
			if diff := cmp.Diff(tt.want, summarize(t, got.stdout).Region); diff != "" {
				t.Errorf("awslogs-region mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Every command with -o writes through writeOutput: atomically, mode 0600, and never
// over an existing file without --force.
func TestOutputFile(t *testing.T) {
	const old = "keep me\n"
	commands := []struct {
		name string
		args []string // before -o
		file string
		want func(t *testing.T) string // what a written file holds
	}{
		{"render", []string{"render", "-f", basicDev}, "td.json", func(t *testing.T) string {
			return cli{}.run(t, "render", "-f", basicDev).stdout
		}},
		{"export", []string{"export", "-f", basicDev}, "task_definition.tf", func(t *testing.T) string {
			return exported(t, readSpec(t, basicDev), model.ExportOptions{Format: model.ExportModule})
		}},
		{"import", []string{"import", "--from-json", basicDevRender}, "dev.tfvars", func(t *testing.T) string {
			return string(model.FormatTFVars(readSpec(t, basicDev)))
		}},
	}
	cases := []struct {
		name     string
		existing bool
		force    bool
		wantCode int
		wantErr  string // stderr with OUT for the output path
	}{
		{name: "a new file is written", wantCode: exitOK},
		{name: "a new file is written with force too", force: true, wantCode: exitOK},
		{
			name: "an existing file is refused without force", existing: true, wantCode: exitUsage,
			wantErr: "ecswiz: OUT already exists; pass --force to replace it\n",
		},
		{name: "an existing file is replaced with force", existing: true, force: true, wantCode: exitOK},
	}
	for _, c := range commands {
		for _, tt := range cases {
			t.Run(c.name+": "+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				out := filepath.Join(dir, c.file)
				if tt.existing {
					if err := os.WriteFile(out, []byte(old), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				args := append(slices.Clone(c.args), "-o", out)
				if tt.force {
					args = append(args, "--force")
				}

				got := cli{}.run(t, args...)

				want := result{code: tt.wantCode, stderr: strings.ReplaceAll(tt.wantErr, "OUT", out)}
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
					t.Errorf("result mismatch (-want +got):\n%s", diff)
				}
				content, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				refused := tt.wantCode != exitOK
				wantContent := old
				if !refused {
					wantContent = c.want(t)
				}
				if diff := cmp.Diff(wantContent, string(content)); diff != "" {
					t.Errorf("file content (-want +got):\n%s", diff)
				}
				if info, err := os.Stat(out); err != nil {
					t.Fatal(err)
				} else if !refused && runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
					t.Errorf("mode = %v, want 0600", info.Mode().Perm())
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 1 {
					t.Errorf("directory holds %d entries, want only %s (no temp file)", len(entries), c.file)
				}
			})
		}
	}
}

func TestRenderRefusesASpecWithErrors(t *testing.T) {
	spec := writeSpec(t, "dev.tfvars", basicDevWith(t, slices.Concat(readonlyRoot, badMemory)...))
	findings := validateFile(t, spec)
	out := filepath.Join(t.TempDir(), "td.json")
	got := cli{}.run(t, "render", "-f", spec, "-o", out)

	want := result{code: exitUsage, stderr: spec + ": 1 error, 1 warning\n" +
		"  error    task_memory:              " + explained(t, findings, "task_memory") + "\n" +
		"  warning  readonly_root_filesystem: " + explained(t, findings, "readonly_root_filesystem") + "\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("render wrote %s for an invalid spec", out)
	}
}

func TestRenderShowsWarningsOnStderr(t *testing.T) {
	spec := writeSpec(t, "prod.tfvars", basicDevWith(t, debugInProd...))
	findings := validateFile(t, spec)
	got := cli{}.run(t, "render", "-f", spec)
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	wantErr := spec + ": valid, 3 warnings\n" +
		"  warning  container_image: " + explained(t, findings, "container_image") + "\n" +
		"  warning  allowed_hosts:   " + explained(t, findings, "allowed_hosts") + "\n" +
		"  warning  debug_mode:      " + explained(t, findings, "debug_mode") + "\n"
	if diff := cmp.Diff(wantErr, got.stderr); diff != "" {
		t.Errorf("stderr mismatch (-want +got):\n%s", diff)
	}
	summarize(t, got.stdout)
}

func TestRenderWithoutARegion(t *testing.T) {
	spec := writeSpec(t, "dev.tfvars", basicDevWithout(t, "aws_region"))
	got := cli{}.run(t, "render", "-f", spec)
	want := result{code: exitUsage, stderr: "ecswiz: " + model.ErrNoRegion.Error() + "\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
}

// Bad input of every kind ends with exit 2 and one "ecswiz: " line per problem.
func TestBadInput(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.tfvars")
	unknownKey := writeSpec(t, "dev.tfvars", "app_name = \"web\"\ntask_memroy = \"2048\"\n")
	malformed := writeSpec(t, "dev.tfvars", "app_name = \"web\"\ncontainer_port = = 8000\n")
	wrongType := writeSpec(t, "dev.tfvars", "container_port = \"eighty\"\n")
	malformedJSON := writeSpec(t, "dev.tfvars.json", "{\"app_name\": \"web\",\n  \"environment\": }\n")

	tests := []struct {
		name       string
		args       []string
		wantStderr string   // the whole of stderr, when known exactly
		wantParts  []string // else strings the one line must hold
	}{
		{
			name:       "a missing file names the file",
			args:       []string{"render", "-f", missing},
			wantStderr: "ecswiz: read spec " + missing + ": no such file or directory\n",
		},
		{
			name:       "a missing -f says how to pass the spec",
			args:       []string{"validate"},
			wantStderr: "ecswiz: no spec given: pass -f FILE, a .tfvars or .tfvars.json file\n",
		},
		{
			name:       "a spec given as an argument says to use -f",
			args:       []string{"render", "dev.tfvars"},
			wantStderr: "ecswiz: render takes no arguments; pass the spec with -f: ecswiz render -f dev.tfvars\n",
		},
		{
			name:       "an unknown key suggests the nearest variable",
			args:       []string{"validate", "-f", unknownKey},
			wantStderr: "ecswiz: " + unknownKey + ":2:1: task_memroy: unknown variable; did you mean task_memory?\n",
		},
		{
			name:      "a syntax error gives file, line and column",
			args:      []string{"render", "-f", malformed},
			wantParts: []string{"ecswiz: " + malformed + ":2:"},
		},
		{
			name:      "a syntax error in the JSON form gives file, line and column",
			args:      []string{"validate", "-f", malformedJSON},
			wantParts: []string{"ecswiz: " + malformedJSON + ":2:"},
		},
		{
			name:      "a wrong type names the key and the type expected",
			args:      []string{"render", "-f", wrongType},
			wantParts: []string{"ecswiz: " + wrongType + ":1:1: container_port: ", "number"},
		},
		{
			name:       "an unknown key in --set suggests the nearest variable",
			args:       []string{"render", "-f", basicDev, "--set", "task_memroy=2048"},
			wantStderr: "ecswiz: --set task_memroy: unknown variable; did you mean task_memory?\n",
		},
		{
			name:       "a --set without a value says what it wants",
			args:       []string{"render", "-f", basicDev, "--set", "task_memory"},
			wantStderr: "ecswiz: --set: \"task_memory\" is not KEY=VALUE\n",
		},
		{
			name:      "a --set of the wrong type names the key",
			args:      []string{"validate", "-f", basicDev, "--set", "container_port=eighty"},
			wantParts: []string{"ecswiz: --set container_port: ", "number"},
		},
		{
			name:       "a bad --format lists the valid ones",
			args:       []string{"validate", "-f", basicDev, "--format", "yaml"},
			wantStderr: "ecswiz: invalid --format \"yaml\": use text or json\n",
		},
		{
			name:       "an unknown flag points at help",
			args:       []string{"render", "--bogus"},
			wantStderr: "ecswiz: unknown flag: --bogus (see 'ecswiz render --help')\n",
		},
		{
			name:       "a flag without its value points at help",
			args:       []string{"render", "-f"},
			wantStderr: "ecswiz: flag needs an argument: 'f' in -f (see 'ecswiz render --help')\n",
		},
		{
			name:       "an unknown command suggests the nearest one",
			args:       []string{"rendr"},
			wantStderr: "ecswiz: unknown command \"rendr\" for \"ecswiz\"; did you mean render? (see 'ecswiz --help')\n",
		},
		{
			name:      "an argument to a built-in cobra command is bad usage too",
			args:      []string{"completion", "bash", "extra"},
			wantParts: []string{"ecswiz: ", "extra"},
		},
		{
			name:      "a log file that cannot be opened names the flag",
			args:      []string{"--log-file", filepath.Join(missing, "x.log"), "version"},
			wantParts: []string{"ecswiz: --log-file: "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cli{}.run(t, tt.args...)
			if got.code != exitUsage {
				t.Errorf("exit %d, want %d", got.code, exitUsage)
			}
			if got.stdout != "" {
				t.Errorf("stdout = %q, want nothing", got.stdout)
			}
			if strings.Count(got.stderr, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", got.stderr)
			}
			if tt.wantStderr != "" {
				if diff := cmp.Diff(tt.wantStderr, got.stderr); diff != "" {
					t.Errorf("stderr mismatch (-want +got):\n%s", diff)
				}
			}
			for _, part := range tt.wantParts {
				if !strings.Contains(got.stderr, part) {
					t.Errorf("stderr %q does not contain %q", got.stderr, part)
				}
			}
		})
	}
}

func TestEveryProblemOfASpecIsOneLine(t *testing.T) {
	spec := writeSpec(t, "dev.tfvars.json",
		`{"app_name": "web", "task_memroy": "2048", "container_port": "eighty", "a\nb": 1}`)
	got := cli{}.run(t, "validate", "-f", spec)
	if got.code != exitUsage {
		t.Errorf("exit %d, want %d", got.code, exitUsage)
	}
	lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines, one per problem; got %q", got.stderr)
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, "ecswiz: "+spec+":1:") {
			t.Errorf("line %q does not start with ecswiz: and the file's position", line)
		}
	}
	if !strings.Contains(got.stderr, `a\nb: unknown variable`) {
		t.Errorf("the newline in a key is not escaped: %q", got.stderr)
	}
}

func TestValidate(t *testing.T) {
	warningOnly := writeSpec(t, "readonly.tfvars", basicDevWith(t, readonlyRoot...))
	readonly := explained(t, validateFile(t, warningOnly), "readonly_root_filesystem")
	// Validation order puts the warning first: readonly_root_filesystem comes before
	// linux_capabilities_add among the module's variables.
	errorAndWarning := writeSpec(t, "hardened.tfvars", basicDevWith(t, slices.Concat(readonlyRoot, netBindService)...))
	findings := validateFile(t, errorAndWarning)

	tests := []struct {
		name string
		args []string
		want result
	}{
		{
			name: "a clean spec is valid",
			args: []string{"validate", "-f", basicDev},
			want: result{code: exitOK, stdout: basicDev + ": valid\n"},
		},
		{
			name: "warnings alone pass",
			args: []string{"validate", "-f", warningOnly},
			want: result{code: exitOK, stdout: warningOnly + ": valid, 1 warning\n" +
				"  warning  readonly_root_filesystem: " + readonly + "\n"},
		},
		{
			name: "warnings fail with strict",
			args: []string{"validate", "-f", warningOnly, "--strict"},
			want: result{code: exitUsage, stdout: warningOnly + ": 1 warning (--strict: warnings fail)\n" +
				"  warning  readonly_root_filesystem: " + readonly + "\n"},
		},
		{
			name: "errors fail and come before warnings",
			args: []string{"validate", "-f", errorAndWarning},
			want: result{code: exitUsage, stdout: errorAndWarning + ": 1 error, 1 warning\n" +
				"  error    linux_capabilities_add[0]: " + explained(t, findings, "linux_capabilities_add[0]") + "\n" +
				"  warning  readonly_root_filesystem:  " + explained(t, findings, "readonly_root_filesystem") + "\n"},
		},
		{
			name: "json of a clean spec is an empty list",
			args: []string{"validate", "-f", basicDev, "--format", "json"},
			want: result{code: exitOK, stdout: "[]\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cli{}.run(t, tt.args...)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// JSON lists the findings in validation order, not errors first as text does, and
// fails on errors.
func TestValidateJSONKeepsValidationOrder(t *testing.T) {
	spec := writeSpec(t, "hardened.tfvars", basicDevWith(t, slices.Concat(readonlyRoot, netBindService)...))
	got := cli{}.run(t, "validate", "-f", spec, "--format=json")
	if got.code != exitUsage || got.stderr != "" {
		t.Errorf("exit %d, stderr %q; want %d and nothing", got.code, got.stderr, exitUsage)
	}
	var findings model.Findings
	if err := json.Unmarshal([]byte(got.stdout), &findings); err != nil {
		t.Fatalf("stdout is not a JSON list of findings: %v\n%s", err, got.stdout)
	}
	var order []string
	for _, f := range findings {
		order = append(order, string(f.Severity)+" "+f.Field)
	}
	wantOrder := []string{"warning readonly_root_filesystem", "error linux_capabilities_add[0]"}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("findings order mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(validateFile(t, spec), findings); diff != "" {
		t.Errorf("findings differ from model.Validate's (-want +got):\n%s", diff)
	}
}

func TestValidateJSONIsAListOfFindings(t *testing.T) {
	got := cli{}.run(t, "validate", "-f", basicDev, "--format", "json")
	var findings []model.Finding
	if err := json.Unmarshal([]byte(got.stdout), &findings); err != nil {
		t.Fatalf("stdout is not a JSON list of findings: %v\n%s", err, got.stdout)
	}
	if got.stderr != "" {
		t.Errorf("stderr = %q, want nothing", got.stderr)
	}
}

// A spec with several mistakes lists them all, in the order of the variables, and
// exits 2.
func TestValidateListsEveryMistake(t *testing.T) {
	// execution_role_arn is required; 70000 is no TCP port; 9216 MiB is no Fargate size
	// for the example's 512 CPU.
	src := basicDevWithout(t, "execution_role_arn", "container_port", "task_memory") +
		"container_port = 70000\ntask_memory = \"9216\"\n"
	spec := writeSpec(t, "dev.tfvars", src)
	findings := validateFile(t, spec)

	got := cli{}.run(t, "validate", "-f", spec)

	want := result{code: exitUsage, stdout: spec + ": 3 errors\n" +
		"  error    container_port:     " + explained(t, findings, "container_port") + "\n" +
		"  error    task_memory:        " + explained(t, findings, "task_memory") + "\n" +
		"  error    execution_role_arn: " + explained(t, findings, "execution_role_arn") + "\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
}

func TestLogFile(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "ecswiz.log")
	spec := writeSpec(t, "dev.tfvars", basicDevWithout(t, "aws_region"))
	got := cli{env: map[string]string{"AWS_REGION": "eu-central-1"}}.run(t,
		"--log-file", logFile, "render", "-f", spec)
	if got.code != exitOK || got.stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", got.code, got.stderr)
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "source=AWS_REGION") {
		t.Errorf("log does not say where the region came from:\n%s", log)
	}
	if info, err := os.Stat(logFile); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("log mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestInformationCommands(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantParts []string
	}{
		{
			name:      "--help describes the wizard and the commands",
			args:      []string{"--help"},
			wantParts: []string{"Usage:", "wizard", "validate", "render", "completion", "version"},
		},
		{
			name:      "version prints the version",
			args:      []string{"version"},
			wantParts: []string{"ecswiz version ", runtime.Version()},
		},
		{
			name:      "the version flag prints the same",
			args:      []string{"--version"},
			wantParts: []string{"ecswiz version ", runtime.Version()},
		},
		{
			name:      "completion writes a bash script",
			args:      []string{"completion", "bash"},
			wantParts: []string{"bash completion", "ecswiz"},
		},
		{
			name:      "completion writes a powershell script",
			args:      []string{"completion", "powershell"},
			wantParts: []string{"Register-ArgumentCompleter"},
		},
		{
			name:      "help of render documents its flags and the global ones",
			args:      []string{"render", "--help"},
			wantParts: []string{"--file", "--set", "--output", "--force", "--region", "--profile", "--log-file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cli{}.run(t, tt.args...)
			if got.code != exitOK || got.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", got.code, got.stderr)
			}
			for _, part := range tt.wantParts {
				if !strings.Contains(got.stdout, part) {
					t.Errorf("stdout does not contain %q:\n%s", part, got.stdout)
				}
			}
		})
	}
}
