package wizard

import (
	"context"

	"github.com/ecswiz/ecswiz/internal/aws"
)

// parameterStore is what the secrets step asks of Parameter Store. No call reads a value.
type parameterStore interface {
	List(ctx context.Context, prefix string, progress func(n int)) ([]aws.Parameter, []aws.Warning, error)
	Exist(ctx context.Context, names []string) (map[string]bool, error)
	CreateSecureString(ctx context.Context, name, value, kmsKeyID string, overwrite bool) (int64, error)
}

func newSecretsStep(e *env) step { return &stubStep{env: e, title: "Secrets"} }
