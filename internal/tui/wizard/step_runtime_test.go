package wizard

import (
	"context"
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

// runtimeRig drives a runtime step as the wizard would, and notes when it is done.
type runtimeRig struct {
	t    *testing.T
	s    *runtimeStep
	e    *env
	done bool
}

func newRuntimeRig(t *testing.T, spec model.Spec, session *Session) *runtimeRig {
	t.Helper()
	r := &runtimeRig{t: t, e: newTestEnv(spec, session)}
	r.s = newRuntime(r.e)
	r.s.SetSize(98, 24)
	settle(t, r.update, r.s.Init(context.Background()))
	return r
}

func (r *runtimeRig) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(stepDoneMsg); ok {
		r.done = true
		return nil
	}
	return r.s.Update(msg)
}

func (r *runtimeRig) keys(ks ...string) { r.t.Helper(); keys(r.t, r.update, ks...) }
func (r *runtimeRig) typeText(s string) { r.t.Helper(); typeText(r.t, r.update, s) }
func (r *runtimeRig) screen() string    { return tuitest.Plain(r.s.View()) }
func (r *runtimeRig) field(key string) *tui.Field {
	if key == fieldCommand {
		return r.s.command.Fields[0]
	}
	return r.s.form.Field(key)
}

// toStorage accepts the four fields above the storage.
func (r *runtimeRig) toStorage() {
	r.t.Helper()
	r.keys("enter", "enter", "enter", "enter")
	if r.s.section != sectionStorage {
		r.t.Fatalf("not at the storage after the four fields:\n%s", r.screen())
	}
}

// runtimeSpec is the demo spec before the runtime step: no execution role chosen yet.
func runtimeSpec() model.Spec {
	s := demoSpec()
	s.ExecutionRoleARN = ""
	return s
}

func optionValues(f *tui.Field) []string {
	var out []string
	for _, o := range f.Options {
		out = append(out, o.Value)
	}
	return out
}

func optionLabels(f *tui.Field) []string {
	var out []string
	for _, o := range f.Options {
		out = append(out, o.Label)
	}
	return out
}

func TestRuntimeStepListsTheDemoLogGroupsWithTheSuggestionFirst(t *testing.T) {
	session, _ := demoSession(t)
	r := newRuntimeRig(t, runtimeSpec(), session)
	f := r.field(fieldLogGroup)
	if diff := cmp.Diff([]string{"/ecs/demo-shop-dev", "/ecs/demo-shop-prod"}, optionValues(f)); diff != "" {
		t.Errorf("log groups (-want +got):\n%s", diff)
	}
	if f.Status != "✓ /ecs/demo-shop-dev exists." || f.StatusIsErr {
		t.Errorf("status = %q (error %v)", f.Status, f.StatusIsErr)
	}
	tuitest.Golden(t, "runtime-log-groups", r.screen())
}

func TestRuntimeStepSaysWhetherTheLogGroupExists(t *testing.T) {
	for _, tc := range []struct {
		name, environment, group string
		want                     string
		canCreate                bool
	}{
		{"the suggested group of dev exists", "dev", "", "✓ /ecs/demo-shop-dev exists.", false},
		{"the suggested group of staging does not exist yet", "staging", "",
			"✗ /ecs/demo-shop-staging is missing (tasks cannot start) — ctrl+n creates it, logs kept 30 days.", true},
		{"a group outside /ecs/ is checked by name", "dev", "/aws/lambda/demo-shop-thumbnailer", "✓ /aws/lambda/demo-shop-thumbnailer exists.", false},
		{"a missing group outside /ecs/ is found missing", "dev", "/custom/demo-shop",
			"✗ /custom/demo-shop is missing (tasks cannot start) — ctrl+n creates it, logs kept 30 days.", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := runtimeSpec()
			spec.Environment, spec.LogGroupName = tc.environment, tc.group
			r := newRuntimeRig(t, spec, session)
			f := r.field(fieldLogGroup)
			if got := strings.Join(strings.Fields(f.Status), " "); got != tc.want {
				t.Errorf("status = %q, want %q", got, tc.want)
			}
			if got := r.s.canCreateGroup(); got != tc.canCreate {
				t.Errorf("can create = %v, want %v", got, tc.canCreate)
			}
		})
	}
}

func TestRuntimeStepChecksATypedLogGroupWhenTheFieldIsLeft(t *testing.T) {
	session, srv := demoSession(t)
	r := newRuntimeRig(t, runtimeSpec(), session)
	srv.ResetCalls()
	r.keys("ctrl+t", "ctrl+u") // typing starts from the current answer: emptied first
	r.typeText("/custom/web")
	if n := len(srv.CallsTo("DescribeLogGroups")); n != 0 {
		t.Errorf("%d look-ups while typing, want none", n)
	}
	r.keys("enter")
	calls := srv.CallsTo("DescribeLogGroups")
	if len(calls) != 1 || calls[0].String("logGroupNamePrefix") != "/custom/web" {
		t.Fatalf("look-ups after leaving the field: %+v", calls)
	}
	if got := r.field(fieldLogGroup).Status; !strings.HasPrefix(got, "✗ /custom/web is missing") {
		t.Errorf("status = %q", got)
	}
	if r.e.spec.LogGroupName != "/custom/web" {
		t.Errorf("log_group_name = %q", r.e.spec.LogGroupName)
	}
}

func TestRuntimeStepCreatesAMissingLogGroup(t *testing.T) {
	session, srv := demoSession(t)
	spec := runtimeSpec()
	spec.Environment, spec.LogGroupName = "staging", ""
	r := newRuntimeRig(t, spec, session)

	r.keys("ctrl+n")
	if r.s.logs.dialog == nil || !r.s.Capturing() {
		t.Fatal("ctrl+n did not ask for a confirmation")
	}
	tuitest.Golden(t, "runtime-create-log-group", r.screen())

	r.keys("esc")
	if r.s.logs.dialog != nil || len(srv.CallsTo("CreateLogGroup")) != 0 {
		t.Fatal("esc did not cancel the creation")
	}

	r.keys("ctrl+n", "enter")
	created := srv.CallsTo("CreateLogGroup")
	if len(created) != 1 || created[0].String("logGroupName") != "/ecs/demo-shop-staging" {
		t.Fatalf("CreateLogGroup calls: %+v", created)
	}
	retention := srv.CallsTo("PutRetentionPolicy")
	if len(retention) != 1 || retention[0].Int("retentionInDays") != 30 {
		t.Errorf("PutRetentionPolicy calls: %+v", retention)
	}
	exists, err := session.Cloud.Logs.GroupExists(context.Background(), "/ecs/demo-shop-staging")
	if err != nil || !exists {
		t.Fatalf("the group is not in the fake: %v, %v", exists, err)
	}
	f := r.field(fieldLogGroup)
	if f.Status != "✓ Created /ecs/demo-shop-staging; logs kept 30 days." {
		t.Errorf("status = %q", f.Status)
	}
	if r.s.canCreateGroup() {
		t.Error("ctrl+n still offers to create the group")
	}
	if diff := cmp.Diff([]string{"/ecs/demo-shop-staging", "/ecs/demo-shop-dev", "/ecs/demo-shop-prod"}, optionValues(f)); diff != "" {
		t.Errorf("log groups after creating (-want +got):\n%s", diff)
	}
	r.toStorage()
	if r.e.spec.LogGroupName != "/ecs/demo-shop-staging" {
		t.Errorf("log_group_name = %q", r.e.spec.LogGroupName)
	}
}

func TestRuntimeStepCreatesWithTheRetentionChosen(t *testing.T) {
	session, srv := demoSession(t)
	spec := runtimeSpec()
	spec.Environment, spec.LogGroupName = "prod-worker", ""
	r := newRuntimeRig(t, spec, session)
	r.keys("ctrl+n", "down", "down", "enter") // 30 → 90 → 365 days
	retention := srv.CallsTo("PutRetentionPolicy")
	if len(retention) != 1 || retention[0].Int("retentionInDays") != 365 {
		t.Fatalf("PutRetentionPolicy calls: %+v", retention)
	}
	if got := r.field(fieldLogGroup).Status; got != "✓ Created /ecs/demo-shop-prod-worker; logs kept 365 days (1 year)." {
		t.Errorf("status = %q", got)
	}
}

func TestRuntimeStepShowsAFailedCreationInOneLine(t *testing.T) {
	session, srv := demoSession(t)
	spec := runtimeSpec()
	spec.Environment, spec.LogGroupName = "staging", ""
	r := newRuntimeRig(t, spec, session)
	srv.Fail("CreateLogGroup", "AccessDeniedException",
		"User: arn:aws:iam::123456789012:user/demo is not authorized to perform: logs:CreateLogGroup", fakeaws.Times(1))
	r.keys("ctrl+n", "enter")
	f := r.field(fieldLogGroup)
	if !f.StatusIsErr || !strings.Contains(f.Status, "access denied") || !strings.HasSuffix(f.Status, "ctrl+n tries again.") {
		t.Fatalf("status = %q (error %v)", f.Status, f.StatusIsErr)
	}
	r.keys("ctrl+n", "enter")
	if got := f.Status; !strings.HasPrefix(got, "✓ Created /ecs/demo-shop-staging") {
		t.Errorf("status after trying again = %q", got)
	}
}

func TestRuntimeStepListsTheRolesECSTasksMayAssume(t *testing.T) {
	session, _ := demoSession(t)
	r := newRuntimeRig(t, runtimeSpec(), session)
	exec, task := r.field(fieldExecutionRole), r.field(fieldTaskRole)
	roles := []string{"demo-shop-dev-ecs-task", "demo-shop-dev-ecs-task-execution", "demo-shop-prod-ecs-task",
		"demo-shop-prod-ecs-task-execution", "ecsTaskExecutionRole"}
	if diff := cmp.Diff(roles, optionLabels(exec)); diff != "" {
		t.Errorf("execution roles (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append([]string{"none"}, roles...), optionLabels(task)); diff != "" {
		t.Errorf("task roles (-want +got):\n%s", diff)
	}
	if got, want := exec.Value(), "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution"; got != want {
		t.Errorf("execution role preselected = %q, want %q", got, want)
	}
	if got := task.Value(); got != "" {
		t.Errorf("task role preselected = %q, want none", got)
	}
	r.keys("enter", "enter")
	tuitest.Golden(t, "runtime-roles", r.screen())

	r.keys("enter", "down", "enter")
	if got, want := r.e.spec.ExecutionRoleARN, "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution"; got != want {
		t.Errorf("execution_role_arn = %q, want %q", got, want)
	}
	if got, want := r.e.spec.TaskRoleARN, "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task"; got != want {
		t.Errorf("task_role_arn = %q, want %q", got, want)
	}
}

func TestRuntimeStepKeepsAnAnsweredRoleThatIsNotListed(t *testing.T) {
	session, _ := demoSession(t)
	r := newRuntimeRig(t, demoSpec(), session) // demo-shop-execution is not a demo role
	exec := r.field(fieldExecutionRole)
	if got := exec.Value(); got != "arn:aws:iam::123456789012:role/demo-shop-execution" {
		t.Errorf("execution role = %q", got)
	}
	if o := exec.Options[0]; o.Label != "demo-shop-execution" || !strings.Contains(o.Note, "not among the roles") {
		t.Errorf("first option = %+v", o)
	}
}

func TestRuntimeStepValidatesATypedRoleARN(t *testing.T) {
	for _, tc := range []struct {
		name, field, typed string
		wantErr            string
	}{
		{"a role name is refused with the ARN to give", fieldExecutionRole, "demo-shop-dev-ecs-task-execution",
			`"demo-shop-dev-ecs-task-execution" is not an IAM role ARN — give the role's ARN, e.g. arn:aws:iam::ACCOUNT:role/demo-shop-dev-ecs-task-execution`},
		{"a user's ARN is refused", fieldTaskRole, "arn:aws:iam::123456789012:user/bob",
			`"arn:aws:iam::123456789012:user/bob" is not an IAM role ARN — give the role's ARN: arn:aws:iam::ACCOUNT:role/NAME`},
		{"an empty execution role is refused", fieldExecutionRole, "", "execution_role_arn is required — Fargate needs it for awslogs, ECR images and secrets: arn:aws:iam::ACCOUNT:role/NAME"},
		{"an empty task role means none", fieldTaskRole, "", ""},
		{"a role ARN is accepted", fieldExecutionRole, "arn:aws:iam::123456789012:role/custom-execution", ""},
		{"a role ARN with a path is accepted", fieldTaskRole, "arn:aws:iam::123456789012:role/app/web", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			session, _ := demoSession(t)
			r := newRuntimeRig(t, runtimeSpec(), session)
			r.s.form.FocusKey(tc.field)
			r.keys("ctrl+t", "ctrl+u")
			r.typeText(tc.typed)
			r.keys("enter")
			f := r.field(tc.field)
			got := ""
			if f.Err() != nil {
				got = f.Err().Error()
			}
			if got != tc.wantErr {
				t.Fatalf("error = %q, want %q", got, tc.wantErr)
			}
			if tc.wantErr != "" {
				if r.s.form.Focused() != f {
					t.Error("the focus left a refused field")
				}
				return
			}
			spec := r.e.spec
			answer := map[string]string{fieldExecutionRole: spec.ExecutionRoleARN, fieldTaskRole: spec.TaskRoleARN}[tc.field]
			if answer != tc.typed {
				t.Errorf("%s = %q, want %q", tc.field, answer, tc.typed)
			}
		})
	}
}

// hardenedSpec has the writable /tmp the hardening step adds for a read-only root.
func hardenedSpec() model.Spec {
	s := runtimeSpec()
	s.ReadonlyRootFilesystem = true
	s.Volumes = []model.Volume{{Name: "tmp"}}
	s.MountPoints = []model.MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
	return s
}

func TestRuntimeStepEditsVolumesAndMountPoints(t *testing.T) {
	session, _ := demoSession(t)
	r := newRuntimeRig(t, hardenedSpec(), session)
	r.toStorage()
	tuitest.Golden(t, "runtime-storage", r.screen())

	t.Run("an EFS volume is added", func(t *testing.T) {
		r.keys("ctrl+a")
		if !r.s.Capturing() {
			t.Error("Capturing() is false while editing an entry")
		}
		r.typeText("media")
		r.keys("enter", "space", "enter")
		r.typeText("fs-0123456789abcdef0")
		r.keys("enter", "enter", "enter") // root directory left empty, transit encryption enabled
		r.typeText("fsap-0123456789abcdef0")
		tuitest.Golden(t, "runtime-volume-editor", r.screen())
		r.keys("enter", "enter")
		if r.s.storage.entry != nil {
			t.Fatalf("the editor is still open:\n%s", r.screen())
		}
		want := []model.Volume{{Name: "tmp"}, {Name: "media", EFS: &model.EFSVolume{
			FileSystemID: "fs-0123456789abcdef0", TransitEncryption: "ENABLED",
			AuthorizationConfig: &model.EFSAuthorization{AccessPointID: "fsap-0123456789abcdef0", IAM: "DISABLED"},
		}}}
		if diff := cmp.Diff(want, r.e.spec.Volumes); diff != "" {
			t.Errorf("volumes (-want +got):\n%s", diff)
		}
	})

	t.Run("a mount point of the new volume is added", func(t *testing.T) {
		r.s.storage.moveTo(true, 0)
		r.keys("ctrl+a", "down", "enter")
		r.typeText("/app/media")
		r.keys("enter", "space", "enter")
		want := []model.MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}, {SourceVolume: "media", ContainerPath: "/app/media", ReadOnly: true}}
		if diff := cmp.Diff(want, r.e.spec.MountPoints); diff != "" {
			t.Errorf("mount points (-want +got):\n%s", diff)
		}
	})

	t.Run("a mount point is edited", func(t *testing.T) {
		r.s.storage.moveTo(true, 1)
		r.keys("ctrl+e", "enter", "enter", "space", "enter")
		if r.e.spec.MountPoints[1].ReadOnly {
			t.Errorf("the mount point is still read-only: %+v", r.e.spec.MountPoints[1])
		}
	})

	t.Run("a renamed volume takes its mount points along", func(t *testing.T) {
		r.s.storage.moveTo(false, 1)
		r.keys("ctrl+e", "backspace", "backspace", "backspace", "backspace", "backspace")
		r.typeText("uploads")
		// As typed: a draft saved now (or a kill -9) holds a spec whose mounts agree.
		if got := r.e.spec.MountPoints[1].SourceVolume; got != "uploads" {
			t.Errorf("while typing the mount point still uses %q", got)
		}
		if err := fieldError(*r.e.spec, "mount_points", false, func(*model.Spec) {}); err != nil {
			t.Errorf("while typing: %v", err)
		}
		r.keys("enter", "enter", "enter", "enter", "enter", "enter", "enter")
		if got := r.e.spec.Volumes[1].Name; got != "uploads" {
			t.Fatalf("volume name = %q", got)
		}
		if got := r.e.spec.MountPoints[1].SourceVolume; got != "uploads" {
			t.Errorf("the mount point still uses %q", got)
		}
	})

	t.Run("esc puts back an entry being edited", func(t *testing.T) {
		r.s.storage.moveTo(false, 0)
		r.keys("ctrl+e")
		r.typeText("x")
		if got := r.e.spec.Volumes[0].Name; got != "tmpx" {
			t.Errorf("the name typed is not in the spec: %q", got)
		}
		r.keys("esc")
		if got := r.e.spec.Volumes[0].Name; got != "tmp" || r.s.storage.entry != nil {
			t.Errorf("after esc the name is %q (editor open: %v)", got, r.s.storage.entry != nil)
		}
	})

	t.Run("a mounted volume is not deleted", func(t *testing.T) {
		r.s.storage.moveTo(false, 0)
		r.keys("ctrl+d", "y")
		if len(r.e.spec.Volumes) != 2 {
			t.Errorf("volumes = %+v", r.e.spec.Volumes)
		}
		if got := r.s.storage.note; got != `Volume "tmp" is mounted at /tmp: delete its mount points first.` {
			t.Errorf("note = %q", got)
		}
	})

	t.Run("a mount point and then its volume are deleted after a confirmation", func(t *testing.T) {
		r.s.storage.moveTo(true, 0)
		r.keys("ctrl+d", "n")
		if len(r.e.spec.MountPoints) != 2 {
			t.Fatalf("n deleted the mount point: %+v", r.e.spec.MountPoints)
		}
		r.keys("ctrl+d", "y")
		r.s.storage.moveTo(false, 0)
		r.keys("ctrl+d", "y")
		if diff := cmp.Diff([]string{"uploads"}, volumeNames(r.e.spec.Volumes)); diff != "" {
			t.Errorf("volumes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]model.MountPoint{{SourceVolume: "uploads", ContainerPath: "/app/media"}}, r.e.spec.MountPoints); diff != "" {
			t.Errorf("mount points (-want +got):\n%s", diff)
		}
		if !strings.Contains(r.screen(), "⚠ the root is read-only and /tmp is not a writable mount") {
			t.Errorf("no warning about /tmp:\n%s", r.screen())
		}
	})
}

func volumeNames(vs []model.Volume) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

func TestRuntimeStepRefusesAMountPointToAnUnknownVolume(t *testing.T) {
	for _, tc := range []struct {
		name    string
		volumes []model.Volume
		keys    []string
		wantErr string
	}{
		{"with other volumes declared", []model.Volume{{Name: "tmp"}}, []string{"ctrl+t", "ctrl+u"},
			`volume "media" is not declared in volumes — declared volumes: tmp`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := demoSpec()
			spec.Volumes = tc.volumes
			r := newRuntimeRig(t, spec, nil)
			r.toStorage()
			r.s.storage.moveTo(true, -1)
			r.keys("ctrl+a")
			r.keys(tc.keys...)
			r.typeText("media")
			r.keys("enter")
			f := r.s.storage.entry.form.Field("sourceVolume")
			if f.Err() == nil || f.Err().Error() != tc.wantErr {
				t.Fatalf("error = %v, want %q", f.Err(), tc.wantErr)
			}
			r.keys("esc", "esc")
			if len(r.e.spec.MountPoints) != 0 || r.s.storage.entry != nil {
				t.Errorf("after esc: mount points %+v, editor open %v", r.e.spec.MountPoints, r.s.storage.entry != nil)
			}
		})
	}
}

func TestRuntimeStepAsksForAVolumeBeforeAMountPoint(t *testing.T) {
	r := newRuntimeRig(t, demoSpec(), nil)
	r.toStorage()
	if v := r.screen(); !strings.Contains(v, "none  add a volume first, then mount it here") {
		t.Errorf("the empty mount points do not say a volume comes first:\n%s", v)
	}
	r.s.storage.moveTo(true, -1)
	r.keys("ctrl+a")
	if r.s.storage.entry != nil {
		t.Fatal("ctrl+a opened a mount point with no volume to mount")
	}
	if v := r.screen(); !strings.Contains(v, "✗ Add a volume first: a mount point mounts one of the volumes. ↑ to Volumes, then ctrl+a") {
		t.Errorf("ctrl+a does not say to add a volume first:\n%s", v)
	}
	r.keys("up", "ctrl+a")
	if r.s.storage.entry == nil || r.s.storage.entry.mount {
		t.Fatal("ctrl+a under Volumes does not add a volume")
	}
	r.typeText("media")
	r.keys("enter", "enter")
	r.s.storage.moveTo(true, -1)
	r.keys("ctrl+a")
	if r.s.storage.entry == nil || !r.s.storage.entry.mount {
		t.Fatalf("with a volume, ctrl+a does not add a mount point:\n%s", r.screen())
	}
}

// The log group lives where awslogs writes: the spec's aws_region. Connected to another
// Region, the step neither checks it there nor offers to create it there.
func TestRuntimeStepDoesNotCheckTheLogGroupInAnotherRegion(t *testing.T) {
	session, srv := demoSession(t)
	spec := runtimeSpec()
	spec.AWSRegion = "us-east-1"
	spec.LogGroupName = "/ecs/demo-shop-dev" // exists in the demo account's eu-west-2
	r := newRuntimeRig(t, spec, session)
	want := "Not checked: the logs go to us-east-1, ecswiz is connected to " + session.Region
	if got := r.field(fieldLogGroup).Status; !strings.HasPrefix(got, want) {
		t.Errorf("log group status = %q, want %q…", got, want)
	}
	if v := r.screen(); strings.Contains(v, "✓ /ecs/") || !strings.Contains(v, "the logs go to us-east-1") {
		t.Errorf("the screen says the group exists, or not why it is not checked:\n%s", v)
	}
	r.typeText("-missing")
	r.keys("tab")
	if r.s.canCreateGroup() {
		t.Error("ctrl+n would create the group in the session's Region")
	}
	r.keys("ctrl+n")
	if r.s.logs.dialog != nil {
		t.Error("ctrl+n opened the create dialog for the wrong Region")
	}
	for _, op := range []string{"DescribeLogGroups", "CreateLogGroup"} {
		if n := len(srv.CallsTo(op)); n != 0 {
			t.Errorf("%s called %d times for another Region's group", op, n)
		}
	}

	spec.AWSRegion = session.Region // the same Region: checked as before
	r = newRuntimeRig(t, spec, session)
	if got := r.field(fieldLogGroup).Status; got != "✓ /ecs/demo-shop-dev exists." {
		t.Errorf("in the session's Region, status = %q", got)
	}
}

func TestRuntimeStepSplitsTheCommand(t *testing.T) {
	r := newRuntimeRig(t, runtimeSpec(), nil)
	r.s.setSection(sectionCommand)
	r.typeText("gunicorn config.wsgi --bind 0.0.0.0:8000")
	if diff := cmp.Diff([]string{"gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"}, r.e.spec.ContainerCommand); diff != "" {
		t.Errorf("container_command (-want +got):\n%s", diff)
	}
	want := `Split into 4 arguments: ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"]`
	if got := r.field(fieldCommand).Status; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	r.typeText(` "`)
	f := r.field(fieldCommand)
	if !f.StatusIsErr || !strings.Contains(f.Status, "never closed") {
		t.Errorf("status with an open quote = %q", f.Status)
	}
	r.keys("enter")
	if r.done || f.Err() == nil {
		t.Fatal("a command with an open quote completed the step")
	}
	r.typeText(`--log-level info"`)
	if diff := cmp.Diff([]string{"gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--log-level info"}, r.e.spec.ContainerCommand); diff != "" {
		t.Errorf("container_command (-want +got):\n%s", diff)
	}
}

func TestRuntimeStepTakesAPastedCommand(t *testing.T) {
	r := newRuntimeRig(t, runtimeSpec(), nil)
	r.s.setSection(sectionCommand)
	settle(t, r.update, r.update(tea.PasteMsg{Content: `celery -A config worker --loglevel "info"`}))
	if diff := cmp.Diff([]string{"celery", "-A", "config", "worker", "--loglevel", "info"}, r.e.spec.ContainerCommand); diff != "" {
		t.Errorf("container_command after a paste (-want +got):\n%s", diff)
	}
}

func TestRuntimeStepKeepsACommandThatDoesNotSplit(t *testing.T) {
	spec := runtimeSpec()
	spec.ContainerCommand = []string{"gunicorn"}
	r := newRuntimeRig(t, spec, nil)
	r.s.setSection(sectionCommand)
	r.typeText(` "--bind`)
	if diff := cmp.Diff([]string{"gunicorn"}, r.e.spec.ContainerCommand); diff != "" {
		t.Errorf("a command with an open quote reached the spec (-want +got):\n%s", diff)
	}
	settle(t, r.update, r.s.Init(context.Background())) // the person leaves and comes back
	f := r.field(fieldCommand)
	if got := f.Value(); got != `gunicorn "--bind` {
		t.Errorf("the command shown again is %q, want what was typed", got)
	}
	if !f.StatusIsErr || !strings.Contains(f.Status, "never closed") {
		t.Errorf("the command's status does not say why it is not used: %q", f.Status)
	}
}

func TestRuntimeStepAsksItsQuestionsAsOneForm(t *testing.T) {
	r := newRuntimeRig(t, runtimeSpec(), nil)
	var got []string
	for _, f := range r.s.Form().Fields {
		got = append(got, f.Key)
	}
	want := []string{fieldLogGroup, fieldStreamPrefix, fieldExecutionRole, fieldTaskRole, fieldCommand}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("the questions (-want +got):\n%s", diff)
	}
	if r.s.Form().Field(fieldCommand).Kind != tui.Text {
		t.Error("the command is not a Text field")
	}
	form := r.s.Form()
	form.Field(fieldExecutionRole).SetValue("arn:aws:iam::123456789012:role/demo-shop-execution")
	form.Field(fieldCommand).SetValue("gunicorn config.wsgi")
	if !form.Validate() {
		t.Fatalf("the answers do not validate:\n%s", r.screen())
	}
	form.Commit()
	settle(t, r.update, r.update(tui.FormDoneMsg{}))
	if !r.done {
		t.Errorf("the answered questions do not finish the step:\n%s", r.screen())
	}
	if diff := cmp.Diff([]string{"gunicorn", "config.wsgi"}, r.e.spec.ContainerCommand); diff != "" {
		t.Errorf("container_command (-want +got):\n%s", diff)
	}
}

func TestRuntimeStepShowsASavedCommandAsALine(t *testing.T) {
	spec := runtimeSpec()
	spec.ContainerCommand = []string{"sh", "-c", "python manage.py migrate && gunicorn config.wsgi"}
	r := newRuntimeRig(t, spec, nil)
	if got, want := r.field(fieldCommand).Value(), `sh -c 'python manage.py migrate && gunicorn config.wsgi'`; got != want {
		t.Errorf("command = %q, want %q", got, want)
	}
}

func TestRuntimeStepWorksOfflineWithTypedValues(t *testing.T) {
	spec := runtimeSpec()
	spec.LogGroupName = ""
	r := newRuntimeRig(t, spec, nil)
	f := r.field(fieldLogGroup)
	if len(f.Options) != 0 || f.Value() != "/ecs/demo-shop-dev" {
		t.Errorf("offline log group: options %v, value %q", f.Options, f.Value())
	}
	r.keys("enter", "enter")
	tuitest.Golden(t, "runtime-offline", r.screen())
	r.typeText("arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution")
	r.keys("enter", "enter", "enter")
	r.typeText("gunicorn config.wsgi")
	r.keys("enter")
	if !r.done {
		t.Fatalf("the step did not complete:\n%s", r.screen())
	}
	want := runtimeSpec()
	want.ExecutionRoleARN = "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution"
	want.ContainerCommand = []string{"gunicorn", "config.wsgi"}
	if diff := cmp.Diff(want, *r.e.spec); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
}

func TestRuntimeStepShowsAFailureInOneLineAndStaysUsable(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("DescribeLogGroups", "AccessDeniedException",
		"User: arn:aws:iam::123456789012:user/demo is not authorized to perform: logs:DescribeLogGroups")
	srv.Fail("ListRoles", "AccessDenied",
		"User: arn:aws:iam::123456789012:user/demo is not authorized to perform: iam:ListRoles")
	_, groupsErr := session.Cloud.Logs.Groups(context.Background(), logGroupPrefix)
	_, rolesErr := session.Cloud.Roles.TaskRoles(context.Background())
	r := newRuntimeRig(t, runtimeSpec(), session)
	for _, tc := range []struct {
		field string
		want  string
	}{
		{fieldLogGroup, tui.ErrorLine(groupsErr) + " — type the name, or ctrl+r to retry."},
		{fieldExecutionRole, tui.ErrorLine(rolesErr) + " — type the ARN, or ctrl+r to retry."},
	} {
		f := r.field(tc.field)
		// One message, wrapped at the width of the screen.
		if got := strings.Join(strings.Fields(f.Status), " "); got != tc.want || !f.StatusIsErr {
			t.Errorf("%s status = %q (error %v), want %q", tc.field, got, f.StatusIsErr, tc.want)
		}
		if !strings.Contains(f.Status, "access denied") {
			t.Errorf("%s status does not say access denied: %q", tc.field, f.Status)
		}
		if len(f.Options) != 0 {
			t.Errorf("%s lists options after a failure", tc.field)
		}
	}
	tuitest.Golden(t, "runtime-failure", r.screen())

	srv.ClearFaults()
	r.keys("ctrl+r")
	if got := optionValues(r.field(fieldLogGroup)); len(got) != 2 {
		t.Errorf("log groups after retrying: %v", got)
	}
	if got := r.field(fieldExecutionRole).Options; len(got) != 5 {
		t.Errorf("roles after retrying: %d", len(got))
	}
}

func TestRuntimeStepTypedFallbackAfterAFailure(t *testing.T) {
	session, srv := demoSession(t)
	srv.Fail("DescribeLogGroups", "ThrottlingException", "Rate exceeded")
	r := newRuntimeRig(t, runtimeSpec(), session)
	r.keys("backspace", "backspace", "backspace")
	r.typeText("web")
	r.keys("enter")
	if got := r.e.spec.LogGroupName; got != "/ecs/demo-shop-web" {
		t.Errorf("log_group_name = %q", got)
	}
}

func TestRuntimeStepCompletesOnlyWithoutBlockingErrors(t *testing.T) {
	for _, tc := range []struct {
		name        string
		edit        func(s *model.Spec)
		done        bool
		wantSection int
		wantNote    string
	}{
		{"a complete answer moves on", func(*model.Spec) {}, true, sectionCommand, ""},
		{"a mount point of an undeclared volume stops at the storage", func(s *model.Spec) {
			s.MountPoints = []model.MountPoint{{SourceVolume: "ghost", ContainerPath: "/data"}}
		}, false, sectionStorage, `mount_points[0].sourceVolume: volume "ghost" is not declared in volumes — declare it in volumes, e.g. volumes = [{ name = "ghost" }]`},
		{"an EFS volume without a file system stops at the storage", func(s *model.Spec) {
			s.Volumes = []model.Volume{{Name: "media", EFS: &model.EFSVolume{}}}
		}, false, sectionStorage, `volumes[0].efs_volume_configuration.file_system_id: "" is not an EFS file system ID — e.g. fs-0123456789abcdef0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := runtimeSpec()
			tc.edit(&spec)
			r := newRuntimeRig(t, spec, session)
			r.keys("enter", "enter", "enter", "enter", "enter", "enter")
			if r.done != tc.done || r.s.section != tc.wantSection || r.s.storage.note != tc.wantNote {
				t.Errorf("done %v, section %d, note %q; want %v, %d, %q\n%s",
					r.done, r.s.section, r.s.storage.note, tc.done, tc.wantSection, tc.wantNote, r.screen())
			}
		})
	}
}

func TestRuntimeStepDropsStaleResults(t *testing.T) {
	session, _ := demoSession(t)
	r := newRuntimeRig(t, runtimeSpec(), session)
	r.s.Update(tui.Result[[]string]{ID: r.s.logs.listID - 1000, Value: []string{"/ecs/stale"}})
	if got := optionValues(r.field(fieldLogGroup)); slices.Contains(got, "/ecs/stale") {
		t.Errorf("a stale listing replaced the groups: %v", got)
	}
}

func TestRuntimeStepHelpListsTheKeysOfWhereTheFocusIs(t *testing.T) {
	session, _ := demoSession(t)
	spec := hardenedSpec()
	spec.Environment, spec.LogGroupName = "staging", ""
	r := newRuntimeRig(t, spec, session)
	help := func() string {
		var parts []string
		for _, b := range r.s.Help() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
		return strings.Join(parts, " · ")
	}
	if got, want := help(), "enter next · tab/shift+tab fields · ctrl+n create"; got != want {
		t.Errorf("help at a missing log group = %q, want %q", got, want)
	}
	r.keys("ctrl+n")
	if got, want := help(), "↑ up · ↓ down · enter create · esc cancel"; got != want {
		t.Errorf("help in the create dialog = %q, want %q", got, want)
	}
	r.keys("enter")
	r.toStorage()
	if got, want := help(), "ctrl+a add · ctrl+e edit · ctrl+d delete · enter next"; got != want {
		t.Errorf("help at the storage = %q, want %q", got, want)
	}
	r.keys("ctrl+e")
	if got, want := help(), "enter next/save · tab/shift+tab fields · esc cancel"; got != want {
		t.Errorf("help in the editor, on a name = %q, want %q", got, want)
	}
	r.keys("tab")
	if got, want := help(), "enter next/save · tab/shift+tab fields · space toggle · esc cancel"; got != want {
		t.Errorf("help in the editor, on a yes/no = %q, want %q", got, want)
	}
	r.keys("space", "tab")
	r.typeText("fs-0123456789abcdef0")
	r.keys("tab", "tab")
	if f := r.s.storage.entry.form.Focused(); f.Key != "transit_encryption" {
		t.Fatalf("focus on %s, want transit_encryption", f.Key)
	}
	if got, want := help(), "enter next/save · tab/shift+tab fields · ↑/↓ choose · esc cancel"; got != want {
		t.Errorf("help in the editor, on an EFS list = %q, want %q", got, want)
	}
}

func TestSuggestRole(t *testing.T) {
	session, _ := demoSession(t)
	roles, err := session.Cloud.Roles.TaskRoles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	arn := func(name string) string {
		if name == "" {
			return ""
		}
		return "arn:aws:iam::123456789012:role/" + name
	}
	for _, tc := range []struct {
		name, family string
		execution    bool
		want         string
	}{
		{"the family's execution role", "demo-shop-prod", true, "demo-shop-prod-ecs-task-execution"},
		{"the family's task role", "demo-shop-dev", false, "demo-shop-dev-ecs-task"},
		{"AWS's usual execution role rather than another environment's", "demo-shop-staging", true, "ecsTaskExecutionRole"},
		{"no task role for a family without one", "demo-shop-staging", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := suggestRole(roles, tc.family, tc.execution); got != arn(tc.want) {
				t.Errorf("suggestRole(%s, execution %v) = %q, want %q", tc.family, tc.execution, got, arn(tc.want))
			}
		})
	}
}

func TestRuntimeStepSaysWhyABucketNeedsATaskRole(t *testing.T) {
	session, _ := demoSession(t)
	spec := runtimeSpec()
	spec.S3BucketName = "demo-shop-media"
	r := newRuntimeRig(t, spec, session)
	task := r.field(fieldTaskRole)
	if task.Value() != "" {
		t.Fatalf("the task role starts at %q, want none", task.Value())
	}
	if !task.StatusIsWarn || !strings.Contains(task.Status, "s3_bucket_name is demo-shop-media") ||
		!strings.Contains(task.Status, "e.g. demo-shop-dev-ecs-task") {
		t.Errorf("task role status = %q (warning %v), want why a task role is needed and the suggestion", task.Status, task.StatusIsWarn)
	}
	r.s.form.FocusKey(fieldTaskRole)
	r.keys("down") // the suggested demo-shop-dev-ecs-task
	if task.Status != "" || task.StatusIsWarn {
		t.Errorf("with a task role chosen the status still says %q", task.Status)
	}

	without := newRuntimeRig(t, runtimeSpec(), session)
	if s := without.field(fieldTaskRole).Status; s != "" {
		t.Errorf("without a bucket the task role says %q", s)
	}
}

func TestRuntimeStepTypesTheLogGroupFromTheRealSuggestion(t *testing.T) {
	session, _ := demoSession(t)
	spec := runtimeSpec()
	spec.LogGroupName = ""
	r := newRuntimeRig(t, spec, session)
	r.keys("ctrl+t")
	f := r.field(fieldLogGroup)
	if got := f.Value(); got != "/ecs/demo-shop-dev" {
		t.Errorf("typing starts from %q, want the suggested /ecs/demo-shop-dev", got)
	}
	if view := strings.Join(strings.Fields(r.screen()), " "); !strings.Contains(view, "esc returns to the list") {
		t.Errorf("the hint does not say how to get back to the list:\n%s", r.screen())
	}
	r.keys("ctrl+u")
	if view := r.screen(); !strings.Contains(view, "e.g. /ecs/demo-shop-dev") || strings.Contains(view, "APP-ENV") {
		t.Errorf("the empty input does not offer the real suggestion as an example:\n%s", view)
	}
	r.keys("esc")
	if got := f.Value(); got != "/ecs/demo-shop-dev" || r.s.Capturing() {
		t.Errorf("esc left the log group at %q (capturing %v)", got, r.s.Capturing())
	}
}

func TestRuntimeStepShowsACommandThatDoesNotSplitOnce(t *testing.T) {
	r := newRuntimeRig(t, runtimeSpec(), nil)
	r.s.setSection(sectionCommand)
	r.typeText(`gunicorn "config.wsgi`)
	r.keys("enter")
	f := r.field(fieldCommand)
	if f.Err() == nil {
		t.Fatal("an open quote was accepted")
	}
	if n := strings.Count(r.screen(), "never closed"); n != 1 {
		t.Errorf("the error shows %d times, want once:\n%s", n, r.screen())
	}
}
