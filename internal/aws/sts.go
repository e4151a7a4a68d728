package aws

import (
	"context"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STSAPI is the part of the STS client STS uses.
type STSAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// STS says who the credentials belong to.
type STS struct{ api STSAPI }

// NewSTS wraps an STS client.
func NewSTS(api STSAPI) *STS { return &STS{api: api} }

// Identity is the caller's account and principal.
type Identity struct {
	Account string
	ARN     string
	UserID  string
}

// Caller returns the identity the credentials belong to. It needs no permission, so it
// is the cheapest check that credentials work at all.
//
// Equivalent to aws sts get-caller-identity
func (s *STS) Caller(ctx context.Context) (Identity, error) {
	out, err := s.api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, classify("find out who the AWS credentials belong to", err)
	}
	return Identity{Account: sdkaws.ToString(out.Account), ARN: sdkaws.ToString(out.Arn), UserID: sdkaws.ToString(out.UserId)}, nil
}
