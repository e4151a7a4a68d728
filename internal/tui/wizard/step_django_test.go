package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
)

// stepHarness drives one step and records whether it finished.
type stepHarness struct {
	s    step
	done bool
}

func (h *stepHarness) update(m tea.Msg) tea.Cmd {
	if _, ok := m.(stepDoneMsg); ok {
		h.done = true
		return nil
	}
	return h.s.Update(m)
}

// startDjango opens the Django step on spec with the demo account.
func startDjango(t *testing.T, spec model.Spec) (*djangoStep, *env, *stepHarness) {
	t.Helper()
	session, _ := demoSession(t)
	e := newTestEnv(spec, session)
	s := newDjangoStep(e)
	s.SetSize(98, 24)
	h := &stepHarness{s: s}
	settle(t, h.update, s.Init(context.Background()))
	return s, e, h
}

// toList moves the focus from the first field to the variables list.
func toList(t *testing.T, h *stepHarness) {
	t.Helper()
	keys(t, h.update, "tab", "tab", "tab")
}

func TestDjangoStepEditsTheEnvironmentVariables(t *testing.T) {
	spec := demoSpec()
	spec.EnvironmentVariables = map[string]string{"SENTRY_ENVIRONMENT": "dev"}
	s, e, h := startDjango(t, spec)
	toList(t, h)
	if !s.vars.focused {
		t.Fatal("tab from the last field does not reach the list")
	}

	keys(t, h.update, "ctrl+a")
	if !s.Capturing() {
		t.Error("Capturing() is false while an entry is being added: esc would leave the step")
	}
	typeText(t, h.update, "FEATURE_CHECKOUT")
	keys(t, h.update, "enter")
	typeText(t, h.update, "on")
	keys(t, h.update, "enter")
	want := map[string]string{"SENTRY_ENVIRONMENT": "dev", "FEATURE_CHECKOUT": "on"}
	if diff := cmp.Diff(want, e.spec.EnvironmentVariables); diff != "" {
		t.Fatalf("after adding (-want +got):\n%s", diff)
	}
	if s.Capturing() {
		t.Error("Capturing() stays true after the entry was saved")
	}

	// The cursor is on the new entry (sorted first); edit its value.
	keys(t, h.update, "ctrl+e")
	for range 2 {
		keys(t, h.update, "backspace")
	}
	typeText(t, h.update, "off")
	keys(t, h.update, "enter")
	want["FEATURE_CHECKOUT"] = "off"
	if diff := cmp.Diff(want, e.spec.EnvironmentVariables); diff != "" {
		t.Fatalf("after editing (-want +got):\n%s", diff)
	}

	// Rename it: the old name goes.
	keys(t, h.update, "ctrl+e", "shift+tab")
	for range len("FEATURE_CHECKOUT") {
		keys(t, h.update, "backspace")
	}
	typeText(t, h.update, "NEW_CHECKOUT")
	keys(t, h.update, "enter", "enter")
	want = map[string]string{"SENTRY_ENVIRONMENT": "dev", "NEW_CHECKOUT": "off"}
	if diff := cmp.Diff(want, e.spec.EnvironmentVariables); diff != "" {
		t.Fatalf("after renaming (-want +got):\n%s", diff)
	}

	// Delete asks first; n keeps, y deletes.
	keys(t, h.update, "ctrl+d", "n")
	if len(e.spec.EnvironmentVariables) != 2 {
		t.Fatalf("n deleted the entry: %v", e.spec.EnvironmentVariables)
	}
	keys(t, h.update, "ctrl+d")
	if !strings.Contains(tuitest.Plain(s.View()), "Delete NEW_CHECKOUT?") {
		t.Errorf("no confirmation on screen:\n%s", tuitest.Plain(s.View()))
	}
	keys(t, h.update, "y")
	want = map[string]string{"SENTRY_ENVIRONMENT": "dev"}
	if diff := cmp.Diff(want, e.spec.EnvironmentVariables); diff != "" {
		t.Fatalf("after deleting (-want +got):\n%s", diff)
	}

	keys(t, h.update, "enter")
	if !h.done {
		t.Error("enter on the list does not finish the step")
	}
}

func TestDjangoStepRefusesBadVariableNames(t *testing.T) {
	tests := []struct {
		name    string
		varName string
		wantErr string
	}{
		{"a name already in the list is refused", "SENTRY_ENVIRONMENT", "SENTRY_ENVIRONMENT is already set"},
		{"a name with a space is refused by the model's rule", "MY VAR", `"MY VAR" may not contain =, spaces or line breaks`},
		{"a name with = is refused by the model's rule", "A=B", `"A=B" may not contain =`},
		{"a blank name is refused", "", "an environment name may not be blank"},
		{"a required secret's name is refused by the model", "DJANGO_SECRET_KEY", "is both an environment variable and a secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.EnvironmentVariables = map[string]string{"SENTRY_ENVIRONMENT": "dev"}
			s, e, h := startDjango(t, spec)
			toList(t, h)
			keys(t, h.update, "ctrl+a")
			typeText(t, h.update, tt.varName)
			keys(t, h.update, "enter", "enter") // to the value, then save
			view := tuitest.Plain(s.View())
			if !strings.Contains(strings.Join(strings.Fields(view), " "), tt.wantErr) {
				t.Errorf("the screen does not say %q:\n%s", tt.wantErr, view)
			}
			if want := map[string]string{"SENTRY_ENVIRONMENT": "dev"}; !cmp.Equal(want, e.spec.EnvironmentVariables) {
				t.Errorf("the spec changed to %v", e.spec.EnvironmentVariables)
			}
			if !s.Capturing() {
				t.Error("the entry closed on a refused name; what was typed is lost")
			}
			keys(t, h.update, "esc")
			if s.Capturing() || !s.vars.focused {
				t.Error("esc does not cancel the entry back to the list")
			}
		})
	}
}

func TestDjangoStepTakesAnAutomaticVariableWithTheModelsWarning(t *testing.T) {
	tests := []struct {
		name, varName, wantWarning string
	}{
		{"DEBUG names the variable that sets it", "DEBUG", "set debug_mode instead"},
		{"PORT names the variable that sets it", "PORT", "set container_port instead"},
		{"a variable fixed by design says so", "PYTHONUNBUFFERED", "the same in every task definition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, h := startDjango(t, demoSpec())
			toList(t, h)
			keys(t, h.update, "ctrl+a")
			typeText(t, h.update, tt.varName)
			want := "overrides the " + tt.varName + " that ecswiz sets"
			if view := strings.Join(strings.Fields(tuitest.Plain(s.View())), " "); !strings.Contains(view, want) || !strings.Contains(view, tt.wantWarning) {
				t.Errorf("the warning does not show as the name is typed (want %q, %q):\n%s", want, tt.wantWarning, view)
			}
			keys(t, h.update, "enter")
			typeText(t, h.update, "1")
			keys(t, h.update, "enter")
			if got, ok := e.spec.EnvironmentVariables[tt.varName]; !ok || got != "1" {
				t.Errorf("%s was not saved: %v", tt.varName, e.spec.EnvironmentVariables)
			}
			if view := tuitest.Plain(s.View()); !strings.Contains(strings.Join(strings.Fields(view), " "), want) {
				t.Errorf("the list does not keep the warning:\n%s", view)
			}
		})
	}
}

func TestDjangoStepWarnsAboutDebugInProduction(t *testing.T) {
	tests := []struct {
		name        string
		environment string
		wantWarning bool
	}{
		{"DEBUG on in prod is warned", "prod", true},
		{"DEBUG on in production is warned", "production", true},
		{"DEBUG on in dev is not", "dev", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.Environment = tt.environment
			s, e, h := startDjango(t, spec)
			keys(t, h.update, "tab", "tab", "space")
			if !e.spec.DebugMode {
				t.Fatal("space did not turn DEBUG on")
			}
			got := strings.Contains(tuitest.Plain(s.View()), "DEBUG is on in "+tt.environment)
			if got != tt.wantWarning {
				t.Errorf("warning shown = %v, want %v:\n%s", got, tt.wantWarning, tuitest.Plain(s.View()))
			}
		})
	}
}

func TestDjangoStepKeepsTheSettingsAsTyped(t *testing.T) {
	s, e, h := startDjango(t, demoSpec())
	for range len("config.settings.production") {
		keys(t, h.update, "backspace")
	}
	typeText(t, h.update, "shop.settings.dev")
	if e.spec.DjangoSettingsModule != "shop.settings.dev" {
		t.Errorf("django_settings_module = %q while typing", e.spec.DjangoSettingsModule)
	}
	keys(t, h.update, "backspace", "backspace", "backspace", "backspace", ".") // "shop.settings."
	keys(t, h.update, "enter")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "is not a Python module path") {
		t.Errorf("an invalid module path is accepted:\n%s", view)
	}
	if f := s.form.Focused(); f == nil || f.Key != fieldSettings {
		t.Error("the focus left the invalid field")
	}
}

func TestDjangoStepScreens(t *testing.T) {
	t.Run("fields", func(t *testing.T) {
		spec := demoSpec()
		spec.EnvironmentVariables = map[string]string{"SENTRY_ENVIRONMENT": "dev", "FEATURE_NEW_CHECKOUT": "true"}
		s, _, _ := startDjango(t, spec)
		goldenFits(t, "django-fields", tuitest.Plain(s.View()))
	})
	t.Run("prod with DEBUG on", func(t *testing.T) {
		spec := demoSpec()
		spec.Environment = "prod"
		spec.DebugMode = true
		s, _, h := startDjango(t, spec)
		keys(t, h.update, "tab", "tab")
		goldenFits(t, "django-prod-debug", tuitest.Plain(s.View()))
	})
	t.Run("the list with a warning", func(t *testing.T) {
		spec := demoSpec()
		spec.EnvironmentVariables = map[string]string{"SENTRY_ENVIRONMENT": "dev", "feature-flag": "1", "STRIPE_API_KEY": "sk_test"}
		s, _, h := startDjango(t, spec)
		toList(t, h)
		goldenFits(t, "django-list", tuitest.Plain(s.View()))
	})
	t.Run("adding a variable", func(t *testing.T) {
		spec := demoSpec()
		spec.EnvironmentVariables = map[string]string{"SENTRY_ENVIRONMENT": "dev"}
		s, _, h := startDjango(t, spec)
		toList(t, h)
		keys(t, h.update, "ctrl+a")
		typeText(t, h.update, "SENTRY_ENVIRONMENT")
		keys(t, h.update, "enter")
		goldenFits(t, "django-add-duplicate", tuitest.Plain(s.View()))
	})
}

// DEBUG=1 among the extra variables turns DEBUG on over the toggle: in production the
// step warns as it does for the toggle, under DEBUG and on the variable's row.
func TestDjangoStepWarnsAboutDebugSetAsAnExtraVariableInProduction(t *testing.T) {
	tests := []struct {
		name, environment, value string
		wantWarning              bool
	}{
		{"DEBUG=1 in prod is warned", "prod", "1", true},
		{"DEBUG=True in production is warned", "production", "True", true},
		{"DEBUG=0 in prod is not", "prod", "0", false},
		{"DEBUG=1 in dev is not", "dev", "1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.Environment = tt.environment
			spec.AllowedHosts = "shop.example.com"
			spec.EnvironmentVariables = map[string]string{"DEBUG": tt.value}
			s, _, _ := startDjango(t, spec)
			v := tuitest.Plain(s.View())
			got := strings.Contains(v, "DEBUG is on in "+tt.environment)
			if got != tt.wantWarning {
				t.Errorf("warning shown = %v, want %v:\n%s", got, tt.wantWarning, v)
			}
			if tt.wantWarning && !strings.Contains(s.form.Field(fieldDebug).Status, "the extra variable DEBUG="+tt.value) {
				t.Errorf("DEBUG's line does not name the variable: %q", s.form.Field(fieldDebug).Status)
			}
		})
	}
}
