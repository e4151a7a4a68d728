package wizard

import (
	"context"

	"github.com/ecswiz/ecswiz/internal/aws"
)

// logGroups is what the runtime step asks of CloudWatch Logs.
type logGroups interface {
	GroupExists(ctx context.Context, name string) (bool, error)
	CreateGroup(ctx context.Context, name string, retentionDays int32) error
}

// roleLister is what the runtime step asks of IAM.
type roleLister interface {
	TaskRoles(ctx context.Context) ([]aws.Role, error)
}

func newRuntimeStep(e *env) step { return &stubStep{env: e, title: "Runtime"} }
