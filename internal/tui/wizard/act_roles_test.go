package wizard

import (
	"bytes"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecswiz/ecswiz/internal/model"
)

func TestActConfirmationSaysWhetherTheExecutionRoleMayReadTheSecrets(t *testing.T) {
	tests := []struct {
		name    string
		role    string
		fail    bool
		golden  string
		want    []string
		wantNot []string
	}{
		{
			name:   "a role that may not read them: the warning and the fix, and registering stays possible",
			role:   "demo-shop-prod-ecs-task-execution",
			golden: "act-confirm-role-denied",
			want: []string{
				"! The execution role demo-shop-prod-ecs-task-execution may not read any of the 6 parameters (denied by default: no policy allows ssm:GetParameters).",
				"Without it the task would fail to start: ResourceInitializationError (AccessDenied). Fix: attach a policy allowing ssm:GetParameters on /demo-shop/dev/* and kms:Decrypt to demo-shop-prod-ecs-task-execution, or choose another execution role (alt+7 Runtime).",
			},
		},
		{
			name:    "a role that may read them is said to",
			role:    "demo-shop-dev-ecs-task-execution",
			want:    []string{"Execution role demo-shop-dev-ecs-task-execution: ✓ may read the 6 parameters the task reads."},
			wantNot: []string{"may not read"},
		},
		{
			name:    "a simulation IAM refuses is said not checked",
			role:    "demo-shop-prod-ecs-task-execution",
			fail:    true,
			want:    []string{"Execution role demo-shop-prod-ecs-task-execution: not checked: access denied (iam:SimulatePrincipalPolicy)"},
			wantNot: []string{"may not read", "may read"},
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
			s, up := startAct(t, spec, session, "")
			keys(t, up, "enter")
			view := tuitest.Plain(s.View())
			if tt.golden != "" {
				tuitest.Golden(t, tt.golden, view)
			}
			for _, w := range tt.want {
				if !strings.Contains(flat(view), w) {
					t.Errorf("the confirmation lacks %q:\n%s", w, view)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(flat(view), w) {
					t.Errorf("the confirmation says %q:\n%s", w, view)
				}
			}
			keys(t, up, "y")
			if view := tuitest.Plain(s.View()); !strings.Contains(view, "✓ Registered demo-shop-prod") {
				t.Errorf("the role check blocked registering:\n%s", view)
			}
			noSecretRead(t, srv)
		})
	}
}

func TestActLogsWhatItDoesByNameAndOutcome(t *testing.T) {
	session, srv := demoSession(t)
	dir := t.TempDir()
	spec := prodReviewSpec()
	e := newTestEnv(spec, session)
	var buf bytes.Buffer
	e.log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, up := startActIn(t, e, dir)

	keys(t, up, "enter", "y") // register
	keys(t, up, "enter", "y") // again: unchanged
	srv.Fail("RegisterTaskDefinition", "AccessDeniedException", "not authorized to perform: ecs:RegisterTaskDefinition")
	s.env.update(func(x *model.Spec) { x.AllowedHosts = "api.example.com" })
	keys(t, up, "enter", "y")                      // refused
	keys(t, up, "down", "enter", "enter", "enter") // export tfvars
	keys(t, up, "down", "enter", "enter", "y")     // save the spec to the same file: asked, replaced

	log := buf.String()
	tfvars := filepath.Join(dir, "demo-shop-prod.tfvars")
	for _, want := range []string{
		`msg="execution role check" role=demo-shop-prod-ecs-task-execution parameters=6 outcome=denied denied=6`,
		`msg=registered family=demo-shop-prod revision=`,
		`msg="register: unchanged, nothing registered" family=demo-shop-prod revision=`,
		`msg="register failed" family=demo-shop-prod error="register`,
		`msg=written path=` + tfvars + ` what=export format=tfvars replaced=false`,
		`msg="file exists: asking before replacing it" path=` + tfvars + ` what=spec`,
		`msg=written path=` + tfvars + ` what=spec replaced=true`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	// Names and outcomes only: no answer's value is logged.
	for _, value := range []string{"api.example.com", "shop.example.com", "config.settings.production"} {
		if strings.Contains(log, value) {
			t.Errorf("the log holds the value %q:\n%s", value, log)
		}
	}
}
