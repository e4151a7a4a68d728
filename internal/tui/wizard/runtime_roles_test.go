package wizard

import (
	"bytes"
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"log/slog"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// demoRole is the ARN of a role of the demo account.
func demoRole(name string) string { return "arn:aws:iam::123456789012:role/" + name }

// prodRuntimeSpec is the demo spec in prod before the runtime step: Runtime preselects
// demo-shop-prod-ecs-task-execution, which may not read the prod secrets.
func prodRuntimeSpec() model.Spec {
	s := runtimeSpec()
	s.Environment, s.LogGroupName = "prod", "/ecs/demo-shop-prod"
	return s
}

// noSecretRead fails the test when a call that reads a secret's value was made: a
// decrypted parameter, or a Secrets Manager secret.
func noSecretRead(t *testing.T, srv *fakeaws.Server) {
	t.Helper()
	for _, op := range []string{"GetParameter", "GetParameters", "GetParametersByPath", "GetSecretValue"} {
		for _, c := range srv.CallsTo(op) {
			if c.Params["WithDecryption"] == true || op == "GetSecretValue" {
				t.Errorf("%s called with %v: a check never reads a secret", op, c.Params)
			}
		}
	}
}

func TestRuntimeStepSaysWhetherTheExecutionRoleMayReadTheSecrets(t *testing.T) {
	const denied = "✗ may not read any of the 6 parameters (denied by default: no policy allows ssm:GetParameters) — " +
		"fix: attach a policy allowing ssm:GetParameters on /demo-shop/prod/* and kms:Decrypt."
	tests := []struct {
		name     string
		env      string
		role     string // "" keeps the role preselected
		fail     bool   // the simulation is refused
		want     string
		wantWarn bool
	}{
		{"the prod role preselected may not read the prod secrets", "prod", "", false,
			denied, true},
		{"AWS's usual execution role has no grant on the secrets either", "prod", "ecsTaskExecutionRole", false,
			denied, true},
		{"the dev role may read the dev secrets", "dev", "", false,
			"✓ may read the 6 parameters the task reads.", false},
		{"a simulation IAM refuses is not checked, not guessed", "prod", "", true,
			"not checked: access denied (iam:SimulatePrincipalPolicy): your identity may not simulate the role's policies.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			if tt.fail {
				srv.Fail("SimulatePrincipalPolicy", "AccessDenied",
					"User: arn:aws:iam::123456789012:user/demo is not authorized to perform: iam:SimulatePrincipalPolicy")
			}
			spec := prodRuntimeSpec()
			spec.Environment, spec.LogGroupName = tt.env, "/ecs/demo-shop-"+tt.env
			spec.ExecutionRoleARN = ""
			if tt.role != "" {
				spec.ExecutionRoleARN = demoRole(tt.role)
			}
			r := newRuntimeRig(t, spec, session)
			exec := r.field(fieldExecutionRole)
			if got := strings.Join(strings.Fields(exec.Status), " "); got != tt.want || exec.StatusIsWarn != tt.wantWarn {
				t.Errorf("execution role status = %q (warning %v),\nwant %q (warning %v)", got, exec.StatusIsWarn, tt.want, tt.wantWarn)
			}
			if tt.name == "the prod role preselected may not read the prod secrets" {
				if got := exec.Value(); got != demoRole("demo-shop-prod-ecs-task-execution") {
					t.Errorf("preselected %q", got)
				}
				r.keys("enter", "enter")
				tuitest.Golden(t, "runtime-role-denied", r.screen())
			}
			noSecretRead(t, srv)
		})
	}
}

func TestRuntimeStepChecksTheRoleShownAndDropsTheOlderAnswer(t *testing.T) {
	session, srv := demoSession(t)
	r := newRuntimeRig(t, prodRuntimeSpec(), session)
	first := r.s.roleCheck.id
	calls := len(srv.CallsTo("SimulatePrincipalPolicy"))

	// Moving to another role of the list checks that one.
	r.keys("enter", "enter", "down")
	if got := r.field(fieldExecutionRole).Value(); got != demoRole("ecsTaskExecutionRole") {
		t.Fatalf("the cursor is on %q", got)
	}
	if n := len(srv.CallsTo("SimulatePrincipalPolicy")); n != calls+1 {
		t.Errorf("SimulatePrincipalPolicy called %d times after moving, want %d", n, calls+1)
	}
	if r.s.roleCheck.role != demoRole("ecsTaskExecutionRole") {
		t.Errorf("the check is of %s", r.s.roleCheck.role)
	}
	// The answer about the role shown before is stale.
	r.s.Update(roleCheckResult{ID: first, Value: roleAnswer{CheckResult: aws.CheckResult{Status: aws.CheckOK}}})
	if status := r.field(fieldExecutionRole).Status; !strings.HasPrefix(status, "✗ may not read") {
		t.Errorf("a stale answer replaced the check: %q", status)
	}
	// Nothing changed: nothing is asked again.
	r.s.Update(tui.Result[[]string]{})
	if n := len(srv.CallsTo("SimulatePrincipalPolicy")); n != calls+1 {
		t.Errorf("SimulatePrincipalPolicy called again without a change: %d", n)
	}
}

func TestRuntimeStepRetriesARoleCheckThatFailed(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("SimulatePrincipalPolicy", "Throttling", "Rate exceeded", fakeaws.Times(1))
	r := newRuntimeRig(t, prodRuntimeSpec(), session)
	if status := r.field(fieldExecutionRole).Status; !strings.HasPrefix(status, "not checked") {
		t.Fatalf("status after a failed simulation = %q", status)
	}
	r.keys("ctrl+r")
	if status := r.field(fieldExecutionRole).Status; !strings.HasPrefix(status, "✗ may not read") {
		t.Errorf("status after retrying = %q", status)
	}
}

// The parameters' keys are read to simulate kms:Decrypt too: when they cannot be, the
// step says the role was checked without it, why, and the key that tries again.
func TestRuntimeStepSaysWhenKMSDecryptCouldNotBeChecked(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("DescribeParameters", "ThrottlingException", "Rate exceeded")
	spec := prodRuntimeSpec()
	spec.Environment, spec.LogGroupName, spec.ExecutionRoleARN = "dev", "/ecs/demo-shop-dev", ""
	r := newRuntimeRig(t, spec, session)
	const want = "✓ may read the 6 parameters the task reads; kms:Decrypt not checked, as the parameters' keys could not be read: " +
		"throttled by AWS (ssm:DescribeParameters) — AWS is limiting the request rate: wait a few seconds and try again (ctrl+r tries again)."
	exec := r.field(fieldExecutionRole)
	if got := strings.Join(strings.Fields(exec.Status), " "); got != want || exec.StatusIsWarn {
		t.Errorf("execution role status = %q (warning %v),\nwant %q", got, exec.StatusIsWarn, want)
	}
	srv.ClearFaults()
	r.keys("ctrl+r")
	if got := strings.Join(strings.Fields(r.field(fieldExecutionRole).Status), " "); got != "✓ may read the 6 parameters the task reads." {
		t.Errorf("status after retrying = %q", got)
	}
	noSecretRead(t, srv)
}

func TestPlanRoleCheckNamesTheParametersAsARNs(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.SecretsFromParameterStore = map[string]string{
		"API_KEY":    "/demo-shop/dev/api-key",
		"OTHER":      "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other",
		"DB_SECRET":  "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf",
		"RELATIVE":   "plain-name",
		"DUPLICATED": "/demo-shop/dev/api-key",
	}
	e := newTestEnv(spec, session)
	p := planRoleCheck(e, demoRole("demo-shop-dev-ecs-task-execution"))
	want := []string{
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/api-key",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/database/host",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/database/name",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/database/password",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/database/username",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/app/django-secret-key",
		"arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/redis/host",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/plain-name",
	}
	if got := strings.Join(p.arns, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("parameter ARNs\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	if p.skipped != 1 || p.note != "" {
		t.Errorf("skipped %d, note %q; want 1 Secrets Manager secret left out", p.skipped, p.note)
	}

	for _, tc := range []struct {
		name    string
		session *Session
		role    string
		note    string
	}{
		{"offline nothing is asked", nil, demoRole("x"), "not checked (offline)"},
		{"a role of another account is not simulated", session, "arn:aws:iam::210987654321:role/x",
			"not checked: the role is in account 210987654321, not in the session's account 123456789012, and ECS tasks assume roles of their own account"},
		{"a role being typed is not asked about", session, "arn:aws:iam::1234", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planRoleCheck(newTestEnv(spec, tc.session), tc.role)
			if p.note != tc.note || len(p.arns) != 0 {
				t.Errorf("note %q with %d ARNs, want %q and none", p.note, len(p.arns), tc.note)
			}
		})
	}
}

func TestTheRoleCheckIsLoggedByNameAndOutcome(t *testing.T) {
	session, _ := demoSession(t)
	e := newTestEnv(prodRuntimeSpec(), session)
	var buf bytes.Buffer
	e.log = slog.New(slog.NewTextHandler(&buf, nil))
	r := &runtimeRig{t: t, e: e}
	r.s = newRuntime(e)
	r.s.SetSize(98, 24)
	settle(t, r.update, r.s.Init(t.Context()))
	want := `msg="execution role check" role=demo-shop-prod-ecs-task-execution parameters=6 outcome=denied denied=6`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("the log lacks %q:\n%s", want, buf.String())
	}
}

func TestRuntimeStepChecksATypedRoleOnceTheFieldIsLeft(t *testing.T) {
	session, srv := demoSession(t)
	r := newRuntimeRig(t, prodRuntimeSpec(), session)
	r.keys("enter", "enter", "ctrl+t", "ctrl+u")
	before := len(srv.CallsTo("SimulatePrincipalPolicy"))
	r.typeText(demoRole("demo-shop-dev-ecs-task-execution"))
	if n := len(srv.CallsTo("SimulatePrincipalPolicy")) - before; n != 0 {
		t.Errorf("%d simulations while typing, want none before the field is left", n)
	}
	if status := r.field(fieldExecutionRole).Status; strings.Contains(status, "may") {
		t.Errorf("the check of another role is shown under the role typed: %q", status)
	}
	r.keys("enter")
	if n := len(srv.CallsTo("SimulatePrincipalPolicy")) - before; n != 1 {
		t.Errorf("%d simulations once the field is left, want 1", n)
	}
	want := "✗ may not read any of the 6 parameters" // the dev role reads /demo-shop/dev/* only
	if got := strings.Join(strings.Fields(r.field(fieldExecutionRole).Status), " "); !strings.HasPrefix(got, want) {
		t.Errorf("status = %q, want %q…", got, want)
	}
	if got := r.s.roleCheck.role; got != demoRole("demo-shop-dev-ecs-task-execution") {
		t.Errorf("checked %q, want the role typed", got)
	}
}

func TestRuntimeStepCancelsTheRoleCheckWhenLeft(t *testing.T) {
	session, srv := demoSession(t)
	srv.Hang("SimulatePrincipalPolicy")
	s := newRuntime(newTestEnv(prodRuntimeSpec(), session))
	ctx, leave := context.WithCancel(context.Background())
	defer leave()
	time.AfterFunc(300*time.Millisecond, leave)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(ctx)) // returns once leaving the step cancels the check
	if s.roleCheck.loading || aws.KindOf(s.roleCheck.err) != aws.KindCancelled {
		t.Errorf("the check was not cancelled: loading %v, error %v", s.roleCheck.loading, s.roleCheck.err)
	}
}

// A parameter encrypted with a customer key needs kms:Decrypt too: the check reads the
// key from the parameter's metadata (never its value) and simulates it, as doctor does.
func TestRuntimeStepSimulatesDecryptOnACustomerKey(t *testing.T) {
	const keyARN = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	session, srv := demoSession(t)
	srv.PutParameter(fakeaws.Parameter{Name: "/demo-shop/dev/payments/key", Type: "SecureString", Value: "fake",
		KeyID: "1234abcd-12ab-34cd-56ef-1234567890ab"})
	srv.AddRole(fakeaws.Role{Name: "no-kms", TrustedServices: []string{"ecs-tasks.amazonaws.com"},
		Allow: []fakeaws.Permission{{Action: "ssm:GetParameters", Resource: "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/dev/*"}}})
	spec := runtimeSpec()
	spec.ExecutionRoleARN = demoRole("no-kms")
	spec.SecretsFromParameterStore = map[string]string{"PAYMENTS_KEY": "/demo-shop/dev/payments/key"}
	r := newRuntimeRig(t, spec, session)
	exec := r.field(fieldExecutionRole)
	if got := strings.Join(strings.Fields(exec.Status), " "); !strings.Contains(got, "kms:Decrypt on "+keyARN) || !exec.StatusIsWarn {
		t.Errorf("execution role status = %q (warning %v); want a warning naming kms:Decrypt on the key", got, exec.StatusIsWarn)
	}
	if len(srv.CallsTo("DescribeParameters")) == 0 {
		t.Error("the parameters' keys were not read")
	}
	noSecretRead(t, srv)
}
