package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// startIntegrations opens the integrations step on spec; session nil is offline.
func startIntegrations(t *testing.T, spec model.Spec, session *Session) (*integrationsStep, *env, *stepHarness) {
	t.Helper()
	e := newTestEnv(spec, session)
	s := newIntegrationsStep(e)
	s.SetSize(98, 24)
	h := &stepHarness{s: s}
	settle(t, h.update, s.Init(context.Background()))
	return s, e, h
}

// twilioLines are the lines of the screen that name a Twilio secret.
func twilioLines(view string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(view, "\n") {
		for _, n := range []string{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER"} {
			if strings.Contains(l, n) {
				out[n] = l
			}
		}
	}
	return out
}

func TestIntegrationsStepChecksTwilioSecretsInParameterStore(t *testing.T) {
	tests := []struct {
		name        string
		environment string
		want        string // the state of every Twilio secret
		wantMissing bool
	}{
		{"every Twilio parameter exists under /demo-shop/dev", "dev", "✓ found", false},
		{"/demo-shop/prod has no Twilio parameter", "prod", "✗ missing", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := demoSpec()
			spec.Environment = tt.environment
			s, e, h := startIntegrations(t, spec, session)
			if got := twilioLines(tuitest.Plain(s.View())); len(got) != 0 {
				t.Errorf("Twilio secrets listed while Twilio is off: %v", got)
			}
			keys(t, h.update, "space")
			if !e.spec.EnableTwilio {
				t.Fatal("space did not turn Twilio on")
			}
			view := tuitest.Plain(s.View())
			lines := twilioLines(view)
			if len(lines) != 3 {
				t.Fatalf("want the 3 Twilio secrets listed, got:\n%s", view)
			}
			for n, l := range lines {
				if !strings.Contains(l, tt.want) || !strings.Contains(l, "/demo-shop/"+tt.environment+"/third-party/") {
					t.Errorf("%s: line %q, want its parameter and %q", n, l, tt.want)
				}
			}
			if got := strings.Contains(view, "3 parameters missing"); got != tt.wantMissing {
				t.Errorf("missing summary shown = %v, want %v:\n%s", got, tt.wantMissing, view)
			}
			keys(t, h.update, "enter", "enter", "enter")
			if !h.done {
				t.Error("missing parameters block the step; the Secrets step and the review deal with them")
			}
		})
	}
}

func TestIntegrationsStepSaysWhatToCheckWhenOffline(t *testing.T) {
	spec := demoSpec()
	spec.EnableTwilio = true
	s, _, _ := startIntegrations(t, spec, nil)
	view := tuitest.Plain(s.View())
	for _, want := range []string{"/demo-shop/dev/third-party/twilio-auth-token", "not checked (offline)", "Offline: make sure these parameters exist"} {
		if !strings.Contains(view, want) {
			t.Errorf("offline screen does not say %q:\n%s", want, view)
		}
	}
	goldenFits(t, "integrations-offline", view)
}

func TestIntegrationsStepShowsAFailedCheckAndRetries(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("GetParameters", "AccessDeniedException", "User: demo is not authorized to perform: ssm:GetParameters")
	spec := demoSpec()
	spec.EnableTwilio = true
	s, _, h := startIntegrations(t, spec, session)
	view := tuitest.Plain(s.View())
	if words := strings.Join(strings.Fields(view), " "); !strings.Contains(words, "ctrl+r retries") || !strings.Contains(strings.ToLower(view), "denied") {
		t.Errorf("the failure is not shown with a way on:\n%s", view)
	}
	srv.ClearFaults()
	keys(t, h.update, "ctrl+r")
	if got := twilioLines(tuitest.Plain(s.View())); !strings.Contains(got["TWILIO_AUTH_TOKEN"], "✓ found") {
		t.Errorf("after retrying: %q", got["TWILIO_AUTH_TOKEN"])
	}
}

func TestIntegrationsStepDropsAStaleCheck(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.EnableTwilio = true
	s, _, h := startIntegrations(t, spec, session)
	settle(t, h.update, func() tea.Msg {
		return tui.Result[map[string]bool]{ID: -1, Value: map[string]bool{"/demo-shop/dev/third-party/twilio-auth-token": false}}
	})
	if got := twilioLines(tuitest.Plain(s.View())); !strings.Contains(got["TWILIO_AUTH_TOKEN"], "✓ found") {
		t.Errorf("a reply to an older check replaced the answer: %q", got["TWILIO_AUTH_TOKEN"])
	}
}

func TestIntegrationsStepValidatesTheBucketAndDistribution(t *testing.T) {
	s, e, h := startIntegrations(t, demoSpec(), nil)
	keys(t, h.update, "tab")
	typeText(t, h.update, "Demo_Shop")
	keys(t, h.update, "enter")
	view := tuitest.Plain(s.View())
	if !strings.Contains(view, `"Demo_Shop" is not a valid S3 bucket name`) {
		t.Errorf("a bad bucket name is accepted:\n%s", view)
	}
	if f := s.form.Focused(); f == nil || f.Key != fieldBucket {
		t.Fatal("the focus left the bad bucket name")
	}
	for range len("Demo_Shop") {
		keys(t, h.update, "backspace")
	}
	typeText(t, h.update, "demo-shop-media")
	keys(t, h.update, "enter")
	typeText(t, h.update, "not-an-id")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, `"not-an-id" does not look like a CloudFront distribution ID`) {
		t.Errorf("the model's warning about the distribution is not shown:\n%s", view)
	}
	keys(t, h.update, "enter")
	if !h.done {
		t.Error("a warning blocks the step")
	}
	if e.spec.S3BucketName != "demo-shop-media" || e.spec.CloudFrontDistributionID != "not-an-id" {
		t.Errorf("spec = %q, %q", e.spec.S3BucketName, e.spec.CloudFrontDistributionID)
	}
}

func TestIntegrationsStepScreens(t *testing.T) {
	for _, tt := range []struct{ name, environment string }{
		{"integrations-twilio-found", "dev"},
		{"integrations-twilio-missing", "prod"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := demoSpec()
			spec.Environment = tt.environment
			spec.EnableTwilio = true
			spec.S3BucketName = "demo-shop-media"
			s, _, _ := startIntegrations(t, spec, session)
			goldenFits(t, tt.name, tuitest.Plain(s.View()))
		})
	}
}

func TestIntegrationsStepShowsTheCheckRunningAndLeavingCancelsIt(t *testing.T) {
	session, srv := demoSession(t)
	srv.Hang("GetParameters")
	spec := demoSpec()
	spec.EnableTwilio = true
	e := newTestEnv(spec, session)
	s := newIntegrationsStep(e)
	s.SetSize(98, 24)
	ctx, leave := context.WithCancel(context.Background())
	cmd := s.Init(ctx)
	if cmd == nil {
		t.Fatal("no check started with Twilio on")
	}
	if got := twilioLines(tuitest.Plain(s.View())); !strings.Contains(got["TWILIO_ACCOUNT_SID"], "checking") {
		t.Errorf("while the check runs: %q", got["TWILIO_ACCOUNT_SID"])
	}
	if !e.spinWanted {
		t.Error("the view does not ask the root to turn the spinner")
	}
	leave()
	msg := tuitest.RunCmd(t, cmd) // returns at once: the call runs under the step's context
	if r, ok := msg.(tui.Result[map[string]bool]); !ok || r.Err == nil {
		t.Errorf("after leaving the step the check returned %#v, want a cancelled call", msg)
	}
}
