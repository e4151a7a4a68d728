package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// Export formats: the spec as a file (tfvars, tfvars-json), the spec as a call of the
// module (module), the task definition as a plain aws_ecs_task_definition resource
// (resource) and the register-task-definition JSON (json).
const (
	ExportTFVars     = "tfvars"
	ExportTFVarsJSON = "tfvars-json"
	ExportModule     = "module"
	ExportResource   = "resource"
	ExportJSON       = "json"
)

// ExportFormat is one form Export writes, described for help, menus and file names.
type ExportFormat struct {
	Name        string // the --format value: "module"
	Label       string // what it is, in a few words: "module block"
	Description string // one line saying what it is for
	Ext         string // the end of its default file name, after the family: ".tf"
}

// exportFormats is the one table of the formats: `ecswiz export`, the wizard's Act step
// and its accessible mode all list them from here.
var exportFormats = []ExportFormat{
	{ExportTFVars, "tfvars", "the spec as a .tfvars file, for ecswiz -f and terraform -var-file", ".tfvars"},
	{ExportTFVarsJSON, "tfvars JSON", "the same spec in Terraform's JSON variables form (.tfvars.json)", ".tfvars.json"},
	{ExportModule, "module block", `a module "task_definition" block calling the ecs-task-definition module`, ".tf"},
	{ExportResource, "resource HCL", "a plain aws_ecs_task_definition resource, without the module", ".resource.tf"},
	{ExportJSON, "ECS JSON", "the task definition JSON, for aws ecs register-task-definition", ".json"},
}

// ExportFormats lists the formats Export writes, in the order help and menus show them.
func ExportFormats() []ExportFormat { return slices.Clone(exportFormats) }

// ExportFormatNames are the formats' Names, in the same order.
func ExportFormatNames() []string {
	names := make([]string, len(exportFormats))
	for i, f := range exportFormats {
		names[i] = f.Name
	}
	return names
}

// LookupExportFormat finds a format by its Name.
func LookupExportFormat(name string) (ExportFormat, bool) {
	i := slices.IndexFunc(exportFormats, func(f ExportFormat) bool { return f.Name == name })
	if i < 0 {
		return ExportFormat{}, false
	}
	return exportFormats[i], true
}

// FileName is the file s is written to in this format unless told otherwise: the
// family and Ext ("shop-dev.tf"), or "ecswiz-spec" and Ext while the spec has no
// family yet.
func (f ExportFormat) FileName(s Spec) string {
	base := "ecswiz-spec"
	if s.AppName != "" && s.Environment != "" {
		base = s.Family()
	}
	return base + f.Ext
}

// DefaultModuleSource is where a Terraform configuration usually keeps the module: the
// seed's README calls it from there.
const DefaultModuleSource = "./modules/ecs-task-definition"

// ExportOptions say how Export writes a spec.
type ExportOptions struct {
	Format       string // one of ExportFormats
	ModuleSource string // the module block's source; "" means DefaultModuleSource
	Region       string // awslogs region when the spec sets no aws_region, as Build takes it
}

// ErrUnknownFormat is matched (errors.Is) by Export's error for a format it does not write.
var ErrUnknownFormat = errors.New("unknown export format")

// Export writes s in one of the ExportFormats. Like Build it does not validate.
func Export(s Spec, opts ExportOptions) ([]byte, error) {
	switch opts.Format {
	case ExportTFVars:
		return FormatTFVars(s), nil
	case ExportTFVarsJSON:
		return FormatTFVarsJSON(s), nil
	case ExportModule:
		return FormatModule(s, opts.ModuleSource), nil
	case ExportResource:
		return FormatResource(s, opts.Region)
	case ExportJSON:
		td, err := Build(s, opts.Region)
		if err != nil {
			return nil, err
		}
		return RenderJSON(td), nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownFormat, opts.Format)
}

// FormatModule writes s as a call of the ecs-task-definition module: the source, then
// every variable a tfvars file of s would hold, in the same order and groups.
func FormatModule(s Spec, source string) []byte {
	if source == "" {
		source = DefaultModuleSource
	}
	f := hclwrite.NewEmptyFile()
	body := f.Body().AppendNewBlock("module", []string{"task_definition"}).Body()
	body.SetAttributeValue("source", cty.StringVal(source))
	if entries := specEntries(s); len(entries) > 0 {
		body.AppendNewline()
		appendSpecEntries(body, entries)
	}
	return hclwrite.Format(f.Bytes())
}

// FormatResource writes the task definition of s as a plain aws_ecs_task_definition
// resource, for configurations that do not use the module. Its container_definitions is
// jsonencode of HCL object literals holding exactly the containerDefinitions that
// RenderJSON(Build(s, region)) holds, keys as the ECS API spells them.
func FormatResource(s Spec, region string) ([]byte, error) {
	td, err := Build(s, region)
	if err != nil {
		return nil, err
	}
	containers, err := containerDefinitionsTokens(td.ContainerDefinitions)
	if err != nil {
		return nil, err
	}

	f := hclwrite.NewEmptyFile()
	body := f.Body().AppendNewBlock("resource", []string{"aws_ecs_task_definition", "this"}).Body()
	body.SetAttributeValue("family", cty.StringVal(td.Family))
	body.SetAttributeValue("cpu", cty.StringVal(td.CPU))
	body.SetAttributeValue("memory", cty.StringVal(td.Memory))
	body.SetAttributeValue("network_mode", cty.StringVal(td.NetworkMode))
	body.SetAttributeValue("requires_compatibilities", stringList(td.RequiresCompatibilities))
	setStringIfSet(body, "execution_role_arn", td.ExecutionRoleArn)
	setStringIfSet(body, "task_role_arn", td.TaskRoleArn)

	body.AppendNewline()
	body.SetAttributeRaw("container_definitions", hclwrite.TokensForFunctionCall("jsonencode", containers))

	if p := td.RuntimePlatform; p != nil {
		body.AppendNewline()
		rp := body.AppendNewBlock("runtime_platform", nil).Body()
		setStringIfSet(rp, "operating_system_family", p.OperatingSystemFamily)
		setStringIfSet(rp, "cpu_architecture", p.CPUArchitecture)
	}
	for _, v := range td.Volumes {
		body.AppendNewline()
		appendVolumeBlock(body, v)
	}
	if len(td.Tags) > 0 {
		body.AppendNewline()
		attrs := make([]hclwrite.ObjectAttrTokens, len(td.Tags))
		for i, t := range td.Tags {
			attrs[i] = hclwrite.ObjectAttrTokens{Name: keyTokens(t.Key), Value: hclwrite.TokensForValue(cty.StringVal(t.Value))}
		}
		body.SetAttributeRaw("tags", hclwrite.TokensForObject(attrs))
	}
	return hclwrite.Format(f.Bytes()), nil
}

// appendVolumeBlock writes a volume block as the AWS provider spells it.
func appendVolumeBlock(body *hclwrite.Body, v taskdef.Volume) {
	vb := body.AppendNewBlock("volume", nil).Body()
	vb.SetAttributeValue("name", cty.StringVal(v.Name))
	efs := v.EFSVolumeConfiguration
	if efs == nil {
		return
	}
	vb.AppendNewline()
	eb := vb.AppendNewBlock("efs_volume_configuration", nil).Body()
	eb.SetAttributeValue("file_system_id", cty.StringVal(efs.FileSystemID))
	setStringIfSet(eb, "root_directory", efs.RootDirectory)
	setStringIfSet(eb, "transit_encryption", efs.TransitEncryption)
	if efs.TransitEncryptionPort != 0 {
		eb.SetAttributeValue("transit_encryption_port", cty.NumberIntVal(int64(efs.TransitEncryptionPort)))
	}
	if a := efs.AuthorizationConfig; a != nil {
		eb.AppendNewline()
		ab := eb.AppendNewBlock("authorization_config", nil).Body()
		setStringIfSet(ab, "access_point_id", a.AccessPointID)
		setStringIfSet(ab, "iam", a.IAM)
	}
}

func setStringIfSet(body *hclwrite.Body, name, value string) {
	if value != "" {
		body.SetAttributeValue(name, cty.StringVal(value))
	}
}

func stringList(items []string) cty.Value {
	if len(items) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(items))
	for i, s := range items {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}

// containerDefinitionsTokens writes the containers as an HCL tuple of objects. It goes
// through their JSON so the HCL holds exactly what the render holds (omitempty, the
// empty capabilities.add) with keys in the render's order.
func containerDefinitionsTokens(containers []taskdef.ContainerDefinition) (hclwrite.Tokens, error) {
	raw, err := json.Marshal(containers)
	if err != nil {
		return nil, fmt.Errorf("encode container definitions: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	doc, err := readOrderedJSON(dec)
	if err != nil {
		return nil, fmt.Errorf("read container definitions: %w", err)
	}
	return doc.tokens(false), nil
}

// orderedJSON is a JSON value that remembers the order of its object keys, which
// encoding/json's maps forget.
type orderedJSON struct {
	kind   byte // '{', '[' or 0 for a scalar
	keys   []string
	values []orderedJSON // the object's values or the array's elements
	scalar cty.Value
}

func readOrderedJSON(dec *json.Decoder) (orderedJSON, error) {
	tok, err := dec.Token()
	if err != nil {
		return orderedJSON{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		out := orderedJSON{kind: byte(t)}
		for dec.More() {
			if out.kind == '{' {
				key, err := dec.Token()
				if err != nil {
					return orderedJSON{}, err
				}
				out.keys = append(out.keys, key.(string))
			}
			v, err := readOrderedJSON(dec)
			if err != nil {
				return orderedJSON{}, err
			}
			out.values = append(out.values, v)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return orderedJSON{}, err
		}
		return out, nil
	case string:
		return orderedJSON{scalar: cty.StringVal(t)}, nil
	case json.Number:
		n, err := cty.ParseNumberVal(t.String())
		if err != nil {
			return orderedJSON{}, err
		}
		return orderedJSON{scalar: n}, nil
	case bool:
		return orderedJSON{scalar: cty.BoolVal(t)}, nil
	case nil:
		return orderedJSON{scalar: cty.NullVal(cty.DynamicPseudoType)}, nil
	}
	return orderedJSON{}, io.ErrUnexpectedEOF
}

// tokens writes the value as HCL. An object of scalars inside a list goes on one line
// ({ name = "PORT", value = "8000" }), so long environment lists stay readable; other
// objects put one attribute on a line, and lists of objects one element on a line.
func (j orderedJSON) tokens(inList bool) hclwrite.Tokens {
	switch j.kind {
	case '{':
		if inList && j.flat() {
			toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrace, Bytes: []byte("{")}}
			for i, k := range j.keys {
				if i > 0 {
					toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
				}
				toks = append(toks, jsonKeyTokens(k)...)
				toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte("=")})
				toks = append(toks, j.values[i].tokens(false)...)
			}
			return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrace, Bytes: []byte("}")})
		}
		if len(j.keys) == 0 {
			return hclwrite.Tokens{
				{Type: hclsyntax.TokenOBrace, Bytes: []byte("{")},
				{Type: hclsyntax.TokenCBrace, Bytes: []byte("}")},
			}
		}
		attrs := make([]hclwrite.ObjectAttrTokens, len(j.keys))
		for i, k := range j.keys {
			attrs[i] = hclwrite.ObjectAttrTokens{Name: jsonKeyTokens(k), Value: j.values[i].tokens(false)}
		}
		return hclwrite.TokensForObject(attrs)
	case '[':
		elems := make([]hclwrite.Tokens, len(j.values))
		for i, v := range j.values {
			elems[i] = v.tokens(true)
		}
		if !slices.ContainsFunc(j.values, func(v orderedJSON) bool { return v.kind == '{' }) {
			return hclwrite.TokensForTuple(elems)
		}
		toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")}, newline()}
		for _, e := range elems {
			toks = append(toks, e...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")}, newline())
		}
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
	}
	return hclwrite.TokensForValue(j.scalar)
}

// flat reports whether every value of an object is a scalar.
func (j orderedJSON) flat() bool {
	return !slices.ContainsFunc(j.values, func(v orderedJSON) bool { return v.kind != 0 })
}

// jsonKeyTokens writes an API key bare when it is a plain word (containerPort) and
// quoted otherwise: awslogs-group is a valid HCL name, but reads like a subtraction.
func jsonKeyTokens(key string) hclwrite.Tokens {
	if strings.Contains(key, "-") {
		return hclwrite.TokensForValue(cty.StringVal(key))
	}
	return keyTokens(key)
}
