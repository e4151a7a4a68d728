package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// IAMAPI is the part of the IAM client IAM uses.
type IAMAPI interface {
	ListRoles(context.Context, *iam.ListRolesInput, ...func(*iam.Options)) (*iam.ListRolesOutput, error)
	SimulatePrincipalPolicy(context.Context, *iam.SimulatePrincipalPolicyInput, ...func(*iam.Options)) (*iam.SimulatePrincipalPolicyOutput, error)
}

// IAM finds roles ECS tasks can use and checks what a role may do.
type IAM struct{ api IAMAPI }

// NewIAM wraps an IAM client.
func NewIAM(api IAMAPI) *IAM { return &IAM{api: api} }

// Role is an IAM role.
type Role struct {
	Name, ARN, Path string
	Description     string
	CreatedAt       time.Time
}

// ecsTasksPrincipal is the service principal a task or execution role must trust.
const ecsTasksPrincipal = "ecs-tasks.amazonaws.com"

// TaskRoles lists the roles whose trust policy lets ECS tasks assume them (candidates
// for both the task role and the execution role), sorted by name.
//
// Equivalent to aws iam list-roles, keeping roles whose AssumeRolePolicyDocument allows ecs-tasks.amazonaws.com
func (i *IAM) TaskRoles(ctx context.Context) ([]Role, error) {
	var roles []Role
	in := &iam.ListRolesInput{MaxItems: sdkaws.Int32(1000)}
	for {
		out, err := i.api.ListRoles(ctx, in)
		if err != nil {
			return nil, classify("list IAM roles", err)
		}
		for _, r := range out.Roles {
			if !trustsService(sdkaws.ToString(r.AssumeRolePolicyDocument), ecsTasksPrincipal) {
				continue
			}
			roles = append(roles, Role{
				Name: sdkaws.ToString(r.RoleName), ARN: sdkaws.ToString(r.Arn), Path: sdkaws.ToString(r.Path),
				Description: sdkaws.ToString(r.Description), CreatedAt: sdkaws.ToTime(r.CreateDate),
			})
		}
		if !out.IsTruncated || sdkaws.ToString(out.Marker) == "" {
			break
		}
		in.Marker = out.Marker
	}
	sort.Slice(roles, func(a, b int) bool { return roles[a].Name < roles[b].Name })
	return roles, nil
}

// stringOrList is a policy field written as "x" or ["x", "y"].
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

type trustStatement struct {
	Effect    string
	Action    stringOrList
	Principal json.RawMessage
}

// trustsService reports whether a trust policy (URL-encoded, as IAM returns it, or
// plain JSON) allows service to assume the role.
func trustsService(doc, service string) bool {
	if doc == "" {
		return false
	}
	if !strings.HasPrefix(strings.TrimSpace(doc), "{") {
		d, err := url.QueryUnescape(doc)
		if err != nil {
			return false
		}
		doc = d
	}
	var policy struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		return false
	}
	var statements []trustStatement
	if err := json.Unmarshal(policy.Statement, &statements); err != nil {
		var one trustStatement
		if json.Unmarshal(policy.Statement, &one) != nil {
			return false
		}
		statements = []trustStatement{one}
	}
	for _, st := range statements {
		if st.Effect != "Allow" || !allowsAssume(st.Action) {
			continue
		}
		var principal struct{ Service stringOrList }
		if json.Unmarshal(st.Principal, &principal) != nil {
			continue // "*" or malformed: not a service trust
		}
		for _, s := range principal.Service {
			if s == service {
				return true
			}
		}
	}
	return false
}

func allowsAssume(actions []string) bool {
	if len(actions) == 0 {
		return true // a trust policy without Action is unusual; do not hide the role
	}
	for _, a := range actions {
		if a == "sts:AssumeRole" || a == "sts:*" || a == "*" {
			return true
		}
	}
	return false
}

// CheckStatus is the outcome of a permission check.
type CheckStatus int

// Check outcomes.
const (
	CheckUnknown CheckStatus = iota // the check could not be made; see Reason
	CheckOK
	CheckFail
)

func (s CheckStatus) String() string {
	return [...]string{"could not check", "ok", "fail"}[s]
}

// Denial is an action on a resource that the policy simulation denies.
type Denial struct {
	Action, Resource string
	Decision         string // implicitDeny, explicitDeny
}

// CheckResult is the answer to "can this role read these secrets?".
type CheckResult struct {
	Status CheckStatus
	Denied []Denial
	Reason string // why the check could not be made (Status CheckUnknown)
	// Kind classifies Reason: KindNotFound when the role does not exist, KindAccessDenied
	// when simulating is not allowed, KindThrottled, ...
	Kind Kind
}

// CanReadParameters simulates the role's policies for ssm:GetParameters on the
// parameters and kms:Decrypt on the keys, which is what ECS does with the execution
// role when a task starts. When the simulation itself is not allowed or not available
// the result is CheckUnknown with the reason, not an error.
//
// Equivalent to aws iam simulate-principal-policy --policy-source-arn ROLE --action-names ssm:GetParameters --resource-arns ARN...
// (and again with kms:Decrypt on the key ARNs)
func (i *IAM) CanReadParameters(ctx context.Context, roleARN string, parameterARNs, kmsKeyARNs []string) (CheckResult, error) {
	var denied []Denial
	for _, check := range []struct {
		action    string
		resources []string
	}{{"ssm:GetParameters", parameterARNs}, {"kms:Decrypt", kmsKeyARNs}} {
		if len(check.resources) == 0 {
			continue
		}
		d, err := i.simulate(ctx, roleARN, check.action, check.resources)
		if err != nil {
			switch KindOf(err) {
			case KindCancelled, KindNetwork, KindNoCredentials, KindExpiredCredentials, KindInvalidCredentials:
				return CheckResult{}, err
			}
			e, _ := err.(*Error)
			return CheckResult{Status: CheckUnknown, Reason: e.Summary(), Kind: e.Kind}, nil
		}
		denied = append(denied, d...)
	}
	if len(denied) > 0 {
		return CheckResult{Status: CheckFail, Denied: denied}, nil
	}
	return CheckResult{Status: CheckOK}, nil
}

func (i *IAM) simulate(ctx context.Context, roleARN, action string, resources []string) ([]Denial, error) {
	var denied []Denial
	in := &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: sdkaws.String(roleARN),
		ActionNames:     []string{action},
		ResourceArns:    resources,
	}
	for {
		out, err := i.api.SimulatePrincipalPolicy(ctx, in)
		if err != nil {
			return nil, classify(fmt.Sprintf("simulate %s for role %s", action, roleARN), err)
		}
		for _, r := range out.EvaluationResults {
			if len(r.ResourceSpecificResults) > 0 {
				for _, rr := range r.ResourceSpecificResults {
					if d := string(rr.EvalResourceDecision); d != "allowed" {
						denied = append(denied, Denial{Action: action, Resource: sdkaws.ToString(rr.EvalResourceName), Decision: d})
					}
				}
				continue
			}
			if d := string(r.EvalDecision); d != "allowed" {
				denied = append(denied, Denial{Action: sdkaws.ToString(r.EvalActionName), Resource: sdkaws.ToString(r.EvalResourceName), Decision: d})
			}
		}
		if !out.IsTruncated || sdkaws.ToString(out.Marker) == "" {
			return denied, nil
		}
		in.Marker = out.Marker
	}
}
