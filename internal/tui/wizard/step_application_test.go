package wizard

import (
	"context"
	"fmt"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

func TestApplicationStepPicksARepositoryThenATagNewestFirst(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.ContainerImage = ""
	e := newTestEnv(spec, session)
	s := newApplicationStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))

	tuitest.Golden(t, "application", tuitest.Plain(s.View()))
	keys(t, up, "enter", "enter", "enter", "enter", "enter")
	if got := e.spec.ContainerImage; got == "" {
		t.Fatalf("container_image not set after picking the repository and tag")
	}
}

func TestApplicationStepKeepsAPortThatIsNotANumber(t *testing.T) {
	e := newTestEnv(demoSpec(), nil)
	s := newApplicationStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	s.form.FocusKey("container_port")
	keys(t, up, "backspace", "backspace", "backspace", "backspace")
	typeText(t, up, "80a")
	if got := e.spec.ContainerPort; got != 80 {
		t.Errorf("container_port = %d, want the last valid port typed, 80", got)
	}
	settle(t, up, s.Init(context.Background())) // the person leaves and comes back
	port := s.form.Field("container_port")
	if got := port.Value(); got != "80a" {
		t.Errorf("the port shown again is %q, want what was typed", got)
	}
	if view := tuitest.Plain(s.View()); !strings.Contains(view, `✗ "80a" is not a number`) {
		t.Errorf("the port's error is not shown:\n%s", view)
	}
	s.form.FocusKey("container_port")
	keys(t, up, "backspace")
	settle(t, up, s.Init(context.Background()))
	if got := s.form.Field("container_port").Value(); got != "80" || e.spec.ContainerPort != 80 {
		t.Errorf("a valid port: field %q, spec %d", got, e.spec.ContainerPort)
	}
}

// owner is a step that says which spec variables it answers.
type owner interface{ Owns(field string) bool }

func TestEveryVariableIsAnsweredByOneStep(t *testing.T) {
	e := newTestEnv(demoSpec(), nil)
	steps := map[string]owner{
		"Application":  newApplicationStep(e),
		"Sizing":       newSizingStep(e),
		"Django":       newDjangoStep(e),
		"Secrets":      newSecretsStep(e).(owner),
		"Integrations": newIntegrationsStep(e),
		"Hardening":    newHardeningStep(e),
		"Runtime":      newRuntime(e),
	}
	// Review answers what no earlier step asks.
	unowned := map[string]bool{"aws_region": true, "tags": true}
	for _, v := range model.Variables() {
		var owners []string
		for name, s := range steps {
			if s.Owns(v.Name) {
				owners = append(owners, name)
			}
		}
		switch {
		case unowned[v.Name] && len(owners) > 0:
			t.Errorf("%s is answered by %v; the review step was to answer it", v.Name, owners)
		case !unowned[v.Name] && len(owners) != 1:
			t.Errorf("%s is answered by %v, want exactly one step", v.Name, owners)
		}
	}
	paths := map[string]bool{}
	for _, field := range []string{"volumes[1].name", `environment_variables["DEBUG"]`, "container_command[0]", "task_cpu_x"} {
		paths[field] = steps["Runtime"].Owns(field) || steps["Django"].Owns(field)
	}
	want := map[string]bool{"volumes[1].name": true, `environment_variables["DEBUG"]`: true, "container_command[0]": true, "task_cpu_x": false}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("a finding's path is owned by its variable's step (-want +got):\n%s", diff)
	}
}

func TestApplicationStepRenamesWhatWasDerivedFromTheNames(t *testing.T) {
	const roles = "arn:aws:iam::123456789012:role/"
	derived := func() model.Spec {
		s := demoSpec() // demo-shop, dev, /ecs/demo-shop-dev, container demo-shop
		s.ExecutionRoleARN = roles + "demo-shop-dev-ecs-task-execution"
		s.TaskRoleARN = roles + "demo-shop-dev-ecs-task"
		return s
	}
	typed := func() model.Spec {
		s := demoSpec()
		s.ContainerName, s.LogGroupName = "web", "/custom/logs"
		s.ExecutionRoleARN = roles + "ecsTaskExecutionRole"
		s.TaskRoleARN = roles + "shared-app-role"
		return s
	}
	for _, tc := range []struct {
		name   string
		spec   func() model.Spec
		rename func(t *testing.T, up func(tea.Msg) tea.Cmd)
		want   func(s *model.Spec)
	}{
		{"a new environment moves the log group and the roles to it", derived,
			func(t *testing.T, up func(tea.Msg) tea.Cmd) { keys(t, up, "tab", "down", "down") }, // dev → prod
			func(s *model.Spec) {
				s.Environment, s.LogGroupName = "prod", "/ecs/demo-shop-prod"
				s.ExecutionRoleARN = roles + "demo-shop-prod-ecs-task-execution"
				s.TaskRoleARN = roles + "demo-shop-prod-ecs-task"
			}},
		{"a new app name, typed key by key, renames the container too", derived,
			func(t *testing.T, up func(tea.Msg) tea.Cmd) {
				keys(t, up, "backspace", "backspace", "backspace", "backspace")
				typeText(t, up, "store")
			},
			func(s *model.Spec) {
				s.AppName, s.ContainerName, s.LogGroupName = "demo-store", "demo-store", "/ecs/demo-store-dev"
				s.ExecutionRoleARN = roles + "demo-store-dev-ecs-task-execution"
				s.TaskRoleARN = roles + "demo-store-dev-ecs-task"
			}},
		{"values typed apart from the names stay", typed,
			func(t *testing.T, up func(tea.Msg) tea.Cmd) { keys(t, up, "tab", "down", "down") },
			func(s *model.Spec) { s.Environment = "prod" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(tc.spec(), nil)
			s := newApplicationStep(e)
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))
			tc.rename(t, up)
			want := tc.spec()
			tc.want(&want)
			if diff := cmp.Diff(want, *e.spec); diff != "" {
				t.Errorf("spec after the rename (-want +got):\n%s", diff)
			}
			if got := s.form.Field("container_name").Value(); got != want.ContainerName {
				t.Errorf("the container field shows %q, want %q", got, want.ContainerName)
			}
		})
	}
}

func TestApplicationStepSaysWhatAnEmptyAnswerMeans(t *testing.T) {
	spec := model.NewSpec()
	e := newTestEnv(spec, nil)
	s := newApplicationStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "e.g. backend-booking") {
		t.Errorf("the app name's placeholder does not read as an example:\n%s", view)
	}
	typeText(t, up, "demo-shop")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "Container name  demo-shop (the app name)") {
		t.Errorf("an empty container name does not say it is the app name:\n%s", view)
	}
}

func TestApplicationStepTypesAnEnvironmentFromTheCurrentOne(t *testing.T) {
	e := newTestEnv(demoSpec(), nil)
	s := newApplicationStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	keys(t, up, "tab", "down", "ctrl+t") // staging, then typed
	f := s.form.Field("environment")
	if got := f.Value(); got != "staging" {
		t.Fatalf("typing starts from %q, want the current answer staging", got)
	}
	if view := strings.Join(strings.Fields(tuitest.Plain(s.View())), " "); !strings.Contains(view, "esc returns to the list") {
		t.Errorf("the hint does not say how to get back to the list:\n%s", tuitest.Plain(s.View()))
	}
	typeText(t, up, "-eu")
	if e.spec.Environment != "staging-eu" {
		t.Errorf("environment = %q, want staging-eu", e.spec.Environment)
	}
	keys(t, up, "esc")
	if got := f.Value(); got != "staging" || s.Capturing() {
		t.Errorf("esc left the environment at %q (capturing %v), want the list's staging", got, s.Capturing())
	}
}

// fitCase is a step brought to a state, with what must show on its screen.
type fitCase struct {
	name string
	open func(t *testing.T, e *env) (step, func(tea.Msg) tea.Cmd)
	spec func(s *model.Spec) // nil: the demo spec with an S3 bucket
	do   func(t *testing.T, up func(tea.Msg) tea.Cmd)
	want []string
}

// openStep opens a step the way the wizard does: sized, then shown.
func openStep(width, height int, newStep func(*env) step) func(t *testing.T, e *env) (step, func(tea.Msg) tea.Cmd) {
	return func(t *testing.T, e *env) (step, func(tea.Msg) tea.Cmd) {
		s := newStep(e)
		s.SetSize(width, height)
		up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
		settle(t, up, s.Init(context.Background()))
		return s, up
	}
}

// pressing, typing and then script what a person does on a step.
func pressing(ks ...string) func(t *testing.T, up func(tea.Msg) tea.Cmd) {
	return func(t *testing.T, up func(tea.Msg) tea.Cmd) { keys(t, up, ks...) }
}

func then(parts ...func(t *testing.T, up func(tea.Msg) tea.Cmd)) func(t *testing.T, up func(tea.Msg) tea.Cmd) {
	return func(t *testing.T, up func(tea.Msg) tea.Cmd) {
		for _, p := range parts {
			p(t, up)
		}
	}
}

func typing(text string) func(t *testing.T, up func(tea.Msg) tea.Cmd) {
	return func(t *testing.T, up func(tea.Msg) tea.Cmd) { typeText(t, up, text) }
}

// TestEveryStepFitsTheSmallestTerminal draws each step in its tallest states at 80×24
// and 100×30 (the wizard gives a step 78×18 and 98×24): every line fits, nothing is
// cut off below, and what matters in the state is on screen.
func TestEveryStepFitsTheSmallestTerminal(t *testing.T) {
	for _, size := range []struct{ width, height int }{{78, 18}, {98, 24}} {
		session, _ := demoSession(t)
		open := func(newStep func(*env) step) func(t *testing.T, e *env) (step, func(tea.Msg) tea.Cmd) {
			return openStep(size.width, size.height, newStep)
		}
		application := open(func(e *env) step { return newApplicationStep(e) })
		sizing := open(func(e *env) step { return newSizingStep(e) })
		django := open(func(e *env) step { return newDjangoStep(e) })
		secrets := open(newSecretsStep)
		integrations := open(func(e *env) step { return newIntegrationsStep(e) })
		hardening := open(func(e *env) step { return newHardeningStep(e) })
		runtime := open(newRuntimeStep)
		prodWithTwilio := func(s *model.Spec) { s.Environment, s.EnableTwilio = "prod", true }
		for _, tc := range []fitCase{
			{name: "application with the repositories listed", open: application, do: pressing("tab", "tab", "tab"),
				want: []string{"▸ Image repository", "demo-shop", "ctrl+t: type another value", "Container port"}},
			{name: "application typing an environment", open: application, do: pressing("tab", "ctrl+t"),
				want: []string{"▸ Environment", "returns to the list"}},
			{name: "sizing with the CPU list open", open: sizing,
				want: []string{"▸ CPU", "▸ 512", "Estimated cost  $18.02/month per task", "list price, us-east-1"}},
			{name: "sizing with a task count that is not a number", open: sizing,
				do:   then(pressing("tab", "tab", "tab", "backspace"), typing("x"), pressing("enter")),
				want: []string{`"x" is not a whole number`, "Estimated cost"}},
			{name: "django adding a variable", open: django,
				do:   then(pressing("tab", "tab", "tab", "ctrl+a"), typing("SENTRY_DSN"), pressing("enter")),
				want: []string{"Add a variable", "▸ Value", "Plain text in the task definition"}},
			{name: "django with many long variables", open: django, do: pressing("tab", "tab", "tab", "down", "down", "down", "down"),
				spec: func(s *model.Spec) {
					s.EnvironmentVariables = map[string]string{}
					for i := range 12 {
						s.EnvironmentVariables[fmt.Sprintf("FEATURE_%02d", i)] = strings.Repeat("on ", 30)
					}
				},
				want: []string{"▸ Extra environment variables (12)", "ctrl+a add"}},
			{name: "secrets in the tree", open: secrets, do: pressing("down", "down", "down", "down", "down", "down", "down", "down", "space"),
				want: []string{"Required secrets under /demo-shop/dev · all 6 found", "Parameters under /demo-shop/dev", "▸ database/",
					"A directory: space exposes one parameter"}},
			{name: "secrets missing in prod", open: secrets, spec: prodWithTwilio,
				want: []string{"4 found, 5 missing", "✗ DATABASE_USER", "required secrets are missing"}},
			{name: "secrets creating a missing parameter", open: secrets, spec: prodWithTwilio,
				do:   then(pressing("down", "down", "down", "down", "ctrl+n"), typing("hunter2")),
				want: []string{"Create the parameter of DATABASE_USER", "/demo-shop/prod/database/username", "▸ Value", "•••"}},
			{name: "secrets exposing a typed name", open: secrets,
				do:   then(pressing("ctrl+a"), typing("not a name"), pressing("enter")),
				want: []string{"Expose a parameter by name", "▸ Parameter name or ARN", "✗"}},
			{name: "integrations with Twilio missing in prod", open: integrations, spec: prodWithTwilio,
				want: []string{"▸ Twilio", "TWILIO_AUTH_TOKEN", "missing", "S3 bucket", "CloudFront distribution"}},
			{name: "hardening with everything on", open: hardening,
				do:   pressing("space", "tab", "tab", "space", "tab", "tab", "space", "tab", "tab", "space"),
				want: []string{"Read-only root filesystem  yes", "User  1000:1000", "▸ Add SYS_PTRACE", "NET_BIND_SERVICE is refused"}},
			{name: "runtime with a bucket and no task role", open: runtime, do: pressing("tab", "tab", "tab"),
				want: []string{"▸ Task role", "▸ none", "⚠ s3_bucket_name is demo-shop-media", "demo-shop-dev-ecs-task"}},
			{name: "runtime with a command that does not split", open: runtime,
				do:   then(pressing("enter", "enter", "enter", "enter", "enter"), typing(`gunicorn "config.wsgi`), pressing("enter")),
				want: []string{"▸ Command", "double quote at column 10 is never closed"}},
			{name: "runtime with an EFS volume refused", open: runtime,
				do: then(pressing("enter", "enter", "enter", "enter", "ctrl+a"), typing("media"), pressing("enter", "space", "enter"),
					typing("fs-0123456789abcdef0"), pressing("enter", "enter", "down", "enter", "enter", "up", "enter")),
				want: []string{"New volume", "▸ Transit encryption", "needs transit encryption", `"ENABLED"`,
					"enter on the last field saves"}},
			{name: "runtime creating the log group", open: runtime, do: pressing("ctrl+n"),
				spec: func(s *model.Spec) { s.Environment, s.LogGroupName = "staging", "" },
				want: []string{"Create the log group /ecs/demo-shop-staging?", "▸ 30 days", "enter creates it"}},
		} {
			t.Run(fmt.Sprintf("%s at %dx%d", tc.name, size.width, size.height), func(t *testing.T) {
				spec := demoSpec()
				spec.S3BucketName = "demo-shop-media"
				if tc.spec != nil {
					tc.spec(&spec)
				}
				s, up := tc.open(t, newTestEnv(spec, session))
				if tc.do != nil {
					tc.do(t, up)
				}
				view := tuitest.Plain(s.View())
				checkStepFits(t, view, size.width, size.height)
				for _, want := range tc.want {
					if !strings.Contains(view, want) {
						t.Errorf("%q is not on screen:\n%s", want, view)
					}
				}
				if n := strings.Count(view, "never closed"); strings.Contains(tc.name, "command") && n != 1 {
					t.Errorf("the command's error shows %d times, want once:\n%s", n, view)
				}
				if strings.Contains(tc.name, "EFS") && size.width == 78 {
					tuitest.Golden(t, "runtime-efs-refused-80x24", view)
				}
			})
		}
	}
}

// checkStepFits fails when a line is wider than width, the screen is higher than height, or
// a box has lost a side.
func checkStepFits(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > height {
		t.Errorf("%d lines, more than %d:\n%s", len(lines), height, view)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %d is %d columns wide, more than %d: %q", i+1, w, width, l)
		}
		if strings.HasPrefix(l, "│") && !strings.HasSuffix(l, "│") {
			t.Errorf("line %d lost the box's right side: %q", i+1, l)
		}
	}
	if strings.Contains(view, "╭") != strings.Contains(view, "╰") {
		t.Errorf("a box lost its top or bottom:\n%s", view)
	}
}

// demoRepo is the demo's image repository, as the tag options' values start.
const demoRepo = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop"

// tagNotes are the notes of the tag options, by label.
func tagNotes(s *applicationStep) map[string]string {
	notes := map[string]string{}
	for _, o := range s.form.Field(fieldTag).Options {
		notes[o.Label] = o.Note
	}
	return notes
}

func TestApplicationStepPreselectsTheNewestTagThatRunsOnTheArchitecture(t *testing.T) {
	for _, tc := range []struct {
		name      string
		arch      string
		image     string // the spec's; "" has the step pick one
		archsFail bool   // BatchGetImage is refused
		want      string
	}{
		{"X86_64 passes over the arm64-only 1.5.0-arm64 for 1.4.2", model.ArchX86_64, "", false, demoRepo + ":1.4.2"},
		{"ARM64 takes 1.5.0-arm64, the newest image built for arm64", model.ArchARM64, "", false, demoRepo + ":1.5.0-arm64"},
		{"an architecture written as Docker names it is understood", "amd64", "", false, demoRepo + ":1.4.2"},
		{"an image the spec already has is kept, whatever it runs on", model.ArchX86_64, demoRepo + ":1.5.0-arm64", false, demoRepo + ":1.5.0-arm64"},
		{"architectures that cannot be read leave the newest tag", model.ArchX86_64, "", true, demoRepo + ":1.5.0-arm64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			session, srv := demoSession(t)
			if tc.archsFail {
				srv.Fail("BatchGetImage", "AccessDeniedException", "User is not authorized to perform: ecr:BatchGetImage")
			}
			spec := demoSpec()
			spec.ContainerImage, spec.CPUArchitecture = tc.image, tc.arch
			e := newTestEnv(spec, session)
			s := newApplicationStep(e)
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))

			if got := e.spec.ContainerImage; got != tc.want {
				t.Errorf("container_image = %q, want %q", got, tc.want)
			}
			if got := s.form.Field(fieldTag).Value(); got != tc.want {
				t.Errorf("the tag field shows %q, want %q", got, tc.want)
			}
			if n := len(srv.CallsTo("BatchGetImage")); n != 1 {
				t.Errorf("%d BatchGetImage calls, want one for every tag", n)
			}
			view := tuitest.Plain(s.View())
			if tc.archsFail {
				// A note under the tags, not an error: the tags can be picked without them.
				const note = "Architectures unknown (the tags work without them): access denied (ecr:BatchGetImage) — " +
					"your identity is not allowed ecr:BatchGetImage: use a profile that is, or ask for the permission " +
					"(`aws sts get-caller-identity` shows who you are)"
				tag := s.form.Field(fieldTag)
				if tag.Status != note || tag.StatusIsErr || strings.Contains(view, "✗") || len(e.imageArchs) != 0 {
					t.Errorf("the tag field's status is %q (error %v), want the note %q; known %v:\n%s",
						tag.Status, tag.StatusIsErr, note, e.imageArchs, view)
				}
				if note := tagNotes(s)["1.4.0"]; strings.Contains(note, "amd64") {
					t.Errorf("the note of 1.4.0 names architectures no one read: %q", note)
				}
				return
			}
			wantNotes := map[string]string{"1.5.0-arm64": "· arm64", "1.4.2": "· amd64", "latest": "· amd64", "1.4.1": "· amd64", "1.4.0": "· amd64, arm64"}
			for label, want := range wantNotes {
				if note := tagNotes(s)[label]; !strings.HasSuffix(note, want) {
					t.Errorf("the note of %s is %q, want it to end with %q", label, note, want)
				}
			}
			if diff := cmp.Diff([]string{"arm64"}, e.imageArchs[demoRepo+":1.5.0-arm64"]); diff != "" {
				t.Errorf("env.imageArchs of 1.5.0-arm64 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"amd64", "arm64"}, e.imageArchs[demoRepo+":1.4.0"]); diff != "" {
				t.Errorf("env.imageArchs of 1.4.0 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplicationStepKeepsATagTheArchitecturesArriveAfter(t *testing.T) {
	type archsResult = tui.Result[map[string][]string]
	for _, tc := range []struct {
		name  string
		touch bool // enter on the tag before the architectures arrive
		want  string
	}{
		{"a pick no one touched moves to the newest amd64 tag", false, demoRepo + ":1.4.2"},
		{"a tag accepted with enter stays, even arm64-only", true, demoRepo + ":1.5.0-arm64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := demoSpec()
			spec.ContainerImage = ""
			e := newTestEnv(spec, session)
			s := newApplicationStep(e)
			s.SetSize(98, 24)
			var held []archsResult
			up := func(m tea.Msg) tea.Cmd {
				if r, ok := m.(archsResult); ok {
					held = append(held, r)
					return nil
				}
				return s.Update(m)
			}
			settle(t, up, s.Init(context.Background()))
			if len(held) != 1 {
				t.Fatalf("%d architecture answers, want 1", len(held))
			}
			if got := e.spec.ContainerImage; got != demoRepo+":1.5.0-arm64" {
				t.Fatalf("before the architectures the pick is %q, want the newest tag", got)
			}
			// A late answer to an earlier call changes nothing.
			stale := held[0]
			stale.ID--
			settle(t, up, s.Update(stale))
			if len(e.imageArchs) != 0 || e.spec.ContainerImage != demoRepo+":1.5.0-arm64" {
				t.Fatalf("a stale answer was taken: %v, %s", e.imageArchs, e.spec.ContainerImage)
			}
			if tc.touch {
				s.form.FocusKey(fieldTag)
				keys(t, up, "enter")
			}
			settle(t, up, s.Update(held[0]))
			if got := e.spec.ContainerImage; got != tc.want {
				t.Errorf("container_image = %q, want %q", got, tc.want)
			}
			if len(e.imageArchs) == 0 {
				t.Error("the architectures were not kept")
			}
		})
	}
}

// The image field says to pick a repository only when there is a list to pick from:
// offline (or with none listed) it is a reference to type.
func TestApplicationStepAsksToPickARepositoryOnlyWhenListed(t *testing.T) {
	open := func(session *Session) *applicationStep {
		e := newTestEnv(demoSpec(), session)
		s := newApplicationStep(e)
		s.SetSize(98, 24)
		settle(t, func(m tea.Msg) tea.Cmd { return s.Update(m) }, s.Init(context.Background()))
		return s
	}
	if got := open(nil).form.Field(fieldRepository).Hint; got != repoTypedHint {
		t.Errorf("offline hint = %q, want %q", got, repoTypedHint)
	}
	session, _ := demoSession(t)
	if got := open(session).form.Field(fieldRepository).Hint; got != repoListHint {
		t.Errorf("with the repositories listed, hint = %q, want %q", got, repoListHint)
	}
}
