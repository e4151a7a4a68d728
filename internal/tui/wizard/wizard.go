// Package wizard is the interactive flow that turns a person's answers into a spec and a
// task definition: nine steps from the application to registering or exporting it.
package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/draft"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// MinWidth and MinHeight are the smallest terminal the wizard draws in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Options configure a wizard.
type Options struct {
	Spec      model.Spec // the answers to start from (defaults, a spec file, or a draft)
	SpecPath  string     // the spec file given with -f: where "save" writes by default
	Step      int        // the step to open (a resumed draft's)
	Completed []int      // the steps already completed (a resumed draft's)

	Connect Connector // loads the AWS session; nil starts offline
	// Demo starts the built-in demo account; nil means the demo is not offered when
	// there are no credentials.
	Demo Connector

	Drafts *draft.Store // where the draft is saved after every answer; nil saves none
}

// Outcome is what the wizard did, printed after the screen is restored.
type Outcome struct {
	Lines []string
}

// Model is the root of the wizard: it owns navigation, the draft spec, the session and
// the window size, and draws the header and the key help around the current step.
type Model struct {
	env       *env
	styles    tui.Styles
	steps     []step
	current   int
	completed map[int]bool
	cancel    context.CancelFunc // cancels the current step's calls

	width, height int

	connect, demo Connector
	connectID     int64
	connectErr    error     // why the session could not be loaded
	chooser       *tui.Form // no credentials: demo, offline or quit
	spinner       spinner.Model

	drafts    *draft.Store
	saver     *draftSaver
	draftNote string // the last draft failure, shown in the footer

	savePending bool // a draft write is scheduled
	ticking     bool // a spinner tick is on its way

	confirmQuit bool
	outcome     Outcome
	quitting    bool
}

// New builds a wizard.
func New(o Options) *Model {
	spec := o.Spec
	st := tui.NewStyles(true)
	m := &Model{
		env:       &env{spec: &spec, styles: &st, specPath: o.SpecPath},
		completed: map[int]bool{},
		connect:   o.Connect,
		demo:      o.Demo,
		drafts:    o.Drafts,
		spinner:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
	m.styles = st
	if o.Drafts != nil {
		m.saver = &draftSaver{store: *o.Drafts}
	}
	e := m.env
	m.steps = []step{
		newApplicationStep(e),
		newSizingStep(e),
		newDjangoStep(e),
		newSecretsStep(e),
		newIntegrationsStep(e),
		newHardeningStep(e),
		newRuntimeStep(e),
		newReviewStep(e),
		newActStep(e),
	}
	for _, i := range o.Completed {
		if i >= 0 && i < len(m.steps) {
			m.completed[i] = true
		}
	}
	if o.Step > 0 && o.Step < len(m.steps) {
		m.current = o.Step
	}
	if o.Connect == nil {
		m.env.session = &Session{}
	}
	return m
}

// Outcome is what the wizard did, once it has ended.
func (m *Model) Outcome() Outcome { return m.outcome }

// Spec is the answers so far.
func (m *Model) Spec() model.Spec { return *m.env.spec }

// Init draws the first frame at once: the session loads in the background.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.enter(m.current)}
	if m.connect != nil {
		cmds = append(cmds, m.startConnect(m.connect))
	}
	return tea.Batch(cmds...)
}

func (m *Model) startConnect(c Connector) tea.Cmd {
	m.connectID = tui.NewID()
	return tui.Call(context.Background(), m.connectID, func(ctx context.Context) (*Session, error) {
		return c(ctx)
	})
}

// enter shows step i, cancelling the calls of the step it leaves.
func (m *Model) enter(i int) tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.current = i
	m.env.dirty = true // the draft records the step
	s := m.steps[i]
	s.SetSize(m.bodySize())
	return s.Init(ctx)
}

func (m *Model) bodySize() (int, int) {
	return max(0, m.width-2), max(0, m.height-m.chromeHeight())
}

// chromeHeight is the lines the header and footer take.
func (m *Model) chromeHeight() int { return 6 }

// Update routes a message: window and theme changes, the session, navigation keys, and
// everything else to the current step.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if !m.ticking && (m.env.connecting() || m.env.spinWanted) {
		m.ticking = true
		cmd = tea.Batch(cmd, m.spinner.Tick)
	}
	if m.env.dirty && m.saver != nil && !m.savePending && !m.quitting {
		// Steps write every change into the spec; the draft follows a moment later, so a
		// kill -9 loses at most the last keystrokes and typing never waits on the disk.
		m.savePending = true
		cmd = tea.Batch(cmd, tea.Tick(draftDelay, func(time.Time) tea.Msg { return saveDraftMsg{} }))
	}
	return m, cmd
}

// draftDelay is how long after a change the draft is written.
const draftDelay = 200 * time.Millisecond

// saveDraftMsg asks for the draft to be written now.
type saveDraftMsg struct{}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		for _, s := range m.steps {
			s.SetSize(m.bodySize())
		}
		return nil
	case tea.BackgroundColorMsg:
		*m.env.styles = tui.NewStyles(msg.IsDark())
		m.styles = *m.env.styles
		return nil
	case spinner.TickMsg:
		if msg.ID != m.spinner.ID() {
			break // another spinner's
		}
		m.ticking = false
		return m.keepSpinning(msg)
	case tui.Result[*Session]:
		if msg.ID != m.connectID {
			return nil
		}
		return m.connected(msg.Value, msg.Err)
	case saveDraftMsg:
		m.savePending = false
		return m.flushDraft()
	case draftSavedMsg:
		m.draftNote = ""
		if msg.err != nil {
			m.draftNote = "draft not saved: " + msg.err.Error()
		}
		return nil
	case stepDoneMsg:
		m.completed[m.current] = true
		var cmd tea.Cmd
		if m.current+1 < len(m.steps) {
			cmd = m.enter(m.current + 1)
		}
		m.env.dirty = true
		return tea.Batch(cmd, m.flushDraft()) // a completed step is on disk at once
	case finishMsg:
		m.outcome = Outcome{Lines: msg.lines}
		return m.quit()
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m.steps[m.current].Update(msg)
}

func (m *Model) connected(s *Session, err error) tea.Cmd {
	if err != nil {
		m.connectErr = err
		m.env.session = nil
		var opts []tui.Option
		if m.demo != nil {
			opts = append(opts, tui.Option{Value: "demo", Label: "Use the demo account", Note: "a built-in fake AWS account with sample data"})
		}
		opts = append(opts,
			tui.Option{Value: "offline", Label: "Continue offline", Note: "type values instead of picking them; exporting works, registering is off"},
			tui.Option{Value: "quit", Label: "Quit", Note: "fix the credentials and run ecswiz again"},
		)
		m.chooser = tui.NewForm(&tui.Field{Key: "session", Title: "How do you want to go on?", Kind: tui.Choice, Options: opts})
		return nil
	}
	m.connectErr = nil
	m.chooser = nil
	m.env.session = s
	return m.steps[m.current].Connected()
}

func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	if m.confirmQuit {
		switch {
		case key.Matches(k, tui.Keys.Yes), key.Matches(k, tui.Keys.Quit):
			m.outcome = Outcome{Lines: m.quitLines()}
			return m.quit()
		case key.Matches(k, tui.Keys.No), key.Matches(k, tui.Keys.Back):
			m.confirmQuit = false
		}
		return nil
	}
	if key.Matches(k, tui.Keys.Quit) {
		m.confirmQuit = true
		return nil
	}
	if m.chooser != nil {
		if key.Matches(k, tui.Keys.Next) {
			switch m.chooser.Focused().Value() {
			case "demo":
				m.chooser = nil
				m.connectErr = nil
				return m.startConnect(m.demo)
			case "offline":
				m.chooser = nil
				m.env.session = &Session{}
				return m.steps[m.current].Connected()
			default:
				m.outcome = Outcome{Lines: m.quitLines()}
				return m.quit()
			}
		}
		return m.chooser.Update(k)
	}
	if key.Matches(k, tui.Keys.Jump) {
		n := int(k.String()[len(k.String())-1] - '1')
		if n >= 0 && n < len(m.steps) && n != m.current && m.reachable(n) {
			return m.enter(n)
		}
		return nil
	}
	if key.Matches(k, tui.Keys.Back) && !m.steps[m.current].Capturing() {
		if m.current > 0 {
			return m.enter(m.current - 1)
		}
		return nil
	}
	return m.steps[m.current].Update(k)
}

// keepSpinning turns the spinner while the session loads or the last frame drew it.
func (m *Model) keepSpinning(tick spinner.TickMsg) tea.Cmd {
	wanted := m.env.spinWanted || m.env.connecting()
	m.env.spinWanted = false
	if !wanted {
		return nil
	}
	var cmd tea.Cmd
	m.spinner, cmd = m.spinner.Update(tick)
	m.env.spinFrame = m.spinner.View()
	m.ticking = true
	return cmd
}

// reachable reports whether step n may be jumped to: it is completed, or every step
// before it is.
func (m *Model) reachable(n int) bool {
	if m.completed[n] {
		return true
	}
	for i := range n {
		if !m.completed[i] {
			return false
		}
	}
	return true
}

func (m *Model) quitLines() []string {
	if m.drafts == nil {
		return nil
	}
	return []string{"Your answers are saved as a draft: `ecswiz --resume` continues where you left off."}
}

// View draws the header, the step (or a dialog over it) and the key help.
func (m *Model) View() tea.View {
	v := tea.NewView(m.view())
	v.AltScreen = true
	v.WindowTitle = "ecswiz"
	return v
}

func (m *Model) view() string {
	st := m.styles
	if m.quitting {
		return ""
	}
	if m.width == 0 {
		return "" // the size is not known yet; it arrives before any key
	}
	if m.width < MinWidth || m.height < MinHeight {
		return st.Warning.Render(fmt.Sprintf(
			"ecswiz needs a terminal of at least %d×%d; this one is %d×%d.\nEnlarge the window (or press ctrl+c to quit).",
			MinWidth, MinHeight, m.width, m.height))
	}
	w, h := m.bodySize()
	var body string
	switch {
	case m.confirmQuit:
		body = st.Box.Render(st.Title.Render("Quit ecswiz?") + "\n\n" +
			strings.Join(append(m.quitLines(), "Nothing is registered or exported that you have not confirmed."), "\n") +
			"\n\n" + st.Help.Render("y quit · n stay"))
	case m.chooser != nil:
		body = st.Box.Render(st.Error.Render("No AWS session: "+tui.ErrorLine(m.connectErr)) + "\n\n" + m.chooser.View(st))
	default:
		body = m.steps[m.current].View()
	}
	body = lipgloss.NewStyle().MaxWidth(w).MaxHeight(h).Render(body)
	body = lipgloss.PlaceVertical(h, lipgloss.Top, body)
	return lipgloss.JoinVertical(lipgloss.Left, m.header(), "", lipgloss.NewStyle().PaddingLeft(1).Render(body), m.footer())
}

func (m *Model) header() string {
	st := m.styles
	var crumbs []string
	for i, s := range m.steps {
		label := fmt.Sprintf("%d %s", i+1, s.Title())
		switch {
		case i == m.current:
			label = st.CrumbNow.Render(label)
		case m.completed[i]:
			label = st.CrumbDone.Render("✓" + label)
		default:
			label = st.Crumb.Render(label)
		}
		crumbs = append(crumbs, label)
	}
	line := st.Title.Render("ecswiz") + "  " + strings.Join(crumbs, st.Crumb.Render(" › "))
	if lipgloss.Width(line) > m.width {
		// Too narrow for every title: the others become their numbers.
		crumbs = crumbs[:0]
		for i, s := range m.steps {
			switch {
			case i == m.current:
				crumbs = append(crumbs, st.CrumbNow.Render(fmt.Sprintf("%d %s", i+1, s.Title())))
			case m.completed[i]:
				crumbs = append(crumbs, st.CrumbDone.Render(fmt.Sprintf("✓%d", i+1)))
			default:
				crumbs = append(crumbs, st.Crumb.Render(fmt.Sprint(i+1)))
			}
		}
		line = st.Title.Render("ecswiz") + "  " + strings.Join(crumbs, st.Crumb.Render(" · "))
	}
	return lipgloss.NewStyle().MaxWidth(m.width).Render(line) + "\n" + m.contextLine()
}

// contextLine says which AWS the wizard talks to.
func (m *Model) contextLine() string {
	st := m.styles
	s := m.env.session
	switch {
	case m.connectErr != nil:
		return st.Error.Render("AWS  not connected")
	case s == nil:
		return st.Context.Render("AWS  " + m.env.spin() + " loading profile, Region and account…")
	case s.Offline():
		return st.Warning.Render("AWS  offline: typed values only, registering is off")
	}
	var parts []string
	if s.Demo {
		parts = append(parts, st.Warning.Render("demo account"))
	} else if s.Profile != "" {
		parts = append(parts, "profile "+s.Profile)
	}
	parts = append(parts, s.Region, s.Account)
	if s.Caller != "" {
		parts = append(parts, s.Caller)
	}
	return lipgloss.NewStyle().MaxWidth(m.width).Render(st.Context.Render("AWS  " + strings.Join(parts, " · ")))
}

func (m *Model) footer() string {
	st := m.styles
	var bindings []key.Binding
	if m.chooser == nil && !m.confirmQuit {
		bindings = append(bindings, m.steps[m.current].Help()...)
		bindings = append(bindings, tui.Keys.Back, tui.Keys.Jump)
	}
	bindings = append(bindings, tui.Keys.Quit)
	var parts []string
	for _, b := range bindings {
		h := b.Help()
		parts = append(parts, h.Key+" "+h.Desc)
	}
	line := st.Help.Render(strings.Join(parts, " · "))
	note := ""
	if m.draftNote != "" {
		note = st.Error.Render(m.draftNote)
	}
	return note + "\n" + lipgloss.NewStyle().MaxWidth(m.width).Render(line)
}

// finishMsg ends the wizard with lines to print once the screen is restored.
type finishMsg struct{ lines []string }

// draftSavedMsg reports a draft write.
type draftSavedMsg struct{ err error }

// draftSaver writes drafts one at a time, newest last: a slow disk never reorders them.
type draftSaver struct {
	store draft.Store
	mu    sync.Mutex
	seq   int64
	saved int64
}

// quit writes the draft, then ends the program.
func (m *Model) quit() tea.Cmd {
	m.quitting = true
	if m.cancel != nil {
		m.cancel()
	}
	return tea.Sequence(m.flushDraft(), tea.Quit)
}

// flushDraft writes the draft now if anything changed.
func (m *Model) flushDraft() tea.Cmd {
	if m.saver == nil || !m.env.dirty {
		return nil
	}
	m.env.dirty = false
	return m.saveDraft()
}

func (m *Model) saveDraft() tea.Cmd {
	completed := make([]int, 0, len(m.completed))
	for i := range m.steps {
		if m.completed[i] {
			completed = append(completed, i)
		}
	}
	// Encoding is pure and happens here, so the command holds no reference to the spec.
	content := draft.Encode(draft.Draft{Spec: *m.env.spec, Step: m.current, Completed: completed, Source: m.env.specPath})
	s := m.saver
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	return func() tea.Msg {
		s.mu.Lock()
		defer s.mu.Unlock()
		if seq < s.saved {
			return nil // a newer draft is on disk already
		}
		s.saved = seq
		return draftSavedMsg{err: s.store.Save(content)}
	}
}

// errorLine is the one-line form of a failure, for steps.
func errorLine(err error) string { return tui.ErrorLine(err) }

// isNotFound reports an AWS "not found".
func isNotFound(err error) bool { return errors.Is(err, aws.KindNotFound) }
