package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
)

const (
	basicDevRender    = "../../internal/model/testdata/render/basic-dev.json"
	hardenedDescribed = "../../internal/model/testdata/import/described-hardened.json"
	extrasDescribed   = "../../internal/model/testdata/import/described-with-extras.json"
)

func TestImportExact(t *testing.T) {
	tests := []struct {
		name, input, example string
	}{
		{"a render gives its spec back", basicDevRender, basicDev},
		{"describe-task-definition output gives its spec back", hardenedDescribed, "../../examples/hardened.tfvars"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cli{}.run(t, "import", "--from-json", tt.input)
			want := result{stdout: string(model.FormatTFVars(readSpec(t, tt.example)))}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportWritesTheFormTheOutputNameSays(t *testing.T) {
	for _, name := range []string{"dev.tfvars", "dev.tfvars.json"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), name)
			got := cli{}.run(t, "import", "--from-json", basicDevRender, "-o", out)
			if diff := cmp.Diff(result{}, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
			spec := readSpec(t, basicDev)
			want := model.FormatTFVars(spec)
			if model.IsJSONSpec(name) {
				want = model.FormatTFVarsJSON(spec)
			}
			content, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(content)); diff != "" {
				t.Errorf("file (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportLossy(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dev.tfvars")
	got := cli{}.run(t, "import", "--from-json", extrasDescribed, "-o", out)
	want := result{code: exitFailure, stderr: "" +
		`warning: containerDefinitions[0]: second container "log-router": a spec describes one container, dropped` + "\n" +
		"warning: containerDefinitions[1].dependsOn: not expressible in a spec, dropped\n" +
		"warning: containerDefinitions[1].healthCheck: not expressible in a spec, dropped\n" +
		"warning: containerDefinitions[1].ulimits: not expressible in a spec, dropped\n" +
		"warning: ephemeralStorage: not expressible in a spec, dropped\n" +
		"ecswiz: lossy import: the spec does not render " + extrasDescribed + " exactly (5 warnings)\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
	// The spec is written all the same: what it can hold.
	if spec := readSpec(t, out); spec.ContainerName != "backend-booking" || spec.Family() != "backend-booking-dev" {
		t.Errorf("imported %s in %s", spec.ContainerName, spec.Family())
	}
}

// Input that cannot be imported ends with exit 2, one "ecswiz: " line and no file.
func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	malformed := writeSpec(t, "td.json", "{\n  \"family\": \"web-dev\",\n  \"cpu\": }\n")
	noContainer := writeSpec(t, "td.json", `{"taskDefinition": {"family": "web-dev", "containerDefinitions": []}}`)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a missing file", []string{"import", "--from-json", missing},
			"ecswiz: read task definition " + missing + ": no such file or directory\n"},
		{"malformed JSON is placed by line and column", []string{"import", "--from-json", malformed},
			"ecswiz: " + malformed + ":3:10: invalid JSON: invalid character '}' looking for beginning of value\n"},
		{"a task definition without a container", []string{"import", "--from-json", noContainer},
			"ecswiz: " + noContainer + ": containerDefinitions: no container: a task definition needs one\n"},
		{"no input", []string{"import"},
			"ecswiz: nothing to import: pass --task-definition FAMILY[:REV], or --from-json FILE with the output of aws ecs describe-task-definition\n"},
		{"an argument instead of the flag", []string{"import", "td.json"},
			"ecswiz: import takes no arguments, got \"td.json\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "dev.tfvars")
			got := cli{}.run(t, append(tt.args, "-o", out)...)
			want := result{code: exitUsage, stderr: tt.want}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("import wrote %s", out)
			}
		})
	}
}
