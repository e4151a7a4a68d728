package model

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// The two spec readers have a fuzzer each, not one fuzzer with a flag: their inputs share
// almost nothing (HCL native syntax against JSON), so each keeps its own seed corpus in
// testdata/fuzz/<Target> and the mutator spends no effort feeding one reader the other's
// syntax.

// FuzzParseTFVars feeds arbitrary bytes to the .tfvars (HCL) reader.
func FuzzParseTFVars(f *testing.F) {
	for _, src := range exampleFiles(f) {
		f.Add(src)
	}
	for _, s := range fuzzSpecs(f) {
		f.Add(FormatTFVars(s))
	}
	for _, src := range []string{
		// What people write by hand or copy from Terraform projects.
		"# comment\n// comment\n/* block\ncomment */\napp_name = \"shop\"\n",
		"app_name = \"shop\"\r\nenvironment = \"prod\"\r\n",                   // Windows line endings
		"\ufeffapp_name = \"shop\"\n",                                         // a byte order mark from Notepad
		"container_port = \"8000\"\ntask_cpu = 1024\ndebug_mode = \"true\"\n", // types Terraform converts
		"allowed_hosts = <<EOT\nexample.com,www.example.com\nEOT\n",           // a heredoc
		"container_command = <<-EOT\n  gunicorn\n  EOT\n",                     // an indented heredoc where a list belongs
		"container_command = [\n  \"gunicorn\",\n  \"config.wsgi\",\n]\n",     // a trailing comma
		"environment_variables = {\n  \"WEB_CONCURRENCY\" = \"3\"\n  SENTRY = \"x\"\n}\n",
		"tags = {\n  Team: \"web\",\n  \"cost-center\" = 12\n}\n", // colon syntax and a number value
		"task_role_arn = null\ncontainer_user = null\n",
		"volumes = [{ name = \"a\", efs_volume_configuration = { file_system_id = \"fs-1\" } }]\n",
		"volumes = [{ name = \"m\", efs_volume_configuration = { file_system_id = \"fs-1\", transit_encryption = \"ENABLED\", transit_encryption_port = 2049, authorization_config = { access_point_id = \"fsap-1\", iam = \"ENABLED\" } } }]\n",
		"mount_points = [{ sourceVolume = \"tmp\", containerPath = \"/tmp\", readOnly = true }]\n",
		"container_port = 8000.5\n",
		"container_port = -1\n",
		"container_port = 1e3\n",
		"container_port = 99999999999999999999\n",
		"container_image = \"repo:${var.tag}\"\n",
		"container_image = \"repo:%{if true}x%{endif}\"\n",
		"container_command = [for s in [\"a\"] : s]\n",
		"tags = { (\"a\") = \"b\" }\n",
		"task_memroy = \"2048\"\n",
		"app_name = \"a\"\napp_name = \"b\"\n",
		"resource \"x\" \"y\" {}\n",
		"app_name = \"shop\" environment = \"prod\"\n",
	} {
		f.Add([]byte(src))
	}

	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := ParseSpec(src, "fuzz.tfvars")
		checkSpecRead(t, src, s, err)
	})
}

// FuzzParseTFVarsJSON feeds arbitrary bytes to the .tfvars.json reader.
func FuzzParseTFVarsJSON(f *testing.F) {
	for _, s := range fuzzSpecs(f) {
		f.Add(FormatTFVarsJSON(s))
	}
	for _, src := range []string{
		`{"tags": {"for": "x", "null": "y", "A${B}": "z"}}`,
		`{"mount_points": [{"sourceVolume": "a", "containerPath": "/a"}], "container_port": 1e3}`,
		`{"container_port": "8000", "task_cpu": 1024, "debug_mode": "true"}`,
		`{"container_image": "repo:${tag}", "allowed_hosts": "%{ if x }y%{ endif }"}`,
		`{"//": "a comment, as Terraform's JSON syntax allows", "app_name": "shop"}`,
		`{"task_role_arn": null, "container_command": null, "volumes": null}`,
		`{"volumes": [{"name": "m", "efs_volume_configuration": {"file_system_id": "fs-1", "transit_encryption_port": 2049, "authorization_config": {"iam": "ENABLED"}}}]}`,
		`{"volumes": [{"name": "m", "host_path": "/x"}]}`,
		`{"container_port": 8000.5}`,
		`{"container_port": -0}`,
		`{"container_port": 1e400}`,
		`{"environment_variables": {"A": 1, "B": true, "C": null}}`,
		`{"environment_variables": {"A": ["x"]}}`,
		`{"app_name": "a", "app_name": "b"}`,
		`{"app_name": "\ud800"}`,
		`["app_name", "shop"]`,
		`{}`,
		``,
		"{\"app_name\": \"shop\"}\n{\"environment\": \"prod\"}",
	} {
		f.Add([]byte(src))
	}

	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := ParseSpec(src, "fuzz.tfvars.json")
		checkSpecRead(t, src, s, err)
	})
}

// checkSpecRead holds what the readers promise for any input: a refusal is a *SpecError
// whose every problem is located, on a line of the file, and says what is wrong; an
// accepted spec validates, builds, and survives being written and read back in either form.
func checkSpecRead(t *testing.T, src []byte, s Spec, err error) {
	t.Helper()
	if err != nil {
		var specErr *SpecError
		if !errors.As(err, &specErr) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		checkProblems(t, specErr)
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, p := range specErr.Problems {
			if p.Line > lines {
				t.Errorf("problem on line %d of a file of %d: %+v", p.Line, lines, p)
			}
		}
		return
	}
	Validate(s)
	if _, err := Build(s, "eu-west-2"); err != nil {
		t.Fatalf("build: %v", err)
	}
	checkRoundTrip(t, s)
}

// checkProblems: every problem says what is wrong, and where: a field or a line.
func checkProblems(t *testing.T, err *SpecError) {
	t.Helper()
	if len(err.Problems) == 0 {
		t.Fatal("a SpecError without problems")
	}
	for _, p := range err.Problems {
		if strings.TrimSpace(p.Message) == "" {
			t.Errorf("problem without a message: %+v", p)
		}
		if p.Field == "" && p.Line == 0 {
			t.Errorf("problem names neither a field nor a line: %+v", p)
		}
	}
}

// checkRoundTrip writes s in both forms and reads each back.
func checkRoundTrip(t *testing.T, s Spec) {
	t.Helper()
	for _, form := range []struct {
		file string
		out  []byte
	}{{"back.tfvars", FormatTFVars(s)}, {"back.tfvars.json", FormatTFVarsJSON(s)}} {
		back, err := ParseSpec(form.out, form.file)
		if err != nil {
			t.Fatalf("reading back what was written: %v\n%s", err, form.out)
		}
		if diff := cmp.Diff(s, back, equateEmpty); diff != "" {
			t.Fatalf("round trip through %s changed the spec (-before +after):\n%s\n%s", form.file, diff, form.out)
		}
	}
}

// FuzzSetVariable feeds arbitrary --set arguments to SetVariable over a valid spec.
// Whatever it accepts must change only the variable named, keep a string as typed,
// validate, build, survive a tfvars write/read round trip, and read back from what the
// tfvars writer writes for the variable; whatever it refuses must leave the spec as it
// was and name the field; nothing may panic.
func FuzzSetVariable(f *testing.F) {
	// Every variable of every example, as a person would type it on the command line.
	for _, src := range exampleFiles(f) {
		s, err := ParseSpec(src, "example.tfvars")
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range specEntries(s) {
			f.Add(e.Name + "=" + setText(e.Variable, e.Value))
		}
	}
	for _, a := range []string{
		"container_image=repo:tag",
		"allowed_hosts=a=b",
		"task_cpu=1024",
		"task_memory=2048",
		"debug_mode=true",
		"debug_mode=yes",
		"debug_mode=True",
		"debug_mode=1",
		"container_port=9000",
		"container_port=http",
		"container_port=8000+1",
		"container_port=(8000)",
		"container_port=-1",
		"container_port=8000.5",
		"container_port=1e3",
		"container_port=",
		"container_port=null",
		`container_command=["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]`,
		"container_command=gunicorn app",
		`container_command=["a", upper("b")]`,
		`container_command=[for s in ["a"] : s]`,
		`container_command=null`,
		`tags={Team = "web", "cost-center" = "1234"}`,
		`tags={for = "x", "${a}" = "b"}`,
		`tags={}`,
		`environment_variables={WEB_CONCURRENCY = "3", SENTRY_ENVIRONMENT = "prod"}`,
		`environment_variables={A = 1, B = true}`,
		`secrets_from_parameter_store={SENTRY_DSN = "/shop/prod/sentry/dsn"}`,
		`volumes=[{name = "tmp"}]`,
		`volumes=[{name = "media", efs_volume_configuration = {file_system_id = "fs-1", transit_encryption = "ENABLED", authorization_config = {access_point_id = "fsap-1", iam = "ENABLED"}}}]`,
		`volumes=[{name = "tmp", host_path = "/x"}]`,
		`mount_points=[{sourceVolume = "tmp", containerPath = "/tmp", readOnly = true}]`,
		`linux_capabilities_drop=["ALL"]`,
		"container_user=1000:1000",
		"container_user=",
		" task_memory = 2048",
		"task_memroy=2048",
		"=x",
		"debug_mode",
		"",
	} {
		f.Add(a)
	}

	f.Fuzz(func(t *testing.T, assignment string) {
		before := validSpec()
		s, err := SetVariable(before, assignment)
		key, raw, _ := strings.Cut(assignment, "=")
		key = strings.TrimSpace(key)
		if err != nil {
			var specErr *SpecError
			if !errors.As(err, &specErr) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			checkProblems(t, specErr)
			for _, p := range specErr.Problems {
				if p.Field != "--set" && (key == "" || !strings.HasPrefix(p.Field, key)) {
					t.Errorf("problem %q does not name the variable %q", p, key)
				}
			}
			if diff := cmp.Diff(before, s, equateEmpty); diff != "" {
				t.Errorf("a refused --set changed the spec (-before +after):\n%s", diff)
			}
			return
		}

		v, ok := LookupVariable(key)
		if !ok {
			t.Fatalf("accepted an unknown variable %q", key)
		}
		val := specValue(s).GetAttr(key)
		if v.Type == cty.String {
			// cty keeps strings in Unicode normal form C, as Terraform does: that is the
			// only change a string may see.
			if got, want := nullsToZero(val).AsString(), cty.StringVal(raw).AsString(); got != want {
				t.Errorf("%s = %q, typed %q", key, got, want)
			}
		}
		values := specValue(s).AsValueMap()
		values[key] = specValue(before).GetAttr(key)
		restored, err := specFromValue(cty.ObjectVal(values))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, restored, equateEmpty); diff != "" {
			t.Errorf("--set %s changed other variables (-before +after):\n%s", key, diff)
		}

		Validate(s)
		if _, err := Build(s, "eu-west-2"); err != nil {
			t.Fatalf("build: %v", err)
		}
		checkRoundTrip(t, s)

		if v.Type != cty.String && !strings.ContainsAny(raw, "\r\n#/") {
			// Typed on one line, a literal reads the same after --set as in a file. (Strings
			// differ on purpose: --set takes them unquoted.)
			fromFile, fileErr := ParseSpec([]byte(key+" = "+raw+"\n"), "set.tfvars")
			fromSet, setErr := SetVariable(NewSpec(), assignment)
			if fileErr == nil && setErr == nil {
				if diff := cmp.Diff(fromFile, fromSet, equateEmpty); diff != "" {
					t.Errorf("%s = %s reads differently in a file and after --set (-file +set):\n%s", key, raw, diff)
				}
			}
		}

		text := setText(v, pruneUnset(val, v.Type))
		again, err := SetVariable(before, key+"="+text)
		if err != nil {
			t.Fatalf("--set %s=%s, as the tfvars writer writes it, is refused: %v", key, text, err)
		}
		if diff := cmp.Diff(s, again, equateEmpty); diff != "" {
			t.Errorf("--set %s=%s, as the tfvars writer writes it, reads differently (-first +again):\n%s", key, text, diff)
		}
	})
}

// setText is how a value is typed after --set KEY=: a string as it is, anything else in
// HCL as the tfvars writer writes it.
func setText(v Variable, val cty.Value) string {
	if v.Type == cty.String {
		return nullsToZero(val).AsString()
	}
	return string(valueTokens(val).Bytes())
}

// exampleFiles are the specs of examples/, as files.
func exampleFiles(f testing.TB) [][]byte {
	f.Helper()
	paths, err := filepath.Glob("../../examples/*.tfvars")
	if err != nil || len(paths) == 0 {
		f.Fatalf("no examples: %v", err)
	}
	var out [][]byte
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, src)
	}
	return out
}

// fuzzSpecs are the examples and a spec with the values that are hardest to write: the
// seeds of the readers, in the writers' own words.
func fuzzSpecs(f testing.TB) []Spec {
	f.Helper()
	var specs []Spec
	for _, src := range exampleFiles(f) {
		s, err := ParseSpec(src, "example.tfvars")
		if err != nil {
			f.Fatal(err)
		}
		specs = append(specs, s)
	}
	edge := validSpec()
	edge.AllowedHosts = ""
	edge.EnvironmentVariables = map[string]string{"EMPTY": "", "QUOTES": `a "b" \c`, "MULTI": "line1\nline2\ttab"}
	edge.ContainerCommand = []string{"sh", "-c", `echo "${HOME}" %{x} $${y}`}
	edge.Tags = map[string]string{"with space": "a=b", "for": "x", "null": "y", "A${B}": "%{c}", "ünïcode": "✓"}
	edge.Volumes = []Volume{{Name: "media", EFS: &EFSVolume{FileSystemID: "fs-01234567", RootDirectory: "/x",
		TransitEncryption: "ENABLED", TransitEncryptionPort: 2049,
		AuthorizationConfig: &EFSAuthorization{AccessPointID: "fsap-1", IAM: "ENABLED"}}}, {Name: "tmp"}}
	edge.MountPoints = []MountPoint{{SourceVolume: "media", ContainerPath: "/m", ReadOnly: true}, {SourceVolume: "tmp", ContainerPath: "/tmp"}}
	return append(specs, edge)
}
