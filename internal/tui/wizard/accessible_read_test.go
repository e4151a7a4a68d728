package wizard

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecswiz/ecswiz/internal/model"
)

func TestTheAccessibleModeReadsTheSecretsAsASummary(t *testing.T) {
	demo, _ := demoSession(t)
	failing, srv := demoSession(t)
	srv.Fail("GetParameters", "AccessDeniedException", "not authorized to perform: ssm:GetParameters")
	prod := demoSpec()
	prod.Environment, prod.AllowedHosts = "prod", "shop.example.com"
	extra := demoSpec()
	extra.SecretsFromParameterStore = map[string]string{"SENTRY_DSN": "/demo-shop/dev/sentry/dsn", "NOPE": "/demo-shop/dev/nope"}
	tests := []struct {
		name    string
		spec    model.Spec
		session *Session
		want    []string
	}{
		{"every required secret found", demoSpec(), demo, []string{
			"Required secrets, under the prefix /demo-shop/dev (parameter_store_prefix):",
			"  DJANGO_SECRET_KEY, from /demo-shop/dev/app/django-secret-key: found.",
			"All 6 required secrets exist.",
			"Extra secrets (secrets_from_parameter_store): none.",
			"Exposing extra parameters and creating missing ones need the full-screen wizard (ecswiz without --accessible).",
			"run: ecswiz --demo params /demo-shop/dev",
		}},
		{"missing ones are named and counted", prod, demo, []string{
			"  DATABASE_USER, from /demo-shop/prod/database/username: missing.",
			"  REDIS_HOST, from /demo-shop/prod/redis/host: missing.",
			"2 of the 6 required secrets are missing: without them the task would fail to start: ResourceInitializationError.",
		}},
		{"extra secrets are listed with theirs", extra, demo, []string{
			"Extra secrets (secrets_from_parameter_store):",
			"  NOPE, from /demo-shop/dev/nope: missing.",
			"  SENTRY_DSN, from /demo-shop/dev/sentry/dsn: found.",
		}},
		{"offline nothing is checked", demoSpec(), &Session{}, []string{
			"Whether they exist is not checked: there is no AWS session (offline).",
			"  REDIS_HOST, from /demo-shop/dev/redis/host: not checked.",
			"run: ecswiz params /demo-shop/dev",
		}},
		{"a failed check says why", demoSpec(), failing, []string{
			"Whether they exist is not checked: check that parameters exist",
			"access denied (ssm:GetParameters)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(Options{Spec: tt.spec})
			m.env.session = tt.session
			a := &accessible{ctx: t.Context(), m: m}
			got := a.secretsReading()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("the reading lacks %q:\n%s", w, got)
				}
			}
			for _, key := range []string{"space", "ctrl+", "enter", "type to filter"} {
				if strings.Contains(got, key) {
					t.Errorf("the reading names the key %q of the full-screen step:\n%s", key, got)
				}
			}
		})
	}
}

func TestTheAccessibleModeReadsSecretsAndReviewWithoutTheirKeys(t *testing.T) {
	t.Chdir(t.TempDir())
	session, _ := demoSession(t)
	var out strings.Builder
	in := strings.NewReader(strings.Repeat("\n", 120))
	_, err := RunAccessible(t.Context(), Options{Spec: demoSpec(), Connect: func(context.Context) (*Session, error) { return session, nil }}, in, &out)
	if err != nil && !errors.Is(err, ErrInputEnded) {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	secrets := between(text, "Step 4 of 9: Secrets", "Step 5 of 9")
	review := between(text, "Step 8 of 9: Review", "Step 9 of 9")
	for _, w := range []string{"All 6 required secrets exist.", "full-screen wizard"} {
		if !strings.Contains(secrets, w) {
			t.Errorf("the Secrets step lacks %q:\n%s", w, secrets)
		}
	}
	for _, w := range []string{
		"The spec is valid: ready to register or export.",
		"The 6 parameters the task reads exist.",
		"Diff: from demo-shop-dev:4, the latest revision,",
		"ecswiz --demo render -f FILE",
	} {
		if !strings.Contains(review, w) {
			t.Errorf("the Review step lacks %q:\n%s", w, review)
		}
	}
	for _, part := range []string{secrets, review} {
		for _, key := range []string{"space ", "ctrl+", "pgup", "to scroll"} {
			if strings.Contains(part, key) {
				t.Errorf("a step read out names the key %q:\n%s", key, part)
			}
		}
	}
}

// between is the part of text from the first from up to the next to.
func between(text, from, to string) string {
	i := strings.Index(text, from)
	if i < 0 {
		return ""
	}
	text = text[i:]
	if j := strings.Index(text, to); j >= 0 {
		return text[:j]
	}
	return text
}

func TestTheAccessibleModeAsksAgainForAPathThatCannotBeAFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "td.json")
	m := accessibleWizard(Options{Spec: demoSpec()})
	_, out, err := runAccessibleWith(t, m, "", "", "", "",
		"1", "5", dir, // export, json, a directory
		filepath.Join(dir, "missing", "td.json"), // a missing directory
		path,
		"4")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		dir + " is a directory: give a file name, e.g. " + filepath.Join(dir, "demo-shop-dev.json"),
		"the directory " + filepath.Join(dir, "missing") + " does not exist; create it first or give another path",
		"Wrote " + path,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Replace it?") {
		t.Errorf("replacing a directory was asked:\n%s", out)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("not written: %v", err)
	}
}
