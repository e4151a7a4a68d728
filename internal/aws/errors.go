package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Kind is what went wrong, in the terms a person can act on. A Kind is also an error
// value so that errors.Is(err, KindNotFound) works on any classified error.
type Kind int

// The kinds of failure the CLI and the TUI tell apart.
const (
	KindOther Kind = iota
	KindNoCredentials
	KindExpiredCredentials
	KindInvalidCredentials
	KindAccessDenied
	KindThrottled
	KindNotFound
	KindAlreadyExists
	KindNetwork
	KindCancelled
	KindNoRegion
	KindNotSupported
	// KindServerError is a failure on AWS's side (HTTP 5xx): the request may be fine.
	KindServerError
	// KindBadResponse is an answer that could not be read: cut off, or not the shape
	// the operation answers (a proxy, a wrong endpoint).
	KindBadResponse
)

var kindText = map[Kind]string{
	KindOther:              "failed",
	KindNoCredentials:      "no AWS credentials",
	KindExpiredCredentials: "AWS credentials expired",
	KindInvalidCredentials: "AWS credentials not valid",
	KindAccessDenied:       "access denied",
	KindThrottled:          "throttled by AWS",
	KindNotFound:           "not found",
	KindAlreadyExists:      "already exists",
	KindNetwork:            "cannot reach AWS",
	KindCancelled:          "cancelled",
	KindNoRegion:           "no AWS Region",
	KindNotSupported:       "not supported by this endpoint",
	KindServerError:        "AWS failed on its side",
	KindBadResponse:        "AWS's answer could not be read",
}

func (k Kind) String() string { return kindText[k] }

// Error makes a Kind usable as an errors.Is target.
func (k Kind) Error() string { return k.String() }

// Error is a classified AWS failure: what was being done (Op), the IAM action that was
// called when known (Action, "ssm:DescribeParameters"), and the underlying error.
type Error struct {
	Kind   Kind
	Op     string // "list parameters under /demo-shop/prod"
	Action string // "ssm:DescribeParameters"; "" when not an API call
	Code   string // the AWS error code, when AWS answered
	Err    error
}

// Error is one line: `list parameters under /x: access denied (ssm:DescribeParameters) — hint: ...`.
func (e *Error) Error() string {
	s := e.Summary()
	if h := e.Hint(); h != "" {
		s += " — hint: " + h
	}
	return s
}

// Summary is Error without the hint, for screens that show the hint apart.
func (e *Error) Summary() string {
	if e.Op == "" {
		return e.Reason()
	}
	return e.Op + ": " + e.Reason()
}

// Reason is Summary without what was being done, for a line that already says it (a
// check's title, a field's note).
func (e *Error) Reason() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	if e.Action != "" {
		fmt.Fprintf(&b, " (%s)", e.Action)
	}
	switch e.Kind {
	case KindOther, KindNotFound, KindAlreadyExists, KindNetwork, KindNotSupported, KindNoRegion, KindServerError, KindBadResponse:
		if d := e.Detail(); d != "" {
			b.WriteString(": ")
			b.WriteString(d)
		}
	}
	return b.String()
}

// Detail is the most specific message of the underlying error: AWS's own message, or
// the network error, without the SDK's "operation error ..." framing.
func (e *Error) Detail() string {
	if e.Err == nil {
		return ""
	}
	var api smithy.APIError
	if errors.As(e.Err, &api) {
		if m := api.ErrorMessage(); m != "" {
			return m
		}
		return api.ErrorCode()
	}
	var te *TimeoutError
	if errors.As(e.Err, &te) {
		return fmt.Sprintf("no answer within %s", te.After)
	}
	if unreadable(e.Err) {
		return "the answer is cut off or not the shape this call answers"
	}
	var op *net.OpError
	if errors.As(e.Err, &op) {
		return op.Error()
	}
	var dns *net.DNSError
	if errors.As(e.Err, &dns) {
		return dns.Error()
	}
	err := e.Err
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// Hint says what to do about it.
func (e *Error) Hint() string {
	switch e.Kind {
	case KindNoCredentials:
		return "run `aws configure` or `aws sso login --profile NAME`, or pass --profile / set AWS_PROFILE; to try ecswiz without an account, add --demo"
	case KindExpiredCredentials:
		return "the session has expired: run `aws sso login` (or refresh your keys) and try again"
	case KindInvalidCredentials:
		return "the access key is not valid here: check AWS_PROFILE, the keys in the environment and the Region's partition"
	case KindAccessDenied:
		action := e.Action
		if action == "" {
			action = "this action"
		}
		return fmt.Sprintf("your identity is not allowed %s: use a profile that is, or ask for the permission (`aws sts get-caller-identity` shows who you are)", action)
	case KindThrottled:
		return "AWS is limiting the request rate: wait a few seconds and try again"
	case KindNotFound:
		return "check the name and the Region (--region)"
	case KindAlreadyExists:
		return "choose another name, or allow overwriting it"
	case KindNetwork:
		return "check the network, proxy settings (HTTPS_PROXY) and the Region; with a custom endpoint check AWS_ENDPOINT_URL"
	case KindNoRegion:
		return "pass --region, set AWS_REGION, or set region in the profile"
	case KindNotSupported:
		return "the endpoint (an emulator?) does not implement this call"
	case KindServerError:
		return "the fault is AWS's, not your request's: try again in a moment (the AWS Health Dashboard shows outages)"
	case KindBadResponse:
		return "try again; if it keeps happening, check AWS_ENDPOINT_URL and any proxy between you and AWS"
	}
	return ""
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, KindAccessDenied) match.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// KindOf is the kind of a classified error, KindOther for anything else (nil included).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// Error codes by kind. AWS services spell the same thing differently.
var codeKinds = map[string]Kind{
	"ExpiredToken":                KindExpiredCredentials,
	"ExpiredTokenException":       KindExpiredCredentials,
	"RequestExpired":              KindExpiredCredentials,
	"TokenRefreshRequired":        KindExpiredCredentials,
	"InvalidClientTokenId":        KindInvalidCredentials,
	"UnrecognizedClientException": KindInvalidCredentials,
	"InvalidSignatureException":   KindInvalidCredentials,
	"SignatureDoesNotMatch":       KindInvalidCredentials,
	"AuthFailure":                 KindInvalidCredentials,
	"IncompleteSignature":         KindInvalidCredentials,

	"AccessDenied":                   KindAccessDenied,
	"AccessDeniedException":          KindAccessDenied,
	"UnauthorizedOperation":          KindAccessDenied,
	"UnauthorizedAccess":             KindAccessDenied,
	"UnauthorizedException":          KindAccessDenied,
	"AuthorizationError":             KindAccessDenied,
	"NotAuthorized":                  KindAccessDenied,
	"Forbidden":                      KindAccessDenied,
	"AuthorizationErrorException":    KindAccessDenied,
	"AccessDeniedForDependencyError": KindAccessDenied,

	"ThrottlingException":       KindThrottled,
	"Throttling":                KindThrottled,
	"ThrottledException":        KindThrottled,
	"TooManyRequestsException":  KindThrottled,
	"RequestLimitExceeded":      KindThrottled,
	"RequestThrottled":          KindThrottled,
	"RequestThrottledException": KindThrottled,
	"SlowDown":                  KindThrottled,
	"PriorRequestNotComplete":   KindThrottled,

	"ParameterNotFound":           KindNotFound,
	"ParameterVersionNotFound":    KindNotFound,
	"ResourceNotFoundException":   KindNotFound,
	"RepositoryNotFoundException": KindNotFound,
	"ImageNotFoundException":      KindNotFound,
	"NoSuchEntity":                KindNotFound,
	"NoSuchEntityException":       KindNotFound,
	"ClusterNotFoundException":    KindNotFound,
	"ServiceNotFoundException":    KindNotFound,
	"TaskSetNotFoundException":    KindNotFound,

	"ParameterAlreadyExists":           KindAlreadyExists,
	"ResourceAlreadyExistsException":   KindAlreadyExists,
	"RepositoryAlreadyExistsException": KindAlreadyExists,
	"EntityAlreadyExists":              KindAlreadyExists,

	"NotImplemented":            KindNotSupported,
	"InvalidAction":             KindNotSupported,
	"UnknownOperationException": KindNotSupported,
}

// unreadable reports an answer the SDK could not decode: the JSON protocols say so with a
// DeserializationError, the XML ones with any error on a 2xx response.
func unreadable(err error) bool {
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return true
	}
	var api smithy.APIError
	var re *awshttp.ResponseError
	return !errors.As(err, &api) && errors.As(err, &re) && re.HTTPStatusCode() >= 200 && re.HTTPStatusCode() < 300
}

// serverCodes are the codes of failures on AWS's side, whatever their HTTP status.
var serverCodes = map[string]bool{
	"InternalFailure": true, "InternalServerError": true, "InternalError": true, "InternalServerException": true,
	"ServiceUnavailable": true, "ServiceUnavailableException": true, "ServiceFailure": true, "ServerException": true,
	"InternalErrorException": true, "InternalServiceError": true, "InternalServiceErrorException": true,
}

// classify wraps err as an *Error saying what was being done. nil stays nil; an error
// that is already classified keeps its kind.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var done *Error
	if errors.As(err, &done) {
		if op == "" || op == done.Op {
			return err
		}
		return &Error{Kind: done.Kind, Op: op, Action: done.Action, Code: done.Code, Err: err}
	}
	e := &Error{Kind: KindOther, Op: op, Err: err}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		e.Action = iamAction(oe.ServiceID, oe.OperationName)
	}
	e.Kind, e.Code = kindOf(err)
	return e
}

func kindOf(err error) (Kind, string) {
	var te *TimeoutError
	if errors.As(err, &te) {
		return KindNetwork, ""
	}
	if errors.Is(err, context.Canceled) {
		return KindCancelled, ""
	}
	if k, ok := credentialKind(err); ok {
		return k, ""
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		if k, ok := codeKinds[code]; ok {
			return k, code
		}
		msg := api.ErrorMessage()
		switch {
		// ECS answers a missing task definition with a generic ClientException.
		case code == "ClientException" && strings.Contains(msg, "Unable to describe task definition"):
			return KindNotFound, code
		case strings.HasSuffix(code, "NotFoundException") || strings.HasSuffix(code, "NotFound"):
			return KindNotFound, code
		case strings.Contains(msg, "has not been implemented") || strings.Contains(msg, "not yet implemented"):
			return KindNotSupported, code
		}
		var re *awshttp.ResponseError
		if errors.As(err, &re) && re.HTTPStatusCode() == 501 {
			return KindNotSupported, code
		}
		if errors.As(err, &re) && re.HTTPStatusCode() >= 500 || serverCodes[code] {
			return KindServerError, code
		}
		return KindOther, code
	}
	if unreadable(err) {
		return KindBadResponse, ""
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindNetwork, ""
	}
	var (
		op     *net.OpError
		dns    *net.DNSError
		urlErr *url.Error
		send   *smithyhttp.RequestSendError
		nerr   net.Error
	)
	if errors.As(err, &op) || errors.As(err, &dns) || errors.As(err, &urlErr) || errors.As(err, &send) || (errors.As(err, &nerr) && nerr.Timeout()) {
		return KindNetwork, ""
	}
	return KindOther, ""
}

// credentialKind recognises failures to get credentials before any request was sent.
// The SDK reports them as wrapped strings ("get identity: get credentials: failed to
// refresh cached credentials, ..."), so the checks are on types where they exist and on
// the SDK's wording where they do not.
func credentialKind(err error) (Kind, bool) {
	var (
		empty   *credentials.StaticCredentialsEmptyError
		sso     *ssocreds.InvalidTokenError
		profile config.SharedConfigProfileNotExistError
	)
	switch {
	case errors.As(err, &sso):
		return KindExpiredCredentials, true
	case errors.As(err, &empty), errors.As(err, &profile):
		return KindNoCredentials, true
	}
	msg := err.Error()
	if !strings.Contains(msg, "get identity") && !strings.Contains(msg, "retrieve credentials") &&
		!strings.Contains(msg, "refresh cached credentials") && !strings.Contains(msg, "get credentials") {
		return 0, false
	}
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "expired"), strings.Contains(lower, "refresh cached sso token"),
		strings.Contains(lower, "token refresh"), strings.Contains(lower, "invalid_grant"):
		return KindExpiredCredentials, true
	}
	return KindNoCredentials, true
}

// iamAction turns the SDK's service id and operation into an IAM action name.
func iamAction(serviceID, operation string) string {
	prefix := map[string]string{
		"SSM":             "ssm",
		"ECS":             "ecs",
		"ECR":             "ecr",
		"CloudWatch Logs": "logs",
		"IAM":             "iam",
		"STS":             "sts",
	}[serviceID]
	if prefix == "" {
		prefix = strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
	}
	if prefix == "" || operation == "" {
		return ""
	}
	return prefix + ":" + operation
}
