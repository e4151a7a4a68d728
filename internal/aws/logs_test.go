package aws_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
)

func TestLogGroupsAreListedOverEveryPageSorted(t *testing.T) {
	srv, c := demoAccount(t)
	ctx := context.Background()
	// 120 groups under one prefix, created out of order: three pages of at most 50.
	var bulk []string
	for i := range 120 {
		bulk = append(bulk, fmt.Sprintf("/ecs/bulk-%03d", (i*37)%120))
	}
	for _, g := range bulk {
		srv.CreateLogGroup(g, 0)
	}
	slices.Sort(bulk)

	for _, tc := range []struct {
		name, prefix string
		want         []string
		pages        int
	}{
		{"a prefix lists only the groups under it, over three pages", "/ecs/bulk-", bulk, 3},
		{"the demo's ECS groups sort before the bulk ones", "/ecs/demo", []string{"/ecs/demo-shop-dev", "/ecs/demo-shop-prod"}, 1},
		{"every group when the prefix is empty", "", slices.Concat([]string{"/aws/lambda/demo-shop-thumbnailer"}, bulk, []string{"/ecs/demo-shop-dev", "/ecs/demo-shop-prod"}), 3},
		{"no group under an unknown prefix", "/nothing/", nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetCalls()
			got, err := c.Logs.Groups(ctx, tc.prefix)
			mustNoError(t, err)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Groups(%q) (-want +got):\n%s", tc.prefix, diff)
			}
			calls := srv.CallsTo("DescribeLogGroups")
			if len(calls) != tc.pages {
				t.Errorf("DescribeLogGroups called %d times, want %d pages", len(calls), tc.pages)
			}
			for _, call := range calls {
				if got := call.String("logGroupNamePrefix"); got != tc.prefix {
					t.Errorf("logGroupNamePrefix = %q, want %q", got, tc.prefix)
				}
			}
		})
	}
}

func TestLogGroupsListingFailureIsClassified(t *testing.T) {
	srv, c := demoAccount(t)
	srv.Fail("DescribeLogGroups", "AccessDeniedException",
		"User: arn:aws:iam::123456789012:user/demo is not authorized to perform: logs:DescribeLogGroups")
	_, err := c.Logs.Groups(context.Background(), "/ecs/")
	if !errors.Is(err, aws.KindAccessDenied) {
		t.Fatalf("err = %v, want KindAccessDenied", err)
	}
	var ae *aws.Error
	if !errors.As(err, &ae) || ae.Op != "list log groups under /ecs/" {
		t.Errorf("err = %#v, want the operation named", err)
	}
}
