package fakeaws

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Role seeds an IAM role (AddRole). Its permissions are a plain allow list (and deny list)
// of action and resource patterns with * and ? wildcards, which SimulatePrincipalPolicy
// evaluates: explicitDeny when a Deny matches, allowed when an Allow matches, else implicitDeny.
type Role struct {
	Name string
	Path string // default "/"
	// TrustedServices are the service principals of the trust policy, e.g. ecs-tasks.amazonaws.com.
	TrustedServices []string
	Description     string
	CreatedAt       time.Time
	Allow           []Permission
	Deny            []Permission
}

// Permission is an action pattern (e.g. "ssm:GetParameters", "ssm:*") on a resource pattern
// (e.g. "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/*"; "" means "*").
type Permission struct {
	Action   string
	Resource string
}

type iamState struct {
	roles map[string]*Role
}

func (st *iamState) init() { st.roles = map[string]*Role{} }

func init() {
	registerQuery(ServiceIAM, map[string]queryHandler{
		"ListRoles":               (*Server).iamListRoles,
		"GetRole":                 (*Server).iamGetRole,
		"SimulatePrincipalPolicy": (*Server).iamSimulatePrincipalPolicy,
	})
	registerQuery(ServiceSTS, map[string]queryHandler{
		"GetCallerIdentity": (*Server).stsGetCallerIdentity,
	})
}

// AddRole creates or replaces a role.
func (s *Server) AddRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Path == "" {
		r.Path = "/"
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.now()
	}
	s.iam.roles[r.Name] = &r
}

func (s *Server) roleARN(r *Role) string {
	return "arn:aws:iam::" + s.opts.account + ":role" + r.Path + r.Name
}

type roleXML struct {
	Path                     string `xml:"Path"`
	RoleName                 string `xml:"RoleName"`
	RoleID                   string `xml:"RoleId"`
	Arn                      string `xml:"Arn"`
	CreateDate               string `xml:"CreateDate"`
	AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument"`
	Description              string `xml:"Description,omitempty"`
	MaxSessionDuration       int    `xml:"MaxSessionDuration"`
}

// trustPolicy is the role's trust policy, URL-encoded as IAM returns it.
func trustPolicy(services []string) string {
	type stmt struct {
		Effect    string         `json:"Effect"`
		Principal map[string]any `json:"Principal"`
		Action    string         `json:"Action"`
	}
	doc := struct {
		Version   string `json:"Version"`
		Statement []stmt `json:"Statement"`
	}{Version: "2012-10-17", Statement: []stmt{}}
	for _, svc := range services {
		doc.Statement = append(doc.Statement, stmt{Effect: "Allow", Principal: map[string]any{"Service": svc}, Action: "sts:AssumeRole"})
	}
	b, _ := json.Marshal(doc)
	return strings.ReplaceAll(url.QueryEscape(string(b)), "+", "%20")
}

func (s *Server) roleXML(r *Role) roleXML {
	return roleXML{Path: r.Path, RoleName: r.Name, RoleID: "AROA" + strings.ToUpper(fakeHex(17, "role", r.Name)),
		Arn: s.roleARN(r), CreateDate: isoTime(r.CreatedAt), AssumeRolePolicyDocument: trustPolicy(r.TrustedServices),
		Description: r.Description, MaxSessionDuration: 3600}
}

func (s *Server) iamListRoles(r *request) (any, error) {
	prefix := r.form.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	maxItems := 100
	if v := r.form.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, errorf("ValidationError", "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", v)
		}
		maxItems = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var roles []roleXML
	for _, n := range slices.Sorted(maps.Keys(s.iam.roles)) {
		if role := s.iam.roles[n]; strings.HasPrefix(role.Path, prefix) {
			roles = append(roles, s.roleXML(role))
		}
	}
	page, next, ok := pageOf(roles, r.form.Get("Marker"), maxItems)
	if !ok {
		return nil, errorf("ValidationError", "Invalid Marker.")
	}
	return struct {
		IsTruncated bool      `xml:"IsTruncated"`
		Roles       []roleXML `xml:"Roles>member"`
		Marker      string    `xml:"Marker,omitempty"`
	}{IsTruncated: next != "", Roles: page, Marker: next}, nil
}

func noSuchRole(name string) *apiError {
	return &apiError{status: 404, code: "NoSuchEntity", message: fmt.Sprintf("The role with name %s cannot be found.", name)}
}

func (s *Server) iamGetRole(r *request) (any, error) {
	name := r.form.Get("RoleName")
	s.mu.Lock()
	defer s.mu.Unlock()
	role, ok := s.iam.roles[name]
	if !ok {
		return nil, noSuchRole(name)
	}
	return struct {
		Role roleXML `xml:"Role"`
	}{s.roleXML(role)}, nil
}

// members returns the values of a query list parameter: Name.member.1, Name.member.2, ...
func members(form url.Values, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[name+".member."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

func matchesAny(perms []Permission, action, resource string) bool {
	for _, p := range perms {
		res := p.Resource
		if res == "" {
			res = "*"
		}
		if wildcardMatch(strings.ToLower(p.Action), strings.ToLower(action)) && wildcardMatch(res, resource) {
			return true
		}
	}
	return false
}

func (s *Server) iamSimulatePrincipalPolicy(r *request) (any, error) {
	source := r.form.Get("PolicySourceArn")
	actions := members(r.form, "ActionNames")
	resources := members(r.form, "ResourceArns")
	if source == "" || len(actions) == 0 {
		return nil, errorf("ValidationError", "PolicySourceArn and ActionNames are required.")
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, after, ok := strings.Cut(source, ":role/")
	if !ok || !strings.HasPrefix(source, "arn:aws:iam::") {
		return nil, errorf("InvalidInput", "Invalid ARN: %s", source)
	}
	name := after[strings.LastIndex(after, "/")+1:]
	role, ok := s.iam.roles[name]
	if !ok || s.roleARN(role) != source {
		return nil, &apiError{status: 404, code: "NoSuchEntity", message: "Could not find role with the ARN " + source}
	}
	type statement struct {
		SourcePolicyID   string `xml:"SourcePolicyId"`
		SourcePolicyType string `xml:"SourcePolicyType"`
	}
	type result struct {
		EvalActionName       string      `xml:"EvalActionName"`
		EvalResourceName     string      `xml:"EvalResourceName"`
		EvalDecision         string      `xml:"EvalDecision"`
		MatchedStatements    []statement `xml:"MatchedStatements>member"`
		MissingContextValues []string    `xml:"MissingContextValues>member"`
	}
	var results []result
	for _, a := range actions {
		for _, res := range resources {
			rs := result{EvalActionName: a, EvalResourceName: res, EvalDecision: "implicitDeny",
				MatchedStatements: []statement{}, MissingContextValues: []string{}}
			switch {
			case matchesAny(role.Deny, a, res):
				rs.EvalDecision = "explicitDeny"
				rs.MatchedStatements = append(rs.MatchedStatements, statement{role.Name + "-policy", "IAM Policy"})
			case matchesAny(role.Allow, a, res):
				rs.EvalDecision = "allowed"
				rs.MatchedStatements = append(rs.MatchedStatements, statement{role.Name + "-policy", "IAM Policy"})
			}
			results = append(results, rs)
		}
	}
	return struct {
		EvaluationResults []result `xml:"EvaluationResults>member"`
		IsTruncated       bool     `xml:"IsTruncated"`
	}{EvaluationResults: results}, nil
}

func (s *Server) stsGetCallerIdentity(*request) (any, error) {
	return struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}{Arn: s.opts.callerARN, UserID: "AIDA" + strings.ToUpper(fakeHex(17, "caller", s.opts.callerARN)), Account: s.opts.account}, nil
}
