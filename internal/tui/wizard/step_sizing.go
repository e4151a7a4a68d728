package wizard

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// sizingStep asks for the task's CPU, memory and architecture, offering only the pairs
// Fargate accepts, and prices the choice.
type sizingStep struct {
	env    *env
	form   *tui.Form
	width  int
	height int

	// answered is set once the person changed or accepted a size here: from then on the
	// environment's preset no longer replaces the spec's size.
	answered bool
	// answeredEnv is the environment the size was last answered for. On a visit after
	// it changed, the person's size is kept and presetNote says, under CPU, what the
	// new environment's preset is.
	answeredEnv string
	presetNote  bool
	// archPreselected says why the step opened on ARM64 rather than the default: the
	// image runs on arm64 only. "" when it did not.
	archPreselected string
	steps           wizardSteps // the wizard's, to say where the tag is picked
	// tasks is the last valid task count of the estimate: a count being typed that is
	// not one leaves the estimate as it was.
	tasks int
}

func (s *sizingStep) useSteps(steps wizardSteps) { s.steps = steps }

func newSizingStep(e *env) *sizingStep { return &sizingStep{env: e} }

func (s *sizingStep) Title() string { return "Sizing" }

// Field keys of the sizing step; fieldTasks is not a spec variable.
const (
	fieldCPU   = "task_cpu"
	fieldMem   = "task_memory"
	fieldArch  = "cpu_architecture"
	fieldTasks = "estimate_tasks"
)

// defaultEstimateTasks is the task count the estimate starts with; maxEstimateTasks
// the most it multiplies (well over any service's desired count).
const (
	defaultEstimateTasks = "2"
	maxEstimateTasks     = 10_000
)

func (s *sizingStep) Init(context.Context) tea.Cmd {
	spec := *s.env.spec
	size, archValue := s.startingSize(spec)
	s.presetNote = s.answered && spec.Environment != s.answeredEnv && model.Preset(spec.Environment) != size
	archValue, s.archPreselected = s.startingArchitecture(spec, archValue)

	cpuOpts := make([]tui.Option, 0, len(model.FargateCPUs()))
	for _, c := range model.FargateCPUs() {
		mems := model.ValidMemories(c)
		cpuOpts = append(cpuOpts, tui.Option{Value: strconv.Itoa(c), Note: fmt.Sprintf("%s vCPU · %s to %s GiB memory",
			vcpuText(c), vcpuText(mems[0]), vcpuText(mems[len(mems)-1]))})
	}
	cpu := &tui.Field{Key: fieldCPU, Title: "CPU", Kind: tui.Choice, Options: cpuOpts,
		Hint: "1024 units = 1 vCPU. The memory list below holds only the sizes Fargate allows with it.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldCPU, true, func(x *model.Spec) { x.TaskCPU = v })
		},
		OnSet: s.setCPU,
	}
	mem := &tui.Field{Key: fieldMem, Title: "Memory", Kind: tui.Choice,
		Hint: "The container is stopped if it uses more. Django with 2-4 gunicorn workers needs about 1 GiB.",
		Validate: func(v string) error {
			c := s.form.Field(fieldCPU).Value()
			return fieldError(*s.env.spec, fieldMem, true, func(x *model.Spec) { x.TaskCPU, x.TaskMemory = c, v })
		},
		OnSet: func(v string) {
			s.answer()
			s.env.update(func(x *model.Spec) { x.TaskMemory = v })
		},
	}
	arch := &tui.Field{Key: fieldArch, Title: "Architecture", Kind: tui.Choice,
		Hint: "ARM64 (Graviton) is ~20% cheaper but needs an image built for linux/arm64 (or multi-arch).",
		Options: []tui.Option{
			{Value: model.ArchX86_64, Note: "Intel/AMD: runs any linux/amd64 image"},
			{Value: model.ArchARM64, Note: "Graviton: ~20% cheaper, needs an arm64 image"},
		},
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldArch, true, func(x *model.Spec) { x.CPUArchitecture = v })
		},
		OnSet: func(v string) {
			s.answer()
			s.env.update(func(x *model.Spec) { x.CPUArchitecture = v })
		},
	}
	tasks := &tui.Field{Key: fieldTasks, Title: "Tasks to estimate", Kind: tui.Text, Placeholder: defaultEstimateTasks,
		Hint:     "Only multiplies the estimate below (e.g. the service's desired count, 1 to 10,000); it is not saved.",
		Validate: func(v string) error { _, err := estimateTasks(v); return err },
	}
	if old := s.form; old != nil {
		tasks.SetValue(old.Field(fieldTasks).Value()) // kept while the wizard runs
	} else {
		tasks.SetValue(defaultEstimateTasks)
	}

	cpu.SetValue(strconv.Itoa(size.CPU))
	mem.SetOptions(memoryOptions(size.CPU))
	mem.SetValue(strconv.Itoa(size.Memory))
	arch.SetValue(archValue)
	s.form = tui.NewForm(cpu, mem, arch, tasks)
	s.refresh()
	s.layout()
	return nil
}

// startingSize is the size the lists open on: the environment's preset while the spec
// holds the variables' defaults and nothing was answered here, else the spec's own
// size, moved to the nearest valid one when the spec's is not (a file may hold any).
func (s *sizingStep) startingSize(spec model.Spec) (model.Size, string) {
	def := model.NewSpec()
	arch := spec.CPUArchitecture
	if a, ok := model.NormalizeArchitecture(arch); ok {
		arch = a
	}
	preset := model.Preset(spec.Environment)
	if !s.answered && !s.env.prefilled && spec.TaskCPU == def.TaskCPU && spec.TaskMemory == def.TaskMemory {
		return preset, arch
	}
	cpu, _, err := model.ParseCPU(spec.TaskCPU)
	if err != nil {
		cpu = preset.CPU
	}
	mem, _, err := model.ParseMemory(spec.TaskMemory)
	if err != nil {
		mem = preset.Memory
	}
	return model.NearestSize(cpu, mem), arch
}

// startingArchitecture is the architecture the list opens on: ARM64, with why, when the
// spec still holds the default X86_64 (nothing answered here, no file or draft) and the
// image is known to run on arm64 only; else arch, the spec's own.
func (s *sizingStep) startingArchitecture(spec model.Spec, arch string) (string, string) {
	if s.answered || s.env.prefilled || spec.CPUArchitecture != model.NewSpec().CPUArchitecture {
		return arch, ""
	}
	p, ok := imageArchMismatch(s.env, spec.CPUArchitecture)
	if !ok || p.other != model.ArchARM64 {
		return arch, ""
	}
	return model.ArchARM64, "ARM64 preselected: " + p.runsOn() + "."
}

// answer records that the person chose the size here, for the environment as it is.
func (s *sizingStep) answer() {
	s.answered, s.answeredEnv = true, s.env.spec.Environment
}

// vcpuText writes CPU units as vCPUs or MiB as GiB: 512 → "0.5".
func vcpuText(n int) string { return strconv.FormatFloat(float64(n)/1024, 'f', -1, 64) }

// memoryOptions lists exactly the memories Fargate accepts with cpu.
func memoryOptions(cpu int) []tui.Option {
	mems := model.ValidMemories(cpu)
	opts := make([]tui.Option, len(mems))
	for i, m := range mems {
		opts[i] = tui.Option{Value: strconv.Itoa(m), Label: strconv.Itoa(m) + " MiB", Note: vcpuText(m) + " GiB"}
	}
	return opts
}

// setCPU answers task_cpu and keeps the memory the nearest one valid with it.
func (s *sizingStep) setCPU(v string) {
	cpu, err := strconv.Atoi(v)
	if err != nil {
		return
	}
	s.answer()
	mem := s.form.Field(fieldMem)
	before, _ := strconv.Atoi(mem.Value())
	mem.SetOptions(memoryOptions(cpu))
	nearest := strconv.Itoa(model.NearestMemory(cpu, before))
	mem.SetValue(nearest)
	s.env.update(func(x *model.Spec) { x.TaskCPU, x.TaskMemory = v, nearest })
}

// estimateTasks reads the task count of the estimate.
func estimateTasks(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, fmt.Errorf("tasks to estimate: type how many tasks run, a whole number from 1 to %s", thousands(maxEstimateTasks))
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxEstimateTasks {
		return 0, fmt.Errorf("tasks to estimate: %q is not a whole number from 1 to %s — type how many tasks run", v, thousands(maxEstimateTasks))
	}
	return n, nil
}

// thousands writes n with a comma between each group of three digits: 10000 → "10,000".
func thousands(n int) string {
	d := strconv.Itoa(n)
	for i := len(d) - 3; i > 0; i -= 3 {
		d = d[:i] + "," + d[i:]
	}
	return d
}

// refreshTasks says, under the task count as it is typed, why it is not one, and keeps
// the last valid count for the estimate.
func (s *sizingStep) refreshTasks() {
	f := s.form.Field(fieldTasks)
	f.Status, f.StatusIsErr = "", false
	n, err := estimateTasks(f.Value())
	if err == nil {
		s.tasks = n
		return
	}
	if s.tasks == 0 {
		s.tasks, _ = strconv.Atoi(defaultEstimateTasks)
	}
	f.Status, f.StatusIsErr = "✗ "+err.Error()+" · the estimate keeps "+plural(s.tasks, "task"), true
}

// refresh shows what model.Validate says of the spec's sizing (a spec from a file may
// hold an invalid pair) next to the fields that fix it.
func (s *sizingStep) refresh() {
	for _, k := range []string{fieldCPU, fieldMem, fieldArch} {
		f := s.form.Field(k)
		f.Status, f.StatusIsErr, f.StatusIsWarn = "", false, false
		if err := fieldError(*s.env.spec, k, true, func(*model.Spec) {}); err != nil {
			f.Status, f.StatusIsErr = "✗ "+err.Error()+" · the list shows the nearest valid value; enter takes it", true
		}
	}
	s.refreshTasks()
	env, size := s.env.spec.Environment, s.size()
	if f := s.form.Field(fieldCPU); f.Status == "" && s.presetNote && size != model.Preset(env) {
		p := model.Preset(env)
		f.Status = fmt.Sprintf("%s's preset is %d CPU / %d MiB; enter keeps the current size (%d CPU / %d MiB).",
			env, p.CPU, p.Memory, size.CPU, size.Memory)
	}
	s.refreshArchitecture()
}

// refreshArchitecture says, under Architecture, when the image cannot run on the one
// under the cursor (its architectures as read from ECR), or why ARM64 was preselected.
func (s *sizingStep) refreshArchitecture() {
	f := s.form.Field(fieldArch)
	if f.Status != "" {
		return // the spec's own value is invalid: that comes first
	}
	if p, ok := imageArchMismatch(s.env, f.Value()); ok {
		fix := p.pickTag() + " in " + s.steps.fixedInOr("container_image", "Application")
		if p.other != "" {
			fix = "choose " + p.other + ", or " + fix
		}
		f.Status, f.StatusIsWarn = "⚠ "+p.runsOn()+": "+fix, true
		return
	}
	if s.archPreselected != "" && f.Value() == model.ArchARM64 {
		f.Status = s.archPreselected
	}
}

// size is the size the fields show now.
func (s *sizingStep) size() model.Size {
	cpu, _ := strconv.Atoi(s.form.Field(fieldCPU).Value())
	mem, _ := strconv.Atoi(s.form.Field(fieldMem).Value())
	return model.Size{CPU: cpu, Memory: mem}
}

func (s *sizingStep) Connected() tea.Cmd { return nil }

// Owns reports whether field (a variable, or a path in one) is answered in this step.
func (s *sizingStep) Owns(field string) bool {
	return ownsVariable(field, fieldCPU, fieldMem, fieldArch)
}

// Form is the step's questions, for the accessible mode.
func (s *sizingStep) Form() *tui.Form { return s.form }

func (s *sizingStep) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tui.FormDoneMsg); ok {
		s.answer()
		s.refresh()
		if stepBlocked(*s.env.spec, fieldCPU, fieldMem, fieldArch) {
			return nil
		}
		return stepDone
	}
	cmd := s.form.Update(msg)
	s.refresh()
	s.layout() // the estimate's lines may change with the count typed
	return cmd
}

// stepBlocked reports whether model.Validate finds an error in one of fields.
func stepBlocked(spec model.Spec, fields ...string) bool {
	for _, f := range fields {
		if fieldError(spec, f, true, func(*model.Spec) {}) != nil {
			return true
		}
	}
	return false
}

const sizingSubtitle = "How much CPU and memory each task gets, on which processor, and what it costs."

// View draws the fields over the estimate, which stays in view: the form gives up
// blank lines, then options of the open list, to leave it room.
func (s *sizingStep) View() string {
	st := s.env.styles
	return stepHead(st, "Sizing", sizingSubtitle, s.width) + strings.TrimRight(s.form.View(*st), "\n") +
		"\n\n" + s.costView()
}

// layout gives the form the room the title and the estimate leave.
func (s *sizingStep) layout() {
	if s.form == nil {
		return
	}
	s.form.SetWidth(s.width)
	s.form.SetHeight(bodyHeight(s.height, stepHead(s.env.styles, "Sizing", sizingSubtitle, s.width), "\n"+s.costView()+"\n"))
}

// costView prices the size on screen, per task and for the chosen number of tasks.
func (s *sizingStep) costView() string {
	st := s.env.styles
	size := s.size()
	arch := s.form.Field(fieldArch).Value()
	est := model.EstimateCost(size, arch)
	line := fmt.Sprintf("$%.2f/month per task", est.MonthlyUSD)
	if s.tasks > 0 {
		line += fmt.Sprintf(" · $%.2f/month for %s", est.MonthlyUSD*float64(s.tasks), plural(s.tasks, "task"))
	}
	const label = "  Estimated cost  "
	note := fmt.Sprintf("$%.4f/hour · %s · on demand, 730 hours a month", est.HourlyUSD, model.PriceNote)
	return st.Label.Render(label) + st.Value.Render(tui.Wrap(line, s.width-len(label), len(label))) + "\n" +
		st.Muted.Render("    "+tui.Wrap(note, s.width-4, 4))
}

func (s *sizingStep) SetSize(w, h int) {
	s.width, s.height = w, h
	s.layout()
}

func (s *sizingStep) Capturing() bool { return s.form != nil && s.form.Capturing() }

func (s *sizingStep) Help() []key.Binding {
	return []key.Binding{tui.Keys.Next, key.NewBinding(key.WithHelp("↑/↓", "choose")),
		key.NewBinding(key.WithHelp("tab/shift+tab", "fields"))}
}
