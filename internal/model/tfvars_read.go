package model

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Problem is one thing wrong with a spec file or a --set, located as precisely as the
// input allows.
type Problem struct {
	Filename     string // "" for --set
	Line, Column int    // 0 when unknown
	Field        string // variable path, e.g. volumes[0].name; "" for syntax errors
	Message      string
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Filename != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", p.Filename, p.Line, p.Column)
	case p.Filename != "":
		fmt.Fprintf(&b, "%s: ", p.Filename)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// SpecError lists every problem found while reading a spec, one per line.
type SpecError struct{ Problems []Problem }

func (e *SpecError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// IsJSONSpec reports whether filename names the JSON form of a spec (.tfvars.json).
func IsJSONSpec(filename string) bool { return strings.HasSuffix(filename, ".json") }

// ParseSpec reads a spec from tfvars (HCL) or, for a name ending in .json, from
// tfvars.json. Only literal values are accepted. Variables the file does not set keep
// their defaults; a missing required variable is left for Validate to report.
func ParseSpec(src []byte, filename string) (Spec, error) {
	var file *hcl.File
	var diags hcl.Diagnostics
	if IsJSONSpec(filename) {
		file, diags = hcljson.Parse(src, filename)
	} else {
		file, diags = hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	if diags.HasErrors() {
		// A syntax error cascades; the first one is the one to fix.
		return Spec{}, &SpecError{Problems: problemsFromDiags(diags)[:1]}
	}
	attrs, diags := file.Body.JustAttributes()
	if diags.HasErrors() {
		return Spec{}, &SpecError{Problems: problemsFromDiags(diags)}
	}

	values := defaultsValue().AsValueMap()
	var problems []Problem
	for _, name := range sortedAttrNames(attrs) {
		attr := attrs[name]
		at := func(field, format string, args ...any) {
			problems = append(problems, Problem{
				Filename: attr.Range.Filename, Line: attr.Range.Start.Line, Column: attr.Range.Start.Column,
				Field: field, Message: fmt.Sprintf(format, args...),
			})
		}
		v, ok := LookupVariable(name)
		if !ok {
			at(name, "%s", unknownVariableMessage(name))
			continue
		}
		if rng, what := nonLiteral(attr.Expr); what != "" {
			problems = append(problems, Problem{
				Filename: rng.Filename, Line: rng.Start.Line, Column: rng.Start.Column, Field: name,
				Message: "only literal values are allowed in a spec, not " + what,
			})
			continue
		}
		val, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			d := diags[0]
			pos := attr.Range
			if d.Subject != nil {
				pos = *d.Subject
			}
			problems = append(problems, Problem{
				Filename: pos.Filename, Line: pos.Start.Line, Column: pos.Start.Column, Field: name,
				Message: fmt.Sprintf("only literal values are allowed in a spec (%s: %s)", d.Summary, d.Detail),
			})
			continue
		}
		val, field, err := decodeVariable(v, val)
		if err != nil {
			at(field, "%v", err)
			continue
		}
		values[name] = val
	}
	if len(problems) > 0 {
		return Spec{}, &SpecError{Problems: problems}
	}
	spec, err := specFromValue(cty.ObjectVal(values))
	if err != nil {
		return Spec{}, &SpecError{Problems: []Problem{{Filename: filename, Message: err.Error()}}}
	}
	return spec, nil
}

// SetVariable overrides one variable of s from the command line (--set KEY=VALUE).
// A string variable takes VALUE as it is; any other type reads VALUE as an HCL literal:
// 8000, true, ["gunicorn", "app.wsgi"], {Team = "web"}.
func SetVariable(s Spec, assignment string) (Spec, error) {
	fail := func(field, format string, args ...any) (Spec, error) {
		return s, &SpecError{Problems: []Problem{{Field: field, Message: fmt.Sprintf(format, args...)}}}
	}
	key, raw, found := strings.Cut(assignment, "=")
	key = strings.TrimSpace(key)
	if !found || key == "" {
		return fail("--set", "%q is not KEY=VALUE", assignment)
	}
	v, ok := LookupVariable(key)
	if !ok {
		return fail(key, "%s", unknownVariableMessage(key))
	}
	if !utf8.ValidString(raw) {
		// The spec would keep the bad bytes, but a spec file written from it holds U+FFFD
		// in their place: the value would change on its way through the file.
		return fail(key, "%q is not valid UTF-8 text; check the encoding of the terminal or script that passed it", raw)
	}
	val := cty.StringVal(raw)
	if v.Type != cty.String {
		expr, diags := hclsyntax.ParseExpression([]byte(raw), "--set "+key, hcl.InitialPos)
		if !diags.HasErrors() {
			// A bare word (debug_mode=yes) is not a reference anyone meant: it fails
			// below as "not true or false".
			_, bareWord := expr.(*hclsyntax.ScopeTraversalExpr)
			if _, what := nonLiteral(expr); what != "" && !bareWord {
				return fail(key, "only literal values are allowed, not %s", what)
			}
			val, diags = expr.Value(nil)
		}
		if diags.HasErrors() {
			if v.Type.IsPrimitiveType() {
				return fail(key, "%q is not %s", raw, friendlyType(v.Type))
			}
			return fail(key, "%q is not %s; write it as HCL, e.g. %s", raw, friendlyType(v.Type), hclExample(v.Type))
		}
	}
	val, field, err := decodeVariable(v, val)
	if err != nil {
		return fail(field, "%v", err)
	}
	values := specValue(s).AsValueMap()
	values[key] = val
	out, err := specFromValue(cty.ObjectVal(values))
	if err != nil {
		return fail(key, "%v", err)
	}
	return out, nil
}

// nonLiteral finds the first part of a native-syntax expression that is not a literal
// value and says what it is ("a function call"), or returns "" when the whole
// expression is literal. Terraform would evaluate 8000 + 1 in a tfvars file; a spec
// refuses it, so that every tool reading the file sees the same value. JSON strings are
// always literal.
func nonLiteral(expr hcl.Expression) (hcl.Range, string) {
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
	case *hclsyntax.TemplateExpr:
		if !e.IsStringLiteral() {
			return firstNonLiteralPart(e)
		}
	case *hclsyntax.TemplateWrapExpr:
		return e.Range(), "a template interpolation"
	case *hclsyntax.TupleConsExpr:
		for _, item := range e.Exprs {
			if rng, what := nonLiteral(item); what != "" {
				return rng, what
			}
		}
	case *hclsyntax.ObjectConsExpr:
		for _, item := range e.Items {
			if key, ok := item.KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok && !key.ForceNonLiteral && hcl.ExprAsKeyword(key.Wrapped) != "" {
				// a bare identifier as a key is a name, not a reference
			} else if rng, what := nonLiteral(unwrapKey(item.KeyExpr)); what != "" {
				return rng, what
			}
			if rng, what := nonLiteral(item.ValueExpr); what != "" {
				return rng, what
			}
		}
	case *hclsyntax.UnaryOpExpr:
		if _, isLiteral := e.Val.(*hclsyntax.LiteralValueExpr); e.Op != hclsyntax.OpNegate || !isLiteral {
			return e.Range(), "an operator"
		}
	case *hclsyntax.ParenthesesExpr:
		return nonLiteral(e.Expression)
	case *hclsyntax.ScopeTraversalExpr:
		return e.Range(), "a variable reference"
	case *hclsyntax.FunctionCallExpr:
		return e.Range(), "a function call"
	case *hclsyntax.BinaryOpExpr:
		return e.Range(), "an operator"
	case *hclsyntax.ConditionalExpr:
		return e.Range(), "a conditional"
	case *hclsyntax.ForExpr:
		return e.Range(), "a for expression"
	case hclsyntax.Expression:
		return e.Range(), "an expression"
	}
	return hcl.Range{}, ""
}

func firstNonLiteralPart(t *hclsyntax.TemplateExpr) (hcl.Range, string) {
	for _, part := range t.Parts {
		if _, ok := part.(*hclsyntax.LiteralValueExpr); !ok {
			return part.Range(), "a template interpolation"
		}
	}
	return t.Range(), "a template interpolation"
}

func unwrapKey(e hclsyntax.Expression) hcl.Expression {
	if key, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		return key.Wrapped
	}
	return e
}

// decodeVariable checks a literal against the variable's type and converts it. A null
// means "use the default". field names the path of the offending part on error.
func decodeVariable(v Variable, val cty.Value) (cty.Value, string, error) {
	if val.IsNull() {
		return v.Default, v.Name, nil
	}
	if field, err := checkShape(val, v.Type, v.Name); err != nil {
		return cty.NilVal, field, err
	}
	out, err := convert.Convert(val, v.Type)
	if err != nil {
		field := v.Name
		if pe, ok := err.(cty.PathError); ok {
			field += formatPath(pe.Path)
		}
		return cty.NilVal, field, fmt.Errorf("expected %s: %s", friendlyType(v.Type), err)
	}
	return out, v.Name, nil
}

// checkShape finds what convert.Convert would silently drop or accept loosely: object
// attributes the type does not have, and numbers that are not whole.
func checkShape(val cty.Value, ty cty.Type, path string) (string, error) {
	if val.IsNull() || !val.IsKnown() {
		return "", nil
	}
	vt := val.Type()
	switch {
	case ty == cty.Number && vt == cty.Number:
		bf := val.AsBigFloat()
		if !bf.IsInt() || bf.Cmp(big.NewFloat(1<<31-1)) > 0 || bf.Cmp(big.NewFloat(-(1<<31))) < 0 {
			return path, fmt.Errorf("expected a whole number, got %s", bf.Text('g', -1))
		}
	case ty.IsObjectType() && (vt.IsObjectType() || vt.IsMapType()):
		for it := val.ElementIterator(); it.Next(); {
			k, e := it.Element()
			name := k.AsString()
			if !ty.HasAttribute(name) {
				return path + "." + name, fmt.Errorf("unknown attribute%s", suggestion(name, attrNames(ty)))
			}
			if field, err := checkShape(e, ty.AttributeType(name), path+"."+name); err != nil {
				return field, err
			}
		}
	case (ty.IsListType() || ty.IsSetType()) && (vt.IsTupleType() || vt.IsListType() || vt.IsSetType()):
		i := 0
		for it := val.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			if field, err := checkShape(e, ty.ElementType(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return field, err
			}
		}
	case ty.IsMapType() && (vt.IsObjectType() || vt.IsMapType()):
		for it := val.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if field, err := checkShape(e, ty.ElementType(), fmt.Sprintf("%s[%q]", path, k.AsString())); err != nil {
				return field, err
			}
		}
	}
	return "", nil
}

func unknownVariableMessage(name string) string {
	names := make([]string, len(variables))
	for i, v := range variables {
		names[i] = v.Name
	}
	return "unknown variable" + suggestion(name, names)
}

// suggestion is "; did you mean X?" for the nearest name within a few edits, else "".
func suggestion(name string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := levenshtein.Distance(strings.ToLower(name), strings.ToLower(c), nil)
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" || bestDist > max(2, len(name)/3) {
		return ""
	}
	return fmt.Sprintf("; did you mean %s?", best)
}

func attrNames(ty cty.Type) []string {
	return slices.Sorted(maps.Keys(ty.AttributeTypes()))
}

func hclExample(ty cty.Type) string {
	switch {
	case ty.IsMapType():
		return `{KEY = "value"}`
	case ty.IsListType() && ty.ElementType().IsObjectType():
		return `[{name = "tmp"}]`
	}
	return `["a", "b"]`
}

// friendlyType names a type as a person would say it.
func friendlyType(ty cty.Type) string {
	switch {
	case ty == cty.String:
		return "a string"
	case ty == cty.Number:
		return "a number"
	case ty == cty.Bool:
		return "true or false"
	case ty.IsListType() && ty.ElementType().IsObjectType():
		return "a list of objects"
	case ty.IsListType():
		return "a list of " + strings.TrimPrefix(friendlyType(ty.ElementType()), "a ") + "s"
	case ty.IsMapType():
		return "a map of " + strings.TrimPrefix(friendlyType(ty.ElementType()), "a ") + "s"
	case ty.IsObjectType():
		return "an object"
	}
	return ty.FriendlyName()
}

func formatPath(p cty.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			b.WriteString("." + s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.String {
				fmt.Fprintf(&b, "[%q]", s.Key.AsString())
			} else {
				fmt.Fprintf(&b, "[%s]", s.Key.AsBigFloat().Text('f', 0))
			}
		}
	}
	return b.String()
}

func problemsFromDiags(diags hcl.Diagnostics) []Problem {
	var out []Problem
	for _, d := range diags.Errs() {
		d := d.(*hcl.Diagnostic)
		p := Problem{Message: d.Summary}
		if d.Detail != "" {
			p.Message += ": " + strings.TrimSuffix(d.Detail, ".")
		}
		if d.Subject != nil {
			p.Filename, p.Line, p.Column = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, p)
	}
	return out
}

// sortedAttrNames orders attributes as they appear in the file.
func sortedAttrNames(attrs hcl.Attributes) []string {
	return slices.SortedFunc(maps.Keys(attrs), func(a, b string) int {
		return attrs[a].Range.Start.Byte - attrs[b].Range.Start.Byte
	})
}
