package wizard

import (
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/ecswiz/ecswiz/internal/tui/tuitest"

	"github.com/ecswiz/ecswiz/internal/model"
)

// prodReviewSpec is the demo spec in prod with every parameter it reads found and
// nothing else to warn about; the execution role is the prod one unless changed.
func prodReviewSpec() model.Spec {
	s := demoSpec()
	s.Environment, s.AllowedHosts, s.LogGroupName = "prod", "shop.example.com", "/ecs/demo-shop-prod"
	s.ParameterStorePrefix = "/demo-shop/dev" // every required parameter exists there
	s.ExecutionRoleARN = demoRole("demo-shop-prod-ecs-task-execution")
	return s
}

func TestReviewWarnsWhenTheExecutionRoleMayNotReadTheSecrets(t *testing.T) {
	const deniedWarning = "! execution_role_arn: demo-shop-prod-ecs-task-execution may not read any of the 6 parameters " +
		"(denied by default: no policy allows ssm:GetParameters) — the task would fail to start: ResourceInitializationError (AccessDenied); " +
		"fix: attach a policy allowing ssm:GetParameters on /demo-shop/dev/* and kms:Decrypt to demo-shop-prod-ecs-task-execution, " +
		"or choose another execution role (alt+7 Runtime)"
	tests := []struct {
		name    string
		role    string
		fail    bool
		golden  string
		want    []string
		notWant []string
	}{
		{
			name:    "a role that may not read them is a warning that the task would not start, and no plain ✓",
			role:    "demo-shop-prod-ecs-task-execution",
			golden:  "review-role-denied",
			want:    []string{"✓ No errors — but 1 finding would stop the task from starting", deniedWarning},
			notWant: []string{"The spec is valid"},
		},
		{
			name: "a role that may read them is said to, and the spec is valid",
			role: "demo-shop-dev-ecs-task-execution",
			want: []string{
				"✓ The spec is valid: ready to register or export",
				"Execution role demo-shop-dev-ecs-task-execution: ✓ may read the 6 parameters the task reads.",
			},
			notWant: []string{"! execution_role_arn"},
		},
		{
			name: "a simulation IAM refuses is said not checked, never guessed",
			role: "demo-shop-prod-ecs-task-execution",
			fail: true,
			want: []string{
				"✓ The spec is valid: ready to register or export",
				"Execution role demo-shop-prod-ecs-task-execution: not checked: access denied (iam:SimulatePrincipalPolicy): your identity may not simulate the role's policies.",
			},
			notWant: []string{"! execution_role_arn", "may read"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			if tt.fail {
				srv.Fail("SimulatePrincipalPolicy", "AccessDenied", "not authorized to perform: iam:SimulatePrincipalPolicy")
			}
			spec := prodReviewSpec()
			spec.ExecutionRoleARN = demoRole(tt.role)
			s, up := startReview(t, spec, session)
			if tt.golden != "" {
				tuitest.Golden(t, tt.golden, tuitest.Plain(s.View()))
			}
			s.SetSize(98, 60)
			view := flat(tuitest.Plain(s.View()))
			for _, w := range tt.want {
				if !strings.Contains(view, w) {
					t.Errorf("the review lacks %q:\n%s", w, tuitest.Plain(s.View()))
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(view, w) {
					t.Errorf("the review says %q:\n%s", w, tuitest.Plain(s.View()))
				}
			}
			if tt.fail {
				srv.ClearFaults()
				keys(t, up, "ctrl+r")
				if view := flat(tuitest.Plain(s.View())); !strings.Contains(view, "! execution_role_arn") {
					t.Errorf("retrying does not check again:\n%s", tuitest.Plain(s.View()))
				}
			}
			noSecretRead(t, srv)
		})
	}
}

func TestReviewWarnsAboutARoleOfAnotherAccount(t *testing.T) {
	const other = "arn:aws:iam::210987654321:role/shared-ecs-execution"
	tests := []struct {
		name    string
		edit    func(s *model.Spec)
		offline bool
		want    []string // the warnings' fields, in order
	}{
		{"an execution role of another account", func(s *model.Spec) { s.ExecutionRoleARN = other },
			false, []string{"execution_role_arn"}},
		{"a task role of another account", func(s *model.Spec) { s.TaskRoleARN = other },
			false, []string{"task_role_arn"}},
		{"roles of the session's account", func(s *model.Spec) { s.TaskRoleARN = demoRole("demo-shop-dev-ecs-task") },
			false, nil},
		{"offline there is no account to compare with", func(s *model.Spec) { s.ExecutionRoleARN, s.TaskRoleARN = other, other },
			true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var session *Session
			if !tt.offline {
				session, _ = demoSession(t)
			}
			spec := demoSpec()
			spec.ExecutionRoleARN = demoRole("demo-shop-dev-ecs-task-execution")
			tt.edit(&spec)
			s, _ := startReview(t, spec, session)
			var got []string
			for _, f := range s.warnings() {
				if strings.HasSuffix(f.Field, "role_arn") {
					got = append(got, f.Field)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("role warnings %v, want %v", got, tt.want)
			}
			if len(tt.want) == 0 {
				return
			}
			s.SetSize(98, 60)
			view := flat(tuitest.Plain(s.View()))
			want := "! " + tt.want[0] + ": shared-ecs-execution is in account 210987654321, not in the session's account 123456789012 — " +
				"ECS tasks assume roles of their own account"
			for _, w := range []string{want, "the task would fail to start; choose a role of account 123456789012",
				"✓ No errors — but 1 finding would stop the task from starting"} {
				if !strings.Contains(view, w) {
					t.Errorf("the review lacks %q:\n%s", w, tuitest.Plain(s.View()))
				}
			}
		})
	}
	t.Run("a session without an account does not compare", func(t *testing.T) {
		session, _ := demoSession(t)
		session.Account = ""
		spec := demoSpec()
		spec.ExecutionRoleARN = other
		s, _ := startReview(t, spec, session)
		for _, f := range s.warnings() {
			if f.Field == "execution_role_arn" {
				t.Errorf("warned without the session's account: %s", f.Message)
			}
		}
	})
}

func TestReviewVerdictAgreesWithTheWarnings(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(s *model.Spec)
		want     string
		wantWarn bool // drawn as a warning, not as OK
	}{
		{"nothing to say: the plain ✓", func(*model.Spec) {},
			"✓ The spec is valid: ready to register or export", false},
		{"advice only: the plain ✓ and the count", func(s *model.Spec) { s.AllowedHosts = "*" },
			"✓ The spec is valid: ready to register or export · 1 warning (they do not block)", false},
		{"a role that cannot read the secrets: no plain ✓", func(s *model.Spec) {
			s.ExecutionRoleARN = demoRole("ecsTaskExecutionRole")
		}, "✓ No errors — but 1 finding would stop the task from starting", true},
		{"two that stop the task and advice: both counted", func(s *model.Spec) {
			s.ExecutionRoleARN = demoRole("ecsTaskExecutionRole")
			s.LogGroupName = "/ecs/demo-shop-prod-worker"
			s.AllowedHosts = "*"
		}, "✓ No errors — but 2 findings would stop the task from starting 1 more warning (they do not block)", true},
		{"errors first, whatever the warnings", func(s *model.Spec) {
			s.ExecutionRoleARN = demoRole("ecsTaskExecutionRole")
			s.TaskMemory = "3000"
		}, "✗ 1 error block registering and exporting · 1 warning (they do not block)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := prodReviewSpec()
			spec.ExecutionRoleARN = demoRole("demo-shop-dev-ecs-task-execution")
			tt.edit(&spec)
			s, _ := startReview(t, spec, session)
			view := flat(tuitest.Plain(s.View()))
			if !strings.Contains(view, tt.want) {
				t.Errorf("the verdict is not %q:\n%s", tt.want, tuitest.Plain(s.View()))
			}
			// The verdict starts with the warning style's own escape codes.
			marked := s.env.styles.Warning.Render("x")
			warnStyle := marked[:strings.Index(marked, "x")]
			warnStyled := warnStyle != "" && strings.HasPrefix(s.summary(0), warnStyle)
			if warnStyled != tt.wantWarn {
				t.Errorf("verdict drawn as a warning = %v, want %v", warnStyled, tt.wantWarn)
			}
		})
	}
}

// The parameters' keys are read to simulate kms:Decrypt too: when they cannot be, the
// review says the role was checked without it, why, and how to try again.
func TestReviewSaysWhenKMSDecryptCouldNotBeChecked(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("DescribeParameters", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ssm:DescribeParameters")
	spec := prodReviewSpec()
	spec.ExecutionRoleARN = demoRole("demo-shop-dev-ecs-task-execution")
	s, up := startReview(t, spec, session)
	s.SetSize(98, 60)
	const partial = "Execution role demo-shop-dev-ecs-task-execution: ✓ may read the 6 parameters the task reads; " +
		"kms:Decrypt not checked, as the parameters' keys could not be read: access denied (ssm:DescribeParameters) — " +
		"your identity is not allowed ssm:DescribeParameters: use a profile that is, or ask for the permission " +
		"(`aws sts get-caller-identity` shows who you are) (ctrl+r tries again)."
	if view := flat(tuitest.Plain(s.View())); !strings.Contains(view, partial) {
		t.Errorf("the review lacks %q:\n%s", partial, tuitest.Plain(s.View()))
	}
	if !slices.ContainsFunc(s.Help(), func(b key.Binding) bool { return b.Help().Desc == "check the execution role again" }) {
		t.Errorf("the help offers no retry of the role check: %v", s.Help())
	}
	srv.ClearFaults()
	keys(t, up, "ctrl+r")
	if view := flat(tuitest.Plain(s.View())); !strings.Contains(view, "Execution role demo-shop-dev-ecs-task-execution: ✓ may read the 6 parameters the task reads.") {
		t.Errorf("retrying does not check kms:Decrypt again:\n%s", tuitest.Plain(s.View()))
	}
	noSecretRead(t, srv)
}
