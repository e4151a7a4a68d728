package wizard

import (
	"context"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// taskDefinitions is what the review and act steps ask of ECS.
type taskDefinitions interface {
	DescribeTaskDefinition(ctx context.Context, ref string) ([]byte, error)
	Register(ctx context.Context, td taskdef.TaskDefinition) (aws.Registered, error)
	Clusters(ctx context.Context) ([]aws.Cluster, error)
	Services(ctx context.Context, cluster string) ([]aws.Service, error)
}

func newReviewStep(e *env) step { return &stubStep{env: e, title: "Review"} }
