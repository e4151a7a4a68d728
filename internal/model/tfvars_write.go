package model

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// specEntry is one variable a canonical spec file writes.
type specEntry struct {
	Variable
	Value cty.Value // pruned of unset object attributes
}

// specEntries lists, in canonical order, the required variables that are set and every
// variable whose value differs from its default.
func specEntries(s Spec) []specEntry {
	obj := specValue(s)
	var out []specEntry
	for _, v := range variables {
		val := obj.GetAttr(v.Name)
		if sameValue(val, v.Default) {
			continue
		}
		out = append(out, specEntry{Variable: v, Value: pruneUnset(val, v.Type)})
	}
	return out
}

// FormatTFVars writes s as a canonical tfvars file: variables in the module's order,
// grouped under comments, formatted as `terraform fmt` would.
func FormatTFVars(s Spec) []byte {
	f := hclwrite.NewEmptyFile()
	appendSpecEntries(f.Body(), specEntries(s))
	return hclwrite.Format(f.Bytes())
}

// appendSpecEntries writes entries as attributes of body, each group under its heading
// comment, as FormatTFVars lays out a file.
func appendSpecEntries(body *hclwrite.Body, entries []specEntry) {
	group := ""
	for i, e := range entries {
		if g := groupOf(e.Name); g != group {
			if i > 0 {
				body.AppendNewline()
			}
			body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + g + "\n")}})
			group = g
		}
		body.SetAttributeRaw(e.Name, valueTokens(e.Value))
	}
}

// FormatTFVarsJSON writes s as a canonical tfvars.json file, keys in the module's order.
func FormatTFVarsJSON(s Spec) []byte {
	var raw bytes.Buffer
	raw.WriteByte('{')
	for i, e := range specEntries(s) {
		if i > 0 {
			raw.WriteByte(',')
		}
		key, _ := json.Marshal(e.Name)
		val, err := ctyjson.Marshal(e.Value, e.Value.Type())
		if err != nil {
			panic("model: spec value does not encode as JSON: " + err.Error()) // only known, plain values
		}
		raw.Write(key)
		raw.WriteByte(':')
		raw.Write(val)
	}
	raw.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, raw.Bytes(), "", "  "); err != nil {
		panic("model: spec JSON does not indent: " + err.Error())
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// groupOf is the group heading of a variable: the last Group set at or before it.
func groupOf(name string) string {
	group := ""
	for _, v := range variables {
		if v.Group != "" {
			group = v.Group
		}
		if v.Name == name {
			return group
		}
	}
	return group
}

// valueTokens writes a value as HCL, with object attributes in a readable order.
func valueTokens(v cty.Value) hclwrite.Tokens {
	ty := v.Type()
	switch {
	case v.IsNull():
		return hclwrite.TokensForValue(v)
	case ty.IsObjectType():
		names := attrNames(ty)
		slices.SortStableFunc(names, func(a, b string) int { return attrRank(a) - attrRank(b) })
		attrs := make([]hclwrite.ObjectAttrTokens, len(names))
		for i, n := range names {
			attrs[i] = hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForIdentifier(n), Value: valueTokens(v.GetAttr(n))}
		}
		return hclwrite.TokensForObject(attrs)
	case ty.IsMapType():
		var attrs []hclwrite.ObjectAttrTokens
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			attrs = append(attrs, hclwrite.ObjectAttrTokens{Name: keyTokens(k.AsString()), Value: valueTokens(e)})
		}
		return hclwrite.TokensForObject(attrs)
	case ty.IsTupleType() || ty.IsListType():
		var elems []hclwrite.Tokens
		objects := false
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			objects = objects || e.Type().IsObjectType()
			elems = append(elems, valueTokens(e))
		}
		if !objects {
			return hclwrite.TokensForTuple(elems)
		}
		// One object a line, each followed by a comma, as terraform fmt leaves them.
		toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")}, newline()}
		for _, e := range elems {
			toks = append(toks, e...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")}, newline())
		}
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
	}
	return hclwrite.TokensForValue(v)
}

// keyTokens writes a map key bare when it reads back as the same name, else quoted:
// `for = "x"` would start a for expression.
func keyTokens(key string) hclwrite.Tokens {
	switch key {
	case "for", "in", "if", "null", "true", "false":
	default:
		if hclsyntax.ValidIdentifier(key) {
			return hclwrite.TokensForIdentifier(key)
		}
	}
	return hclwrite.TokensForValue(cty.StringVal(key))
}

// attrOrder puts object attributes in the order the seed and the ECS API use; names
// not listed sort after, alphabetically (attrNames is sorted).
var attrOrder = []string{
	"name", "efs_volume_configuration",
	"file_system_id", "root_directory", "transit_encryption", "transit_encryption_port", "authorization_config",
	"access_point_id", "iam",
	"sourceVolume", "containerPath", "readOnly",
}

func attrRank(name string) int {
	if i := slices.Index(attrOrder, name); i >= 0 {
		return i
	}
	return len(attrOrder)
}

// sameValue reports whether a and b decode to the same spec value: null, zero and
// empty collections are all "not set".
func sameValue(a, b cty.Value) bool {
	a, b = nullsToZero(a), nullsToZero(b)
	if isEmpty(a) && isEmpty(b) {
		return true
	}
	if a.IsNull() || b.IsNull() {
		return false
	}
	return a.Equals(b).True()
}

func isEmpty(v cty.Value) bool {
	if v.IsNull() {
		return true
	}
	ty := v.Type()
	return (ty.IsListType() || ty.IsMapType() || ty.IsSetType() || ty.IsTupleType()) && v.LengthInt() == 0
}

// pruneUnset drops the optional object attributes (per the declared type ty) that are
// unset: null, "", false, 0 or empty. Files then show only what was chosen. Lists of
// objects become tuples, since pruned objects differ in shape.
func pruneUnset(v cty.Value, ty cty.Type) cty.Value {
	if v.IsNull() {
		return v
	}
	switch {
	case ty.IsObjectType():
		attrs := map[string]cty.Value{}
		for name, aty := range ty.AttributeTypes() {
			a := nullsToZero(v.GetAttr(name))
			unset := isEmpty(a) || a.RawEquals(cty.StringVal("")) || a.RawEquals(cty.False) || a.RawEquals(cty.Zero)
			if unset && ty.AttributeOptional(name) {
				continue
			}
			attrs[name] = pruneUnset(a, aty)
		}
		return cty.ObjectVal(attrs)
	case ty.IsListType() && ty.ElementType().IsObjectType():
		var elems []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			elems = append(elems, pruneUnset(e, ty.ElementType()))
		}
		return cty.TupleVal(elems)
	}
	return v
}

func newline() *hclwrite.Token {
	return &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")}
}
