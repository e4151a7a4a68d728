package wizard

import (
	"context"
	"errors"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// secretsFixture is a secrets step on spec, loaded against session (nil: offline).
func secretsFixture(t *testing.T, spec model.Spec, session *Session) (*secretsStep, *env, func(tea.Msg) tea.Cmd) {
	t.Helper()
	e := newTestEnv(spec, session)
	s := newSecretsStep(e).(*secretsStep)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	return s, e, up
}

// requiredStatus is each required secret's presence, by env name.
func requiredStatus(s *secretsStep) map[string]string {
	names := map[secretsPresence]string{secretsUnchecked: "not checked", secretsChecking: "checking", secretsFound: "found", secretsMissing: "missing"}
	got := map[string]string{}
	for _, r := range s.required {
		p, _ := s.presence(r.ValueFrom)
		got[r.Name] = names[p]
	}
	return got
}

func TestSecretsStepShowsEachRequiredSecretFoundOrMissing(t *testing.T) {
	tests := []struct {
		name        string
		environment string
		twilio      bool
		want        map[string]string
		listed      int
	}{
		{
			name: "dev has every required secret", environment: "dev", listed: 12,
			want: map[string]string{"DJANGO_SECRET_KEY": "found", "DATABASE_PASSWORD": "found", "DATABASE_HOST": "found",
				"DATABASE_NAME": "found", "DATABASE_USER": "found", "REDIS_HOST": "found"},
		},
		{
			name: "prod misses redis/host and database/username", environment: "prod", listed: 6,
			want: map[string]string{"DJANGO_SECRET_KEY": "found", "DATABASE_PASSWORD": "found", "DATABASE_HOST": "found",
				"DATABASE_NAME": "found", "DATABASE_USER": "missing", "REDIS_HOST": "missing"},
		},
		{
			name: "Twilio's secrets are checked like the others once enabled", environment: "prod", twilio: true, listed: 6,
			want: map[string]string{"DJANGO_SECRET_KEY": "found", "DATABASE_PASSWORD": "found", "DATABASE_HOST": "found",
				"DATABASE_NAME": "found", "DATABASE_USER": "missing", "REDIS_HOST": "missing",
				"TWILIO_ACCOUNT_SID": "missing", "TWILIO_AUTH_TOKEN": "missing", "TWILIO_PHONE_NUMBER": "missing"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := demoSpec()
			spec.Environment, spec.EnableTwilio = tt.environment, tt.twilio
			s, _, _ := secretsFixture(t, spec, session)
			if diff := cmp.Diff(tt.want, requiredStatus(s)); diff != "" {
				t.Errorf("required secrets (-want +got):\n%s", diff)
			}
			if got := s.tree.Items(); got != tt.listed {
				t.Errorf("listed %d parameters, want %d", got, tt.listed)
			}
		})
	}
}

func TestSecretsStepGoldenScreens(t *testing.T) {
	session, _ := demoSession(t)
	t.Run("loaded tree", func(t *testing.T) {
		s, _, _ := secretsFixture(t, demoSpec(), session)
		tuitest.Golden(t, "secrets-loaded", tuitest.Plain(s.View()))
	})
	t.Run("filtered", func(t *testing.T) {
		s, _, up := secretsFixture(t, demoSpec(), session)
		typeText(t, up, "KEY")
		keys(t, up, "down", "down", "space") // expose stripe/api-key
		tuitest.Golden(t, "secrets-filtered", tuitest.Plain(s.View()))
	})
	t.Run("create dialog", func(t *testing.T) {
		spec := demoSpec()
		spec.Environment = "prod"
		s, _, up := secretsFixture(t, spec, session)
		keys(t, up, "down", "down", "down", "down", "ctrl+n") // DATABASE_USER, missing in prod
		typeText(t, up, "hunter2-not-shown")
		tuitest.Golden(t, "secrets-create", tuitest.Plain(s.View()))
	})
}

func TestSecretsStepFiltersAsYouType(t *testing.T) {
	session, _ := demoSession(t)
	tests := []struct {
		name    string
		typed   string
		matches int
	}{
		{"a path segment matches every name under it", "database", 4},
		{"case does not matter", "DataBase/", 4},
		{"the prefix itself matches everything", "/demo-shop/dev/", 12},
		{"a part of a segment matches", "twilio", 3},
		{"nothing matches a name that is not there", "nope", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, up := secretsFixture(t, demoSpec(), session)
			typeText(t, up, tt.typed)
			if got := s.tree.Matches(); got != tt.matches {
				t.Errorf("%q matches %d parameters, want %d", tt.typed, got, tt.matches)
			}
			if !s.Capturing() {
				t.Error("Capturing() is false while a filter is typed: esc would leave the step")
			}
			keys(t, up, "esc")
			if s.filter != "" || s.tree.Matches() != 12 || s.Capturing() {
				t.Errorf("esc left filter %q with %d matches, capturing %v; want it cleared", s.filter, s.tree.Matches(), s.Capturing())
			}
		})
	}
}

func TestSecretsStepBackspaceWidensTheFilter(t *testing.T) {
	session, _ := demoSession(t)
	s, _, up := secretsFixture(t, demoSpec(), session)
	typeText(t, up, "twilio-a")
	if got := s.tree.Matches(); got != 2 {
		t.Fatalf("twilio-a matches %d, want 2", got)
	}
	keys(t, up, "backspace", "backspace")
	if got, want := s.filter, "twilio"; got != want {
		t.Fatalf("filter %q after two backspaces, want %q", got, want)
	}
	if got := s.tree.Matches(); got != 3 {
		t.Errorf("twilio matches %d after backspacing, want 3", got)
	}
}

func TestSecretsStepPicksParametersWithSuggestedEnvNames(t *testing.T) {
	session, _ := demoSession(t)
	s, e, up := secretsFixture(t, demoSpec(), session)
	for _, filter := range []string{"sentry/dsn", "stripe/api-key", "new-checkout"} {
		typeText(t, up, filter)
		keys(t, up, "space", "esc")
	}
	want := map[string]string{
		"DSN":          "/demo-shop/dev/sentry/dsn",
		"API_KEY":      "/demo-shop/dev/stripe/api-key",
		"NEW_CHECKOUT": "/demo-shop/dev/feature-flags/new-checkout",
	}
	if diff := cmp.Diff(want, e.spec.SecretsFromParameterStore); diff != "" {
		t.Errorf("secrets_from_parameter_store (-want +got):\n%s", diff)
	}
	if !e.dirty {
		t.Error("the spec changed but the draft is not marked for saving")
	}
	if errs := model.Validate(*e.spec).Errors(); len(errs) > 0 {
		t.Errorf("the picks make the spec invalid: %v", errs)
	}

	// Space again on a picked parameter stops exposing it.
	typeText(t, up, "sentry/dsn")
	keys(t, up, "space", "esc")
	if _, ok := e.spec.SecretsFromParameterStore["DSN"]; ok {
		t.Error("space on an exposed parameter did not remove it")
	}
	if len(s.picks) != 2 {
		t.Errorf("%d extra secrets listed after removing one, want 2", len(s.picks))
	}
}

func TestSecretsStepSuggestsEnvNamesFromTheLastSegment(t *testing.T) {
	tests := []struct{ from, want string }{
		{"/demo-shop/dev/sentry/dsn", "DSN"},
		{"/demo-shop/dev/stripe/api-key", "API_KEY"},
		{"/shared/datadog/api.key_v2", "API_KEY_V2"},
		{"arn:aws:ssm:eu-west-2:123456789012:parameter/shared/mail/smtp-password", "SMTP_PASSWORD"},
		{"arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-AbCdEf", "DB_ABCDEF"},
		{"plain", "PLAIN"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			if got := suggestEnvName(tt.from); got != tt.want {
				t.Errorf("suggestEnvName(%q) = %q, want %q", tt.from, got, tt.want)
			}
		})
	}
}

func TestSecretsStepRefusesDuplicateAndInvalidEnvNames(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.SecretsFromParameterStore = map[string]string{"API_KEY": "/shared/datadog/api-key"}
	spec.EnvironmentVariables = map[string]string{"FEATURE": "on"}
	s, _, _ := secretsFixture(t, spec, session)
	tests := []struct {
		name, env, want string
	}{
		{"a name another extra secret uses", "API_KEY", "API_KEY is taken"},
		{"a name ecswiz sets as an environment variable", "PORT", "both an environment variable and a secret"},
		{"a name of environment_variables", "FEATURE", "both an environment variable and a secret"},
		{"a blank name", " ", "may not be blank"},
		{"a name with a space", "MY KEY", "may not contain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.checkEnv(tt.env, "/demo-shop/dev/stripe/api-key", "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("checkEnv(%q) = %v, want an error saying %q", tt.env, err, tt.want)
			}
		})
	}
	if err := s.checkEnv("STRIPE_API_KEY", "/demo-shop/dev/stripe/api-key", ""); err != nil {
		t.Errorf("a fresh name was refused: %v", err)
	}
}

func TestSecretsStepOverridesARequiredSecretWithTheModelsWarning(t *testing.T) {
	session, _ := demoSession(t)
	s, e, up := secretsFixture(t, demoSpec(), session)
	const rds = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b-AbCdEf:password::"
	keys(t, up, "ctrl+a")
	up(tea.PasteMsg{Content: rds})
	keys(t, up, "enter") // the ARN suggests no name: its last segment is empty
	typeText(t, up, "DATABASE_PASSWORD")
	if v := tuitest.Plain(s.View()); !strings.Contains(v, "overrides the required secret DATABASE_PASSWORD") {
		t.Errorf("the dialog does not warn about the override:\n%s", v)
	}
	keys(t, up, "enter")
	if s.pick != nil {
		t.Fatalf("the override was refused: %v", s.pick.env.Err())
	}
	if got := e.spec.SecretsFromParameterStore["DATABASE_PASSWORD"]; got != rds {
		t.Errorf("DATABASE_PASSWORD reads %q, want the RDS secret", got)
	}
	v := tuitest.Plain(s.View())
	for _, want := range []string{"? DATABASE_PASSWORD     database/password                 overridden: reads arn:aws:secretsmana", "⚠ overrides the required secret"} {
		if !strings.Contains(v, want) {
			t.Errorf("the screen does not say %q:\n%s", want, v)
		}
	}
}

func TestSecretsStepAsksForAnotherNameWhenTheSuggestionIsTaken(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.SecretsFromParameterStore = map[string]string{"API_KEY": "/shared/datadog/api-key"}
	s, e, up := secretsFixture(t, spec, session)
	typeText(t, up, "stripe/api-key")
	keys(t, up, "space")
	if s.pick == nil {
		t.Fatal("no dialog asks for another name")
	}
	if v := tuitest.Plain(s.View()); !strings.Contains(v, "API_KEY is taken") {
		t.Errorf("the dialog does not say why API_KEY is refused:\n%s", v)
	}
	keys(t, up, "enter") // the taken name again: refused
	if s.pick == nil || e.spec.SecretsFromParameterStore["API_KEY"] != "/shared/datadog/api-key" {
		t.Fatalf("the duplicate was accepted: %v", e.spec.SecretsFromParameterStore)
	}
	for range len("API_KEY") {
		keys(t, up, "backspace")
	}
	typeText(t, up, "STRIPE_API_KEY")
	keys(t, up, "enter")
	want := map[string]string{"API_KEY": "/shared/datadog/api-key", "STRIPE_API_KEY": "/demo-shop/dev/stripe/api-key"}
	if diff := cmp.Diff(want, e.spec.SecretsFromParameterStore); diff != "" {
		t.Errorf("secrets_from_parameter_store (-want +got):\n%s", diff)
	}
	if s.pick != nil {
		t.Error("the dialog stays open after a valid name")
	}
}

func TestSecretsStepRenamesAnExtraSecret(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.SecretsFromParameterStore = map[string]string{"DSN": "/demo-shop/dev/sentry/dsn"}
	_, e, up := secretsFixture(t, spec, session)
	keys(t, up, "down", "down", "down", "down", "down", "down", "ctrl+e") // the first extra secret
	keys(t, up, "backspace", "backspace", "backspace")
	typeText(t, up, "SENTRY_DSN")
	keys(t, up, "enter")
	want := map[string]string{"SENTRY_DSN": "/demo-shop/dev/sentry/dsn"}
	if diff := cmp.Diff(want, e.spec.SecretsFromParameterStore); diff != "" {
		t.Errorf("secrets_from_parameter_store (-want +got):\n%s", diff)
	}
}

func TestSecretsStepChecksSecretsOutsideThePrefix(t *testing.T) {
	session, srv := demoSession(t)
	spec := demoSpec()
	spec.SecretsFromParameterStore = map[string]string{
		"DATADOG_API_KEY": "/shared/datadog/api-key",
		"GONE":            "/shared/nothing/here",
		"BY_ARN":          "arn:aws:ssm:eu-west-2:123456789012:parameter/other-app/prod/database/password",
		"FROM_ASM":        "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-AbCdEf",
		"SENTRY_DSN":      "/demo-shop/dev/sentry/dsn",
	}
	s, _, _ := secretsFixture(t, spec, session)
	got := map[string]secretsPresence{}
	for _, p := range s.picks {
		got[p.Name], _ = s.presence(p.ValueFrom)
	}
	want := map[string]secretsPresence{
		"DATADOG_API_KEY": secretsFound, "GONE": secretsMissing, "BY_ARN": secretsFound,
		"FROM_ASM": secretsUnchecked, "SENTRY_DSN": secretsFound,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extra secrets' presence (-want +got):\n%s", diff)
	}
	if v := tuitest.Plain(s.View()); !strings.Contains(v, "Secrets Manager: not checked") {
		t.Errorf("the Secrets Manager secret is not said to be unchecked:\n%s", v)
	}
	assertNoValueRead(t, srv)
}

func TestSecretsStepCreatesAMissingRequiredParameter(t *testing.T) {
	const value = "s3cr3t-Value-never-shown"
	session, srv := demoSession(t)
	spec := demoSpec()
	spec.Environment = "prod"
	s, e, up := secretsFixture(t, spec, session)
	views := []string{}
	look := func() { views = append(views, s.View()) }

	keys(t, up, "down", "down", "down", "down") // DATABASE_USER, missing in prod
	look()
	keys(t, up, "ctrl+n")
	if s.create == nil || s.create.required != "DATABASE_USER" {
		t.Fatal("ctrl+n on the missing DATABASE_USER opened no create dialog for it")
	}
	if !s.Capturing() {
		t.Error("Capturing() is false with a dialog open: esc would leave the step")
	}
	typeText(t, up, value)
	look()
	keys(t, up, "enter")
	if !s.create.confirming {
		t.Fatal("enter on the value asked for no confirmation")
	}
	look()
	confirm := tuitest.Plain(s.View())
	for _, want := range []string{"/demo-shop/prod/database/username", "SecureString"} {
		if !strings.Contains(confirm, want) {
			t.Errorf("the confirmation does not show %q:\n%s", want, confirm)
		}
	}
	if n := len(srv.CallsTo("PutParameter")); n != 0 {
		t.Fatalf("PutParameter called %d times before the confirmation", n)
	}

	cmd := up(tuitest.Press("y"))
	if s.create == nil || s.create.value.Value() != "" {
		t.Error("the value is still in the form while the call runs")
	}
	look()
	settle(t, up, cmd)
	look()

	if s.create != nil {
		t.Error("the dialog stays open after the parameter was created")
	}
	if !slices.Contains(srv.ParameterNames(), "/demo-shop/prod/database/username") {
		t.Fatal("the parameter does not exist in the fake after creating it")
	}
	puts := srv.CallsTo("PutParameter")
	if len(puts) != 1 || puts[0].String("Type") != "SecureString" || puts[0].String("Value") != value || puts[0].Bool("Overwrite") {
		t.Errorf("PutParameter calls: %v", puts)
	}
	if got := requiredStatus(s)["DATABASE_USER"]; got != "found" {
		t.Errorf("DATABASE_USER is %s after creating it, want found", got)
	}
	for i, v := range views {
		if strings.Contains(v, value) {
			t.Errorf("view %d shows the value:\n%s", i, tuitest.Plain(v))
		}
	}
	for _, out := range [][]byte{model.FormatTFVars(*e.spec), model.FormatTFVarsJSON(*e.spec)} {
		if strings.Contains(string(out), value) {
			t.Errorf("the spec holds the value:\n%s", out)
		}
	}
	if v := tuitest.Plain(s.View()); !strings.Contains(v, "Created /demo-shop/prod/database/username as a SecureString") {
		t.Errorf("no word of the creation:\n%s", v)
	}
	assertNoValueRead(t, srv)
}

func TestSecretsStepFindsAParameterCreatedAfterThePersonLeft(t *testing.T) {
	session, srv := demoSession(t)
	spec := demoSpec()
	spec.Environment = "prod"
	s, _, up := secretsFixture(t, spec, session)
	keys(t, up, "down", "down", "down", "down", "ctrl+n") // DATABASE_USER, missing in prod
	typeText(t, up, "app_user")
	keys(t, up, "enter")
	put := up(tuitest.Press("y")) // PutParameter is on its way…
	// …and the person leaves the step: its answer goes nowhere.
	if msg := tuitest.RunCmd(t, put); msg == nil {
		t.Fatal("the create call returned nothing")
	}
	if !slices.Contains(srv.ParameterNames(), "/demo-shop/prod/database/username") {
		t.Fatal("the parameter was not created")
	}
	settle(t, up, s.Init(context.Background()))
	if got := requiredStatus(s)["DATABASE_USER"]; got != "found" {
		t.Errorf("DATABASE_USER is %s once the step is shown again, want found", got)
	}
	if s.create != nil {
		t.Error("the dialog of the last visit is still open")
	}
}

func TestSecretsStepChangesThePrefixAndListsIt(t *testing.T) {
	session, _ := demoSession(t)
	s, e, up := secretsFixture(t, demoSpec(), session)
	keys(t, up, "ctrl+e")
	if s.prefix == nil {
		t.Fatal("ctrl+e on the required secrets opened no prefix dialog")
	}
	typeText(t, up, "shared")
	keys(t, up, "enter")
	if s.prefix == nil || s.prefix.field.Err() == nil || !strings.Contains(s.prefix.field.Err().Error(), "must start with /") {
		t.Fatalf("a prefix without its / was accepted: %+v", s.prefix)
	}
	for range len("shared") {
		keys(t, up, "backspace")
	}
	typeText(t, up, "/demo-shop/prod")
	keys(t, up, "enter")
	if s.prefix != nil {
		t.Fatalf("the dialog stays open: %v", s.prefix.field.Err())
	}
	if got := e.spec.ParameterStorePrefix; got != "/demo-shop/prod" {
		t.Errorf("parameter_store_prefix = %q", got)
	}
	if s.listPrefix != "/demo-shop/prod" || !s.listed {
		t.Errorf("the new prefix was not listed: %q listed=%v", s.listPrefix, s.listed)
	}
	if got := s.required[0].ValueFrom; got != "/demo-shop/prod/app/django-secret-key" {
		t.Errorf("the required secrets did not move: %s", got)
	}
}

func TestSecretsStepCreatesAParameterByTypedName(t *testing.T) {
	session, srv := demoSession(t)
	s, _, up := secretsFixture(t, demoSpec(), session)
	typeText(t, up, "stripe/webhook-secret")
	if !strings.Contains(tuitest.Plain(s.View()), "Nothing matches · ctrl+n creates /demo-shop/dev/stripe/webhook-secret") {
		t.Errorf("no match does not offer to create the name:\n%s", tuitest.Plain(s.View()))
	}
	keys(t, up, "ctrl+n")
	if s.create == nil {
		t.Fatal("ctrl+n opened no dialog")
	}
	if got := s.create.name.Value(); got != "/demo-shop/dev/stripe/webhook-secret" {
		t.Errorf("the dialog offers %q", got)
	}
	typeText(t, up, "whsec-test")
	keys(t, up, "enter", "y")
	if !slices.Contains(srv.ParameterNames(), "/demo-shop/dev/stripe/webhook-secret") {
		t.Fatal("the parameter was not created")
	}
	if row, ok := s.treeCursor(); s.filter != "" || !ok || row.Path != "/demo-shop/dev/stripe/webhook-secret" {
		t.Errorf("after the create, filter %q and cursor on %+v; want no filter and the new parameter", s.filter, row)
	}
	keys(t, up, "space")
	if got := s.env.spec.SecretsFromParameterStore["WEBHOOK_SECRET"]; got != "/demo-shop/dev/stripe/webhook-secret" {
		t.Errorf("space did not expose the new parameter as WEBHOOK_SECRET: %v", s.env.spec.SecretsFromParameterStore)
	}
}

// A parameter created while the filter hides it: the filter is cleared and the cursor
// put on it, so space exposes what was created, not the filter's first match.
func TestSecretsStepPutsTheCursorOnTheParameterCreatedUnderAFilter(t *testing.T) {
	session, srv := demoSession(t)
	s, e, up := secretsFixture(t, demoSpec(), session)
	typeText(t, up, "sentry")
	keys(t, up, "ctrl+n", "shift+tab")
	keys(t, up, "ctrl+u")
	typeText(t, up, "/demo-shop/dev/qa/token")
	keys(t, up, "enter")
	typeText(t, up, "qa-token-value")
	keys(t, up, "enter", "y")
	if !slices.Contains(srv.ParameterNames(), "/demo-shop/dev/qa/token") {
		t.Fatalf("the parameter was not created:\n%s", tuitest.Plain(s.View()))
	}
	if s.filter != "" {
		t.Errorf("the filter %q stays after the create", s.filter)
	}
	if row, ok := s.treeCursor(); !ok || row.Path != "/demo-shop/dev/qa/token" {
		t.Errorf("the cursor is on %+v, want the new parameter", row)
	}
	keys(t, up, "space")
	if diff := cmp.Diff(map[string]string{"TOKEN": "/demo-shop/dev/qa/token"}, e.spec.SecretsFromParameterStore); diff != "" {
		t.Errorf("space exposed (-want +got):\n%s", diff)
	}
}

// ctrl+n offers a name from the filter only when it is free; a directory or a taken
// name is offered as its directory, and the name field keeps the focus.
func TestSecretsStepCreateOffersANameTheFilterLeavesFree(t *testing.T) {
	tests := []struct {
		filter    string
		name      string
		focusName bool
	}{
		{"sentry", "/demo-shop/dev/sentry/", true},                    // a directory
		{"sentry/", "/demo-shop/dev/sentry/", true},                   // the same, typed as one
		{"sentry/dsn", "/demo-shop/dev/sentry/", true},                // a parameter that exists
		{"/demo-shop/dev/database", "/demo-shop/dev/database/", true}, // a full path to a directory
		{"sentry/release", "/demo-shop/dev/sentry/release", false},    // free: the value is next
		{"/shared/datadog/api-key", "/shared/datadog/api-key", false}, // a full name elsewhere
		{"bad!name", "/demo-shop/dev/bad!name", true},                 // invalid: the name is to fix
		{"", "/demo-shop/dev/app/", true},                             // nothing typed
	}
	session, _ := demoSession(t)
	for _, tt := range tests {
		t.Run("filter "+tt.filter, func(t *testing.T) {
			s, _, up := secretsFixture(t, demoSpec(), session)
			if tt.filter == "" {
				keys(t, up, "pgdown") // into the tree, on its first directory
				s.tree.SetCursorIndex(0)
			}
			typeText(t, up, tt.filter)
			keys(t, up, "ctrl+n")
			if s.create == nil {
				t.Fatalf("ctrl+n opened no dialog:\n%s", tuitest.Plain(s.View()))
			}
			if got := s.create.name.Value(); got != tt.name {
				t.Errorf("offered %q, want %q", got, tt.name)
			}
			if got := s.create.form.Focused().Key == "parameter_name"; got != tt.focusName {
				t.Errorf("focus on %s; want the name field: %v", s.create.form.Focused().Key, tt.focusName)
			}
		})
	}
}

// The key help lists only what works: offline nothing can be listed, exposed from the
// tree or created.
func TestSecretsStepHelpListsOnlyTheKeysThatWork(t *testing.T) {
	help := func(s *secretsStep) string {
		var parts []string
		for _, b := range s.Help() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
		return strings.Join(parts, " · ")
	}
	s, _, up := secretsFixture(t, demoSpec(), nil)
	if got, want := help(s), "enter continue · ctrl+a type a name · ctrl+e prefix"; got != want {
		t.Errorf("offline help = %q, want %q", got, want)
	}
	if v := tuitest.Plain(s.View()); strings.Contains(v, "space on a parameter") {
		t.Errorf("offline, the screen offers space on parameters it does not list:\n%s", v)
	}
	e := s.env
	e.update(func(x *model.Spec) { x.SecretsFromParameterStore = map[string]string{"API_KEY": "/shared/api-key"} })
	s.sync()
	keys(t, up, "down", "down", "down", "down", "down", "down")
	if got, want := help(s), "enter continue · space remove · ctrl+a type a name · ctrl+e rename"; got != want {
		t.Errorf("offline help on an extra secret = %q, want %q", got, want)
	}

	session, _ := demoSession(t)
	s, _, up = secretsFixture(t, demoSpec(), session)
	if got, want := help(s), "enter continue · ctrl+a type a name · ctrl+e prefix"; got != want {
		t.Errorf("help on a required secret that exists = %q, want %q", got, want)
	}
	typeText(t, up, "sentry/dsn")
	if got, want := help(s), "enter continue · space expose · ctrl+n create · ctrl+a type a name"; got != want {
		t.Errorf("help on a parameter = %q, want %q", got, want)
	}
	keys(t, up, "space")
	if got, want := help(s), "enter continue · space remove · ctrl+n create · ctrl+a type a name · ctrl+e rename"; got != want {
		t.Errorf("help on an exposed parameter = %q, want %q", got, want)
	}
}

// The prefix dialog tells a prefix with a space the rule, not "/no slash", itself refused.
func TestSecretsStepPrefixHintIsValid(t *testing.T) {
	s, _, up := secretsFixture(t, demoSpec(), nil)
	keys(t, up, "ctrl+e")
	typeText(t, up, "no slash")
	keys(t, up, "enter")
	v := tuitest.Plain(s.View())
	if strings.Contains(v, `"/no slash"`) || !strings.Contains(v, "must start with /") {
		t.Errorf("the prefix dialog:\n%s", v)
	}
}

func TestSecretsStepCreateAsksBeforeTheCallAndCanBeCancelled(t *testing.T) {
	session, srv := demoSession(t)
	spec := demoSpec()
	spec.Environment = "prod"
	s, _, up := secretsFixture(t, spec, session)
	keys(t, up, "down", "down", "down", "down", "down", "ctrl+n") // REDIS_HOST
	typeText(t, up, "redis.internal")
	keys(t, up, "enter", "n")
	if s.create == nil || s.create.confirming {
		t.Fatal("n did not go back to the form")
	}
	keys(t, up, "esc")
	if s.create != nil {
		t.Fatal("esc did not close the dialog")
	}
	if n := len(srv.CallsTo("PutParameter")); n != 0 {
		t.Errorf("PutParameter called %d times after cancelling", n)
	}
}

func TestSecretsStepCreateRefusesAnExistingName(t *testing.T) {
	session, _ := demoSession(t)
	s, _, _ := secretsFixture(t, demoSpec(), session)
	err := s.checkNewName("/demo-shop/dev/sentry/dsn")
	if err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Errorf("checkNewName of an existing parameter = %v", err)
	}
	if err := s.checkNewName("/demo-shop/dev/bad name"); err == nil {
		t.Error("a name with a space was accepted")
	}
	if err := s.checkNewName("arn:aws:ssm:eu-west-2:123456789012:parameter/x"); err == nil {
		t.Error("an ARN was accepted as a name to create")
	}
}

func TestSecretsStepShowsAFailureInOneLineAndStaysUsable(t *testing.T) {
	tests := []struct {
		name, code, message, want string
	}{
		{"access denied", "AccessDeniedException",
			"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ssm:DescribeParameters",
			"access denied (ssm:DescribeParameters)"},
		{"throttled", "ThrottlingException", "Rate exceeded", "throttled by AWS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			srv.Fail("DescribeParameters", tt.code, tt.message)
			spec := demoSpec()
			spec.Environment = "prod"
			s, e, up := secretsFixture(t, spec, session)
			if s.listErr == nil {
				t.Fatal("the listing did not fail")
			}
			v := tuitest.Plain(s.View())
			line := oneLine(tui.ErrorLine(s.listErr))
			if !strings.Contains(line, tt.want) || !strings.Contains(oneLine(v), line) {
				t.Errorf("the view does not show the failure %q:\n%s", line, v)
			}
			if n := strings.Count(oneLine(v), tt.want); n != 1 {
				t.Errorf("the failure is shown %d times, want once:\n%s", n, v)
			}
			// GetParameters still answers for the required secrets.
			want := map[string]string{"DJANGO_SECRET_KEY": "found", "DATABASE_PASSWORD": "found", "DATABASE_HOST": "found",
				"DATABASE_NAME": "found", "DATABASE_USER": "missing", "REDIS_HOST": "missing"}
			if diff := cmp.Diff(want, requiredStatus(s)); diff != "" {
				t.Errorf("required secrets after the failure (-want +got):\n%s", diff)
			}
			// Typing a name still works, and ctrl+r retries.
			keys(t, up, "ctrl+a")
			typeText(t, up, "/shared/datadog/api-key")
			keys(t, up, "enter", "enter")
			if got := e.spec.SecretsFromParameterStore["API_KEY"]; got != "/shared/datadog/api-key" {
				t.Errorf("typed pick after the failure: %v", e.spec.SecretsFromParameterStore)
			}
			srv.ClearFaults()
			keys(t, up, "ctrl+r")
			if s.listErr != nil || s.tree == nil || s.tree.Items() != 6 {
				t.Errorf("ctrl+r did not list the parameters: err %v", s.listErr)
			}
		})
	}
}

func TestSecretsStepOffline(t *testing.T) {
	s, e, up := secretsFixture(t, demoSpec(), nil)
	v := tuitest.Plain(s.View())
	if n := strings.Count(v, "not checked: offline"); n != 6 {
		t.Errorf("%d required secrets say \"not checked: offline\", want 6:\n%s", n, v)
	}
	keys(t, up, "ctrl+a")
	typeText(t, up, "/shared/datadog/api-key")
	keys(t, up, "tab")
	if got := s.pick.env.Value(); got != "API_KEY" {
		t.Errorf("suggested env name %q, want API_KEY", got)
	}
	keys(t, up, "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	typeText(t, up, "DATADOG_API_KEY")
	keys(t, up, "enter")
	if diff := cmp.Diff(map[string]string{"DATADOG_API_KEY": "/shared/datadog/api-key"}, e.spec.SecretsFromParameterStore); diff != "" {
		t.Errorf("secrets_from_parameter_store (-want +got):\n%s", diff)
	}
	keys(t, up, "ctrl+n")
	if s.create != nil || !strings.Contains(tuitest.Plain(s.View()), "cannot be created offline") {
		t.Errorf("ctrl+n offline:\n%s", tuitest.Plain(s.View()))
	}
	keys(t, up, "ctrl+a")
	typeText(t, up, "not a name")
	keys(t, up, "enter")
	if v := tuitest.Plain(s.View()); !strings.Contains(v, "is not a valid parameter name") {
		t.Errorf("an invalid typed name is not refused with the model's message:\n%s", v)
	}
}

func TestSecretsStepShowsTheRunningCountWhileLoading(t *testing.T) {
	session, srv := demoSession(t)
	srv.Hang("DescribeParameters")
	e := newTestEnv(demoSpec(), session)
	s := newSecretsStep(e).(*secretsStep)
	s.SetSize(98, 24)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = s.Init(ctx) // the listing hangs: its command is not run
	s.progress.Store(37)
	v := tuitest.Plain(s.View())
	if !strings.Contains(v, "Loading the parameters under /demo-shop/dev… 37 found") || !e.spinWanted {
		t.Errorf("no spinner and count while loading (spinner asked: %v):\n%s", e.spinWanted, v)
	}
	if got := requiredStatus(s)["REDIS_HOST"]; got != "checking" {
		t.Errorf("REDIS_HOST is %q while loading, want checking", got)
	}
}

func TestSecretsStepDropsStaleListings(t *testing.T) {
	session, _ := demoSession(t)
	s, _, up := secretsFixture(t, demoSpec(), session)
	up(tui.Result[secretsListing]{ID: s.listID - 1000, Value: secretsListing{}, Err: errors.New("stale")})
	if s.listErr != nil || s.tree.Items() != 12 {
		t.Errorf("a stale listing replaced the current one: err %v, %d items", s.listErr, s.tree.Items())
	}
}

func TestSecretsStepEnterCompletesEvenWithMissingSecrets(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.Environment = "prod"
	s, _, _ := secretsFixture(t, spec, session)
	v := tuitest.Plain(s.View())
	if !strings.Contains(v, "2 required secrets are missing: the task would fail to start. ctrl+n on one creates it.") {
		t.Errorf("no warning about the missing secrets:\n%s", v)
	}
	cmd := s.Update(tuitest.Press("enter"))
	if cmd == nil {
		t.Fatal("enter returned no command")
	}
	if _, ok := cmd().(stepDoneMsg); !ok {
		t.Error("enter did not complete the step")
	}
}

// assertNoValueRead fails when any call could have returned a parameter's value.
func assertNoValueRead(t *testing.T, srv *fakeaws.Server) {
	t.Helper()
	for _, c := range srv.Calls() {
		if c.Operation == "GetParameter" || c.Operation == "GetParametersByPath" || c.Bool("WithDecryption") {
			t.Errorf("a call could read a value: %s %s", c.Operation, c.Body)
		}
	}
}

func TestSecretsStepCreateAsksForANameAfterADirectory(t *testing.T) {
	session, _ := demoSession(t)
	s, _, up := secretsFixture(t, demoSpec(), session)
	typeText(t, up, "sentry")
	keys(t, up, "ctrl+n", "enter")
	want := "/demo-shop/dev/sentry/ is a directory: type the parameter's name after it, e.g. /demo-shop/dev/sentry/new-key"
	if err := s.create.name.Err(); err == nil || err.Error() != want {
		t.Errorf("enter on a directory: %v, want %q", err, want)
	}
}
