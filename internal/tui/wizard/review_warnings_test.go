package wizard

import (
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
)

// prodSpecWithMissingParameters is the demo spec in prod: REDIS_HOST and
// DATABASE_USER do not exist there, API_KEY neither, and ALLOWED_HOSTS is "*".
func prodSpecWithMissingParameters() model.Spec {
	spec := demoSpec()
	spec.Environment, spec.AllowedHosts = "prod", "*"
	spec.SecretsFromParameterStore = map[string]string{"API_KEY": "/demo-shop/prod/api-key"}
	return spec
}

// scrolledView is every line the viewport shows, from the top to the bottom, as one
// line of words.
func scrolledView(t *testing.T, s *reviewStep, up func(tea.Msg) tea.Cmd) string {
	t.Helper()
	seen := []string{tuitest.Plain(s.View())}
	for i := 0; i < 50 && !s.vp.AtBottom(); i++ {
		keys(t, up, "pgdown")
		seen = append(seen, tuitest.Plain(s.View()))
	}
	return flat(strings.Join(seen, "\n"))
}

func TestReviewListsEveryWarningInTheSmallestWindow(t *testing.T) {
	session, _ := demoSession(t)
	s, up := startReview(t, prodSpecWithMissingParameters(), session)
	s.SetSize(narrowWidth, narrowHeight)
	view := tuitest.Plain(s.View())
	checkFits(t, "summary", view, "✓ No errors — but 2 findings would stop the task from starting", "1 more warning",
		"! parameter_store_prefix: DATABASE_USER", "more: press space to list every finding")
	if strings.Contains(view, "allowed_hosts") {
		t.Errorf("a style warning is shown before the ones that stop the task from starting:\n%s", view)
	}

	keys(t, up, "space")
	if !s.Capturing() {
		t.Errorf("Esc would leave the step rather than close the list")
	}
	checkFits(t, "every finding", s.View(), "Every finding, the most serious first", "space or esc goes back to the tabs")
	all := scrolledView(t, s, up)
	wants := []string{
		"REDIS_HOST (/demo-shop/prod/redis/host) do not exist — the task would fail to start",
		"! secrets_from_parameter_store: API_KEY (/demo-shop/prod/api-key) does not exist",
		`! allowed_hosts: "*" accepts any Host header in prod`,
	}
	last := -1
	for _, w := range wants {
		i := strings.Index(all, w)
		if i < 0 {
			t.Errorf("%q cannot be reached in the list:\n%s", w, all)
		} else if i < last {
			t.Errorf("%q is listed before a more serious warning:\n%s", w, all)
		}
		last = i
	}
	tuitest.Golden(t, "review-every-finding", tuitest.Plain(s.View()))

	keys(t, up, "esc")
	if s.listing || s.Capturing() || !strings.Contains(tuitest.Plain(s.View()), "ECS JSON") {
		t.Errorf("esc does not go back to the tabs:\n%s", tuitest.Plain(s.View()))
	}
	keys(t, up, "space", "space")
	if s.listing {
		t.Errorf("space does not go back to the tabs")
	}
}

func TestReviewOrdersWarningsByConsequence(t *testing.T) {
	session, _ := demoSession(t)
	spec := prodSpecWithMissingParameters()
	spec.DebugMode = true
	spec.ReadonlyRootFilesystem, spec.Volumes, spec.MountPoints = true, nil, nil
	spec.LogGroupName = "/ecs/demo-shop-prod-worker" // does not exist in the demo account
	spec.AWSRegion = "eu-west-1"
	s, _ := startReview(t, spec, session)
	var got []string
	for _, f := range s.warnings() {
		got = append(got, f.Field)
	}
	// The log group is not checked: the logs go to eu-west-1, the session is in eu-west-2.
	want := []string{"parameter_store_prefix", "secrets_from_parameter_store", "aws_region", "readonly_root_filesystem", "allowed_hosts", "debug_mode"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("warnings in the order\n%v\nwant\n%v", got, want)
	}
}

func TestReviewWarnsAboutAMissingLogGroup(t *testing.T) {
	session, srv := demoSession(t)
	spec := demoSpec()
	spec.LogGroupName = "/ecs/demo-shop-prod-worker"
	s, _ := startReview(t, spec, session)
	s.SetSize(98, 60)
	want := "! log_group_name: /ecs/demo-shop-prod-worker does not exist in eu-west-2 — the task would fail to start: ResourceInitializationError (awslogs does not create it); create it first (alt+7 Runtime)"
	if view := flat(tuitest.Plain(s.View())); !strings.Contains(view, want) {
		t.Errorf("the review lacks %q:\n%s", want, tuitest.Plain(s.View()))
	}

	srv.CreateLogGroup("/ecs/demo-shop-prod-worker", 30)
	s, _ = startReview(t, spec, session)
	if view := tuitest.Plain(s.View()); strings.Contains(view, "log_group_name") {
		t.Errorf("a log group that exists is warned about:\n%s", view)
	}
}

func TestReviewWarnsWhenTheLogsGoToAnotherRegion(t *testing.T) {
	session, _ := demoSession(t)
	tests := []struct {
		name   string
		region string
		want   bool
	}{
		{"aws_region differs from the session's Region", "us-east-1", true},
		{"aws_region is the session's Region", "eu-west-2", false},
		{"aws_region is empty: the session's Region is used", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.AWSRegion = tt.region
			s, _ := startReview(t, spec, session)
			s.SetSize(98, 60)
			view := flat(tuitest.Plain(s.View()))
			const want = "! aws_region: is us-east-1, but the AWS session's Region is eu-west-2: the task's logs go to the log group in us-east-1, " +
				"while ecswiz registers the task definition and checks its parameters in eu-west-2 — " +
				"to align them, restart ecswiz with --region us-east-1, or set aws_region to eu-west-2 (or empty) (ctrl+e in Review)"
			if got := strings.Contains(view, want); got != tt.want {
				t.Errorf("warned = %v, want %v:\n%s", got, tt.want, tuitest.Plain(s.View()))
			}
		})
	}
	t.Run("offline there is no session's Region to differ from", func(t *testing.T) {
		spec := demoSpec()
		spec.AWSRegion = "us-east-1"
		s, _ := startReview(t, spec, nil)
		if view := tuitest.Plain(s.View()); strings.Contains(view, "session's Region") {
			t.Errorf("warned offline:\n%s", view)
		}
	})
}
