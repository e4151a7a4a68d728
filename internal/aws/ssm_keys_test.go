package aws_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

const customerKey = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestParametersKeys(t *testing.T) {
	srv, c := demoAccount(t)
	srv.PutParameter(fakeaws.Parameter{Name: "/demo-shop/dev/payments/key", Type: "SecureString", Value: "fake", KeyID: customerKey})
	srv.PutParameter(fakeaws.Parameter{Name: "toplevel", Type: "SecureString", Value: "fake", KeyID: "alias/top"})

	got, err := c.Parameters.Keys(context.Background(), []string{
		"/demo-shop/dev/app/django-secret-key", // the AWS managed key
		"/demo-shop/dev/payments/key",          // a customer key by its ARN
		"/demo-shop/dev/database/host",         // a String: no key
		"/demo-shop/dev/nothing",               // missing
		"/demo-shop/dev/database",              // no parameter, only the start of some
		"arn:aws:ssm:eu-west-2:123456789012:parameter/shared/datadog/api-key",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/toplevel", // a name outside any hierarchy
		"arn:aws:secretsmanager:eu-west-2:123456789012:secret:demo-shop/dev/stripe-Ab12Cd",
	})
	mustNoError(t, err)
	want := map[string]string{
		"/demo-shop/dev/app/django-secret-key":                                "alias/aws/ssm",
		"/demo-shop/dev/payments/key":                                         customerKey,
		"arn:aws:ssm:eu-west-2:123456789012:parameter/shared/datadog/api-key": "alias/shared",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/toplevel":               "alias/top",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	for _, call := range srv.Calls() {
		if call.Operation != "DescribeParameters" {
			t.Errorf("Keys called %s", call.Operation)
		}
	}
}

func TestParametersKeysBatchesFiftyNamesACall(t *testing.T) {
	srv, c := demoAccount(t)
	var names []string
	want := map[string]string{}
	for i := range 120 {
		name := fmt.Sprintf("/bulk/p%03d", i)
		names = append(names, name)
		if i%3 == 0 {
			srv.PutParameter(fakeaws.Parameter{Name: name, Type: "SecureString", Value: "fake", KeyID: "alias/bulk"})
			want[name] = "alias/bulk"
		}
	}
	got, err := c.Parameters.Keys(context.Background(), names)
	mustNoError(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	calls := srv.CallsTo("DescribeParameters")
	if len(calls) != 3 {
		t.Errorf("%d DescribeParameters calls, want 3", len(calls))
	}
	var asked []string
	for _, call := range calls {
		values := nameFilterValues(call)
		if len(values) > 50 {
			t.Errorf("a call filters on %d names", len(values))
		}
		asked = append(asked, values...)
	}
	slices.Sort(asked)
	if diff := cmp.Diff(names, asked); diff != "" {
		t.Errorf("names asked for (-want +got):\n%s", diff)
	}
}

func TestParametersKeysFailsWithTheClassifiedError(t *testing.T) {
	srv, c := demoAccount(t)
	srv.Fail("DescribeParameters", "AccessDeniedException",
		"User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ssm:DescribeParameters")
	_, err := c.Parameters.Keys(context.Background(), []string{"/demo-shop/dev/app/django-secret-key"})
	if !errors.Is(err, aws.KindAccessDenied) {
		t.Fatalf("err %v, want access denied", err)
	}
}

// pagingSSM answers DescribeParameters one parameter a page, each page with a token,
// as AWS may when a filter leaves pages short.
type pagingSSM struct {
	aws.SSMAPI
	mu    sync.Mutex
	calls int
}

func (p *pagingSSM) DescribeParameters(_ context.Context, in *ssm.DescribeParametersInput, _ ...func(*ssm.Options)) (*ssm.DescribeParametersOutput, error) {
	p.mu.Lock()
	p.calls++
	p.mu.Unlock()
	values := in.ParameterFilters[0].Values
	i := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &i)
	}
	out := &ssm.DescribeParametersOutput{}
	if i < len(values) {
		out.Parameters = []ssmtypes.ParameterMetadata{{Name: sdkaws.String(values[i]), Type: ssmtypes.ParameterTypeSecureString,
			KeyId: sdkaws.String("key-" + values[i])}}
		out.NextToken = sdkaws.String(fmt.Sprint(i + 1))
	}
	return out, nil
}

func TestParametersKeysPagesToTheEnd(t *testing.T) {
	api := &pagingSSM{}
	got, err := aws.NewParameters(api).Keys(context.Background(), []string{"/a", "/b", "/c"})
	mustNoError(t, err)
	want := map[string]string{"/a": "key-/a", "/b": "key-/b", "/c": "key-/c"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if api.calls != 4 {
		t.Errorf("%d calls, want 4 (three pages and the empty last one)", api.calls)
	}
}

// TestFakeDescribeParametersAsKeysReadsIt pins what Keys relies on in the fake, as AWS
// does it: KeyId in the metadata, and a Name filter with Equals that matches whole names.
func TestFakeDescribeParametersAsKeysReadsIt(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.PutParameter(fakeaws.Parameter{Name: "/demo-shop/dev/payments/key", Type: "SecureString", Value: "fake", KeyID: customerKey})
	body, _ := json.Marshal(map[string]any{
		"ParameterFilters": []map[string]any{{"Key": "Name", "Option": "Equals",
			"Values": []string{"/demo-shop/dev/payments/key", "/demo-shop/dev/database", "/demo-shop/dev/app/django-secret-key"}}},
	})
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM.DescribeParameters")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
	}
	var out struct {
		Parameters []struct{ Name, KeyId string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	want := []struct{ Name, KeyId string }{
		{"/demo-shop/dev/app/django-secret-key", "alias/aws/ssm"},
		{"/demo-shop/dev/payments/key", customerKey},
	}
	if diff := cmp.Diff(want, out.Parameters); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}
}
