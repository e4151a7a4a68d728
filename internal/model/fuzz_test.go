package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseSpec feeds arbitrary bytes to both spec readers. Whatever they accept must
// validate, build, and survive a write/read round trip; nothing may panic.
func FuzzParseSpec(f *testing.F) {
	paths, _ := filepath.Glob("../../examples/*.tfvars")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, false)
		if s, err := ParseSpec(src, p); err == nil {
			f.Add(FormatTFVarsJSON(s), true)
		}
	}
	f.Add([]byte(`volumes = [{ name = "a", efs_volume_configuration = { file_system_id = "fs-1" } }]`), false)
	f.Add([]byte(`{"tags": {"for": "x", "null": "y", "A${B}": "z"}}`), true)
	f.Add([]byte(`{"mount_points": [{"sourceVolume": "a", "containerPath": "/a"}], "container_port": 1e3}`), true)

	f.Fuzz(func(t *testing.T, src []byte, asJSON bool) {
		name := "fuzz.tfvars"
		if asJSON {
			name += ".json"
		}
		s, err := ParseSpec(src, name)
		if err != nil {
			if _, ok := err.(*SpecError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		Validate(s)
		if _, err := Build(s, "eu-west-2"); err != nil {
			t.Fatalf("build: %v", err)
		}
		for _, form := range []struct {
			file string
			out  []byte
		}{{"back.tfvars", FormatTFVars(s)}, {"back.tfvars.json", FormatTFVarsJSON(s)}} {
			back, err := ParseSpec(form.out, form.file)
			if err != nil {
				t.Fatalf("reading back what was written: %v\n%s", err, form.out)
			}
			if diff := cmp.Diff(s, back, equateEmpty); diff != "" {
				t.Fatalf("round trip through %s changed the spec (-before +after):\n%s", form.file, diff)
			}
		}
	})
}
