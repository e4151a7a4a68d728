package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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
	// The spec is saved: the wizard did its job, and its draft is removed.
	if d, err := store.Load(); !errors.Is(err, draft.ErrNoDraft) {
		t.Errorf("the draft is still there once the spec was saved: step %d, app %q, err %v", d.Step+1, d.Spec.AppName, err)
	}
	if !slices.Contains(outcome.Lines, "Your draft is removed: what you registered, exported or saved holds your answers.") {
		t.Errorf("the outcome does not say the draft is removed: %q", outcome.Lines)
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
		"") // Enter quits once a file is written
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

func TestTheAccessibleModeAsksWhatTheSpecStillNeedsBeforeTheMenu(t *testing.T) {
	spec := demoSpec()
	spec.ContainerImage, spec.ExecutionRoleARN, spec.ContainerPort = "", "", 70000
	m := accessibleWizard(Options{Spec: spec})
	_, out, err := runAccessibleWith(t, m, "", "", "", "", // the fake form, as it is
		"Bad Image!", "repo/app:1.0", // refused by the model's rule, then a good one
		"99999", "8000", // container_port, as a number
		"role", "arn:aws:iam::123456789012:role/app-execution",
		"4")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if errs := model.Validate(m.Spec()).Errors(); len(errs) > 0 {
		t.Errorf("the spec is not valid after the questions: %v\n%s", errs, out)
	}
	got := m.Spec()
	if got.ContainerImage != "repo/app:1.0" || got.ContainerPort != 8000 || got.ExecutionRoleARN != "arn:aws:iam::123456789012:role/app-execution" {
		t.Errorf("answers: image %q, port %d, role %q", got.ContainerImage, got.ContainerPort, got.ExecutionRoleARN)
	}
	for _, want := range []string{
		"Some answers are still needed before the spec is valid",
		"container_image: is required",
		"container_image:",
		"container_port [70000]:",
		"execution_role_arn: is required",
		"The spec is valid.",
		"What next? [1]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "execution_role_arn:") > strings.Index(out, "Step 9 of 9") {
		t.Errorf("the questions come after the menu:\n%s", out)
	}
	if n := strings.Count(out, "container_image:"); n < 3 { // the note, and the question twice
		t.Errorf("a refused image is not asked again:\n%s", out)
	}
}

func TestTheAccessibleModeExportsWithTheActStepsFormatsAndFileNames(t *testing.T) {
	for _, f := range model.ExportFormats() {
		t.Run(f.Name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			m := accessibleWizard(Options{Spec: demoSpec()})
			choice := fmt.Sprint(slices.Index(model.ExportFormatNames(), f.Name) + 1)
			_, out, err := runAccessibleWith(t, m, "", "", "", "", "1", choice, "", "4")
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			name := f.FileName(demoSpec())
			if !strings.Contains(out, "Write it to ["+name+"]") {
				t.Errorf("the path proposed is not %s:\n%s", name, out)
			}
			want, err := model.Export(demoSpec(), model.ExportOptions{Format: f.Name})
			if err != nil {
				t.Fatal(err)
			}
			got, mode := readMode(t, name)
			if got != string(want) || mode != 0o600 {
				t.Errorf("%s: mode %o, content:\n%s", name, mode, got)
			}
		})
	}
}

func TestTheAccessibleModeAsksBeforeReplacingTheSpecFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.tfvars")
	const handWritten = "# the team's notes\napp_name = \"demo-shop\"\n"
	for _, tc := range []struct {
		answer  string
		replace bool
	}{{"n", false}, {"y", true}} {
		t.Run("answered "+tc.answer, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(handWritten), 0o644); err != nil {
				t.Fatal(err)
			}
			m := accessibleWizard(Options{Spec: demoSpec(), SpecPath: path})
			_, out, err := runAccessibleWith(t, m, "", "", "", "", "2", "", tc.answer, "4")
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			question := strings.Index(out, path+" already exists. Replace it?")
			note := strings.Index(out, "comments and the layout of a hand-written file are not kept")
			if question < 0 || note < question {
				t.Errorf("the question is not asked, or what replacing means is said before it:\n%s", out)
			}
			got, mode := readMode(t, path)
			switch {
			case tc.replace && (got != string(model.FormatTFVars(demoSpec())) || mode != 0o600):
				t.Errorf("y did not replace it with mode 0600 (mode %o):\n%s", mode, got)
			case !tc.replace && got != handWritten:
				t.Errorf("n replaced it:\n%s", got)
			}
		})
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

// person answers the accessible mode's questions as they come: the answer to a
// question is the first rule a line of it begins with, else Enter (the default).
// It reads what the wizard wrote since its last answer, so it works whichever steps ask
// what, and gives up (the input ends) after too many answers.
type person struct {
	mu      sync.Mutex
	out     strings.Builder // what the wizard wrote
	seen    int             // the part of out already answered
	rules   [][2]string     // the beginning of a line of the question → answer
	pending []byte
	answers int
}

func (p *person) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *person) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *person) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 {
		if p.answers++; p.answers > 300 {
			return 0, io.EOF
		}
		question := p.out.String()[p.seen:]
		p.seen = p.out.Len()
		answer := ""
	rules:
		for _, r := range p.rules {
			for _, line := range strings.Split(question, "\n") {
				if strings.HasPrefix(line, r[0]) {
					answer = r[1]
					break rules
				}
			}
		}
		p.pending = []byte(answer + "\n")
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

func TestTheAccessibleModeEndsWithAValidSpecFromABlankOne(t *testing.T) {
	session, srv := demoSession(t)
	dir := t.TempDir()
	m := New(Options{Spec: model.NewSpec(), Connect: func(context.Context) (*Session, error) { return session, nil }})
	p := &person{rules: [][2]string{
		{"What next?", "4"}, // quit once the menu comes
		{"App name", "demo-shop"},
		{"app_name", "demo-shop"},
		{"environment", "dev"},
		{"container_name", "demo-shop"},
		{"container_image", "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2"},
		{"execution_role_arn", "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution"},
		{"log_group_name", "/ecs/demo-shop-dev"},
		{"Save the spec to", filepath.Join(dir, "spec.tfvars")},
	}}
	_, err := runAccessible(t.Context(), m, p, p)
	out := p.output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if errs := model.Validate(m.Spec()).Errors(); len(errs) > 0 {
		t.Fatalf("the run ended with an invalid spec: %v\n%s", errs, out)
	}
	if !strings.Contains(out, "Step 9 of 9: Act") || !strings.Contains(out, "The spec is valid.") {
		t.Errorf("the run did not reach a valid spec at the menu:\n%s", out)
	}
	if strings.Contains(out, "Some answers are still needed") {
		t.Errorf("a step's question (Runtime's roles and log group?) was left to the end:\n%s", out)
	}
	if len(srv.CallsTo("DescribeRepositories")) == 0 {
		t.Errorf("the demo account was not asked for the live options:\n%s", out)
	}
}

// enterForever is an input that answers its first line, then Enter for ever, as
// `(echo demo-shop; yes "")` does; it counts the lines it gave.
type enterForever struct {
	mu    sync.Mutex
	first []byte
	lines int
}

func (r *enterForever) Read(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines++
	if len(r.first) > 0 {
		n := copy(b, r.first)
		r.first = r.first[n:]
		return n, nil
	}
	b[0] = '\n'
	return 1, nil
}

func TestTheAccessibleModeEndsOnEndlessEnter(t *testing.T) {
	session, _ := demoSession(t)
	dir := t.TempDir()
	t.Chdir(dir)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	m := New(Options{Spec: model.NewSpec(), Connect: func(context.Context) (*Session, error) { return session, nil }})
	in := &enterForever{first: []byte("demo-shop\n")}
	var out strings.Builder
	_, err := runAccessible(ctx, m, in, &out)
	if ctx.Err() != nil {
		t.Fatalf("still asking after 30 s and %d lines:\n%s", in.lines, tail(out.String(), 60))
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, tail(out.String(), 60))
	}
	name := "demo-shop-dev.tfvars"
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("nothing exported: %v\n%s", err, out.String())
	}
	spec, err := model.ParseSpec(data, name)
	if err != nil {
		t.Fatalf("the export does not parse: %v\n%s", err, data)
	}
	if errs := model.Validate(spec).Errors(); len(errs) > 0 || spec.AppName != "demo-shop" {
		t.Errorf("the export is not a valid demo-shop spec: %v\n%s", errs, data)
	}
	if n := strings.Count(out.String(), "What next?"); n != 2 {
		t.Errorf("the menu was asked %d times, want 2 (export, then quit):\n%s", n, tail(out.String(), 60))
	}
}

// tail is the last n lines of text.
func tail(text string, n int) string {
	lines := strings.Split(text, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func TestTheAccessibleModeNeverOffersTheSameActionTwiceByEnter(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("demo-shop-dev.tfvars", []byte("# kept\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := accessibleWizard(Options{Spec: demoSpec()})
	// Enter exports to a file that exists and is not replaced; then Enter quits rather
	// than exporting again.
	_, out, err := runAccessibleWith(t, m, "", "", "", "", "", "", "", "", "")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	menus := strings.Split(out, "What next? ")[1:]
	if len(menus) != 2 || !strings.HasPrefix(menus[0], "[1]") || !strings.HasPrefix(menus[1], "[4]") {
		t.Errorf("the menu's defaults are not export, then quit:\n%s", out)
	}
	if !strings.Contains(out, "Not written.") {
		t.Errorf("the existing file was replaced:\n%s", out)
	}
}

func TestTheAccessibleModeStopsAQuestionRefusingEnterForEver(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	m := accessibleWizard(Options{Spec: model.NewSpec(), Drafts: &store})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	_, err := runAccessible(ctx, m, &enterForever{}, &out) // the app name is required
	if ctx.Err() != nil {
		t.Fatalf("still asking after 30 s:\n%s", tail(out.String(), 20))
	}
	if !errors.Is(err, ErrInputEnded) || !strings.Contains(err.Error(), "App name refused the same answer 5 times in a row") {
		t.Errorf("err = %v, want the input ended after 5 refusals", err)
	}
	if n := strings.Count(out.String(), "app_name is required"); n != maxRefusals {
		t.Errorf("the empty app name was refused %d times, want %d:\n%s", n, maxRefusals, out.String())
	}
}

func TestTheAccessibleInputEndsAfterTooManyEmptyLines(t *testing.T) {
	lr := newLineReader(t.Context(), &enterForever{first: []byte("booking\n")})
	buf := make([]byte, 64)
	var lines int
	var err error
	for lines = 0; lines < 2*maxBlankRun; lines++ {
		if _, err = lr.Read(buf); err != nil {
			break
		}
	}
	if !errors.Is(err, io.EOF) || lines != maxBlankRun+1 || !errors.Is(lr.stopped, ErrInputEnded) {
		t.Errorf("read %d lines, then %v (stopped: %v); want the answer and %d empty lines, then the end", lines, err, lr.stopped, maxBlankRun)
	}
}
