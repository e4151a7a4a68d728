package model

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

func TestExportsMatchTheGoldenFiles(t *testing.T) {
	for name, s := range exampleSpecs(t) {
		t.Run(name, func(t *testing.T) {
			golden(t, filepath.Join("testdata", "export", name+".module.tf"), FormatModule(s, DefaultModuleSource))
			resource, err := FormatResource(s, "")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "export", name+".resource.tf"), resource)
		})
	}
}

// hclExports are the HCL forms of s.
func hclExports(t *testing.T, s Spec) map[string][]byte {
	t.Helper()
	resource, err := FormatResource(s, "")
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"tfvars":   FormatTFVars(s),
		"module":   FormatModule(s, "git::https://example.com/modules.git//ecs-task-definition?ref=v1.2.0"),
		"resource": resource,
	}
}

func parseHCL(t *testing.T, src []byte) *hclsyntax.Body {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, "export.tf", hcl.InitialPos)
	if len(diags) > 0 {
		t.Fatalf("export does not parse: %v\n%s", diags, src)
	}
	return f.Body.(*hclsyntax.Body)
}

func TestHCLExportsParseAndAreCanonical(t *testing.T) {
	for name, s := range specVariations(t) {
		for form, out := range hclExports(t, s) {
			t.Run(name+" as "+form, func(t *testing.T) {
				parseHCL(t, out)
				if diff := cmp.Diff(string(out), string(hclwrite.Format(out))); diff != "" {
					t.Errorf("hclwrite.Format changes the export (-export +formatted):\n%s", diff)
				}
			})
		}
	}
}

// theBlock is the only block of an export, checked to be of the given type and labels.
func theBlock(t *testing.T, body *hclsyntax.Body, typ string, labels ...string) *hclsyntax.Block {
	t.Helper()
	if len(body.Blocks) != 1 || len(body.Attributes) != 0 {
		t.Fatalf("want one block and nothing else, got %d blocks, %d attributes", len(body.Blocks), len(body.Attributes))
	}
	b := body.Blocks[0]
	if b.Type != typ || !slices.Equal(b.Labels, labels) {
		t.Fatalf("got block %s %q, want %s %q", b.Type, b.Labels, typ, labels)
	}
	return b
}

func TestTheModuleExportSetsTheSpecsNonDefaultVariables(t *testing.T) {
	for name, s := range specVariations(t) {
		t.Run(name, func(t *testing.T) {
			block := theBlock(t, parseHCL(t, FormatModule(s, "./m")), "module", "task_definition")
			values := defaultsValue().AsValueMap()
			var set []string
			for attrName, attr := range block.Body.Attributes {
				val, diags := attr.Expr.Value(nil)
				if diags.HasErrors() {
					t.Fatalf("%s: %v", attrName, diags)
				}
				if attrName == "source" {
					if val != cty.StringVal("./m") {
						t.Errorf("source = %#v", val)
					}
					continue
				}
				v, ok := LookupVariable(attrName)
				if !ok {
					t.Errorf("%s is not a variable of the module", attrName)
					continue
				}
				if values[attrName], _, _ = decodeVariable(v, val); values[attrName] == cty.NilVal {
					t.Errorf("%s does not fit its variable's type", attrName)
				}
				set = append(set, attrName)
			}
			var nonDefault []string
			given := specValue(s)
			for _, v := range Variables() {
				if !sameValue(given.GetAttr(v.Name), v.Default) {
					nonDefault = append(nonDefault, v.Name)
				}
			}
			if diff := cmp.Diff(nonDefault, slices.Sorted(slices.Values(set)), sortStrings); diff != "" {
				t.Errorf("variables set (-non-default +module):\n%s", diff)
			}
			back, err := specFromValue(cty.ObjectVal(values))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s, back, equateEmpty); diff != "" {
				t.Errorf("the module's arguments hold another spec (-spec +module):\n%s", diff)
			}
		})
	}
}

var sortStrings = cmp.Transformer("sort", func(in []string) []string { return slices.Sorted(slices.Values(in)) })

// evalResource evaluates every argument of the resource export, as Terraform would,
// with jsonencode from go-cty's stdlib (Terraform's own).
func evalResource(t *testing.T, out []byte) (attrs map[string]cty.Value, blocks []*hclsyntax.Block) {
	t.Helper()
	block := theBlock(t, parseHCL(t, out), "resource", "aws_ecs_task_definition", "this")
	ctx := &hcl.EvalContext{Functions: map[string]function.Function{"jsonencode": stdlib.JSONEncodeFunc}}
	attrs = map[string]cty.Value{}
	for name, attr := range block.Body.Attributes {
		val, diags := attr.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", name, diags)
		}
		attrs[name] = val
	}
	return attrs, block.Body.Blocks
}

func TestTheResourceExportHoldsTheRendersContainers(t *testing.T) {
	for name, s := range specVariations(t) {
		t.Run(name, func(t *testing.T) {
			out, err := FormatResource(s, "")
			if err != nil {
				t.Fatal(err)
			}
			attrs, _ := evalResource(t, out)
			encoded := attrs["container_definitions"]
			if encoded.Type() != cty.String {
				t.Fatalf("container_definitions is %s, want a string", encoded.Type().FriendlyName())
			}
			var got any
			if err := json.Unmarshal([]byte(encoded.AsString()), &got); err != nil {
				t.Fatal(err)
			}
			td, _ := Build(s, "")
			var render struct{ ContainerDefinitions any }
			if err := json.Unmarshal(RenderJSON(td), &render); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(render.ContainerDefinitions, got); diff != "" {
				t.Errorf("container_definitions differs from the render (-render +resource):\n%s", diff)
			}
		})
	}
}

func TestTheResourceExportHoldsTheRendersTaskSettings(t *testing.T) {
	type volume struct {
		Name string
		EFS  map[string]string // efs_volume_configuration and authorization_config, flattened
	}
	type settings struct {
		Attrs   map[string]string // the string arguments
		Compat  []string
		Tags    map[string]string
		Runtime map[string]string
		Volumes []volume
	}
	blockAttrs := func(t *testing.T, b *hclsyntax.Block, into map[string]string) {
		for name, attr := range b.Body.Attributes {
			val, diags := attr.Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if val.Type() == cty.Number {
				into[name] = val.AsBigFloat().Text('f', 0)
			} else {
				into[name] = val.AsString()
			}
		}
	}
	for name, s := range specVariations(t) {
		t.Run(name, func(t *testing.T) {
			out, err := FormatResource(s, "")
			if err != nil {
				t.Fatal(err)
			}
			attrs, blocks := evalResource(t, out)
			got := settings{Attrs: map[string]string{}}
			for n, v := range attrs {
				switch n {
				case "container_definitions":
				case "requires_compatibilities":
					for _, e := range v.AsValueSlice() {
						got.Compat = append(got.Compat, e.AsString())
					}
				case "tags":
					got.Tags = map[string]string{}
					for k, e := range v.AsValueMap() {
						got.Tags[k] = e.AsString()
					}
				default:
					got.Attrs[n] = v.AsString()
				}
			}
			for _, b := range blocks {
				switch b.Type {
				case "runtime_platform":
					got.Runtime = map[string]string{}
					blockAttrs(t, b, got.Runtime)
				case "volume":
					names := map[string]string{}
					blockAttrs(t, b, names)
					v := volume{Name: names["name"]}
					for _, efs := range b.Body.Blocks {
						v.EFS = map[string]string{}
						blockAttrs(t, efs, v.EFS)
						for _, auth := range efs.Body.Blocks {
							blockAttrs(t, auth, v.EFS)
						}
					}
					got.Volumes = append(got.Volumes, v)
				default:
					t.Errorf("unexpected block %s", b.Type)
				}
			}

			td, _ := Build(s, "")
			want := settings{
				Attrs: map[string]string{
					"family": td.Family, "cpu": td.CPU, "memory": td.Memory, "network_mode": td.NetworkMode,
					"execution_role_arn": td.ExecutionRoleArn,
				},
				Compat: td.RequiresCompatibilities,
				Runtime: map[string]string{
					"cpu_architecture": td.RuntimePlatform.CPUArchitecture, "operating_system_family": td.RuntimePlatform.OperatingSystemFamily,
				},
			}
			if td.TaskRoleArn != "" {
				want.Attrs["task_role_arn"] = td.TaskRoleArn
			}
			for _, tag := range td.Tags {
				if want.Tags == nil {
					want.Tags = map[string]string{}
				}
				want.Tags[tag.Key] = tag.Value
			}
			for _, v := range td.Volumes {
				wv := volume{Name: v.Name}
				if e := v.EFSVolumeConfiguration; e != nil {
					wv.EFS = map[string]string{"file_system_id": e.FileSystemID}
					set := func(k, v string) {
						if v != "" && v != "0" {
							wv.EFS[k] = v
						}
					}
					set("root_directory", e.RootDirectory)
					set("transit_encryption", e.TransitEncryption)
					set("transit_encryption_port", jsonNumber(e.TransitEncryptionPort))
					if a := e.AuthorizationConfig; a != nil {
						set("access_point_id", a.AccessPointID)
						set("iam", a.IAM)
					}
				}
				want.Volumes = append(want.Volumes, wv)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("resource differs from the render (-render +resource):\n%s", diff)
			}
		})
	}
}

func jsonNumber(n int) string {
	out, _ := json.Marshal(n)
	return string(out)
}

func TestExport(t *testing.T) {
	s := validSpec()
	td, _ := Build(s, "")
	resource, _ := FormatResource(s, "")
	tests := []struct {
		name string
		opts ExportOptions
		want []byte
	}{
		{"tfvars is the spec file", ExportOptions{Format: ExportTFVars}, FormatTFVars(s)},
		{"tfvars-json is the JSON spec file", ExportOptions{Format: ExportTFVarsJSON}, FormatTFVarsJSON(s)},
		{"module calls the default source when none is given", ExportOptions{Format: ExportModule}, FormatModule(s, DefaultModuleSource)},
		{"module calls the source given", ExportOptions{Format: ExportModule, ModuleSource: "../m"}, FormatModule(s, "../m")},
		{"resource is the plain resource", ExportOptions{Format: ExportResource}, resource},
		{"json is the render", ExportOptions{Format: ExportJSON}, RenderJSON(td)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Export(s, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(tt.want), string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	noRegion := validSpec()
	noRegion.AWSRegion = ""
	tests := []struct {
		name   string
		spec   Spec
		format string
		want   error
	}{
		{"an unknown format", validSpec(), "yaml", ErrUnknownFormat},
		{"resource needs a region", noRegion, ExportResource, ErrNoRegion},
		{"json needs a region", noRegion, ExportJSON, ErrNoRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Export(tt.spec, ExportOptions{Format: tt.format}); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	for _, format := range []string{ExportTFVars, ExportTFVarsJSON, ExportModule} {
		t.Run(format+" needs no region", func(t *testing.T) {
			if _, err := Export(noRegion, ExportOptions{Format: format}); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestTheModuleExportOfADefaultSpecHoldsOnlyItsSource(t *testing.T) {
	want := "module \"task_definition\" {\n  source = \"./modules/ecs-task-definition\"\n}\n"
	if diff := cmp.Diff(want, string(FormatModule(NewSpec(), ""))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestExportFormatsNameTheirFiles(t *testing.T) {
	s := validSpec()
	family := s.Family()
	tests := []struct {
		name string
		spec Spec
		want map[string]string // format → file name
	}{
		{"a spec with a family names its files after it", s, map[string]string{
			ExportTFVars:     family + ".tfvars",
			ExportTFVarsJSON: family + ".tfvars.json",
			ExportModule:     family + ".tf",
			ExportResource:   family + ".resource.tf",
			ExportJSON:       family + ".json",
		}},
		{"a spec without one yet gets a name all the same", NewSpec(), map[string]string{
			ExportTFVars:     "ecswiz-spec.tfvars",
			ExportTFVarsJSON: "ecswiz-spec.tfvars.json",
			ExportModule:     "ecswiz-spec.tf",
			ExportResource:   "ecswiz-spec.resource.tf",
			ExportJSON:       "ecswiz-spec.json",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for _, f := range ExportFormats() {
				got[f.Name] = f.FileName(tt.spec)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEveryExportFormatIsWrittenAndDescribed(t *testing.T) {
	if diff := cmp.Diff([]string{ExportTFVars, ExportTFVarsJSON, ExportModule, ExportResource, ExportJSON}, ExportFormatNames()); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	files := map[string]bool{}
	for _, f := range ExportFormats() {
		if f.Label == "" || f.Description == "" || f.Ext == "" {
			t.Errorf("format %q is not described: %+v", f.Name, f)
		}
		if files[f.Ext] {
			t.Errorf("format %q shares its default file name with another", f.Name)
		}
		files[f.Ext] = true
		if _, err := Export(validSpec(), ExportOptions{Format: f.Name, Region: "eu-west-2"}); err != nil {
			t.Errorf("Export does not write %q: %v", f.Name, err)
		}
		if got, ok := LookupExportFormat(f.Name); !ok || got != f {
			t.Errorf("LookupExportFormat(%q) = %+v, %v", f.Name, got, ok)
		}
	}
	if _, ok := LookupExportFormat("yaml"); ok {
		t.Error("an unknown format was found")
	}
}
