package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
)

// readSpec is the spec in the file at path.
func readSpec(t *testing.T, path string) model.Spec {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := model.ParseSpec(src, path)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func exported(t *testing.T, spec model.Spec, opts model.ExportOptions) string {
	t.Helper()
	out, err := model.Export(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestExportFormats(t *testing.T) {
	spec := readSpec(t, basicDev)
	tests := []struct {
		name string
		args []string
		want model.ExportOptions
	}{
		{"the module block is the default", nil, model.ExportOptions{Format: model.ExportModule}},
		{"the module source can be given", []string{"--module-source", "git::https://example.com/m.git//ecs?ref=v1"},
			model.ExportOptions{Format: model.ExportModule, ModuleSource: "git::https://example.com/m.git//ecs?ref=v1"}},
		{"resource writes the plain resource", []string{"--format", "resource"}, model.ExportOptions{Format: model.ExportResource}},
		{"tfvars writes the spec file", []string{"--format", "tfvars"}, model.ExportOptions{Format: model.ExportTFVars}},
		{"tfvars-json writes the JSON spec file", []string{"--format", "tfvars-json"}, model.ExportOptions{Format: model.ExportTFVarsJSON}},
		{"json writes the render", []string{"--format", "json"}, model.ExportOptions{Format: model.ExportJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cli{}.run(t, append([]string{"export", "-f", basicDev}, tt.args...)...)
			want := result{stdout: exported(t, spec, tt.want)}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExportAppliesSetOverrides(t *testing.T) {
	got := cli{}.run(t, "export", "-f", basicDev, "--format", "tfvars", "--set", "task_cpu=1024", "--set", "task_memory=2048")
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	spec, err := model.ParseSpec([]byte(got.stdout), "out.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	if spec.TaskCPU != "1024" || spec.TaskMemory != "2048" {
		t.Errorf("exported %s/%s, want 1024/2048", spec.TaskCPU, spec.TaskMemory)
	}
}

func TestExportRefusals(t *testing.T) {
	invalid := writeSpec(t, "dev.tfvars", basicDevWith(t, slices.Concat(readonlyRoot, badMemory)...))
	findings := validateFile(t, invalid)
	noRegion := writeSpec(t, "dev.tfvars", basicDevWithout(t, "aws_region"))

	tests := []struct {
		name string
		args []string
		want result
	}{
		{
			name: "an unknown format lists the valid ones",
			args: []string{"export", "-f", basicDev, "--format", "yaml"},
			want: result{code: exitUsage, stderr: `ecswiz: invalid --format "yaml": use one of tfvars, tfvars-json, module, resource, json` + "\n"},
		},
		{
			name: "a spec with errors is not exported, its findings are printed as render prints them",
			args: []string{"export", "-f", invalid, "--format", "tfvars"},
			want: result{code: exitUsage, stderr: invalid + ": 1 error, 1 warning\n" +
				"  error    task_memory:              " + explained(t, findings, "task_memory") + "\n" +
				"  warning  readonly_root_filesystem: " + explained(t, findings, "readonly_root_filesystem") + "\n"},
		},
		{
			name: "the resource needs a region",
			args: []string{"export", "-f", noRegion, "--format", "resource"},
			want: result{code: exitUsage, stderr: "ecswiz: " + model.ErrNoRegion.Error() + "\n"},
		},
		{
			name: "no spec is bad usage",
			args: []string{"export"},
			want: result{code: exitUsage, stderr: "ecswiz: no spec given: pass -f FILE, a .tfvars or .tfvars.json file\n"},
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

func TestExportTakesTheRegionFlag(t *testing.T) {
	noRegion := writeSpec(t, "dev.tfvars", basicDevWithout(t, "aws_region"))
	got := cli{}.run(t, "export", "--region", "us-east-1", "-f", noRegion, "--format", "json")
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	if region := summarize(t, got.stdout).Region; region != "us-east-1" {
		t.Errorf("awslogs-region = %q", region)
	}
}

// Every export holds the spec's values: it is written for its owner alone, 0600, and
// a file it replaces gets 0600 too, since the rename puts a new file in its place (see
// atomicfile.Write). chmod it after to share it.
func TestExportsAreWrittenWithMode0600(t *testing.T) {
	for _, format := range model.ExportFormatNames() {
		for _, tc := range []struct {
			name     string
			existing os.FileMode // the mode of a file already at the path; 0 for none
		}{
			{"a new file", 0},
			{"a file replaced with --force", 0o644},
		} {
			t.Run(format+", "+tc.name, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				args := []string{"export", "-f", basicDev, "--format", format, "-o", out}
				if tc.existing != 0 {
					if err := os.WriteFile(out, []byte("old"), tc.existing); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(out, tc.existing); err != nil {
						t.Fatal(err)
					}
					args = append(args, "--force")
				}
				got := cli{}.run(t, args...)
				if got.code != exitOK {
					t.Fatalf("exit %d: %s", got.code, got.stderr)
				}
				info, err := os.Stat(out)
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode().Perm() != 0o600 {
					t.Errorf("the export has mode %o, want 600", info.Mode().Perm())
				}
				if content, _ := os.ReadFile(out); string(content) == "old" {
					t.Error("the export did not replace the file")
				}
			})
		}
	}
}

// The log is appended to, never replaced: a new one is created 0600, and one that
// exists keeps the mode its owner gave it.
func TestTheLogFileIsCreatedWithMode0600(t *testing.T) {
	for _, tc := range []struct {
		name     string
		existing os.FileMode
		want     os.FileMode
	}{
		{"a new log file is 0600", 0, 0o600},
		{"an existing log file keeps its mode", 0o640, 0o640},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "ecswiz.log")
			if tc.existing != 0 {
				if err := os.WriteFile(logFile, []byte("earlier\n"), tc.existing); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(logFile, tc.existing); err != nil {
					t.Fatal(err)
				}
			}
			got := cli{}.run(t, "--log-file", logFile, "export", "-f", basicDev, "--format", "tfvars")
			if got.code != exitOK {
				t.Fatalf("exit %d: %s", got.code, got.stderr)
			}
			info, err := os.Stat(logFile)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != tc.want {
				t.Errorf("the log has mode %o, want %o", info.Mode().Perm(), tc.want)
			}
			content, _ := os.ReadFile(logFile)
			if !strings.Contains(string(content), "spec exported") {
				t.Errorf("the log lacks the export:\n%s", content)
			}
			if tc.existing != 0 && !strings.HasPrefix(string(content), "earlier\n") {
				t.Errorf("the log was not appended to:\n%s", content)
			}
		})
	}
}
