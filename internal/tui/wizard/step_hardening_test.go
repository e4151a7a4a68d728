package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
)

// startHardening opens the hardening step on spec with the demo account.
func startHardening(t *testing.T, spec model.Spec) (*hardeningStep, *env, *stepHarness) {
	t.Helper()
	session, _ := demoSession(t)
	e := newTestEnv(spec, session)
	s := newHardeningStep(e)
	s.SetSize(98, 24)
	h := &stepHarness{s: s}
	settle(t, h.update, s.Init(context.Background()))
	return s, e, h
}

// hardening is the part of a spec the step answers.
type hardening struct {
	Readonly bool
	User     string
	Volumes  []model.Volume
	Mounts   []model.MountPoint
	Linux    bool
	Drop     []string
	Add      []string
}

func hardeningOf(s model.Spec) hardening {
	return hardening{s.ReadonlyRootFilesystem, s.ContainerUser, s.Volumes, s.MountPoints,
		s.EnableLinuxParameters, s.LinuxCapabilitiesDrop, s.LinuxCapabilitiesAdd}
}

var tmpVolumes, tmpMounts = []model.Volume{{Name: "tmp"}}, []model.MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}

func TestHardeningStepAnswers(t *testing.T) {
	tests := []struct {
		name string
		spec func(s *model.Spec)
		keys []string
		want hardening
	}{
		{
			name: "turning read-only on adds the writable /tmp volume",
			keys: []string{"space", "enter", "enter", "enter", "enter"},
			want: hardening{Readonly: true, Volumes: tmpVolumes, Mounts: tmpMounts, Drop: []string{}, Add: []string{}},
		},
		{
			name: "declining the /tmp volume leaves the volumes empty",
			keys: []string{"space", "tab", "space", "enter", "enter", "enter"},
			want: hardening{Readonly: true, Volumes: []model.Volume{}, Mounts: []model.MountPoint{}, Drop: []string{}, Add: []string{}},
		},
		{
			name: "running as non-root suggests 1000:1000",
			keys: []string{"tab", "space", "enter", "enter", "enter"},
			want: hardening{User: "1000:1000", Volumes: []model.Volume{}, Mounts: []model.MountPoint{}, Drop: []string{}, Add: []string{}},
		},
		{
			name: "turning Linux capabilities on drops ALL",
			keys: []string{"tab", "tab", "space", "enter", "enter", "enter"},
			want: hardening{Volumes: []model.Volume{}, Mounts: []model.MountPoint{}, Linux: true, Drop: []string{"ALL"}, Add: []string{}},
		},
		{
			name: "SYS_PTRACE is the one capability added",
			keys: []string{"tab", "tab", "space", "tab", "tab", "space", "enter"},
			want: hardening{Volumes: []model.Volume{}, Mounts: []model.MountPoint{}, Linux: true, Drop: []string{"ALL"}, Add: []string{"SYS_PTRACE"}},
		},
		{
			name: "turning Linux capabilities off removes them",
			spec: func(s *model.Spec) {
				s.EnableLinuxParameters, s.LinuxCapabilitiesDrop, s.LinuxCapabilitiesAdd = true, []string{"ALL"}, []string{"SYS_PTRACE"}
			},
			keys: []string{"tab", "tab", "space", "enter"},
			want: hardening{Volumes: []model.Volume{}, Mounts: []model.MountPoint{}, Drop: []string{}, Add: []string{}},
		},
		{
			name: "a capability Fargate refuses, from a file, goes when the step is accepted",
			spec: func(s *model.Spec) {
				s.EnableLinuxParameters, s.LinuxCapabilitiesDrop, s.LinuxCapabilitiesAdd = true, []string{"ALL"}, []string{"NET_BIND_SERVICE"}
			},
			keys: []string{"enter", "enter", "enter", "enter", "enter"},
			want: hardening{Volumes: []model.Volume{}, Mounts: []model.MountPoint{}, Linux: true, Drop: []string{"ALL"}, Add: []string{}},
		},
		{
			name: "an EFS volume already mounted stays when /tmp is added and removed",
			spec: func(s *model.Spec) {
				s.Volumes = []model.Volume{{Name: "media", EFS: &model.EFSVolume{FileSystemID: "fs-0123456789abcdef0"}}}
				s.MountPoints = []model.MountPoint{{SourceVolume: "media", ContainerPath: "/app/media"}}
			},
			keys: []string{"space", "tab", "space", "space", "enter", "enter", "enter"},
			want: hardening{Readonly: true,
				Volumes: []model.Volume{{Name: "media", EFS: &model.EFSVolume{FileSystemID: "fs-0123456789abcdef0"}}, {Name: "tmp"}},
				Mounts:  []model.MountPoint{{SourceVolume: "media", ContainerPath: "/app/media"}, {SourceVolume: "tmp", ContainerPath: "/tmp"}},
				Drop:    []string{}, Add: []string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			if tt.spec != nil {
				tt.spec(&spec)
			}
			_, e, h := startHardening(t, spec)
			keys(t, h.update, tt.keys...)
			if !h.done {
				t.Error("the step did not finish")
			}
			if diff := cmp.Diff(tt.want, hardeningOf(*e.spec)); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
			if errs := model.Validate(*e.spec).Errors(); len(errs) > 0 {
				t.Errorf("the spec does not validate: %v", errs)
			}
		})
	}
}

func TestHardeningStepExplainsWhatItOffers(t *testing.T) {
	s, _, h := startHardening(t, demoSpec())
	keys(t, h.update, "space", "tab")
	view := tuitest.Plain(s.View())
	if !strings.Contains(view, "without it Django/gunicorn writes to /tmp fail and ECS Exec breaks") {
		t.Errorf("the /tmp offer does not say why:\n%s", view)
	}
	keys(t, h.update, "space") // decline it
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "Django and gunicorn need /tmp") {
		t.Errorf("the model's warning is not shown in place:\n%s", view)
	}
	keys(t, h.update, "tab", "tab", "space")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "NET_BIND_SERVICE is refused: Fargate rejects adding it — listen on a port above 1023.") {
		t.Errorf("the screen does not say why NET_BIND_SERVICE is refused:\n%s", view)
	}
}

func TestHardeningStepRefusesRootAsTheNonRootUser(t *testing.T) {
	s, _, h := startHardening(t, demoSpec())
	keys(t, h.update, "tab", "space", "tab")
	for range len("1000:1000") {
		keys(t, h.update, "backspace")
	}
	typeText(t, h.update, "0:0")
	keys(t, h.update, "enter")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "0:0 is root") {
		t.Errorf("root is accepted as the non-root user:\n%s", view)
	}
	if f := s.form.Focused(); f == nil || f.Key != fieldUser {
		t.Error("the focus left the refused user")
	}
}

func TestHardeningStepWarnsAboutAPrivilegedPortForANonRootUser(t *testing.T) {
	spec := demoSpec()
	spec.ContainerPort = 80
	s, _, h := startHardening(t, spec)
	keys(t, h.update, "tab", "space")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "port 80 is privileged") {
		t.Errorf("the model's port warning is not shown in place:\n%s", view)
	}
}

func TestHardeningStepScreens(t *testing.T) {
	tests := []struct {
		name string
		spec func(s *model.Spec)
		keys []string
	}{
		{name: "hardening-off"},
		{name: "hardening-on", keys: []string{"space", "tab", "tab", "space", "tab", "tab", "space", "tab", "tab"}},
		{name: "hardening-no-tmp", keys: []string{"space", "tab", "space"}},
		{name: "hardening-refused-capability", spec: func(s *model.Spec) {
			s.EnableLinuxParameters, s.LinuxCapabilitiesAdd = true, []string{"NET_BIND_SERVICE"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			if tt.spec != nil {
				tt.spec(&spec)
			}
			s, _, h := startHardening(t, spec)
			keys(t, h.update, tt.keys...)
			goldenFits(t, tt.name, tuitest.Plain(s.View()))
		})
	}
}

// space is offered on a yes/no only: in the User field it types a character.
func TestHardeningStepOffersSpaceOnlyOnAYesNo(t *testing.T) {
	spec := demoSpec()
	spec.ContainerUser = "1000:1000" // the User field is shown
	s, _, _ := startHardening(t, spec)
	help := func() string {
		var parts []string
		for _, b := range s.Help() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
		return strings.Join(parts, " · ")
	}
	if got, want := help(), "enter next · tab/shift+tab fields · space toggle"; got != want {
		t.Errorf("help on a toggle = %q, want %q", got, want)
	}
	s.form.FocusKey(fieldUser)
	if f := s.form.Focused(); f.Key != fieldUser {
		t.Fatalf("focus on %s", f.Key)
	}
	if got, want := help(), "enter next · tab/shift+tab fields"; got != want {
		t.Errorf("help on the user = %q, want %q", got, want)
	}
}
