package aws_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ecswiz never reads a secret's value (DESIGN.md §2): discovery uses metadata calls and
// WithDecryption is never set. These tests hold every non-test source of the module to
// that, so a change that asks SSM to decrypt, or calls an operation that returns values,
// fails `make test` and names the line.

// valueReadingCalls are the SDK operations (and paginators) that return parameter or
// secret values. GetParameters stays allowed: without WithDecryption, which is checked
// separately, it only says which names exist.
var valueReadingCalls = map[string]bool{
	"GetParameter":                        true,
	"GetParametersByPath":                 true,
	"NewGetParametersByPathPaginator":     true,
	"GetParameterHistory":                 true,
	"NewGetParameterHistoryPaginator":     true,
	"GetSecretValue":                      true,
	"BatchGetSecretValue":                 true,
	"NewBatchGetSecretValuePaginator":     true,
	"GetParametersByPathWithContext":      true, // SDK v1 names, should one creep in
	"GetParameterWithContext":             true,
	"GetSecretValueWithContext":           true,
	"GetParametersByPathPagesWithContext": true,
}

// valueReadingAllowed lists the places ("path/file.go:Func") that may name a
// value-reading call, with why. None needs one: keep it empty.
var valueReadingAllowed = map[string]string{}

// decryptionFinding is one place a source asks for a secret's value.
type decryptionFinding struct {
	Pos  token.Position
	What string
}

func (f decryptionFinding) String() string {
	return fmt.Sprintf("%s:%d: %s", f.Pos.Filename, f.Pos.Line, f.What)
}

// decryptionRequests finds what in file asks AWS for a secret's value: WithDecryption
// set in a composite literal, assigned, or addressed (to be set through a pointer); a
// request body or reflection naming WithDecryption in a string; a call or method value
// of an operation that returns values, unless valueReadingAllowed lists its function.
// Reading the field (fakeaws does, to answer as AWS would) and declaring it are fine.
// allowed is valueReadingAllowed, or a test's own.
func decryptionRequests(fset *token.FileSet, file *ast.File, allowed map[string]string) []decryptionFinding {
	var found []decryptionFinding
	add := func(n ast.Node, format string, args ...any) {
		found = append(found, decryptionFinding{Pos: fset.Position(n.Pos()), What: fmt.Sprintf(format, args...)})
	}
	isDecryption := func(e ast.Expr) bool {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "WithDecryption"
	}
	tags := map[*ast.BasicLit]bool{}
	var funcName string
	for _, decl := range file.Decls {
		funcName = ""
		if fd, ok := decl.(*ast.FuncDecl); ok {
			funcName = fd.Name.Name
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Field:
				if n.Tag != nil {
					tags[n.Tag] = true
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "WithDecryption" {
					add(n, "WithDecryption set in a composite literal: never ask SSM to decrypt")
				}
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if isDecryption(lhs) {
						add(lhs, "WithDecryption assigned: never ask SSM to decrypt")
					}
				}
			case *ast.IncDecStmt:
				if isDecryption(n.X) {
					add(n, "WithDecryption changed: never ask SSM to decrypt")
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND && isDecryption(n.X) {
					add(n, "the address of WithDecryption taken, to set it through a pointer: never ask SSM to decrypt")
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING || tags[n] {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					s = n.Value
				}
				if s == "WithDecryption" || strings.Contains(s, `"WithDecryption"`) {
					add(n, "WithDecryption named in a string (a request body or reflection): never ask SSM to decrypt")
				}
			case *ast.SelectorExpr:
				if !valueReadingCalls[n.Sel.Name] {
					return true
				}
				where := filepath.ToSlash(fset.Position(n.Pos()).Filename) + ":" + funcName
				if _, ok := allowed[where]; ok {
					return true
				}
				add(n, "%s returns secret values: use DescribeParameters (metadata) or GetParameters without decryption (existence)", n.Sel.Name)
			}
			return true
		})
	}
	return found
}

// moduleSources returns the module's non-test Go files, relative to root: everything
// but _test.go files, testdata, hidden directories and bin.
func moduleSources(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "vendor") {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestNoSourceAsksSSMToDecrypt(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root is not %s: %v", root, err)
	}
	files := moduleSources(t, root)
	// A walk that finds nothing checks nothing; the adapters alone are dozens of files.
	if len(files) < 50 {
		t.Fatalf("only %d Go files found under %s: the walk is broken", len(files), root)
	}
	fset := token.NewFileSet()
	var found []decryptionFinding
	bytes := 0
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		bytes += len(src)
		file, err := parser.ParseFile(fset, filepath.ToSlash(rel), src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", rel, err)
		}
		found = append(found, decryptionRequests(fset, file, valueReadingAllowed)...)
	}
	for _, f := range found {
		t.Errorf("%s", f)
	}
	t.Logf("checked %d non-test Go files (%d bytes): %d places ask for a secret's value", len(files), bytes, len(found))
}

func TestTheDecryptionCheckCatchesEveryForm(t *testing.T) {
	tests := []struct {
		name string
		body string   // the body of a function in package p
		want []string // "line: the start of what", lines of the whole snippet
	}{
		{name: "a composite literal asking for decryption is caught",
			body: `_ = &ssm.GetParametersInput{Names: names, WithDecryption: aws.Bool(true)}`,
			want: []string{"4: WithDecryption set in a composite literal"}},
		{name: "a composite literal turning it off is caught too: the field is never set",
			body: `_ = ssm.GetParameterInput{Name: &n, WithDecryption: aws.Bool(false)}`,
			want: []string{"4: WithDecryption set in a composite literal"}},
		{name: "an assignment to the field is caught",
			body: "in := &ssm.GetParametersInput{Names: names}\n\tin.WithDecryption = aws.Bool(true)",
			want: []string{"5: WithDecryption assigned"}},
		{name: "setting it through a pointer is caught",
			body: "p := &in.WithDecryption\n\t*p = aws.Bool(true)",
			want: []string{"4: the address of WithDecryption taken"}},
		{name: "a call of GetParameter is caught",
			body: `out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: &n})`,
			want: []string{"4: GetParameter returns secret values"}},
		{name: "a call of GetParametersByPath is caught",
			body: `_, _ = api.GetParametersByPath(ctx, in)`,
			want: []string{"4: GetParametersByPath returns secret values"}},
		{name: "its paginator is caught",
			body: `pages := ssm.NewGetParametersByPathPaginator(client, in)`,
			want: []string{"4: NewGetParametersByPathPaginator returns secret values"}},
		{name: "a call of Secrets Manager's GetSecretValue is caught",
			body: `_, _ = sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &id})`,
			want: []string{"4: GetSecretValue returns secret values"}},
		{name: "a method value of a value-reading call is caught",
			body: `get := client.GetParameter`,
			want: []string{"4: GetParameter returns secret values"}},
		{name: "a hand-written request body asking for decryption is caught",
			body: "body := `{\"Names\": [\"/a\"], \"WithDecryption\": true}`",
			want: []string{"4: WithDecryption named in a string"}},
		{name: "reflection setting the field is caught",
			body: `reflect.ValueOf(in).Elem().FieldByName("WithDecryption").Set(reflect.ValueOf(aws.Bool(true)))`,
			want: []string{"4: WithDecryption named in a string"}},
		{name: "several in one function are each named on their line",
			body: "_ = client.GetParameter\n\tin.WithDecryption = aws.Bool(true)\n\t_ = sm.GetSecretValue",
			want: []string{"4: GetParameter returns", "5: WithDecryption assigned", "6: GetSecretValue returns"}},
		{name: "reading the field, as fakeaws does to answer as AWS would, is fine",
			body: `out = append(out, s.parameterJSON(p, in.WithDecryption))`},
		{name: "declaring the field with its JSON tag, as fakeaws does, is fine",
			body: "var in struct {\n\t\tNames          []string\n\t\tWithDecryption bool `json:\"WithDecryption\"`\n\t}\n\t_ = in"},
		{name: "GetParameters without decryption, the existence check, is fine",
			body: `_, _ = client.GetParameters(ctx, &ssm.GetParametersInput{Names: names})`},
		{name: "DescribeParameters, the metadata listing, is fine",
			body: `_, _ = client.DescribeParameters(ctx, &ssm.DescribeParametersInput{})`},
		{name: "a message mentioning the field is fine",
			body: `_ = errors.New("WithDecryption is never set")`},
		{name: "an interface naming a value-reading method is fine: nothing calls it",
			body: "type reader interface {\n\t\tGetParameter(ctx context.Context) error\n\t}\n\tvar _ reader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package p\n\nfunc f() {\n\t" + tt.body + "\n}\n"
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, "snippet.go", src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, src)
			}
			var got []string
			for _, f := range decryptionRequests(fset, file, nil) {
				if !strings.HasPrefix(f.String(), "snippet.go:") {
					t.Errorf("%q does not name the file", f)
				}
				got = append(got, strings.TrimPrefix(f.String(), "snippet.go:"))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("found %q, want %d starting %q; source:\n%s", got, len(tt.want), tt.want, src)
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("finding %d is %q, want it to start %q", i, got[i], want)
				}
			}
		})
	}
}

func TestTheDecryptionCheckHonoursTheAllowList(t *testing.T) {
	const src = "package p\n\nfunc reader() {\n\t_ = client.GetParameter\n}\n\nfunc other() {\n\t_ = client.GetParameter\n}\n"
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "snippet.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range decryptionRequests(fset, file, map[string]string{"snippet.go:reader": "the test's own"}) {
		got = append(got, f.String())
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "snippet.go:8: GetParameter") {
		t.Errorf("found %q, want only the call in other, on line 8", got)
	}
}
