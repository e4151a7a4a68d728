package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

func apiErr(service, operation, code, msg string) error {
	return &smithy.OperationError{ServiceID: service, OperationName: operation,
		Err: &smithy.GenericAPIError{Code: code, Message: msg}}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want Kind
	}{
		{"ExpiredToken means expired credentials", apiErr("STS", "GetCallerIdentity", "ExpiredToken", "The security token included in the request is expired"), KindExpiredCredentials},
		{"ExpiredTokenException means expired credentials", apiErr("SSM", "DescribeParameters", "ExpiredTokenException", "expired"), KindExpiredCredentials},
		{"RequestExpired means expired credentials", apiErr("ECS", "ListClusters", "RequestExpired", "expired"), KindExpiredCredentials},
		{"an SSO session that has expired means expired credentials", fmt.Errorf("get identity: %w", &ssocreds.InvalidTokenError{Err: errors.New("token expired")}), KindExpiredCredentials},
		{"a failed token refresh means expired credentials", errors.New("get identity: get credentials: failed to refresh cached credentials, refresh cached SSO token failed, unable to refresh SSO token"), KindExpiredCredentials},
		{"no IMDS role at the end of the chain means no credentials", &smithy.OperationError{ServiceID: "SSM", OperationName: "DescribeParameters", Err: errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, access disabled")}, KindNoCredentials},
		{"empty static credentials mean no credentials", fmt.Errorf("get identity: %w", &credentials.StaticCredentialsEmptyError{}), KindNoCredentials},
		{"a profile that does not exist means no credentials", config.SharedConfigProfileNotExistError{Profile: "nope"}, KindNoCredentials},
		{"an unknown access key means invalid credentials", apiErr("STS", "GetCallerIdentity", "InvalidClientTokenId", "The security token included in the request is invalid."), KindInvalidCredentials},
		{"AccessDenied means access denied", apiErr("IAM", "ListRoles", "AccessDenied", "User is not authorized"), KindAccessDenied},
		{"AccessDeniedException means access denied", apiErr("SSM", "DescribeParameters", "AccessDeniedException", "no"), KindAccessDenied},
		{"UnauthorizedOperation means access denied", apiErr("EC2", "DescribeSubnets", "UnauthorizedOperation", "no"), KindAccessDenied},
		{"ThrottlingException means throttled", apiErr("SSM", "GetParameters", "ThrottlingException", "Rate exceeded"), KindThrottled},
		{"Throttling means throttled", apiErr("IAM", "ListRoles", "Throttling", "Rate exceeded"), KindThrottled},
		{"TooManyRequestsException means throttled", apiErr("ECS", "DescribeTasks", "TooManyRequestsException", "slow down"), KindThrottled},
		{"RequestLimitExceeded means throttled", apiErr("EC2", "DescribeSubnets", "RequestLimitExceeded", "slow down"), KindThrottled},
		{"ParameterNotFound means not found", apiErr("SSM", "GetParameter", "ParameterNotFound", ""), KindNotFound},
		{"ResourceNotFoundException means not found", apiErr("CloudWatch Logs", "GetLogEvents", "ResourceNotFoundException", "The specified log group does not exist."), KindNotFound},
		{"RepositoryNotFoundException means not found", apiErr("ECR", "DescribeImages", "RepositoryNotFoundException", "no repo"), KindNotFound},
		{"ImageNotFoundException means not found", apiErr("ECR", "DescribeImages", "ImageNotFoundException", "no image"), KindNotFound},
		{"NoSuchEntity means not found", apiErr("IAM", "GetRole", "NoSuchEntity", "no role"), KindNotFound},
		{"ClusterNotFoundException means not found", apiErr("ECS", "ListServices", "ClusterNotFoundException", "Cluster not found."), KindNotFound},
		{"ServiceNotFoundException means not found", apiErr("ECS", "DescribeServices", "ServiceNotFoundException", "no"), KindNotFound},
		{"ECS's ClientException for a missing task definition means not found", apiErr("ECS", "DescribeTaskDefinition", "ClientException", "Unable to describe task definition."), KindNotFound},
		{"another ClientException is not classified", apiErr("ECS", "RegisterTaskDefinition", "ClientException", "Invalid 'cpu' setting for task."), KindOther},
		{"InternalServerError is AWS failing", apiErr("SSM", "DescribeParameters", "InternalServerError", "internal error"), KindServerError},
		{"ServiceUnavailable is AWS failing", apiErr("STS", "GetCallerIdentity", "ServiceUnavailable", "try later"), KindServerError},
		{"an answer that does not decode is unreadable", &smithy.OperationError{ServiceID: "ECS", OperationName: "ListClusters",
			Err: &smithy.DeserializationError{Err: errors.New("unexpected EOF")}}, KindBadResponse},
		{"ParameterAlreadyExists means already exists", apiErr("SSM", "PutParameter", "ParameterAlreadyExists", "exists"), KindAlreadyExists},
		{"a refused connection is a network failure", &smithy.OperationError{ServiceID: "SSM", OperationName: "DescribeParameters", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}, KindNetwork},
		{"a failed DNS lookup is a network failure", fmt.Errorf("send: %w", &net.DNSError{Err: "no such host", Name: "ssm.nowhere.amazonaws.com", IsNotFound: true}), KindNetwork},
		{"a deadline passing is a network failure", fmt.Errorf("send: %w", context.DeadlineExceeded), KindNetwork},
		{"the call timeout firing is a network failure", &TimeoutError{After: time.Second, Err: context.DeadlineExceeded}, KindNetwork},
		{"the caller cancelling is a cancellation", &smithy.OperationError{ServiceID: "ECS", OperationName: "ListTasks", Err: &smithy.CanceledError{Err: context.Canceled}}, KindCancelled},
		{"an action the emulator lacks is not supported", apiErr("IAM", "SimulatePrincipalPolicy", "NotImplemented", "The SimulatePrincipalPolicy action has not been implemented"), KindNotSupported},
		{"anything else is other", errors.New("boom"), KindOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := classify("do the thing", tc.err)
			if got := KindOf(err); got != tc.want {
				t.Fatalf("kind = %v, want %v (%v)", got, tc.want, err)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("errors.Is(err, %v) = false", tc.want)
			}
			if reflect.TypeOf(tc.err).Comparable() && !errors.Is(err, tc.err) {
				t.Errorf("the classified error does not wrap the original")
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "do the thing: ") {
				t.Errorf("message %q is not one line starting with the operation", msg)
			}
		})
	}
}

func TestErrorMessageNamesTheActionAndAHint(t *testing.T) {
	err := classify("list parameters under /demo-shop/prod", apiErr("SSM", "DescribeParameters", "AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized"))
	want := "list parameters under /demo-shop/prod: access denied (ssm:DescribeParameters) — hint: your identity is not allowed ssm:DescribeParameters"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message = %q, want it to begin %q", err.Error(), want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Hint() == "" || e.Code != "AccessDeniedException" {
		t.Errorf("want an *Error with a hint and the code, got %#v", err)
	}
}

func TestClassifyKeepsNilAndClassifiedErrors(t *testing.T) {
	if classify("x", nil) != nil {
		t.Error("classify(nil) != nil")
	}
	inner := classify("inner", apiErr("SSM", "GetParameters", "ThrottlingException", "Rate exceeded"))
	if got := classify("outer", inner); KindOf(got) != KindThrottled || !strings.HasPrefix(got.Error(), "outer: ") {
		t.Errorf("reclassified = %v", got)
	}
}

func TestScrubbedHidesTheSecretValue(t *testing.T) {
	err := scrubbed(classify("create parameter /p/x", apiErr("SSM", "PutParameter", "ValidationException", "value s3cr3t-value is too long")), "s3cr3t-value")
	if strings.Contains(err.Error(), "s3cr3t-value") || !strings.Contains(err.Error(), "***") {
		t.Errorf("message %q shows the value", err.Error())
	}
	if KindOf(err) != KindOther {
		t.Errorf("kind = %v", KindOf(err))
	}
}
