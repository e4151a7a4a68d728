package wizard

import (
	"context"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// The root's tests drive the whole wizard in-process: a key goes to Model.Update, and
// the commands it returns run at once, their messages going back to Update. Spinner
// ticks are dropped (the spinner would turn for ever while a session loads).

// rootHarness drives a root Model.
type rootHarness struct {
	t    *testing.T
	m    *Model
	quit bool // a tea.Quit came out
}

// newRoot builds a wizard from o, with steps instead of the real ones when given, runs
// its Init and sizes it to 100×30.
func newRoot(t *testing.T, o Options, steps ...step) *rootHarness {
	t.Helper()
	h := &rootHarness{t: t, m: New(o)}
	if len(steps) > 0 {
		h.m.steps = steps
		for _, s := range steps {
			if f, ok := s.(*fakeStep); ok {
				f.env = h.m.env
			}
		}
	}
	h.run(h.m.Init())
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	return h
}

// send delivers msg and runs what follows from it.
func (h *rootHarness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// press presses each key in turn.
func (h *rootHarness) press(ks ...string) {
	h.t.Helper()
	for _, k := range ks {
		h.send(tuitest.Press(k))
	}
}

// screen is the view without colours.
func (h *rootHarness) screen() string { return tuitest.Plain(h.m.view()) }

// run runs cmd and every command that follows from it, in order.
func (h *rootHarness) run(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			h.t.Fatal("commands never stop coming")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := tuitest.RunCmd(h.t, c)
		if cmds, ok := tui.Commands(msg); ok {
			// A batch or a sequence: run in order, which a sequence needs and a batch allows.
			queue = append(cmds, queue...)
			continue
		}
		switch msg.(type) {
		case nil, spinner.TickMsg:
			continue
		case tea.QuitMsg:
			h.quit = true
			continue
		}
		if libraryMsg(msg) {
			continue
		}
		_, next := h.m.Update(msg)
		queue = append(queue, next)
	}
}

// fakeStep is a step the root's tests control: Enter completes it, "x" changes the spec,
// and it records what the root asked of it.
type fakeStep struct {
	env       *env
	title     string
	capturing bool // Esc belongs to the step
	form      *tui.Form

	inits, connects int
	ctx             context.Context
	width, height   int
	got             []string // the keys that reached the step
}

func newFakeSteps(titles ...string) []step {
	steps := make([]step, len(titles))
	for i, t := range titles {
		steps[i] = &fakeStep{title: t}
	}
	return steps
}

// nineFakeSteps has the wizard's nine titles.
func nineFakeSteps() []step {
	return newFakeSteps("Application", "Sizing", "Django", "Secrets", "Integrations", "Hardening", "Runtime", "Review", "Act")
}

func (s *fakeStep) Title() string { return s.title }
func (s *fakeStep) Init(ctx context.Context) tea.Cmd {
	s.inits++
	s.ctx = ctx
	return nil
}
func (s *fakeStep) Connected() tea.Cmd { s.connects++; return nil }
func (s *fakeStep) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		s.got = append(s.got, msg.String())
		switch {
		case key.Matches(msg, tui.Keys.Next):
			return stepDone
		case msg.String() == "x":
			s.env.update(func(sp *model.Spec) { sp.AppName += "x" })
		}
	case tui.FormDoneMsg:
		return stepDone
	}
	return nil
}
func (s *fakeStep) View() string {
	if s.form != nil {
		return s.title + "\n\n" + s.form.View(*s.env.styles)
	}
	return s.title + "\n\nthe " + strings.ToLower(s.title) + " step's body"
}
func (s *fakeStep) SetSize(w, h int)    { s.width, s.height = w, h }
func (s *fakeStep) Capturing() bool     { return s.capturing }
func (s *fakeStep) Help() []key.Binding { return []key.Binding{tui.Keys.Next} }

// Form makes the fake a form step for the accessible mode when it has a form.
func (s *fakeStep) Form() *tui.Form { return s.form }
