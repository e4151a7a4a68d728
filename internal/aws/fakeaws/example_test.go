package fakeaws_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func Example() {
	srv, err := fakeaws.Start(fakeaws.WithDemo())
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	// srv.Config() is an aws.Config with the Region, static credentials and BaseEndpoint.
	client := ssm.NewFromConfig(srv.Config())
	out, err := client.GetParameters(context.Background(), &ssm.GetParametersInput{
		Names: []string{"/demo-shop/prod/database/host", "/demo-shop/prod/redis/host"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(out.Parameters), out.InvalidParameters)
	// Output: 1 [/demo-shop/prod/redis/host]
}

// BenchmarkDescribeParametersListing lists 2,000 parameters 50 at a time over HTTP.
func BenchmarkDescribeParametersListing(b *testing.B) {
	srv, err := fakeaws.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.SeedParameters("/bench", 2000)
	client := ssm.NewFromConfig(srv.Config())
	for b.Loop() {
		srv.ResetCalls()
		p := ssm.NewDescribeParametersPaginator(client, &ssm.DescribeParametersInput{MaxResults: aws.Int32(50),
			ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Path"), Option: aws.String("Recursive"), Values: []string{"/bench"}}}})
		for p.HasMorePages() {
			if _, err := p.NextPage(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
}
