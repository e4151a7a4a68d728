package wizard

import (
	"context"
	"errors"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// hardeningStep asks how locked down the container runs: read-only root (with a
// writable /tmp), a non-root user, and Linux capabilities (drop ALL, add only what
// Fargate allows).
type hardeningStep struct {
	env    *env
	form   *tui.Form
	width  int
	height int
	// tmpShown: the /tmp toggle was shown during this visit.
	tmpShown bool
}

func newHardeningStep(e *env) *hardeningStep { return &hardeningStep{env: e} }

func (s *hardeningStep) Title() string { return "Hardening" }

const (
	fieldReadonly  = "readonly_root_filesystem"
	fieldTmp       = "tmp_volume"
	fieldNonRoot   = "run_as_non_root"
	fieldUser      = "container_user"
	fieldLinux     = "enable_linux_parameters"
	fieldDropAll   = "linux_capabilities_drop"
	fieldPtrace    = "linux_capabilities_add"
	suggestedUser  = "1000:1000"
	tmpVolume      = "tmp"
	tmpPath        = "/tmp"
	capAll         = "ALL"
	capSysPtrace   = "SYS_PTRACE"
	netBindRefusal = "NET_BIND_SERVICE is refused: Fargate rejects adding it — listen on a port above 1023."
)

func (s *hardeningStep) Init(context.Context) tea.Cmd {
	spec := *s.env.spec
	s.tmpShown = false
	readonly := &tui.Field{Key: fieldReadonly, Title: "Read-only root filesystem", Kind: tui.Toggle,
		Hint:  "The container cannot change its own files (no dropped tools, no edited code), only volumes.",
		OnSet: s.setReadonly,
	}
	tmp := &tui.Field{Key: fieldTmp, Title: "Writable /tmp volume", Kind: tui.Toggle,
		Hint:    `Adds volume "tmp" at /tmp: without it Django/gunicorn writes to /tmp fail and ECS Exec breaks.`,
		Visible: func() bool { return s.tmpShown },
		OnSet:   func(v string) { s.env.update(func(x *model.Spec) { *x = withTmpVolume(*x, v == "true") }) },
	}
	nonRoot := &tui.Field{Key: fieldNonRoot, Title: "Run as a non-root user", Kind: tui.Toggle,
		Hint:  "A compromised app cannot touch what root owns. The image must not need root (ports < 1024).",
		OnSet: s.setNonRoot,
	}
	user := &tui.Field{Key: fieldUser, Title: "User", Kind: tui.Text, Placeholder: suggestedUser,
		Hint:    "uid:gid like 1000:1000 needs no entry in /etc/passwd; a user name must exist in the image.",
		Visible: func() bool { return s.form.Field(fieldNonRoot).On() },
		Validate: func(v string) error {
			v = strings.TrimSpace(v)
			switch {
			case v == "":
				return errors.New("give the user, e.g. " + suggestedUser + ", or turn “Run as a non-root user” off")
			case model.IsRootUser(v):
				return errors.New(v + " is root — use an unprivileged uid:gid such as " + suggestedUser)
			}
			return fieldError(*s.env.spec, fieldUser, false, func(x *model.Spec) { x.ContainerUser = v })
		},
		OnSet: func(v string) {
			if s.form.Field(fieldNonRoot).On() {
				s.env.update(func(x *model.Spec) { x.ContainerUser = strings.TrimSpace(v) })
			}
		},
	}
	linux := &tui.Field{Key: fieldLinux, Title: "Linux capabilities", Kind: tui.Toggle,
		Hint:  "Writes linuxParameters.capabilities, so the task can drop kernel capabilities.",
		OnSet: s.setLinux,
	}
	dropAll := &tui.Field{Key: fieldDropAll, Title: "Drop ALL capabilities", Kind: tui.Toggle,
		Hint:    "The app keeps no kernel privileges (no chown, raw sockets, ports below 1024); Django needs none.",
		Visible: func() bool { return s.form.Field(fieldLinux).On() },
		OnSet: func(v string) {
			s.env.update(func(x *model.Spec) { x.LinuxCapabilitiesDrop = withDropAll(x.LinuxCapabilitiesDrop, v == "true") })
		},
	}
	ptrace := &tui.Field{Key: fieldPtrace, Title: "Add SYS_PTRACE", Kind: tui.Toggle,
		Hint:    "Only for debuggers and profilers (py-spy, gdb); the one capability Fargate lets a task add.",
		Visible: func() bool { return s.form.Field(fieldLinux).On() },
		OnSet: func(v string) {
			s.env.update(func(x *model.Spec) {
				x.LinuxCapabilitiesAdd = []string{}
				if v == "true" {
					x.LinuxCapabilitiesAdd = []string{capSysPtrace}
				}
			})
		},
	}
	readonly.SetValue(boolText(spec.ReadonlyRootFilesystem))
	tmp.SetValue(boolText(hasTmpMount(spec)))
	nonRoot.SetValue(boolText(spec.ContainerUser != "" && !model.IsRootUser(spec.ContainerUser)))
	if spec.ContainerUser != "" && !model.IsRootUser(spec.ContainerUser) {
		user.SetValue(spec.ContainerUser)
	}
	linux.SetValue(boolText(spec.EnableLinuxParameters || len(spec.LinuxCapabilitiesDrop) > 0 || len(spec.LinuxCapabilitiesAdd) > 0))
	dropAll.SetValue(boolText(slices.Contains(spec.LinuxCapabilitiesDrop, capAll)))
	ptrace.SetValue(boolText(slices.Contains(spec.LinuxCapabilitiesAdd, capSysPtrace)))
	s.form = tui.NewForm(readonly, tmp, nonRoot, user, linux, dropAll, ptrace)
	s.SetSize(s.width, s.height)
	s.refresh()
	return nil
}

// setReadonly answers readonly_root_filesystem; turning it on offers the writable /tmp.
func (s *hardeningStep) setReadonly(v string) {
	on := v == "true"
	was := s.env.spec.ReadonlyRootFilesystem
	s.env.update(func(x *model.Spec) { x.ReadonlyRootFilesystem = on })
	if on && !was && !hasTmpMount(*s.env.spec) {
		s.form.Field(fieldTmp).SetValue("true")
		s.env.update(func(x *model.Spec) { *x = withTmpVolume(*x, true) })
	}
}

// setNonRoot answers whether a user is set; the suggested one fills an empty field.
func (s *hardeningStep) setNonRoot(v string) {
	user := s.form.Field(fieldUser)
	if v != "true" {
		if u := s.env.spec.ContainerUser; u != "" && !model.IsRootUser(u) {
			s.env.update(func(x *model.Spec) { x.ContainerUser = "" })
		}
		return
	}
	if u := strings.TrimSpace(user.Value()); u == "" || model.IsRootUser(u) {
		user.SetValue(suggestedUser)
	}
	s.env.update(func(x *model.Spec) { x.ContainerUser = strings.TrimSpace(user.Value()) })
}

// setLinux answers enable_linux_parameters; turning it on offers dropping ALL, turning
// it off removes the capabilities (the model refuses them without it).
func (s *hardeningStep) setLinux(v string) {
	on := v == "true"
	was := s.env.spec.EnableLinuxParameters
	s.env.update(func(x *model.Spec) {
		x.EnableLinuxParameters = on
		if !on {
			x.LinuxCapabilitiesDrop, x.LinuxCapabilitiesAdd = []string{}, []string{}
		}
	})
	switch {
	case !on:
		s.form.Field(fieldDropAll).SetValue("false")
		s.form.Field(fieldPtrace).SetValue("false")
	case !was && len(s.env.spec.LinuxCapabilitiesDrop) == 0:
		s.form.Field(fieldDropAll).SetValue("true")
		s.env.update(func(x *model.Spec) { x.LinuxCapabilitiesDrop = withDropAll(x.LinuxCapabilitiesDrop, true) })
	}
}

// withDropAll is drop with ALL in it (which covers every other capability) or without it.
func withDropAll(drop []string, on bool) []string {
	if on {
		return []string{capAll}
	}
	return slices.DeleteFunc(slices.Clone(drop), func(c string) bool { return c == capAll })
}

// hasTmpMount reports whether /tmp is a writable mount.
func hasTmpMount(spec model.Spec) bool {
	return slices.ContainsFunc(spec.MountPoints, func(mp model.MountPoint) bool {
		return mp.ContainerPath == tmpPath && !mp.ReadOnly
	})
}

// withTmpVolume adds (or removes) the writable /tmp: the bind volume "tmp" and its mount
// point. A mount at /tmp of another volume is made writable rather than replaced, and
// removing takes away only what adding puts in.
func withTmpVolume(spec model.Spec, on bool) model.Spec {
	vols, mps := slices.Clone(spec.Volumes), slices.Clone(spec.MountPoints)
	if vols == nil {
		vols = []model.Volume{}
	}
	if mps == nil {
		mps = []model.MountPoint{}
	}
	if on {
		source := tmpVolume
		if i := slices.IndexFunc(mps, func(mp model.MountPoint) bool { return mp.ContainerPath == tmpPath }); i >= 0 {
			mps[i].ReadOnly = false
			source = mps[i].SourceVolume
		} else {
			mps = append(mps, model.MountPoint{SourceVolume: tmpVolume, ContainerPath: tmpPath})
		}
		if !slices.ContainsFunc(vols, func(v model.Volume) bool { return v.Name == source }) {
			vols = append(vols, model.Volume{Name: source})
		}
	} else {
		mps = slices.DeleteFunc(mps, func(mp model.MountPoint) bool {
			return mp.ContainerPath == tmpPath && mp.SourceVolume == tmpVolume
		})
		if !slices.ContainsFunc(mps, func(mp model.MountPoint) bool { return mp.SourceVolume == tmpVolume }) {
			vols = slices.DeleteFunc(vols, func(v model.Volume) bool { return v.Name == tmpVolume && v.EFS == nil })
		}
	}
	spec.Volumes, spec.MountPoints = vols, mps
	return spec
}

// refresh shows, next to each toggle, what model.Validate says about its variable.
// Once the /tmp toggle is shown it stays, so turning it off never hides the field
// under the focus.
func (s *hardeningStep) refresh() {
	spec := *s.env.spec
	s.tmpShown = s.tmpShown || s.form.Field(fieldReadonly).On() || hasTmpMount(spec)
	readonly := ""
	for _, f := range model.Validate(spec).Warnings() {
		if f.Field == fieldReadonly {
			readonly = f.Message + " — turn “Writable /tmp volume” on"
		}
	}
	setWarning(s.form.Field(fieldReadonly), readonly)
	setWarning(s.form.Field(fieldUser), fieldWarning(spec, "container_port"))
	for _, k := range []string{fieldDropAll, fieldPtrace} {
		f := s.form.Field(k)
		f.Status, f.StatusIsErr = "", false
		if err := fieldError(spec, k, false, func(*model.Spec) {}); err != nil {
			f.Status, f.StatusIsErr = "✗ "+err.Error(), true
			if k == fieldPtrace {
				f.Status += " · Continuing keeps only SYS_PTRACE, if it is on."
			}
		}
	}
	if p := s.form.Field(fieldPtrace); p.Status == "" {
		p.Status = netBindRefusal
	}
	l := s.form.Field(fieldLinux)
	l.Status, l.StatusIsErr = "", false
	if err := fieldError(spec, fieldLinux, false, func(*model.Spec) {}); err != nil {
		l.Status, l.StatusIsErr = "✗ "+err.Error(), true
	}
}

func (s *hardeningStep) Connected() tea.Cmd { return nil }

// Owns reports whether field (a variable, or a path in one) is answered in this step.
func (s *hardeningStep) Owns(field string) bool {
	return ownsVariable(field, fieldReadonly, fieldUser, fieldLinux, fieldDropAll, fieldPtrace)
}

// Form is the step's questions, for the accessible mode.
func (s *hardeningStep) Form() *tui.Form { return s.form }

func (s *hardeningStep) Update(msg tea.Msg) tea.Cmd {
	defer s.refresh()
	if _, ok := msg.(tui.FormDoneMsg); ok {
		if stepBlocked(*s.env.spec, fieldReadonly, fieldUser, fieldLinux, fieldDropAll, fieldPtrace) {
			return nil
		}
		return stepDone
	}
	return s.form.Update(msg)
}

const hardeningSubtitle = "Limits what a compromised app can do. Each switch says what it costs."

func (s *hardeningStep) View() string {
	st := s.env.styles
	return stepHead(st, "Hardening", hardeningSubtitle, s.width) + strings.TrimRight(s.form.View(*st), "\n")
}

func (s *hardeningStep) SetSize(w, h int) {
	s.width, s.height = w, h
	if s.form != nil {
		s.form.SetWidth(w)
		s.form.SetHeight(bodyHeight(h, stepHead(s.env.styles, "Hardening", hardeningSubtitle, w)))
	}
}

func (s *hardeningStep) Capturing() bool { return s.form != nil && s.form.Capturing() }

func (s *hardeningStep) Help() []key.Binding {
	h := []key.Binding{tui.Keys.Next, key.NewBinding(key.WithHelp("tab/shift+tab", "fields"))}
	if s.form != nil {
		h = append(h, fieldKeys(s.form)...) // space only on a yes/no
	}
	return h
}
