package fakeaws_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func pathFilter(path, option string) []ssmtypes.ParameterStringFilter {
	return []ssmtypes.ParameterStringFilter{{Key: aws.String("Path"), Option: aws.String(option), Values: []string{path}}}
}

func TestDescribeParametersFiltersByPathAndName(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	names := func(in *ssm.DescribeParametersInput) []string {
		t.Helper()
		out := must[*ssm.DescribeParametersOutput](t)(c.ssm.DescribeParameters(ctx(t), in))
		var n []string
		for _, p := range out.Parameters {
			n = append(n, *p.Name)
			if p.LastModifiedDate == nil || p.LastModifiedDate.IsZero() || p.Version != 1 || p.ARN == nil {
				t.Errorf("metadata of %s incomplete: %+v", *p.Name, p)
			}
		}
		return n
	}
	oneLevel := names(&ssm.DescribeParametersInput{ParameterFilters: pathFilter("/demo-shop/dev/database", "OneLevel"), MaxResults: aws.Int32(50)})
	want := []string{"/demo-shop/dev/database/host", "/demo-shop/dev/database/name", "/demo-shop/dev/database/password", "/demo-shop/dev/database/username"}
	if diff := cmp.Diff(want, oneLevel); diff != "" {
		t.Errorf("OneLevel (-want +got):\n%s", diff)
	}
	if got := names(&ssm.DescribeParametersInput{ParameterFilters: pathFilter("/demo-shop/dev", "OneLevel"), MaxResults: aws.Int32(50)}); len(got) != 0 {
		t.Errorf("OneLevel /demo-shop/dev has no direct parameters, got %v", got)
	}
	rec := names(&ssm.DescribeParametersInput{ParameterFilters: pathFilter("/demo-shop/prod", "Recursive"), MaxResults: aws.Int32(50)})
	if len(rec) != 6 || slices.Contains(rec, "/demo-shop/prod/redis/host") {
		t.Errorf("Recursive /demo-shop/prod = %v", rec)
	}
	begins := names(&ssm.DescribeParametersInput{MaxResults: aws.Int32(50), ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{"/demo-shop/dev/third-party/"}}}})
	if len(begins) != 3 {
		t.Errorf("BeginsWith = %v", begins)
	}
	eq := names(&ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("Name"), Option: aws.String("Equals"), Values: []string{"/demo-shop/dev/redis/host", "/demo-shop/prod/redis/host"}}}})
	if diff := cmp.Diff([]string{"/demo-shop/dev/redis/host"}, eq); diff != "" {
		t.Errorf("Equals (-want +got):\n%s", diff)
	}
	for _, call := range c.srv.CallsTo("DescribeParameters") {
		if call.Has("WithDecryption") {
			t.Errorf("DescribeParameters sent WithDecryption")
		}
	}
}

func TestDescribeParametersRejectsMaxResultsOver50(t *testing.T) {
	c := start(t)
	_, err := c.ssm.DescribeParameters(ctx(t), &ssm.DescribeParametersInput{MaxResults: aws.Int32(51)})
	wantCode(t, err, "ValidationException")
	if !strings.Contains(err.Error(), "less than or equal to 50") {
		t.Errorf("message: %v", err)
	}
}

func TestDescribeParametersPagesVisitEveryParameterOnce(t *testing.T) {
	c := start(t)
	want := c.srv.SeedParameters("/bench", 237)
	c.srv.PutParameter(fakeaws.Parameter{Name: "/benchmark/outside", Value: "x"}) // shares the prefix string, not the path
	var got []string
	p := ssm.NewDescribeParametersPaginator(c.ssm, &ssm.DescribeParametersInput{
		ParameterFilters: pathFilter("/bench", "Recursive"), MaxResults: aws.Int32(50)})
	for p.HasMorePages() {
		out := must[*ssm.DescribeParametersOutput](t)(p.NextPage(ctx(t)))
		for _, m := range out.Parameters {
			got = append(got, *m.Name)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged names (-want +got):\n%s", diff)
	}
	calls := c.srv.CallsTo("DescribeParameters")
	if len(calls) != 5 {
		t.Errorf("%d calls, want 5 pages of at most 50", len(calls))
	}
	for _, call := range calls {
		if call.Int("MaxResults") != 50 {
			t.Errorf("page size %d", call.Int("MaxResults"))
		}
	}
	// A partition of the listing: one app's sub-path.
	out := must[*ssm.DescribeParametersOutput](t)(c.ssm.DescribeParameters(ctx(t), &ssm.DescribeParametersInput{
		ParameterFilters: pathFilter("/bench/checkout", "Recursive"), MaxResults: aws.Int32(50)}))
	if n := len(out.Parameters); n < 14 || n > 15 {
		t.Errorf("/bench/checkout holds %d parameters, want about 237/16", n)
	}
}

func TestGetParameters(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	t.Run("more than 10 names is a ValidationException", func(t *testing.T) {
		names := make([]string, 11)
		for i := range names {
			names[i] = "/demo-shop/dev/x" + string(rune('a'+i))
		}
		_, err := c.ssm.GetParameters(ctx(t), &ssm.GetParametersInput{Names: names})
		wantCode(t, err, "ValidationException")
	})
	t.Run("missing names come back in InvalidParameters", func(t *testing.T) {
		out := must[*ssm.GetParametersOutput](t)(c.ssm.GetParameters(ctx(t), &ssm.GetParametersInput{
			Names: []string{"/demo-shop/prod/database/host", "/demo-shop/prod/redis/host", "/demo-shop/prod/database/username"}}))
		if len(out.Parameters) != 1 || *out.Parameters[0].Name != "/demo-shop/prod/database/host" {
			t.Errorf("Parameters = %+v", out.Parameters)
		}
		if diff := cmp.Diff([]string{"/demo-shop/prod/redis/host", "/demo-shop/prod/database/username"}, out.InvalidParameters); diff != "" {
			t.Errorf("InvalidParameters (-want +got):\n%s", diff)
		}
	})
	t.Run("a SecureString is only decrypted when asked", func(t *testing.T) {
		name := "/demo-shop/dev/database/password"
		enc := must[*ssm.GetParametersOutput](t)(c.ssm.GetParameters(ctx(t), &ssm.GetParametersInput{Names: []string{name}}))
		if v := *enc.Parameters[0].Value; v == "fake-dev-db-password" || v == "" {
			t.Errorf("value without decryption = %q", v)
		}
		dec := must[*ssm.GetParametersOutput](t)(c.ssm.GetParameters(ctx(t), &ssm.GetParametersInput{Names: []string{name}, WithDecryption: aws.Bool(true)}))
		if v := *dec.Parameters[0].Value; v != "fake-dev-db-password" {
			t.Errorf("decrypted value = %q", v)
		}
		calls := c.srv.CallsTo("GetParameters")
		if calls[len(calls)-2].Has("WithDecryption") || !calls[len(calls)-1].Bool("WithDecryption") {
			t.Errorf("request log does not show WithDecryption as sent")
		}
	})
}

func TestGetParametersByPath(t *testing.T) {
	c := start(t, fakeaws.WithDemo())
	_, err := c.ssm.GetParametersByPath(ctx(t), &ssm.GetParametersByPathInput{Path: aws.String("/demo-shop"), MaxResults: aws.Int32(11)})
	wantCode(t, err, "ValidationException")

	var got []string
	p := ssm.NewGetParametersByPathPaginator(c.ssm, &ssm.GetParametersByPathInput{
		Path: aws.String("/demo-shop/dev"), Recursive: aws.Bool(true), MaxResults: aws.Int32(5), WithDecryption: aws.Bool(true)})
	for p.HasMorePages() {
		out := must[*ssm.GetParametersByPathOutput](t)(p.NextPage(ctx(t)))
		for _, prm := range out.Parameters {
			got = append(got, *prm.Name)
			if *prm.Name == "/demo-shop/dev/app/django-secret-key" && !strings.HasPrefix(*prm.Value, "fake-dev") {
				t.Errorf("not decrypted: %q", *prm.Value)
			}
		}
	}
	if len(got) != 12 || !slices.IsSorted(got) {
		t.Errorf("got %d: %v", len(got), got)
	}
	if n := len(c.srv.CallsTo("GetParametersByPath")); n != 1+3 {
		t.Errorf("%d calls, want 1 rejected + 3 pages", n)
	}
	oneLevel := must[*ssm.GetParametersByPathOutput](t)(c.ssm.GetParametersByPath(ctx(t), &ssm.GetParametersByPathInput{Path: aws.String("/demo-shop/dev/redis")}))
	if len(oneLevel.Parameters) != 1 || oneLevel.NextToken != nil {
		t.Errorf("one level = %+v", oneLevel)
	}
}

func TestGetPutDeleteParameter(t *testing.T) {
	c := start(t)
	_, err := c.ssm.GetParameter(ctx(t), &ssm.GetParameterInput{Name: aws.String("/app/x")})
	var nf *ssmtypes.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("want *ssmtypes.ParameterNotFound, got %v", err)
	}
	put := func(overwrite bool, value string) (*ssm.PutParameterOutput, error) {
		return c.ssm.PutParameter(ctx(t), &ssm.PutParameterInput{Name: aws.String("/app/x"), Value: aws.String(value),
			Type: ssmtypes.ParameterTypeSecureString, KeyId: aws.String("alias/app"), Overwrite: aws.Bool(overwrite)})
	}
	out := must[*ssm.PutParameterOutput](t)(put(false, "one"))
	if out.Version != 1 {
		t.Errorf("version %d", out.Version)
	}
	_, err = put(false, "two")
	var exists *ssmtypes.ParameterAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("want *ssmtypes.ParameterAlreadyExists, got %v", err)
	}
	if out := must[*ssm.PutParameterOutput](t)(put(true, "two")); out.Version != 2 {
		t.Errorf("version after overwrite %d", out.Version)
	}
	got := must[*ssm.GetParameterOutput](t)(c.ssm.GetParameter(ctx(t), &ssm.GetParameterInput{Name: aws.String("/app/x"), WithDecryption: aws.Bool(true)}))
	if *got.Parameter.Value != "two" || got.Parameter.Version != 2 || got.Parameter.Type != ssmtypes.ParameterTypeSecureString {
		t.Errorf("parameter = %+v", got.Parameter)
	}
	meta := must[*ssm.DescribeParametersOutput](t)(c.ssm.DescribeParameters(ctx(t), &ssm.DescribeParametersInput{}))
	if *meta.Parameters[0].KeyId != "alias/app" {
		t.Errorf("KeyId %v", *meta.Parameters[0].KeyId)
	}
	_, err = c.ssm.PutParameter(ctx(t), &ssm.PutParameterInput{Name: aws.String("/aws/x"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString})
	wantCode(t, err, "ValidationException")
	must[*ssm.DeleteParameterOutput](t)(c.ssm.DeleteParameter(ctx(t), &ssm.DeleteParameterInput{Name: aws.String("/app/x")}))
	_, err = c.ssm.DeleteParameter(ctx(t), &ssm.DeleteParameterInput{Name: aws.String("/app/x")})
	if !errors.As(err, &nf) {
		t.Fatalf("want *ssmtypes.ParameterNotFound, got %v", err)
	}
}
