package wizard

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecswiz/ecswiz/internal/draft"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// accessibleWizard is a wizard whose first step is a form with a text, a choice with
// other values and a toggle (the kinds of field the steps use), the others fake steps
// without forms.
func accessibleWizard(o Options) *Model {
	m := New(o)
	m.steps = nineFakeSteps()
	for _, s := range m.steps {
		s.(*fakeStep).env = m.env
	}
	e := m.env
	m.steps[0].(*fakeStep).form = tui.NewForm(
		&tui.Field{Key: "app_name", Title: "App name", Kind: tui.Text, Placeholder: "backend-booking",
			Hint: "Names the family (APP-ENV).",
			Validate: func(v string) error {
				return fieldError(*e.spec, "app_name", true, func(x *model.Spec) { x.AppName = v })
			},
			OnSet: func(v string) { e.update(func(x *model.Spec) { x.AppName = v }) },
		},
		&tui.Field{Key: "environment", Title: "Environment", Kind: tui.Choice, Other: true,
			Options: []tui.Option{{Value: "dev"}, {Value: "staging"}, {Value: "prod", Note: "adds production checks"}},
			Validate: func(v string) error {
				return fieldError(*e.spec, "environment", true, func(x *model.Spec) { x.Environment = v })
			},
			OnSet: func(v string) { e.update(func(x *model.Spec) { x.Environment = v }) },
		},
		&tui.Field{Key: "s3_bucket_name", Title: "S3 bucket", Kind: tui.Text,
			OnSet: func(v string) { e.update(func(x *model.Spec) { x.S3BucketName = v }) },
		},
		&tui.Field{Key: "debug_mode", Title: "DEBUG", Kind: tui.Toggle,
			OnSet: func(v string) { e.update(func(x *model.Spec) { x.DebugMode = v == "true" }) },
		},
	)
	for _, f := range m.steps[0].(*fakeStep).form.Fields {
		switch f.Key {
		case "app_name":
			f.SetValue(e.spec.AppName)
		case "environment":
			f.SetValue(e.spec.Environment)
		case "s3_bucket_name":
			f.SetValue(e.spec.S3BucketName)
		}
	}
	return m
}

// runAccessibleWith runs the accessible mode on m with input lines; it returns the
// outcome, the output and the error.
func runAccessibleWith(t *testing.T, m *Model, lines ...string) (Outcome, string, error) {
	t.Helper()
	var out strings.Builder
	in := strings.NewReader(strings.Join(lines, "\n") + "\n")
	outcome, err := runAccessible(t.Context(), m, in, &out)
	return outcome, out.String(), err
}

func TestTheAccessibleModeAsksEachFieldAndSavesTheSpec(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join(dir, "booking-qa.tfvars")
	store := draft.Store{Dir: filepath.Join(dir, "drafts")}
	spec := demoSpec()
	spec.AppName, spec.Environment, spec.S3BucketName = "", "", "old-bucket"
	m := accessibleWizard(Options{Spec: spec, Drafts: &store})

	outcome, out, err := runAccessibleWith(t, m,
		"Bad Name!", // refused by the model's rule, asked again
		"booking",
		"4", "qa", // "Type another value", then the value
		"-", // clears the bucket
		"y", // DEBUG
		"2", // save the spec
		specPath,
		"4", // quit
	)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := m.Spec()
	if got.AppName != "booking" || got.Environment != "qa" || got.S3BucketName != "" || !got.DebugMode {
		t.Errorf("answers: app %q, env %q, bucket %q, debug %v", got.AppName, got.Environment, got.S3BucketName, got.DebugMode)
	}
	for _, want := range []string{
		"Step 1 of 9: Application",
		"Names the family (APP-ENV).",
		"App name — e.g. backend-booking:",
		"Environment [dev]",
		"4. Type another value",
		"3. prod (adds production checks)",
		"S3 bucket [old-bucket]:",
		"DEBUG [y/N]",
		"Step 2 of 9: Sizing",
		"the sizing step's body",
		"Step 9 of 9: Act",
		"Registering is not offered in accessible mode",
		"Wrote " + specPath,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "App name — e.g. backend-booking:") != 2 {
		t.Errorf("a refused app name is not asked again:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("the accessible output holds escape sequences:\n%q", out)
	}
	saved, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	back, err := model.ParseSpec(saved, specPath)
	if err != nil || back.AppName != "booking" || back.Environment != "qa" {
		t.Errorf("saved spec: %+v, err %v", back, err)
	}
	if !slices.ContainsFunc(outcome.Lines, func(l string) bool { return strings.Contains(l, "Wrote "+specPath) }) {
		t.Errorf("outcome: %q", outcome.Lines)
	}
	d, err := store.Load()
	if err != nil || d.Spec.AppName != "booking" || d.Step != 8 || len(d.Completed) != 8 {
		t.Errorf("draft: step %d, %d completed, app %q, err %v", d.Step+1, len(d.Completed), d.Spec.AppName, err)
	}
}

func TestTheAccessibleModeKeepsAnswersOnEnter(t *testing.T) {
	spec := demoSpec()
	spec.S3BucketName = "assets"
	m := accessibleWizard(Options{Spec: spec})
	_, out, err := runAccessibleWith(t, m, "", "", "", "", "4")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := m.Spec()
	if got.AppName != spec.AppName || got.Environment != spec.Environment || got.S3BucketName != "assets" || got.DebugMode {
		t.Errorf("Enter changed answers: %+v", got)
	}
	if !strings.Contains(out, "App name [demo-shop]:") {
		t.Errorf("the current answer is not shown in brackets:\n%s", out)
	}
}

func TestTheAccessibleModeExportsAValidSpec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "td.json")
	m := accessibleWizard(Options{Spec: demoSpec()})
	_, out, err := runAccessibleWith(t, m, "", "", "", "",
		"1", "5", path, // export, json, path
		"1", "5", path, "n", // again: the file exists, not replaced
		"4")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("not exported: %v\n%s", err, out)
	}
	if !strings.Contains(string(data), `"family": "demo-shop-dev"`) {
		t.Errorf("exported JSON:\n%s", data)
	}
	if !strings.Contains(out, "exists. Replace it?") || !strings.Contains(out, "Not written.") {
		t.Errorf("an existing file was not asked about:\n%s", out)
	}
}

func TestTheAccessibleModeRefusesToExportASpecWithErrors(t *testing.T) {
	spec := demoSpec()
	spec.ContainerImage = ""
	m := accessibleWizard(Options{Spec: spec})
	_, out, err := runAccessibleWith(t, m, "", "", "", "", "1", "4")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"error: container_image: is required", "What next? [3]", "The spec has errors: fix them first"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}

func TestTheAccessibleModeGoesThroughTheQuestionsAgain(t *testing.T) {
	m := accessibleWizard(Options{Spec: demoSpec()})
	_, out, err := runAccessibleWith(t, m, "", "", "", "", "3", "second", "", "", "", "4")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if m.Spec().AppName != "second" || strings.Count(out, "Step 1 of 9") != 2 {
		t.Errorf("app %q after going through again:\n%s", m.Spec().AppName, out)
	}
}

func TestTheAccessibleModeStopsWhenTheInputEnds(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	m := accessibleWizard(Options{Spec: model.NewSpec(), Drafts: &store})
	outcome, out, err := runAccessibleWith(t, m, "booking") // then nothing more
	if !errors.Is(err, ErrInputEnded) {
		t.Fatalf("err = %v, want ErrInputEnded\n%s", err, out)
	}
	d, lerr := store.Load()
	if lerr != nil || d.Spec.AppName != "booking" {
		t.Errorf("the answer given is not in the draft: app %q, err %v", d.Spec.AppName, lerr)
	}
	if len(outcome.Lines) == 0 || !strings.Contains(outcome.Lines[0], "ecswiz --resume") {
		t.Errorf("outcome: %q", outcome.Lines)
	}
}

func TestTheAccessibleModeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	m := accessibleWizard(Options{Spec: model.NewSpec()})
	done := make(chan error, 1)
	go func() { _, err := runAccessible(ctx, m, r, io.Discard); done <- err }()
	cancel() // ctrl+c while a question waits for its answer
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestTheAccessibleModeOffersTheDemoWithoutCredentials(t *testing.T) {
	demo, _ := demoSession(t)
	for _, tc := range []struct {
		name    string
		answer  string
		want    *Session
		offline bool
		quit    bool
	}{
		{"the demo", "1", demo, false, false},
		{"offline", "2", nil, true, false},
		{"quit", "3", nil, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := accessibleWizard(Options{Spec: demoSpec(),
				Connect: func(context.Context) (*Session, error) { return nil, errNoCredentials },
				Demo:    func(context.Context) (*Session, error) { return demo, nil }})
			_, out, err := runAccessibleWith(t, m, tc.answer, "", "", "", "", "4")
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !strings.Contains(out, "No AWS session: no AWS credentials") {
				t.Errorf("the failure is not said:\n%s", out)
			}
			switch {
			case tc.want != nil:
				if m.env.session != tc.want || !strings.Contains(out, "demo account") {
					t.Errorf("session %+v:\n%s", m.env.session, out)
				}
			case tc.offline:
				if !m.env.session.Offline() || !strings.Contains(out, "offline") {
					t.Errorf("session %+v:\n%s", m.env.session, out)
				}
			case tc.quit:
				if strings.Contains(out, "Step 1 of 9") {
					t.Errorf("the questions were asked after quitting:\n%s", out)
				}
			}
		})
	}
}

func TestTheAccessibleModeRunsTheRealSteps(t *testing.T) {
	// Whatever the steps are, the run reaches the end: forms are asked, others read out.
	t.Chdir(t.TempDir()) // where Enter on every question exports to
	var answers []string
	for range 200 {
		answers = append(answers, "")
	}
	var out strings.Builder
	in := strings.NewReader(strings.Join(answers, "\n") + "\n")
	_, err := RunAccessible(t.Context(), Options{Spec: demoSpec()}, in, &out)
	if err != nil && !errors.Is(err, ErrInputEnded) {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Step 9 of 9") {
		t.Errorf("the run did not reach the end:\n%s", out.String())
	}
}
