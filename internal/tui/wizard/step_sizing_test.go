package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// startSizing opens the sizing step on spec, offline (the step makes no AWS call).
func startSizing(t *testing.T, spec model.Spec) (*sizingStep, *env, func(tea.Msg) tea.Cmd) {
	t.Helper()
	e := newTestEnv(spec, nil)
	s := newSizingStep(e)
	s.SetSize(98, 24)
	up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
	settle(t, up, s.Init(context.Background()))
	return s, e, up
}

// sizingOptionValues are the values a Choice field offers.
func sizingOptionValues(f *tui.Field) []string {
	var vs []string
	for _, o := range f.Options {
		vs = append(vs, o.Value)
	}
	return vs
}

func sizingInts(ns []int) []string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return s
}

func TestSizingStepOffersOnlyTheMemoriesValidForEachCPU(t *testing.T) {
	s, e, up := startSizing(t, demoSpec())
	keys(t, up, "pgup")
	for i, cpu := range model.FargateCPUs() {
		if i > 0 {
			keys(t, up, "down")
		}
		if got := s.form.Field(fieldCPU).Value(); got != strconv.Itoa(cpu) {
			t.Fatalf("CPU under the cursor = %s, want %d", got, cpu)
		}
		if diff := cmp.Diff(sizingInts(model.ValidMemories(cpu)), sizingOptionValues(s.form.Field(fieldMem))); diff != "" {
			t.Errorf("memory list for CPU %d (-want +got):\n%s", cpu, diff)
		}
		cpuV, _, _ := model.ParseCPU(e.spec.TaskCPU)
		memV, _, _ := model.ParseMemory(e.spec.TaskMemory)
		if !model.IsValidSize(cpuV, memV) {
			t.Errorf("after moving to CPU %d the spec holds %s/%s, not a Fargate size", cpu, e.spec.TaskCPU, e.spec.TaskMemory)
		}
	}
}

func TestSizingStepKeepsTheNearestMemoryWhenTheCPUChanges(t *testing.T) {
	tests := []struct {
		name             string
		cpu, mem         string
		keys             []string
		wantCPU, wantMem string
	}{
		{"moving up from 1024/8192 keeps 4096, the largest 512 allows", "1024", "8192", []string{"up"}, "512", "4096"},
		{"moving down from 512/1024 keeps 2048, the smallest 1024 allows", "512", "1024", []string{"down"}, "1024", "2048"},
		{"moving down from 1024/3072 keeps 4096, the smallest 2048 allows", "1024", "3072", []string{"down"}, "2048", "4096"},
		{"moving up from 512/2048 keeps 2048, which 256 allows", "512", "2048", []string{"up"}, "256", "2048"},
		{"moving up from 4096/30720 keeps 16384", "4096", "30720", []string{"up"}, "2048", "16384"},
		{"moving down twice from 2048/4096 goes through 8192 to 16384", "2048", "4096", []string{"down", "down"}, "8192", "16384"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.TaskCPU, spec.TaskMemory = tt.cpu, tt.mem
			s, e, up := startSizing(t, spec)
			keys(t, up, tt.keys...)
			if got := s.form.Field(fieldMem).Value(); got != tt.wantMem {
				t.Errorf("memory under the cursor = %s, want %s", got, tt.wantMem)
			}
			if e.spec.TaskCPU != tt.wantCPU || e.spec.TaskMemory != tt.wantMem {
				t.Errorf("spec = %s/%s, want %s/%s", e.spec.TaskCPU, e.spec.TaskMemory, tt.wantCPU, tt.wantMem)
			}
		})
	}
}

func TestSizingStepPreselectsTheEnvironmentsPreset(t *testing.T) {
	tests := []struct {
		name        string
		environment string
		cpu, mem    string // the spec's; "" keeps the defaults
		want        model.Size
	}{
		{"dev starts at the seed's 512/1024", "dev", "", "", model.Size{CPU: 512, Memory: 1024}},
		{"staging starts at 1024/2048", "staging", "", "", model.Size{CPU: 1024, Memory: 2048}},
		{"prod starts at 2048/4096", "prod", "", "", model.Size{CPU: 2048, Memory: 4096}},
		{"an environment of another name starts at 512/1024", "qa", "", "", model.Size{CPU: 512, Memory: 1024}},
		{"a size chosen in the spec is kept in prod", "prod", "1024", "3072", model.Size{CPU: 1024, Memory: 3072}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.Environment = tt.environment
			if tt.cpu != "" {
				spec.TaskCPU, spec.TaskMemory = tt.cpu, tt.mem
			}
			s, e, up := startSizing(t, spec)
			if got := s.size(); got != tt.want {
				t.Errorf("preselected %v, want %v", got, tt.want)
			}
			keys(t, up, "enter", "enter", "enter", "enter")
			if e.spec.TaskCPU != strconv.Itoa(tt.want.CPU) || e.spec.TaskMemory != strconv.Itoa(tt.want.Memory) {
				t.Errorf("after accepting, the spec holds %s/%s, want %v", e.spec.TaskCPU, e.spec.TaskMemory, tt.want)
			}
		})
	}
}

func TestSizingStepKeepsAnAnswerWhenShownAgain(t *testing.T) {
	spec := demoSpec()
	spec.Environment = "prod"
	s, e, up := startSizing(t, spec)
	keys(t, up, "up", "up") // 2048 → 1024 → 512, memory follows to 2048
	e.spec.TaskMemory = "1024"
	settle(t, up, s.Init(context.Background()))
	if got := s.size(); got != (model.Size{CPU: 512, Memory: 1024}) {
		t.Errorf("shown again, the step offers %v; want the answer 512/1024, not the prod preset", got)
	}
}

func TestSizingStepFinishesWithCanonicalValues(t *testing.T) {
	spec := demoSpec()
	spec.TaskCPU, spec.TaskMemory, spec.CPUArchitecture = "1 vCPU", "4GB", "arm64"
	s, e, up := startSizing(t, spec)
	if !strings.Contains(tuitest.Plain(s.View()), "must be written as CPU units") {
		t.Errorf("the model's complaint about %q is not on screen:\n%s", "1 vCPU", tuitest.Plain(s.View()))
	}
	var done bool
	finish := func(m tea.Msg) tea.Cmd {
		if _, ok := m.(stepDoneMsg); ok {
			done = true
			return nil
		}
		return up(m)
	}
	keys(t, finish, "enter", "enter", "enter", "enter")
	if !done {
		t.Fatal("the step did not finish")
	}
	got := [3]string{e.spec.TaskCPU, e.spec.TaskMemory, e.spec.CPUArchitecture}
	if want := [3]string{"1024", "4096", "ARM64"}; got != want {
		t.Errorf("spec = %q, want %q", got, want)
	}
}

func TestSizingStepShowsAnInvalidPairAndOffersTheNearestMemory(t *testing.T) {
	spec := demoSpec()
	spec.TaskCPU, spec.TaskMemory = "1024", "1536"
	s, e, up := startSizing(t, spec)
	view := tuitest.Plain(s.View())
	if !strings.Contains(view, "1536 MiB is not a Fargate size for 1024 CPU") {
		t.Errorf("the model's error is not on screen:\n%s", view)
	}
	if got := s.form.Field(fieldMem).Value(); got != "2048" {
		t.Errorf("memory under the cursor = %s, want the nearest valid 2048", got)
	}
	goldenFits(t, "sizing-invalid-pair", view)
	keys(t, up, "enter", "enter", "enter", "enter")
	if e.spec.TaskMemory != "2048" {
		t.Errorf("task_memory = %q after accepting, want 2048", e.spec.TaskMemory)
	}
	if strings.Contains(tuitest.Plain(s.View()), "not a Fargate size") {
		t.Error("the error stays on screen after the spec was fixed")
	}
}

func TestSizingStepPricesTheSizeForTheChosenTaskCount(t *testing.T) {
	s, _, up := startSizing(t, demoSpec())
	view := tuitest.Plain(s.View())
	for _, want := range []string{"$18.02/month per task", "$36.04/month for 2 tasks", model.PriceNote} {
		if !strings.Contains(view, want) {
			t.Errorf("the screen does not say %q:\n%s", want, view)
		}
	}
	keys(t, up, "tab", "tab", "tab", "backspace")
	typeText(t, up, "5")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "$90.10/month for 5 tasks") {
		t.Errorf("the estimate does not follow the task count:\n%s", view)
	}
	keys(t, up, "shift+tab", "down") // ARM64
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "$14.42/month per task") {
		t.Errorf("the estimate does not follow the architecture:\n%s", view)
	}
}

func TestSizingStepRefusesATaskCountThatIsNotANumber(t *testing.T) {
	s, _, up := startSizing(t, demoSpec())
	keys(t, up, "tab", "tab", "tab", "backspace")
	typeText(t, up, "x")
	var done bool
	keys(t, func(m tea.Msg) tea.Cmd {
		if _, ok := m.(stepDoneMsg); ok {
			done = true
		}
		return up(m)
	}, "enter")
	if done {
		t.Error("the step finished with a task count of x")
	}
	if view := tuitest.Plain(s.View()); !strings.Contains(view, `"x" is not a whole number`) {
		t.Errorf("no message about the task count:\n%s", view)
	}
}

// A task count that is not one says why under the field as it is typed; the estimate
// keeps the last valid count rather than disappearing.
func TestSizingStepSaysWhyATaskCountIsRefusedAsItIsTyped(t *testing.T) {
	tests := []struct {
		name     string
		typed    string
		want     string // under the field
		estimate string
	}{
		{name: "zero tasks", typed: "0", want: `"0" is not a whole number from 1 to 10,000`, estimate: "$36.04/month for 2 tasks"},
		// Typed a digit at a time: 9999 was the last valid count on the way.
		{name: "a count past any service's", typed: "99999999999999", want: `"99999999999999" is not a whole number from 1 to 10,000`, estimate: "$180182.48/month for 9999 tasks"},
		{name: "a count past any int", typed: "99999999999999999999999", want: "is not a whole number from 1 to 10,000", estimate: "for 9999 tasks"},
		{name: "a word", typed: "two", want: `"two" is not a whole number`, estimate: "$36.04/month for 2 tasks"},
		{name: "nothing typed yet", typed: "", want: "type how many tasks run, a whole number from 1 to 10,000", estimate: "$36.04/month for 2 tasks"},
		{name: "the most it takes", typed: "10000", estimate: "$180200.50/month for 10000 tasks"},
		{name: "one task", typed: "1", estimate: "$18.02/month for 1 task"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, up := startSizing(t, demoSpec())
			keys(t, up, "tab", "tab", "tab", "backspace")
			typeText(t, up, tt.typed)
			view := tuitest.Plain(s.View())
			if tt.want != "" && !strings.Contains(strings.Join(strings.Fields(view), " "), tt.want) {
				t.Errorf("under the field, no %q:\n%s", tt.want, view)
			}
			if tt.want == "" && strings.Contains(view, "✗") {
				t.Errorf("a valid count is refused:\n%s", view)
			}
			if !strings.Contains(view, tt.estimate) {
				t.Errorf("the estimate does not say %q:\n%s", tt.estimate, view)
			}
		})
	}
	t.Run("the screen", func(t *testing.T) {
		s, _, up := startSizing(t, demoSpec())
		keys(t, up, "tab", "tab", "tab", "backspace")
		typeText(t, up, "0")
		goldenFits(t, "sizing-tasks-refused", tuitest.Plain(s.View()))
	})
	t.Run("fixing the count moves the estimate on", func(t *testing.T) {
		s, _, up := startSizing(t, demoSpec())
		keys(t, up, "tab", "tab", "tab", "backspace")
		typeText(t, up, "0")
		keys(t, up, "backspace")
		typeText(t, up, "3")
		view := tuitest.Plain(s.View())
		if strings.Contains(view, "✗") || !strings.Contains(view, "$54.06/month for 3 tasks") {
			t.Errorf("after fixing the count:\n%s", view)
		}
	})
}

func TestSizingStepScreens(t *testing.T) {
	tests := []struct {
		name        string
		environment string
		keys        []string
	}{
		{"sizing-dev", "dev", nil},
		{"sizing-prod-memory", "prod", []string{"tab"}},
		{"sizing-arm64", "dev", []string{"tab", "tab", "down"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, _ := demoSession(t)
			spec := demoSpec()
			spec.Environment = tt.environment
			e := newTestEnv(spec, session)
			s := newSizingStep(e)
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))
			keys(t, up, tt.keys...)
			goldenFits(t, tt.name, tuitest.Plain(s.View()))
		})
	}
}

// goldenFits checks that every line of a screen fits the 98 columns the wizard gives a
// step at 100×30 (the root clips longer lines), then compares it with its golden file.
func goldenFits(t *testing.T, name, view string) {
	t.Helper()
	for i, l := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(l); w > 98 {
			t.Errorf("%s: line %d is %d columns wide; the step has 98:\n%s", name, i+1, w, l)
		}
	}
	tuitest.Golden(t, name, view)
}

// demoImageArchs are the architectures of the demo's images, as the application step
// reads them from ECR.
func demoImageArchs() map[string][]string {
	return map[string][]string{
		demoRepo + ":1.5.0-arm64": {"arm64"},
		demoRepo + ":1.4.2":       {"amd64"},
		demoRepo + ":1.4.0":       {"amd64", "arm64"},
	}
}

func TestSizingStepMatchesTheArchitectureToTheImage(t *testing.T) {
	const preselected = "ARM64 preselected: the image 1.5.0-arm64 runs on arm64 only."
	const armOnly = "⚠ the image 1.5.0-arm64 runs on arm64 only: choose ARM64, or pick an amd64 tag in alt+1 Application"
	tests := []struct {
		name      string
		image     string
		arch      string
		prefilled bool     // the spec came from a file or a draft
		keys      []string // pressed after the step opens
		golden    string
		wantArch  string // under the cursor
		wantLine  string // under Architecture; "" for none
	}{
		{name: "an arm64-only image on the default architecture preselects ARM64 and says why",
			image: "1.5.0-arm64", arch: model.ArchX86_64, golden: "sizing-image-arm64-only",
			wantArch: model.ArchARM64, wantLine: preselected},
		{name: "going back to X86_64 with that image warns under Architecture",
			image: "1.5.0-arm64", arch: model.ArchX86_64, keys: []string{"tab", "tab", "up"}, golden: "sizing-image-mismatch",
			wantArch: model.ArchX86_64, wantLine: armOnly},
		{name: "a spec from a file keeps its architecture and is warned",
			image: "1.5.0-arm64", arch: model.ArchX86_64, prefilled: true,
			wantArch: model.ArchX86_64, wantLine: armOnly},
		{name: "an amd64-only image on ARM64 is warned",
			image: "1.4.2", arch: model.ArchARM64,
			wantArch: model.ArchARM64, wantLine: "⚠ the image 1.4.2 runs on amd64 only: choose X86_64, or pick an arm64 tag in alt+1 Application"},
		{name: "a multi-arch image runs on ARM64: nothing to say",
			image: "1.4.0", arch: model.ArchARM64, wantArch: model.ArchARM64},
		{name: "an image whose architectures are unknown: nothing to say",
			image: "1.4.1", arch: model.ArchARM64, wantArch: model.ArchARM64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := demoSpec()
			spec.ContainerImage, spec.CPUArchitecture = demoRepo+":"+tt.image, tt.arch
			e := newTestEnv(spec, nil)
			e.imageArchs, e.prefilled = demoImageArchs(), tt.prefilled
			s := newSizingStep(e)
			s.useSteps(theWizardsSteps())
			s.SetSize(98, 24)
			up := func(m tea.Msg) tea.Cmd { return s.Update(m) }
			settle(t, up, s.Init(context.Background()))
			keys(t, up, tt.keys...)

			arch := s.form.Field(fieldArch)
			if got := arch.Value(); got != tt.wantArch {
				t.Errorf("architecture under the cursor = %s, want %s", got, tt.wantArch)
			}
			if arch.Status != tt.wantLine {
				t.Errorf("the line under Architecture is %q, want %q", arch.Status, tt.wantLine)
			}
			if warn := strings.HasPrefix(tt.wantLine, "⚠"); arch.StatusIsWarn != warn || arch.StatusIsErr {
				t.Errorf("the line is a warning: %v (error %v), want %v", arch.StatusIsWarn, arch.StatusIsErr, warn)
			}
			if tt.golden != "" {
				goldenFits(t, tt.golden, tuitest.Plain(s.View()))
			}
			var done bool
			keys(t, func(m tea.Msg) tea.Cmd {
				if _, ok := m.(stepDoneMsg); ok {
					done = true
					return nil
				}
				return up(m)
			}, "enter", "enter", "enter", "enter")
			if !done || e.spec.CPUArchitecture != tt.wantArch {
				t.Errorf("after accepting: done %v, cpu_architecture %s, want %s (a warning does not block)", done, e.spec.CPUArchitecture, tt.wantArch)
			}
		})
	}
}

func TestSizingStepKeepsTheSizeAndSaysTheNewPresetWhenTheEnvironmentChanges(t *testing.T) {
	tests := []struct {
		name     string
		change   string // the environment when the step is shown again
		wantNote string // "" when no note is due
	}{
		{"dev to prod keeps the size and says prod's preset", "prod",
			"prod's preset is 2048 CPU / 4096 MiB; enter keeps the current size (512 CPU / 1024 MiB)."},
		{"dev to staging says staging's preset", "staging",
			"staging's preset is 1024 CPU / 2048 MiB; enter keeps the current size (512 CPU / 1024 MiB)."},
		{"the same environment says nothing", "dev", ""},
		{"another environment whose preset is the size says nothing", "qa", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, up := startSizing(t, demoSpec())
			keys(t, up, "enter", "enter", "enter", "enter") // dev: 512/1024 answered
			e.spec.Environment = tt.change
			settle(t, up, s.Init(context.Background()))
			if got := s.size(); got != (model.Size{CPU: 512, Memory: 1024}) {
				t.Errorf("the person's size was replaced: %v", got)
			}
			if got := s.form.Field(fieldCPU).Status; got != tt.wantNote {
				t.Errorf("note under CPU:\n got %q\nwant %q", got, tt.wantNote)
			}
			if tt.wantNote != "" && !strings.Contains(tuitest.Plain(s.View()), tt.wantNote) {
				t.Errorf("the note is not on screen:\n%s", tuitest.Plain(s.View()))
			}
			keys(t, up, "enter") // enter on CPU keeps the size
			if e.spec.TaskCPU != "512" || e.spec.TaskMemory != "1024" {
				t.Errorf("enter on CPU changed the size to %s/%s", e.spec.TaskCPU, e.spec.TaskMemory)
			}
			keys(t, up, "enter", "enter", "enter")
			settle(t, up, s.Init(context.Background()))
			if got := s.form.Field(fieldCPU).Status; got != "" {
				t.Errorf("answered again in %s, the note stays: %q", tt.change, got)
			}
		})
	}
}
