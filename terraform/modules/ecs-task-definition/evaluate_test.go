package module_test

// A small evaluator for this module: what `terraform plan` would compute for the task
// definition, with HashiCorp's own libraries (hclsyntax, the dynamic block expander,
// typeexpr and go-cty) and without a provider. It understands exactly what the module
// uses: typed variables with defaults, nullable and validations; locals; the count of
// data "aws_region" "current"; and the aws_ecs_task_definition resource with its
// dynamic blocks and preconditions.

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// tfModule is the part of the module that decides the task definition.
type tfModule struct {
	variables      map[string]*tfVariable
	locals         map[string]hcl.Expression
	regionCount    hcl.Expression  // count of data "aws_region" "current"; nil without one
	taskDefinition *hclsyntax.Body // resource "aws_ecs_task_definition" "this"
}

type tfVariable struct {
	name        string
	ty          cty.Type
	defaults    *typeexpr.Defaults // of optional object attributes
	def         cty.Value
	required    bool // no default
	nullable    bool
	validations []tfCondition
}

// tfCondition is a validation or a precondition.
type tfCondition struct {
	condition, message hcl.Expression
}

// functions are the Terraform functions that are go-cty's stdlib functions unchanged.
// coalesce is left out on purpose: Terraform's also skips empty strings. A call to
// anything else fails the tests, which keeps the module within what they can check.
var functions = map[string]function.Function{
	"ceil": stdlib.CeilFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
	"distinct": stdlib.DistinctFunc, "flatten": stdlib.FlattenFunc, "floor": stdlib.FloorFunc,
	"format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc, "join": stdlib.JoinFunc,
	"jsonencode": stdlib.JSONEncodeFunc, "keys": stdlib.KeysFunc, "length": stdlib.LengthFunc,
	"lookup": stdlib.LookupFunc, "lower": stdlib.LowerFunc, "max": stdlib.MaxFunc,
	"merge": stdlib.MergeFunc, "min": stdlib.MinFunc, "range": stdlib.RangeFunc,
	"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "setsubtract": stdlib.SetSubtractFunc,
	"setunion": stdlib.SetUnionFunc, "sort": stdlib.SortFunc, "split": stdlib.SplitFunc,
	"substr": stdlib.SubstrFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimspace": stdlib.TrimSpaceFunc,
	"trimsuffix": stdlib.TrimSuffixFunc, "upper": stdlib.UpperFunc, "values": stdlib.ValuesFunc,
	"zipmap": stdlib.ZipmapFunc,
}

// loadTFModule parses every .tf file of dir.
func loadTFModule(dir string) (*tfModule, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	m := &tfModule{variables: map[string]*tfVariable{}, locals: map[string]hcl.Expression{}}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, diags
		}
		for _, block := range file.Body.(*hclsyntax.Body).Blocks {
			switch labels := strings.Join(block.Labels, " "); {
			case block.Type == "variable":
				v, err := parseVariable(block)
				if err != nil {
					return nil, err
				}
				m.variables[v.name] = v
			case block.Type == "locals":
				for name, attr := range block.Body.Attributes {
					m.locals[name] = attr.Expr
				}
			case block.Type == "data" && labels == "aws_region current":
				if count, ok := block.Body.Attributes["count"]; ok {
					m.regionCount = count.Expr
				}
			case block.Type == "resource" && labels == "aws_ecs_task_definition this":
				m.taskDefinition = block.Body
			}
		}
	}
	if m.taskDefinition == nil {
		return nil, fmt.Errorf(`%s: no resource "aws_ecs_task_definition" "this"`, dir)
	}
	return m, nil
}

func parseVariable(block *hclsyntax.Block) (*tfVariable, error) {
	v := &tfVariable{name: block.Labels[0], ty: cty.DynamicPseudoType, nullable: true, required: true}
	attrs := block.Body.Attributes
	if attr, ok := attrs["type"]; ok {
		ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		if diags.HasErrors() {
			return nil, diags
		}
		v.ty, v.defaults = ty, defaults
	}
	if attr, ok := attrs["default"]; ok {
		def, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return nil, diags
		}
		v.def, v.required = def, false
	}
	if attr, ok := attrs["nullable"]; ok {
		nullable, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return nil, diags
		}
		v.nullable = nullable.True()
	}
	for _, b := range block.Body.Blocks {
		if b.Type == "validation" {
			v.validations = append(v.validations, conditionOf(b))
		}
	}
	return v, nil
}

func conditionOf(b *hclsyntax.Block) tfCondition {
	c := tfCondition{}
	if attr, ok := b.Body.Attributes["condition"]; ok {
		c.condition = attr.Expr
	}
	if attr, ok := b.Body.Attributes["error_message"]; ok {
		c.message = attr.Expr
	}
	return c
}

// inputs reads a tfvars file (tfvars.json when filename ends in .json) and gives every
// variable its final value, as Terraform does: the default when a value is missing (or
// null for a variable that is not nullable), optional attributes' defaults applied,
// then conversion to the type.
func (m *tfModule) inputs(tfvars []byte, filename string) (map[string]cty.Value, error) {
	parse := func(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	if strings.HasSuffix(filename, ".json") {
		parse = hcljson.Parse
	}
	file, diags := parse(tfvars, filename)
	if diags.HasErrors() {
		return nil, diags
	}
	attrs, diags := file.Body.JustAttributes()
	if diags.HasErrors() {
		return nil, diags
	}
	given := map[string]cty.Value{}
	for name, attr := range attrs {
		if _, ok := m.variables[name]; !ok {
			return nil, fmt.Errorf("the tfvars set %s, which the module does not declare", name)
		}
		val, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return nil, diags
		}
		given[name] = val
	}
	values := map[string]cty.Value{}
	for name, v := range m.variables {
		val, ok := given[name]
		if !ok || (val.IsNull() && !v.nullable) {
			if v.required {
				return nil, fmt.Errorf("no value for the required variable %s", name)
			}
			val = v.def
		}
		if v.defaults != nil {
			val = v.defaults.Apply(val)
		}
		val, err := convert.Convert(val, v.ty)
		if err != nil {
			return nil, fmt.Errorf("var.%s: %w", name, err)
		}
		values[name] = val
	}
	return values, nil
}

// failedValidations evaluates the validation blocks of the named variables (of all
// without names), each with only its own variable in scope as in Terraform 1.5, and
// lists the error messages of those that fail.
func (m *tfModule) failedValidations(values map[string]cty.Value, names ...string) ([]string, error) {
	if len(names) == 0 {
		names = slices.Sorted(maps.Keys(m.variables))
	}
	var failed []string
	for _, name := range names {
		ctx := &hcl.EvalContext{
			Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{name: values[name]})},
			Functions: functions,
		}
		for _, c := range m.variables[name].validations {
			msg, ok, err := check(c, ctx)
			if err != nil {
				return nil, fmt.Errorf("validation of %s: %w", name, err)
			}
			if !ok {
				failed = append(failed, msg)
			}
		}
	}
	return failed, nil
}

// check evaluates a condition and, when it fails, its error message.
func check(c tfCondition, ctx *hcl.EvalContext) (msg string, ok bool, err error) {
	val, diags := c.condition.Value(ctx)
	if diags.HasErrors() {
		return "", false, diags
	}
	if val.True() {
		return "", true, nil
	}
	text, diags := c.message.Value(ctx)
	if diags.HasErrors() {
		return "", false, diags
	}
	return text.AsString(), false, nil
}

// evalContext evaluates the locals in dependency order, with region as the name the
// aws_region data source reads.
func (m *tfModule) evalContext(values map[string]cty.Value, region string) (*hcl.EvalContext, error) {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(values)},
		Functions: functions,
	}
	current := cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(region)})
	if m.regionCount != nil {
		count, diags := m.regionCount.Value(ctx)
		if diags.HasErrors() {
			return nil, diags
		}
		n, _ := count.AsBigFloat().Int64()
		current = cty.TupleVal(slices.Repeat([]cty.Value{current}, int(n)))
	}
	ctx.Variables["data"] = cty.ObjectVal(map[string]cty.Value{
		"aws_region": cty.ObjectVal(map[string]cty.Value{"current": current}),
	})

	locals := map[string]cty.Value{}
	ctx.Variables["local"] = cty.EmptyObjectVal
	pending := slices.Sorted(maps.Keys(m.locals))
	for len(pending) > 0 {
		var waiting []string
		for _, name := range pending {
			if !dependenciesKnown(m.locals[name], locals) {
				waiting = append(waiting, name)
				continue
			}
			val, diags := m.locals[name].Value(ctx)
			if diags.HasErrors() {
				return nil, fmt.Errorf("local.%s: %w", name, diags)
			}
			locals[name] = val
			ctx.Variables["local"] = cty.ObjectVal(locals)
		}
		if len(waiting) == len(pending) {
			return nil, fmt.Errorf("locals wait for each other or for undeclared locals: %s", strings.Join(waiting, ", "))
		}
		pending = waiting
	}
	return ctx, nil
}

func dependenciesKnown(expr hcl.Expression, locals map[string]cty.Value) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() != "local" || len(tr) < 2 {
			continue
		}
		if attr, ok := tr[1].(hcl.TraverseAttr); ok {
			if _, known := locals[attr.Name]; !known {
				return false
			}
		}
	}
	return true
}

// failedPreconditions evaluates the task definition's lifecycle preconditions.
func (m *tfModule) failedPreconditions(ctx *hcl.EvalContext) ([]string, error) {
	var failed []string
	for _, lifecycle := range m.taskDefinition.Blocks {
		if lifecycle.Type != "lifecycle" {
			continue
		}
		for _, b := range lifecycle.Body.Blocks {
			if b.Type != "precondition" {
				continue
			}
			msg, ok, err := check(conditionOf(b), ctx)
			if err != nil {
				return nil, fmt.Errorf("precondition: %w", err)
			}
			if !ok {
				failed = append(failed, msg)
			}
		}
	}
	return failed, nil
}

// blockSchema is the part of the aws_ecs_task_definition schema the module writes.
type blockSchema struct {
	attributes []string
	blocks     map[string]blockSchema
	many       bool // a repeated block: a list in the request, named in the plural
	terraform  bool // Terraform's own block (lifecycle), not sent to AWS
}

var taskDefinitionSchema = blockSchema{
	attributes: []string{
		"family", "cpu", "memory", "network_mode", "requires_compatibilities",
		"execution_role_arn", "task_role_arn", "container_definitions", "tags",
	},
	blocks: map[string]blockSchema{
		"lifecycle":        {terraform: true},
		"runtime_platform": {attributes: []string{"operating_system_family", "cpu_architecture"}},
		"volume": {
			many:       true,
			attributes: []string{"name"},
			blocks: map[string]blockSchema{
				"efs_volume_configuration": {
					attributes: []string{"file_system_id", "root_directory", "transit_encryption", "transit_encryption_port"},
					blocks: map[string]blockSchema{
						"authorization_config": {attributes: []string{"access_point_id", "iam"}},
					},
				},
			},
		},
	},
}

func (s blockSchema) hcl() *hcl.BodySchema {
	out := &hcl.BodySchema{}
	for _, a := range s.attributes {
		out.Attributes = append(out.Attributes, hcl.AttributeSchema{Name: a})
	}
	for _, b := range slices.Sorted(maps.Keys(s.blocks)) {
		out.Blocks = append(out.Blocks, hcl.BlockHeaderSchema{Type: b})
	}
	return out
}

// request evaluates the resource and writes it the way the provider sends it to
// register-task-definition: names in camelCase, container_definitions decoded, tags as
// key/value pairs. The provider (SDKv2) cannot tell a null attribute from "", 0 or an
// empty collection, so all of those are left out, as Build leaves out what is unset.
func (m *tfModule) request(ctx *hcl.EvalContext) (map[string]any, error) {
	doc, err := requestOf(dynblock.Expand(m.taskDefinition, ctx), taskDefinitionSchema, ctx)
	if err != nil {
		return nil, err
	}
	if defs, ok := doc["containerDefinitions"].(string); ok {
		var decoded any
		if err := json.Unmarshal([]byte(defs), &decoded); err != nil {
			return nil, fmt.Errorf("container_definitions: %w", err)
		}
		doc["containerDefinitions"] = decoded
	}
	if tags, ok := doc["tags"].(map[string]any); ok {
		var pairs []any
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			pairs = append(pairs, map[string]any{"key": k, "value": tags[k]})
		}
		doc["tags"] = pairs
	}
	return doc, nil
}

func requestOf(body hcl.Body, schema blockSchema, ctx *hcl.EvalContext) (map[string]any, error) {
	content, diags := body.Content(schema.hcl()) // an argument the schema lacks is an error
	if diags.HasErrors() {
		return nil, diags
	}
	out := map[string]any{}
	for name, attr := range content.Attributes {
		val, diags := attr.Expr.Value(ctx)
		if diags.HasErrors() {
			return nil, diags
		}
		if isUnset(val) {
			continue
		}
		out[camelCase(name)] = jsonOf(val)
	}
	for _, block := range content.Blocks {
		nested := schema.blocks[block.Type]
		if nested.terraform {
			continue
		}
		req, err := requestOf(block.Body, nested, ctx)
		if err != nil {
			return nil, err
		}
		if !nested.many {
			out[camelCase(block.Type)] = req
			continue
		}
		key := camelCase(block.Type) + "s"
		list, _ := out[key].([]any)
		out[key] = append(list, req)
	}
	return out, nil
}

func isUnset(v cty.Value) bool {
	switch {
	case v.IsNull():
		return true
	case v.Type() == cty.String:
		return v.AsString() == ""
	case v.Type() == cty.Number:
		return v.RawEquals(cty.Zero)
	case v.Type().IsCollectionType() || v.Type().IsTupleType() || v.Type().IsObjectType():
		return v.LengthInt() == 0
	}
	return false
}

// jsonOf is v as encoding/json decodes it.
func jsonOf(v cty.Value) any {
	raw, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		panic(err) // only known values come here
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

// camelCase turns a Terraform name into the ECS API's: file_system_id → fileSystemId.
func camelCase(name string) string {
	parts := strings.Split(name, "_")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}
