package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// theWizardsSteps are the steps of a wizard, in order, shared as the root shares them.
func theWizardsSteps() wizardSteps {
	steps := New(Options{}).steps
	shareSteps(steps)
	return steps
}

// flat is a plain view as one line of words, without a box's sides: text that wraps
// is found whole.
func flat(view string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(view, "│", " ")), " ")
}

// startAct shows the act step of spec on session (nil: offline) at 100x30; files go to dir.
func startAct(t *testing.T, spec model.Spec, session *Session, dir string) (*actStep, func(tea.Msg) tea.Cmd) {
	t.Helper()
	return startActIn(t, newTestEnv(spec, session), dir)
}

// startActIn shows the act step on e at 100x30; files go to dir.
func startActIn(t *testing.T, e *env, dir string) (*actStep, func(tea.Msg) tea.Cmd) {
	t.Helper()
	s := newActStep(e)
	s.useSteps(theWizardsSteps())
	s.dir = dir
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	return s, up
}

func TestActRegistersDiffFirst(t *testing.T) {
	session, srv := demoSession(t)
	s, up := startAct(t, demoSpec(), session, "")
	tuitest.Golden(t, "act-menu", tuitest.Plain(s.View()))

	keys(t, up, "enter")
	confirm := tuitest.Plain(s.View())
	for _, want := range []string{"Register demo-shop-dev?", "family  demo-shop-dev", "Region  eu-west-2 · account 123456789012 (the demo account)"} {
		if !strings.Contains(confirm, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, confirm)
		}
	}
	if !s.Capturing() {
		t.Error("the confirmation does not capture Esc")
	}
	tuitest.Golden(t, "act-confirm", confirm)
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 0 {
		t.Fatalf("%d registrations before confirming", n)
	}

	keys(t, up, "y")
	view := tuitest.Plain(s.View())
	for _, want := range []string{
		"✓ Registered demo-shop-dev:5",
		`task_definition_arn      = "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5"`,
		"task_definition_revision = 5",
		`container_name           = "demo-shop"`,
		"container_port           = 8000",
		"Roll a service to it:",
		"aws ecs update-service --cluster demo-shop --service demo-shop-dev-web \\\n    --task-definition demo-shop-dev:5",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the result lacks %q:\n%s", want, view)
		}
	}
	tuitest.Golden(t, "act-register", view)
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Fatalf("%d RegisterTaskDefinition calls, want 1", n)
	}

	srv.AddService(fakeaws.Service{Cluster: fakeaws.DemoCluster, Name: "demo-shop-dev-worker", TaskDefinition: "demo-shop-dev:5", DesiredCount: 1})
	keys(t, up, "enter", "y")
	view = tuitest.Plain(s.View())
	if !strings.Contains(view, "✓ unchanged: demo-shop-dev:5 is already this task definition; nothing was registered.") {
		t.Errorf("registering the same spec again is not unchanged:\n%s", view)
	}
	if !strings.Contains(view, "demo-shop-dev-worker (cluster demo-shop) already runs demo-shop-dev:5.") ||
		!strings.Contains(view, "--service demo-shop-dev-web") {
		t.Errorf("a service on the revision is not said to run it:\n%s", view)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Errorf("%d RegisterTaskDefinition calls after an unchanged register, want still 1", n)
	}
}

func TestActRegisterConfirmationCanBeCancelled(t *testing.T) {
	for _, k := range []string{"n", "esc"} {
		t.Run("with "+k, func(t *testing.T) {
			session, srv := demoSession(t)
			s, up := startAct(t, demoSpec(), session, "")
			keys(t, up, "enter", k)
			if s.Capturing() || s.registering {
				t.Fatal("the confirmation is still open or a registration started")
			}
			if n := len(srv.CallsTo("DescribeTaskDefinition")) + len(srv.CallsTo("RegisterTaskDefinition")); n != 0 {
				t.Errorf("%d ECS calls after cancelling", n)
			}
		})
	}
}

func TestActRegisterFailureIsOneLineWithTheHint(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("RegisterTaskDefinition", "AccessDeniedException",
		"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecs:RegisterTaskDefinition")
	s, up := startAct(t, demoSpec(), session, "")
	keys(t, up, "enter", "y")
	view := tuitest.Plain(s.View())
	var failures []string
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(l, "✗") {
			failures = append(failures, l)
		}
	}
	if len(failures) != 1 || !strings.Contains(failures[0], "Register failed") {
		t.Fatalf("want one failure line, got %q:\n%s", failures, view)
	}
	if !strings.Contains(view, "ctrl+r") {
		t.Errorf("the failure does not say how to retry:\n%s", view)
	}

	srv.ClearFaults()
	keys(t, up, "ctrl+r")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "✓ Registered demo-shop-dev:5") {
		t.Errorf("retrying did not register:\n%s", view)
	}
}

func TestActRegisterWhoseAnswerIsLostMakesOneRevision(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("RegisterTaskDefinition", "ServerException", "the connection dropped", fakeaws.AfterWork(), fakeaws.Times(1))
	s, up := startAct(t, demoSpec(), session, "")
	keys(t, up, "enter", "y")
	view := tuitest.Plain(s.View())
	if !strings.Contains(view, "✓ Registered demo-shop-dev:5") || !strings.Contains(view, "The answer to the registration was lost") {
		t.Fatalf("a registration whose answer was lost is not found:\n%s", view)
	}
	keys(t, up, "enter", "y")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "unchanged: demo-shop-dev:5") {
		t.Errorf("registering again is not unchanged:\n%s", view)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Errorf("%d RegisterTaskDefinition calls, want 1", n)
	}
}

func TestActRegisterIsOffWhenItCannotWork(t *testing.T) {
	invalid := demoSpec()
	invalid.ExecutionRoleARN = ""
	session, _ := demoSession(t)
	tests := []struct {
		name    string
		spec    model.Spec
		session *Session
		want    string
		start   int  // the item the cursor starts on: the first that can be chosen
		up      int  // where up goes from there, over the items that cannot
		export  bool // export is off too
	}{
		{name: "offline", spec: demoSpec(), want: "Register    off while offline: registering needs an AWS session",
			start: actExportItem, up: actQuitItem},
		{name: "with blocking errors", spec: invalid, session: session, export: true,
			want:  "Register    1 error in the spec: fix them first (alt+8 Review lists them)",
			start: actSaveItem, up: actQuitItem},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, up := startAct(t, tt.spec, tt.session, "")
			view := tuitest.Plain(s.View())
			if !strings.Contains(view, tt.want) {
				t.Fatalf("the menu lacks %q:\n%s", tt.want, view)
			}
			if tt.name == "offline" {
				tuitest.Golden(t, "act-offline", view)
			}
			if s.cursor != tt.start {
				t.Errorf("the cursor starts on item %d, want %d", s.cursor, tt.start)
			}
			keys(t, up, "up")
			if s.cursor != tt.up {
				t.Errorf("up went to item %d, want %d", s.cursor, tt.up)
			}
			keys(t, up, "down")
			if s.cursor != tt.start {
				t.Errorf("down went to item %d, want %d", s.cursor, tt.start)
			}

			s.cursor = actRegisterItem // as if it had been allowed when the cursor got there
			keys(t, up, "enter")
			if s.Capturing() {
				t.Fatal("a disabled Register opened its confirmation")
			}
			if view := tuitest.Plain(s.View()); !strings.Contains(view, "Register is not available:") {
				t.Errorf("Enter on a disabled Register does not say why:\n%s", view)
			}
			s.cursor = actExportItem
			keys(t, up, "enter")
			if got := s.dialog == actExportForm; got == tt.export {
				t.Errorf("export form open = %v, want %v", got, !tt.export)
			}
		})
	}
}

func TestActStartsOnRegisterOnceTheSessionAllowsIt(t *testing.T) {
	session, _ := demoSession(t)
	e := newTestEnv(demoSpec(), nil)
	e.session = nil // connecting
	s, _ := startActIn(t, e, "")
	if s.cursor != actExportItem {
		t.Fatalf("while connecting the cursor is on item %d, want Export", s.cursor)
	}
	e.session = session
	s.Connected()
	if s.cursor != actRegisterItem {
		t.Errorf("once connected the cursor is on item %d, want Register", s.cursor)
	}
}

// readMode is a file's content and permissions.
func readMode(t *testing.T, path string) (string, os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), info.Mode().Perm()
}

func TestActExportWritesAtomicallyAndAsksBeforeOverwriting(t *testing.T) {
	dir := t.TempDir()
	spec := demoSpec()
	s, up := startAct(t, spec, nil, dir)

	// Export (the cursor starts on it offline), tfvars (the first format), the path proposed.
	keys(t, up, "enter")
	if !s.Capturing() {
		t.Fatal("the export form does not capture Esc")
	}
	keys(t, up, "enter", "enter")
	tfvars := filepath.Join(dir, "demo-shop-dev.tfvars")
	got, mode := readMode(t, tfvars)
	if diff := cmp.Diff(string(model.FormatTFVars(spec)), got); diff != "" {
		t.Errorf("the tfvars file differs (-want +got):\n%s", diff)
	}
	if mode != 0o600 {
		t.Errorf("mode %o, want 600", mode)
	}
	if want := "✓ Wrote " + tfvars + " (tfvars, mode 0600)."; s.note != want || !strings.Contains(tuitest.Plain(s.View()), "✓ Wrote") {
		t.Errorf("the written path is not shown: %q, want %q", s.note, want)
	}

	// The module block: the path follows the format.
	keys(t, up, "enter", "down", "down", "enter", "enter")
	got, _ = readMode(t, filepath.Join(dir, "demo-shop-dev.tf"))
	if got != string(model.FormatModule(spec, model.DefaultModuleSource)) {
		t.Errorf("the module file is not FormatModule's:\n%s", got)
	}

	// tfvars again (the form opens on the module block, the format last exported): the
	// file exists, so it asks; "n" goes back to the form.
	s.env.update(func(x *model.Spec) { x.AllowedHosts = "shop.example.com" })
	keys(t, up, "enter")
	if got := s.form.Field("format").Value(); got != model.ExportModule {
		t.Fatalf("the form opens on %q, want the format last exported", got)
	}
	keys(t, up, "up", "up", "enter", "enter")
	if s.dialog != actConfirmReplace || !strings.Contains(tuitest.Plain(s.View()), "already exists. Replace it?") || s.write.path != tfvars {
		t.Fatalf("overwriting was not asked:\n%s", tuitest.Plain(s.View()))
	}
	keys(t, up, "n")
	if s.dialog != actExportForm {
		t.Fatalf("n did not go back to the form (dialog %d)", s.dialog)
	}
	if got, _ := readMode(t, tfvars); got != string(model.FormatTFVars(spec)) {
		t.Fatal("the file was replaced without consent")
	}
	keys(t, up, "enter", "y")
	if got, _ := readMode(t, tfvars); got != string(model.FormatTFVars(*s.env.spec)) {
		t.Errorf("y did not replace the file:\n%s", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the directory holds %d files, want 2 (no temporary file left)", len(entries))
	}

	lines := runCmdLines(t, s, up)
	want := []string{
		"Wrote " + tfvars + " (tfvars).",
		"Wrote " + filepath.Join(dir, "demo-shop-dev.tf") + " (module block).",
		"Wrote " + tfvars + " (tfvars).",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("the summary differs (-want +got):\n%s", diff)
	}
}

func TestActExportForm(t *testing.T) {
	s, up := startAct(t, demoSpec(), nil, "")
	keys(t, up, "enter")
	tuitest.Golden(t, "act-export", tuitest.Plain(s.View()))
	keys(t, up, "down", "down", "down", "tab")
	if got := s.form.Field("path").Value(); got != "demo-shop-dev.resource.tf" {
		t.Errorf("the path did not follow the format: %q", got)
	}

	t.Run("without a Region it says how to set aws_region", func(t *testing.T) {
		spec := demoSpec()
		spec.AWSRegion = ""
		dir := t.TempDir()
		s, up := startAct(t, spec, nil, dir)
		keys(t, up, "enter", "down", "down", "down", "enter", "enter")
		if view := tuitest.Plain(s.View()); !strings.Contains(view, "resource HCL needs the Region for awslogs-region") {
			t.Errorf("an export without a Region does not say how to set it:\n%s", view)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%d files written", len(entries))
		}
	})
}

func TestActExportRefusesAPathThatCannotBeAFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		want string
	}{
		{"a directory, before asking to replace it", dir,
			dir + " is a directory: give a file name, e.g. " + filepath.Join(dir, "demo-shop-dev.tfvars")},
		{"a file in a directory that does not exist", filepath.Join(dir, "missing", "dev.tfvars"),
			"cannot write " + filepath.Join(dir, "missing", "dev.tfvars") + ": the directory " + filepath.Join(dir, "missing") + " does not exist; create it first or give another path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, up := startAct(t, demoSpec(), nil, dir)
			keys(t, up, "enter", "enter") // Export, tfvars
			s.form.Field("path").SetValue(tt.path)
			keys(t, up, "enter")
			if s.dialog != actExportForm {
				t.Fatalf("the form did not stay open (dialog %d):\n%s", s.dialog, tuitest.Plain(s.View()))
			}
			view := tuitest.Plain(s.View())
			if !strings.Contains(flat(view), "✗ "+tt.want) {
				t.Errorf("the path is not refused with %q:\n%s", tt.want, view)
			}
			if strings.Contains(view, "Replace it?") {
				t.Errorf("replacing was asked:\n%s", view)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("%d files written", len(entries))
			}
			keys(t, up, "esc")
			if s.Capturing() {
				t.Error("esc did not close the form")
			}
		})
	}
}

func TestActExportRemembersThePathOfEachFormat(t *testing.T) {
	dir := t.TempDir()
	s, up := startAct(t, demoSpec(), nil, dir)
	custom := filepath.Join(dir, "custom.tfvars")
	keys(t, up, "enter", "enter") // Export, tfvars
	s.form.Field("path").SetValue(custom)
	keys(t, up, "enter")
	if _, err := os.Stat(custom); err != nil {
		t.Fatalf("not written: %v\n%s", err, tuitest.Plain(s.View()))
	}

	keys(t, up, "enter")
	if got := s.form.Field("path").Value(); got != custom {
		t.Errorf("the form opened again with %q, want the path last given, %q", got, custom)
	}
	keys(t, up, "down") // tfvars JSON: its own default
	if got, want := s.form.Field("path").Value(), filepath.Join(dir, "demo-shop-dev.tfvars.json"); got != want {
		t.Errorf("the JSON format proposes %q, want %q", got, want)
	}
	keys(t, up, "up")
	if got := s.form.Field("path").Value(); got != custom {
		t.Errorf("back on tfvars the path is %q, want %q", got, custom)
	}

	// A path typed and left with Esc is kept too.
	keys(t, up, "down", "tab")
	typed := filepath.Join(dir, "typed.json")
	s.form.Field("path").SetValue(typed)
	keys(t, up, "esc", "enter")
	if got := s.form.Field("format").Value(); got != model.ExportTFVarsJSON {
		t.Errorf("the form opened on %q, want the format last chosen", got)
	}
	if got := s.form.Field("path").Value(); got != typed {
		t.Errorf("the form opened with %q, want the path typed before Esc, %q", got, typed)
	}
}

func TestActSavesTheSpec(t *testing.T) {
	t.Run("to FAMILY.tfvars, asking before replacing a file", func(t *testing.T) {
		dir := t.TempDir()
		spec := demoSpec()
		s, up := startAct(t, spec, nil, dir)
		keys(t, up, "down", "enter", "enter")
		path := filepath.Join(dir, "demo-shop-dev.tfvars")
		got, mode := readMode(t, path)
		if got != string(model.FormatTFVars(spec)) || mode != 0o600 {
			t.Fatalf("the spec file is wrong (mode %o):\n%s", mode, got)
		}
		keys(t, up, "enter", "enter")
		if s.dialog != actConfirmReplace {
			t.Fatal("saving over an existing file did not ask")
		}
		keys(t, up, "y")
		if s.Capturing() {
			t.Error("the dialog stayed open after saving")
		}
	})
	t.Run("back to the file opened with -f, asking first", func(t *testing.T) {
		dir := t.TempDir()
		opened := filepath.Join(dir, "dev.tfvars")
		const handWritten = "# the team's comments\napp_name = \"demo-shop\"\n"
		if err := os.WriteFile(opened, []byte(handWritten), 0o600); err != nil {
			t.Fatal(err)
		}
		spec := demoSpec()
		e := newTestEnv(spec, nil)
		e.specPath = opened
		s, up := startActIn(t, e, "")
		keys(t, up, "down", "enter", "enter")
		view := tuitest.Plain(s.View())
		if s.dialog != actConfirmReplace || s.write.path != opened || !strings.Contains(view, "already exists. Replace it?") {
			t.Fatalf("saving over the -f file did not ask:\n%s", view)
		}
		if !strings.Contains(flat(view), "comments and the layout of a hand-written file are not kept") {
			t.Errorf("the question does not say what is lost:\n%s", view)
		}
		if got, _ := readMode(t, opened); got != handWritten {
			t.Fatal("the -f file was replaced before the answer")
		}
		keys(t, up, "y")
		if got, _ := readMode(t, opened); got != string(model.FormatTFVars(spec)) {
			t.Fatalf("the -f file was not saved after y:\n%s", got)
		}
		if s.Capturing() {
			t.Error("the dialog stayed open after saving")
		}
	})
	t.Run("in the JSON form to a .tfvars.json file", func(t *testing.T) {
		dir := t.TempDir()
		opened := filepath.Join(dir, "dev.tfvars.json")
		spec := demoSpec()
		e := newTestEnv(spec, nil)
		e.specPath = opened
		_, up := startActIn(t, e, "")
		keys(t, up, "down", "enter", "enter")
		if got, _ := readMode(t, opened); got != string(model.FormatTFVarsJSON(spec)) {
			t.Fatalf("the .tfvars.json file is not JSON:\n%s", got)
		}
	})
}

// runCmdLines chooses Quit and returns the lines of the finishMsg it produces.
func runCmdLines(t *testing.T, s *actStep, up func(tea.Msg) tea.Cmd) []string {
	t.Helper()
	s.cursor = actQuitItem
	cmd := up(tuitest.Press("enter"))
	if cmd == nil {
		t.Fatal("Quit returned no command")
	}
	msg, ok := tuitest.RunCmd(t, cmd).(finishMsg)
	if !ok {
		t.Fatalf("Quit produced %T, want finishMsg", msg)
	}
	return msg.lines
}

func TestActQuitSummarisesWhatWasDone(t *testing.T) {
	t.Run("nothing done", func(t *testing.T) {
		s, up := startAct(t, demoSpec(), nil, t.TempDir())
		if diff := cmp.Diff([]string{"Nothing was registered or written."}, runCmdLines(t, s, up)); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("a registration and its update-service line", func(t *testing.T) {
		session, _ := demoSession(t)
		s, up := startAct(t, demoSpec(), session, t.TempDir())
		keys(t, up, "enter", "y")
		want := []string{
			"Registered demo-shop-dev:5: arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:5",
			"  roll demo-shop-dev-web to it: aws ecs update-service --cluster demo-shop --service demo-shop-dev-web --task-definition demo-shop-dev:5",
		}
		if diff := cmp.Diff(want, runCmdLines(t, s, up)); diff != "" {
			t.Errorf("the summary differs (-want +got):\n%s", diff)
		}
	})
}

func TestActRegisterInterruptedByLeavingTheStepIsRetried(t *testing.T) {
	session, srv := demoSession(t)
	s, up := startAct(t, demoSpec(), session, "")
	keys(t, up, "enter")
	cmd := up(tuitest.Press("y")) // the registration starts; leaving the step drops its answer
	if !s.registering {
		t.Fatal("no registration started")
	}
	settle(t, up, s.Init(context.Background()))
	settle(t, up, cmd)
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "✗ Register failed: interrupted when you left this step") {
		t.Fatalf("the interruption is not said:\n%s", view)
	}
	keys(t, up, "ctrl+r")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "✓ Registered demo-shop-dev:5") && !strings.Contains(view, "unchanged: demo-shop-dev:5") {
		t.Fatalf("retrying did not end with revision 5:\n%s", view)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Errorf("%d RegisterTaskDefinition calls, want 1", n)
	}
}

func TestActConfirmationRepeatsTheMissingParameters(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(s *model.Spec)
		want    []string
		wantNot []string
		golden  string
	}{
		{
			name:   "prod lacks two: they are named, and registering stays possible",
			golden: "act-confirm-missing-parameters",
			edit:   func(s *model.Spec) { s.Environment, s.AllowedHosts = "prod", "shop.example.com" },
			want: []string{
				"! 2 parameters the task reads do not exist:",
				"Without them the task would fail to start: ResourceInitializationError.",
				"DATABASE_USER  /demo-shop/prod/database/username",
				"REDIS_HOST     /demo-shop/prod/redis/host",
				"create them (alt+4 Secrets)",
				"y register",
			},
		},
		{
			name:    "dev has them all: nothing is said but that they exist",
			edit:    func(*model.Spec) {},
			want:    []string{"✓ The 6 parameters the task reads exist."},
			wantNot: []string{"do not exist"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, srv := demoSession(t)
			spec := demoSpec()
			tt.edit(&spec)
			s, up := startAct(t, spec, session, "")
			keys(t, up, "enter")
			view := tuitest.Plain(s.View())
			if tt.golden != "" {
				tuitest.Golden(t, tt.golden, view)
			}
			for _, w := range tt.want {
				if !strings.Contains(view, w) && !strings.Contains(flat(view), w) {
					t.Errorf("the confirmation lacks %q:\n%s", w, view)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(view, w) {
					t.Errorf("the confirmation says %q:\n%s", w, view)
				}
			}
			if len(srv.CallsTo("GetParameters")) == 0 {
				t.Error("the parameters were not checked")
			}
			keys(t, up, "y")
			if view := tuitest.Plain(s.View()); !strings.Contains(view, "✓ Registered demo-shop-") {
				t.Errorf("missing parameters blocked registering:\n%s", view)
			}
		})
	}
}

func TestActListsOnlyTheServicesOfTheFamily(t *testing.T) {
	session, srv := demoSession(t)
	// demo-shop-dev-worker runs another family whose name begins with demo-shop-dev.
	srv.AddService(fakeServiceOn("demo-shop-dev-worker", "demo-shop-dev-worker:2"))
	s, up := startAct(t, demoSpec(), session, "")
	keys(t, up, "enter", "y")
	view := flat(tuitest.Plain(s.View()))
	if !strings.Contains(view, "--service demo-shop-dev-web") {
		t.Errorf("the service on the family is not listed:\n%s", tuitest.Plain(s.View()))
	}
	for _, other := range []string{"demo-shop-dev-worker", "demo-shop-prod-web"} {
		if strings.Contains(view, other) {
			t.Errorf("%s, of another family, is listed:\n%s", other, tuitest.Plain(s.View()))
		}
	}

	t.Run("a family no service runs says so", func(t *testing.T) {
		spec := demoSpec()
		spec.AppName = "fresh"
		s, up := startAct(t, spec, session, "")
		keys(t, up, "enter", "y")
		view := flat(tuitest.Plain(s.View()))
		if !strings.Contains(view, "✓ Registered fresh-dev:1") ||
			!strings.Contains(view, "No service runs fresh-dev yet in this account and Region: there is none to roll.") {
			t.Errorf("the result does not say no service runs the family:\n%s", tuitest.Plain(s.View()))
		}
		if strings.Contains(view, "update-service") {
			t.Errorf("an update-service line for another family:\n%s", tuitest.Plain(s.View()))
		}
		lines := runCmdLines(t, s, up)
		if len(lines) != 2 || lines[1] != "  No service runs fresh-dev yet in this account and Region: there is none to roll." {
			t.Errorf("the summary does not say it: %q", lines)
		}
	})
}

func TestActNoteWrapsUnderItsText(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a-directory-with-a-rather-long-name-for-the-spec")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, up := startAct(t, demoSpec(), nil, dir)
	s.SetSize(narrowWidth, narrowHeight)
	keys(t, up, "down", "enter", "enter") // Save spec, to the path proposed
	lines := strings.Split(tuitest.Plain(s.View()), "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "✓ Saved the spec to ") })
	if i < 0 || i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "  ") || strings.HasPrefix(lines[i+1], "   ") {
		t.Fatalf("the saved note does not wrap two spaces in, under its text:\n%s", tuitest.Plain(s.View()))
	}
	checkFits(t, "saved", s.View(), "ecswiz -f "+filepath.Join(dir, "demo-shop-dev.tfvars")+" opens it again")
}

func TestActConfirmationSaysHowToAlignTheRegions(t *testing.T) {
	session, _ := demoSession(t)
	spec := demoSpec()
	spec.AWSRegion = "us-east-1"
	s, up := startAct(t, spec, session, "")
	keys(t, up, "enter")
	want := "! aws_region is us-east-1: the task will log to us-east-1 but is registered in eu-west-2. " +
		"To align them, restart ecswiz with --region us-east-1, or set aws_region to eu-west-2 (or empty)."
	if view := flat(tuitest.Plain(s.View())); s.dialog != actConfirmRegister || !strings.Contains(view, want) {
		t.Errorf("the confirmation lacks %q:\n%s", want, tuitest.Plain(s.View()))
	}
}
