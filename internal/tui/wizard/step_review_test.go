package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// startReview shows the review step of spec on session (nil: offline) at 100x30.
func startReview(t *testing.T, spec model.Spec, session *Session) (*reviewStep, func(tea.Msg) tea.Cmd) {
	t.Helper()
	s := newReviewStep(newTestEnv(spec, session))
	s.useSteps(theWizardsSteps())
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	return s, up
}

// movesOn reports whether cmd is the step's "done": the wizard goes to the next step.
func movesOn(t *testing.T, cmd tea.Cmd) bool {
	t.Helper()
	if cmd == nil {
		return false
	}
	_, ok := tuitest.RunCmd(t, cmd).(stepDoneMsg)
	return ok
}

func TestReviewEnterGoesOnOnlyWithoutErrors(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(s *model.Spec)
		wantNext bool
		want     []string // in the view after Enter
	}{
		{
			name:     "a valid spec goes on to Act",
			edit:     func(*model.Spec) {},
			wantNext: true,
			want:     []string{"✓ The spec is valid: ready to register or export"},
		},
		{
			name: "an invalid spec cannot pass: Enter says how many errors and where, and lists them",
			edit: func(s *model.Spec) {
				s.ExecutionRoleARN = ""
				s.TaskMemory = "3000"
			},
			want: []string{
				"✗ Fix 2 errors before going on: in Sizing (alt+2) and Runtime (alt+7).",
				"✗ task_memory:",
				"(alt+2 Sizing)",
				"✗ execution_role_arn: is required — Fargate needs it for awslogs",
				"(alt+7 Runtime)",
			},
		},
		{
			name: "warnings are listed but do not block",
			edit: func(s *model.Spec) {
				s.Environment, s.DebugMode = "prod", true
			},
			wantNext: true,
			want: []string{
				"✓ The spec is valid: ready to register or export · 2 warnings (they do not block)",
				"! allowed_hosts: \"*\" accepts any Host header in prod",
				"! debug_mode: DEBUG is on in prod: error pages show settings and source",
				"(alt+3 Django)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			tt.edit(&spec)
			s, _ := startReview(t, spec, nil)
			if got := movesOn(t, s.Update(tuitest.Press("enter"))); got != tt.wantNext {
				t.Fatalf("Enter moves on = %v, want %v\n%s", got, tt.wantNext, tuitest.Plain(s.View()))
			}
			view := tuitest.Plain(s.View())
			for _, w := range tt.want {
				if !strings.Contains(view, w) {
					t.Errorf("the view lacks %q:\n%s", w, view)
				}
			}
		})
	}
}

func TestReviewListsEveryErrorOnceEnterAsksForThem(t *testing.T) {
	s, up := startReview(t, model.NewSpec(), nil) // six required fields missing
	before := tuitest.Plain(s.View())
	if !strings.Contains(before, "more: press space to list every finding") {
		t.Fatalf("a long list is not cut short before Enter:\n%s", before)
	}
	keys(t, up, "enter")
	after := tuitest.Plain(s.View())
	for _, field := range []string{"app_name", "environment", "container_name", "container_image", "execution_role_arn", "log_group_name"} {
		if !strings.Contains(after, "✗ "+field+": is required") {
			t.Errorf("the error of %s is not listed after Enter:\n%s", field, after)
		}
	}
	tuitest.Golden(t, "review-errors", after)
}

func TestReviewTabsShowTheBytesTheModelRenders(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	s, up := startReview(t, spec, session)

	td, err := model.Build(spec, "")
	if err != nil {
		t.Fatal(err)
	}
	resource, err := model.FormatResource(spec, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		tabJSON:     string(model.RenderJSON(td)),
		tabTFVars:   string(model.FormatTFVars(spec)),
		tabModule:   string(model.FormatModule(spec, model.DefaultModuleSource)),
		tabResource: string(resource),
	}
	module, err := model.Export(spec, model.ExportOptions{Format: model.ExportModule})
	if err != nil || string(module) != want[tabModule] {
		t.Fatalf("the module tab is not what export --format module writes (err %v)", err)
	}
	for _, tc := range []struct {
		tab    int
		golden string
	}{
		{tabJSON, "review-json"},
		{tabTFVars, "review-tfvars"},
		{tabModule, "review-module"},
		{tabResource, "review-resource"},
		{tabDiff, "review-diff"},
	} {
		if s.tab != tc.tab {
			t.Fatalf("tab %d is shown, want %d", s.tab, tc.tab)
		}
		if w, ok := want[tc.tab]; ok {
			if s.texts[tc.tab] != w {
				t.Errorf("tab %s holds other bytes than the model renders:\n%s", reviewTabNames[tc.tab], s.texts[tc.tab])
			}
			first := strings.SplitN(w, "\n", 2)[0]
			if !strings.Contains(tuitest.Plain(s.View()), first) {
				t.Errorf("tab %s does not show %q", reviewTabNames[tc.tab], first)
			}
		}
		tuitest.Golden(t, tc.golden, tuitest.Plain(s.View()))
		keys(t, up, "right")
	}
	if s.tab != tabJSON {
		t.Errorf("right after the last tab shows tab %d, want the first", s.tab)
	}
	keys(t, up, "left")
	if s.tab != tabDiff {
		t.Errorf("left from the first tab shows tab %d, want the diff", s.tab)
	}
}

func TestReviewDiffsAgainstTheLatestRevision(t *testing.T) {
	st := tui.NewStyles(true)
	tests := []struct {
		name string
		edit func(s *model.Spec)
		// register registers the spec's render first, so it is the latest revision.
		register bool
		want     []string
		styled   []string // lines as they must be drawn, colours included
	}{
		{
			name: "a family with revisions shows what changes from the latest",
			edit: func(*model.Spec) {},
			want: []string{
				"Changes from demo-shop-dev:4, the latest ACTIVE revision in eu-west-2, to this spec:",
				"--- demo-shop-dev:4",
				"+++ spec",
				`-          "value": "true"`,
			},
			styled: []string{st.DiffRemove.Render(`-          "value": "true"`), st.DiffAdd.Render(`+          "value": "false"`), st.DiffHunk.Render("@@ -12,7 +12,7 @@")},
		},
		{
			name: "a new family says nothing is registered yet",
			edit: func(s *model.Spec) { s.AppName, s.ContainerName = "brand-new", "brand-new" },
			want: []string{"New family brand-new-dev: nothing registered yet.", "--- brand-new-dev", "@@ -1 +1,", "+{"},
		},
		{
			name:     "a spec equal to the latest revision is unchanged",
			edit:     func(*model.Spec) {},
			register: true,
			want:     []string{"✓ unchanged: demo-shop-dev:5 is already this task definition."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			spec := demoSpec()
			tt.edit(&spec)
			if tt.register {
				td, err := model.Build(spec, "")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := srv.RegisterTaskDefinition(string(model.RenderJSON(td))); err != nil {
					t.Fatal(err)
				}
			}
			s, up := startReview(t, spec, session)
			keys(t, up, "left") // the diff is the last tab
			view := tuitest.Plain(s.View())
			for _, w := range tt.want {
				if !strings.Contains(view, w) {
					t.Errorf("the diff lacks %q:\n%s", w, view)
				}
			}
			for _, line := range tt.styled {
				if !strings.Contains(s.View(), line) {
					t.Errorf("the diff does not colour %q", ansi.Strip(line))
				}
			}
			if n := len(srv.CallsTo("DescribeTaskDefinition")); n != 1 {
				t.Errorf("%d DescribeTaskDefinition calls, want 1", n)
			}
		})
	}
}

func TestReviewDiffFailureIsOneLineAndRetried(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("DescribeTaskDefinition", "AccessDeniedException",
		"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecs:DescribeTaskDefinition", fakeaws.Times(1))
	s, up := startReview(t, demoSpec(), session)
	keys(t, up, "left")
	view := tuitest.Plain(s.View())
	if strings.Count(view, "✗ ") != 1 || !strings.Contains(view, "press ctrl+r to try again") {
		t.Fatalf("the failure is not one line with the way on:\n%s", view)
	}
	keys(t, up, "ctrl+r")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "Changes from demo-shop-dev:4") {
		t.Fatalf("retrying did not load the diff:\n%s", view)
	}
}

func TestReviewOffline(t *testing.T) {
	spec := demoSpec()
	s, up := startReview(t, spec, nil)
	keys(t, up, "left")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "diff not available offline") {
		t.Errorf("the diff tab does not say it is offline:\n%s", view)
	}

	t.Run("without a Region it says how to set aws_region, and ctrl+e sets it", func(t *testing.T) {
		spec := demoSpec()
		spec.AWSRegion = ""
		s, up := startReview(t, spec, nil)
		view := tuitest.Plain(s.View())
		if !strings.Contains(view, "No AWS Region for awslogs-region") || !strings.Contains(view, "ctrl+e") {
			t.Fatalf("the JSON tab does not say how to set aws_region:\n%s", view)
		}
		tuitest.Golden(t, "review-no-region", view)
		keys(t, up, "ctrl+e")
		if !s.Capturing() {
			t.Fatal("typing aws_region does not capture Esc")
		}
		typeText(t, up, "nowhere")
		keys(t, up, "enter")
		if view := tuitest.Plain(s.View()); !strings.Contains(view, "aws_region") || s.editForm == nil || s.editForm.Focused().Key != "aws_region" {
			t.Fatalf("an invalid Region was accepted:\n%s", view)
		}
		for range len("nowhere") {
			keys(t, up, "backspace")
		}
		typeText(t, up, "eu-west-1")
		keys(t, up, "enter", "enter") // the Region, then the tags as they were
		if got := s.env.spec.AWSRegion; got != "eu-west-1" {
			t.Fatalf("aws_region = %q, want eu-west-1", got)
		}
		if s.Capturing() || !strings.Contains(s.texts[tabJSON], `"awslogs-region": "eu-west-1"`) {
			t.Errorf("the JSON tab does not render with the Region typed:\n%s", tuitest.Plain(s.View()))
		}
	})
}

func TestReviewScrolls(t *testing.T) {
	s, up := startReview(t, demoSpec(), nil)
	top := tuitest.Plain(s.View())
	keys(t, up, "pgdown")
	if tuitest.Plain(s.View()) == top {
		t.Fatal("pgdown did not scroll the JSON")
	}
	keys(t, up, "pgup")
	if tuitest.Plain(s.View()) != top {
		t.Error("pgup did not scroll back to the top")
	}
	keys(t, up, "down")
	if s.vp.YOffset() != 1 {
		t.Errorf("down scrolled to line %d, want 1", s.vp.YOffset())
	}
}

func TestReviewDropsAStaleDiff(t *testing.T) {
	session, _ := demoSession(t)
	s, _ := startReview(t, demoSpec(), session)
	before := s.diff
	s.Update(tui.Result[deploy.Comparison]{ID: before.id - 1000, Value: deploy.Comparison{LiveRef: "stale:1"}})
	if s.diff.cmp.Diff != before.cmp.Diff || s.diff.cmp.LiveRef != before.cmp.LiveRef {
		t.Error("a reply to an older request replaced the diff")
	}
}

func TestReviewChecksTheParametersTheTaskReads(t *testing.T) {
	demo, _ := demoSession(t)
	tests := []struct {
		name     string
		session  *Session
		edit     func(s *model.Spec)
		want     []string
		wantNext bool
		golden   string
	}{
		{
			name:    "missing ones are warnings that say the task would not start, and do not block",
			session: demo,
			golden:  "review-missing-parameters",
			edit: func(s *model.Spec) {
				s.Environment, s.AllowedHosts = "prod", "shop.example.com"
				s.SecretsFromParameterStore = map[string]string{"API_KEY": "/demo-shop/prod/api-key"}
			},
			want: []string{
				"! parameter_store_prefix: DATABASE_USER (/demo-shop/prod/database/username) and REDIS_HOST (/demo-shop/prod/redis/host) do not exist — the task would fail to start: ResourceInitializationError; create them first (alt+4 Secrets)",
				"! secrets_from_parameter_store: API_KEY (/demo-shop/prod/api-key) does not exist — the task would fail to start: ResourceInitializationError; create it first (alt+4 Secrets)",
				"✓ No errors — but 2 findings would stop the task from starting",
			},
			wantNext: true,
		},
		{
			name:     "found ones are said to exist",
			session:  demo,
			edit:     func(*model.Spec) {},
			want:     []string{"✓ The 6 parameters the task reads exist."},
			wantNext: true,
		},
		{
			name:     "offline they are not checked",
			edit:     func(*model.Spec) {},
			want:     []string{"Parameters the task reads: not checked (offline)."},
			wantNext: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			tt.edit(&spec)
			s, _ := startReview(t, spec, tt.session)
			if tt.golden != "" {
				tuitest.Golden(t, tt.golden, tuitest.Plain(s.View()))
			}
			s.SetSize(98, 60) // room for every finding
			view := flat(tuitest.Plain(s.View()))
			for _, w := range tt.want {
				if !strings.Contains(view, w) {
					t.Errorf("the review lacks %q:\n%s", w, tuitest.Plain(s.View()))
				}
			}
			if got := movesOn(t, s.Update(tuitest.Press("enter"))); got != tt.wantNext {
				t.Errorf("Enter moves on = %v, want %v", got, tt.wantNext)
			}
		})
	}
}

func TestReviewParameterCheckFailureIsRetried(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("GetParameters", "AccessDeniedException", "not authorized to perform: ssm:GetParameters", fakeaws.Times(1))
	s, up := startReview(t, demoSpec(), session)
	view := flat(tuitest.Plain(s.View()))
	if !strings.Contains(view, "Parameters the task reads: not checked: check that parameters exist") || !strings.Contains(view, "access denied (ssm:GetParameters)") || !strings.Contains(view, "ctrl+r tries again") {
		t.Fatalf("the failure is not one line with the way on:\n%s", tuitest.Plain(s.View()))
	}
	keys(t, up, "ctrl+r")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "✓ The 6 parameters the task reads exist.") {
		t.Errorf("retrying did not check them:\n%s", view)
	}
}

// ownerStep is a step that says which fields it answers.
type ownerStep struct {
	*fakeStep
	owns []string
}

func (s ownerStep) Owns(field string) bool { return slices.Contains(s.owns, field) }

func TestFindingsNameTheStepThatAnswersTheField(t *testing.T) {
	fakes := nineFakeSteps()
	// A step says what it owns, whatever its title.
	fakes[0] = ownerStep{fakes[0].(*fakeStep), []string{"app_name"}}
	fakes[1] = ownerStep{fakes[1].(*fakeStep), []string{"task_memory"}}
	fakes[6] = ownerStep{fakes[6].(*fakeStep), []string{"log_group_name", "tags"}}
	swapped := append(wizardSteps{fakes[1], fakes[0]}, fakes[2:]...) // Sizing first
	tests := []struct {
		name  string
		steps wizardSteps
		field string
		want  string
	}{
		{"a variable of the Application step", fakes, "app_name", "alt+1 Application"},
		{"an element of a list is its variable's", theWizardsSteps(), "volumes[1].name", "alt+7 Runtime"},
		{"a step's Owns names it", fakes, "tags", "alt+7 Runtime"},
		{"the number follows the step's place", swapped, "task_memory", "alt+1 Sizing"},
		{"aws_region is typed in Review", theWizardsSteps(), "aws_region", "ctrl+e in Review"},
		{"so are the tags", theWizardsSteps(), `tags["aws:team"]`, "ctrl+e in Review"},
		{"a step without Owns answers nothing", fakes, "container_name", ""},
		{"the whole task definition is nowhere", theWizardsSteps(), "", ""},
		{"without the steps nothing is named", nil, "app_name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.steps.fixedIn(tt.field); got != tt.want {
				t.Errorf("fixedIn(%q) = %q, want %q", tt.field, got, tt.want)
			}
		})
	}
}

func TestEveryVariableIsAnsweredByOneStepOfTheWizard(t *testing.T) {
	steps := theWizardsSteps()
	for _, s := range steps {
		if _, ok := s.(fieldOwner); !ok {
			t.Errorf("the %s step does not say which variables it answers (Owns)", s.Title())
		}
	}
	for _, v := range model.Variables() {
		var owners []string
		for _, s := range steps {
			if o, ok := s.(fieldOwner); ok && o.Owns(v.Name) {
				owners = append(owners, s.Title())
			}
		}
		if len(owners) != 1 {
			t.Errorf("%s is answered by %v, want exactly one step", v.Name, owners)
		}
	}
}

func TestShareStepsGivesReviewAndActTheWizardsSteps(t *testing.T) {
	steps := theWizardsSteps()
	for _, s := range steps {
		var got wizardSteps
		switch s := s.(type) {
		case *reviewStep:
			got = s.steps
		case *actStep:
			got = s.steps
		default:
			continue
		}
		if len(got) != len(steps) || got[0] != steps[0] {
			t.Errorf("%s was not given the wizard's steps", s.Title())
		}
	}
	if got := steps.review(); got != "alt+8 Review" {
		t.Errorf("Review is %q, want alt+8 Review", got)
	}
}

func TestReviewWarnsWhenTheImageDoesNotRunOnTheArchitecture(t *testing.T) {
	tests := []struct {
		name   string
		image  string
		arch   string
		golden string
		want   string // the warning, flattened; "" for none
	}{
		{"an arm64-only image on X86_64 is a warning that names both ways out", "1.5.0-arm64", model.ArchX86_64, "review-image-architecture",
			`! cpu_architecture: X86_64, but the image 1.5.0-arm64 runs on arm64 only — its container would fail with "exec format error": pick an amd64 tag in alt+1 Application, or choose ARM64 (alt+2 Sizing)`},
		{"an amd64-only image on ARM64 too", "1.4.2", model.ArchARM64, "",
			`! cpu_architecture: ARM64, but the image 1.4.2 runs on amd64 only — its container would fail with "exec format error": pick an arm64 tag in alt+1 Application, or choose X86_64 (alt+2 Sizing)`},
		{"a multi-arch image is no warning", "1.4.0", model.ArchARM64, "", ""},
		{"an image whose architectures are unknown is no warning", "1.4.1", model.ArchX86_64, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.ContainerImage, spec.CPUArchitecture = demoRepo+":"+tt.image, tt.arch
			e := newTestEnv(spec, nil)
			e.imageArchs = demoImageArchs()
			s := newReviewStep(e)
			s.useSteps(theWizardsSteps())
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))

			view := tuitest.Plain(s.View())
			got := flat(view)
			switch {
			case tt.want == "" && strings.Contains(got, "exec format error"):
				t.Errorf("a warning about the image's architecture:\n%s", view)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("the warning %q is not on screen:\n%s", tt.want, view)
			case tt.want != "" && !strings.Contains(got, "✓ No errors — but 1 finding would stop the task from starting"):
				t.Errorf("the summary does not count the warning:\n%s", view)
			}
			if tt.golden != "" {
				tuitest.Golden(t, tt.golden, view)
			}
			if !movesOn(t, s.Update(tuitest.Press("enter"))) {
				t.Error("a warning about the architecture blocks the review")
			}
		})
	}
}
