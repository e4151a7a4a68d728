// Package wizard is the interactive flow that turns a person's answers into a spec and a
// task definition: nine steps from the application to registering or exporting it.
package wizard

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/deploy"
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
	// PreviousDraft is when the draft in Drafts was saved, when there is one this wizard
	// does not continue (it started afresh). The wizard leaves that draft alone until the
	// person answers something, then moves it to draft.previous-TIME.tfvars before saving its
	// own, and says so. Zero means there is none.
	PreviousDraft time.Time

	// Field opens the wizard at the step that answers this spec variable ("task_memory"):
	// the troubleshooter's "fix in wizard". The steps the spec already answers count as
	// done, so Review is a jump away.
	Field string
	// Rollout is the service a fix is for: after registering, Act shows the diff from
	// the revision the service runs (Rollout.Running) and the line that rolls it.
	Rollout *deploy.Service
	// Note is said on the first screen: why the wizard opened where it did.
	Note string

	// Log receives the wizard's events (steps, session, drafts), never an answer's
	// value. nil logs nothing.
	Log *slog.Logger
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
	log       *slog.Logger

	width, height int
	profile       colorprofile.Profile // the terminal's colours, once the program said
	profileKnown  bool

	connect, demo Connector
	connectID     int64
	connectErr    error     // why the session could not be loaded
	chooser       *tui.Form // no credentials: demo, offline or quit
	spinner       spinner.Model

	drafts *draft.Store
	saver  *draftSaver
	// answered is set once a key of the person changed the spec (not a suggestion the
	// wizard filled in): from then on drafts are saved.
	answered bool

	connectCancel context.CancelFunc // cancels the session being loaded
	gen           int                // counts the steps shown; a step's messages carry it
	// draftNote is the footer's line about drafts: an earlier draft, or a failure.
	draftNote      string
	draftNoteIsErr bool
	previousPath   string // where the earlier draft was moved aside, once it was
	previousDraft  time.Time

	savePending bool // a draft write is scheduled
	// draftDone is set once the wizard did its job (registered, exported or saved the
	// spec): the draft is removed then, and stays removed until an answer changes
	// (doneEdits is the count of changes at that moment).
	draftDone bool
	doneEdits int
	ticking   bool // a spinner tick is on its way

	notice string // a one-key message in the footer ("step 5 opens once…")

	// focusField is the field the first step shown focuses (Options.Field).
	focusField string

	confirmQuit bool
	outcome     Outcome
	quitting    bool
}

// New builds a wizard.
func New(o Options) *Model {
	spec := o.Spec
	st := tui.NewStyles(true)
	m := &Model{
		env: &env{spec: &spec, styles: &st, specPath: o.SpecPath, rollout: o.Rollout,
			prefilled: o.SpecPath != "" || o.Step > 0 || len(o.Completed) > 0 || o.Field != ""},
		completed:     map[int]bool{},
		connect:       o.Connect,
		demo:          o.Demo,
		drafts:        o.Drafts,
		spinner:       spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		log:           o.Log,
		previousDraft: o.PreviousDraft,
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	m.env.log = m.log
	m.styles = st
	if o.Drafts != nil {
		m.saver = &draftSaver{store: *o.Drafts, keepPrevious: !o.PreviousDraft.IsZero()}
	}
	if !o.PreviousDraft.IsZero() {
		m.draftNote = "Your draft of " + o.PreviousDraft.Format("2 Jan 15:04") +
			" is untouched: quit and run `ecswiz --resume` to continue it."
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
	shareSteps(m.steps)

	for _, i := range o.Completed {
		if i >= 0 && i < len(m.steps) {
			m.completed[i] = true
		}
	}
	if (o.SpecPath != "" || o.Field != "") && len(o.Completed) == 0 {
		m.completeAnswered()
	}
	if o.Step > 0 && o.Step < len(m.steps) {
		m.current = o.Step
	}
	if i := wizardSteps(m.steps).owning(o.Field); i >= 0 {
		m.current, m.focusField = i, variableOf(o.Field)
		for j := range i {
			m.completed[j] = true // reachable, so Esc and the jumps work from here
		}
	}
	if o.Note != "" {
		m.draftNote = strings.TrimSpace(o.Note + " " + m.draftNote)
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
	m.log.Info("wizard started", "step", m.steps[m.current].Title(), "completed", len(m.completed), "offline", m.connect == nil)
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.show(m.current)}
	if m.connect != nil {
		cmds = append(cmds, m.startConnect(m.connect, "session"))
	}
	return tea.Batch(cmds...)
}

func (m *Model) startConnect(c Connector, what string) tea.Cmd {
	m.connectID = tui.NewID()
	log := m.log
	if m.connectCancel != nil {
		m.connectCancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.connectCancel = cancel // quitting cancels a session still loading
	return tui.Call(ctx, m.connectID, func(ctx context.Context) (*Session, error) {
		start := time.Now()
		s, err := c(ctx)
		if err != nil {
			log.Warn("AWS "+what+" not loaded", "error", tui.ErrorLine(err), "took", time.Since(start))
		} else {
			log.Info("AWS "+what+" loaded", "region", s.Region, "demo", s.Demo, "took", time.Since(start))
		}
		return s, err
	})
}

// completeAnswered marks done the steps a spec file already answers: those before
// Review whose fields have no blocking finding. Someone who opens a finished spec with
// -f can then go straight to Review (alt+8) instead of pressing Enter through every field.
func (m *Model) completeAnswered() {
	findings := model.Validate(*m.env.spec).Errors()
	for i, s := range m.steps {
		owner, ok := s.(fieldOwner)
		if _, review := s.(*reviewStep); review || !ok {
			return // Review is where the person looks before acting: never skipped
		}
		for _, f := range findings {
			if owner.Owns(variableOf(f.Field)) {
				return // this step needs an answer, and so do the ones after it
			}
		}
		m.completed[i] = true
	}
}

// enter moves to step i (the person navigated), cancelling the calls of the step it
// leaves; the draft records the new step.
func (m *Model) enter(i int, how string) tea.Cmd {
	if !m.draftNoteIsErr {
		m.draftNote = "" // said on the first screen; the quit dialog says it again
	}
	m.log.Info("step", "to", m.steps[i].Title(), "from", m.steps[m.current].Title(), "by", how)
	m.env.dirty = true
	return m.show(i)
}

// show shows step i.
func (m *Model) show(i int) tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.current = i
	m.gen++
	s := m.steps[i]
	s.SetSize(m.bodySize())
	cmd := m.tag(s.Init(ctx))
	if fs, ok := s.(formStep); ok && m.focusField != "" {
		if f := fs.Form(); f != nil {
			f.FocusKey(m.focusField)
		}
	}
	m.focusField = "" // only the first time: the person moves the focus after that
	return cmd
}

// stepMsg is a message a step's command produced while the step was shown for the
// gen-th time. The root drops it once another step is shown: a late "done" or a late
// answer never lands on the step the person has moved to.
type stepMsg struct {
	gen int
	msg tea.Msg
}

// tag marks the messages of cmd, a command of the current step, with its generation.
func (m *Model) tag(cmd tea.Cmd) tea.Cmd { return tagged(m.gen, cmd) }

func tagged(gen int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(msg))
			for i, c := range msg {
				out[i] = tagged(gen, c)
			}
			return out
		default:
			if reflect.TypeOf(msg).PkgPath() == teaPackage {
				return msg // a request to Bubble Tea itself (a window title, a clear)
			}
			return stepMsg{gen: gen, msg: msg}
		}
	}
}

var teaPackage = reflect.TypeOf(tea.QuitMsg{}).PkgPath()

func (m *Model) bodySize() (int, int) {
	return max(0, m.width-2), max(0, m.height-m.chromeHeight())
}

// chromeHeight is the lines the header and footer take (with one spare line, so a
// terminal that scrolls on its last line never loses the header).
func (m *Model) chromeHeight() int { return 6 }

// tooSmall reports whether the window is under MinWidth×MinHeight.
func (m *Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// loading reports whether the session is on its way (the spinner turns for it).
func (m *Model) loading() bool { return m.env.session == nil && m.chooser == nil }

// Update routes a message: window and theme changes, the session, navigation keys, and
// everything else to the current step.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if m.draftDone {
		if m.env.edits == m.doneEdits {
			m.env.dirty = false // looking around after the job is done brings no draft back
		} else {
			m.draftDone = false // new answers: saved again
		}
	}
	if m.quitting {
		return m, cmd
	}
	if !m.ticking && (m.loading() || m.env.spinWanted) {
		m.ticking = true
		cmd = tea.Batch(cmd, m.spinner.Tick)
	}
	if m.env.dirty && m.saving() && !m.savePending {
		// Steps write every change into the spec; the draft follows a moment later, so a
		// kill -9 loses at most the last keystrokes and typing never waits on the disk.
		m.savePending = true
		cmd = tea.Batch(cmd, tea.Tick(draftDelay, func(time.Time) tea.Msg { return saveDraftMsg{} }))
	}
	return m, cmd
}

// saving reports whether drafts are written: there is a store, and the person has
// answered something (a wizard opened and closed untouched writes nothing, so it never
// displaces an earlier draft).
func (m *Model) saving() bool { return m.saver != nil && m.answered }

// draftDelay is how long after a change the draft is written.
const draftDelay = 200 * time.Millisecond

// saveDraftMsg asks for the draft to be written now.
type saveDraftMsg struct{}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		if m.chooser != nil {
			m.chooser.SetWidth(m.chooserWidth())
		}
		for _, s := range m.steps {
			s.SetSize(m.bodySize())
		}
		return nil
	case tea.BackgroundColorMsg:
		*m.env.styles = tui.NewStyles(msg.IsDark())
		m.styles = *m.env.styles
		return nil
	case tea.ColorProfileMsg:
		// The first is the profile the program started with; a later one (true colour
		// found after the first frame) redraws the screen, which is otherwise redrawn
		// only where its text changes.
		changed := m.profileKnown && msg.Profile != m.profile
		m.profile, m.profileKnown = msg.Profile, true
		if changed {
			return tea.ClearScreen
		}
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
		m.drafted(msg)
		return nil
	case actedMsg:
		return m.finishDraft()
	case draftRemovedMsg:
		switch {
		case msg.err != nil:
			m.log.Warn("draft not removed", "error", msg.err)
			m.draftNote, m.draftNoteIsErr = "Draft not removed: "+msg.err.Error(), true
		case msg.removed:
			m.log.Info("draft removed: the wizard did its job", "path", m.saver.store.Path())
		}
		return nil
	case stepDoneMsg:
		m.completed[m.current] = true
		m.log.Info("step completed", "step", m.steps[m.current].Title())
		m.env.dirty = true
		var cmd tea.Cmd
		if m.current+1 < len(m.steps) {
			cmd = m.enter(m.current+1, "next")
		}
		return tea.Batch(cmd, m.flushDraft()) // a completed step is on disk at once
	case finishMsg:
		m.outcome = Outcome{Lines: append(msg.lines, m.quitLines()...)}
		m.log.Info("wizard finished", "outcome", strings.Join(msg.lines, " | "))
		return m.quit()
	case tea.KeyPressMsg:
		return m.key(msg)
	case stepMsg:
		if msg.gen != m.gen {
			m.log.Debug("a left step's message dropped", "type", fmt.Sprintf("%T", msg.msg))
			return nil
		}
		return m.update(msg.msg)
	}
	return m.tag(m.steps[m.current].Update(msg))
}

func (m *Model) drafted(msg draftSavedMsg) {
	if msg.err != nil {
		m.log.Warn("draft not saved", "error", msg.err)
		m.draftNote, m.draftNoteIsErr = "Draft not saved: "+msg.err.Error(), true
		return
	}
	m.log.Debug("draft saved", "path", m.saver.store.Path())
	switch {
	case msg.keptPrevious != "":
		m.previousPath = msg.keptPrevious
		m.log.Info("earlier draft kept", "path", m.previousPath)
		m.draftNote, m.draftNoteIsErr = "Your earlier draft is kept as "+filepath.Base(m.previousPath)+" beside the new one (`ecswiz -f` opens it).", false
	case m.draftNoteIsErr:
		m.draftNote, m.draftNoteIsErr = "", false // saving works again
	case m.previousPath == "" && !m.previousDraft.IsZero():
		// The earlier draft vanished before the first save: "untouched" is no longer true.
		m.draftNote = ""
	}
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
			tui.Option{Value: "offline", Label: "Continue offline", Note: "type values instead of picking; export works, register is off"},
			tui.Option{Value: "quit", Label: "Quit", Note: "fix the AWS setup and run ecswiz again"},
		)
		m.chooser = tui.NewForm(&tui.Field{Key: "session", Title: "How do you want to go on?", Kind: tui.Choice, Options: opts})
		m.chooser.SetWidth(m.chooserWidth())
		return nil
	}
	m.connectErr = nil
	m.chooser = nil
	m.env.session = s
	return m.tag(m.steps[m.current].Connected())
}

// actedLines are what Act did (registrations, files), for the summary of a wizard quit
// with Ctrl-C rather than from Act's menu; none when it did nothing.
func (m *Model) actedLines() []string {
	for _, s := range m.steps {
		if a, ok := s.(*actStep); ok && (len(a.done) > 0 || a.registering) {
			return a.summaryLines()
		}
	}
	return nil
}

func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	if m.quitting {
		return nil
	}
	if m.confirmQuit {
		switch {
		case key.Matches(k, tui.Keys.Yes), key.Matches(k, tui.Keys.Quit):
			m.log.Info("quit")
			m.outcome = Outcome{Lines: append(m.actedLines(), m.quitLines()...)}
			return m.quit()
		case key.Matches(k, tui.Keys.No), key.Matches(k, tui.Keys.Back):
			m.confirmQuit = false
		}
		return nil
	}
	if key.Matches(k, tui.Keys.Quit) {
		m.log.Debug("quit asked")
		m.confirmQuit = true
		return nil
	}
	if m.tooSmall() {
		return nil // nothing to type into that cannot be seen
	}
	if m.chooser != nil {
		return m.choose(k)
	}
	m.notice = ""
	if key.Matches(k, tui.Keys.Jump) && !m.steps[m.current].Capturing() {
		n := int(k.String()[len(k.String())-1] - '1')
		switch {
		case n < 0 || n >= len(m.steps) || n == m.current:
		case m.reachable(n):
			return m.enter(n, "jump")
		default:
			m.notice = fmt.Sprintf("Step %d (%s) opens once the steps before it are done.", n+1, m.steps[n].Title())
		}
		return nil
	}
	if key.Matches(k, tui.Keys.Back) && !m.steps[m.current].Capturing() {
		if m.current > 0 {
			return m.enter(m.current-1, "back")
		}
		return nil
	}
	edits := m.env.edits
	cmd := m.tag(m.steps[m.current].Update(k))
	if m.env.edits != edits {
		m.answered = true
	}
	return cmd
}

// choose handles a key on the no-credentials chooser.
func (m *Model) choose(k tea.KeyPressMsg) tea.Cmd {
	if !key.Matches(k, tui.Keys.Next) {
		return m.chooser.Update(k)
	}
	choice := m.chooser.Focused().Value()
	m.log.Info("no AWS session: chosen", "choice", choice)
	switch choice {
	case "demo":
		m.chooser = nil
		m.connectErr = nil
		return m.startConnect(m.demo, "demo session")
	case "offline":
		m.chooser = nil
		m.connectErr = nil
		m.env.session = &Session{}
		return m.tag(m.steps[m.current].Connected())
	default:
		lines := []string{"No AWS session: " + tui.ErrorLine(m.connectErr)}
		m.outcome = Outcome{Lines: append(lines, m.quitLines()...)}
		return m.quit()
	}
}

// keepSpinning turns the spinner while the session loads or the last frame drew it.
func (m *Model) keepSpinning(tick spinner.TickMsg) tea.Cmd {
	wanted := m.env.spinWanted || m.loading()
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

// quitLines say what becomes of the answers when the wizard ends now.
func (m *Model) quitLines() []string {
	if m.saver == nil {
		return nil
	}
	var lines []string
	switch {
	case m.draftDone && m.saving():
		lines = append(lines, "Your draft is removed: what you registered, exported or saved holds your answers.")
	case m.saving():
		lines = append(lines, "Your answers are saved as a draft: `"+m.saver.store.ResumeCommand()+"` continues where you left off.")
	case !m.previousDraft.IsZero():
		lines = append(lines, "Your earlier draft is untouched: `ecswiz --resume` continues it.")
	}
	if p := m.previousPath; p != "" {
		lines = append(lines, "The draft you had before is kept as "+p+" (`ecswiz -f "+p+"` opens it).")
	}
	return lines
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
	if m.tooSmall() {
		return m.tooSmallView()
	}
	w, h := m.bodySize()
	var body string
	switch {
	case m.confirmQuit:
		body = m.box(m.quitDialog(), w)
	case m.chooser != nil:
		body = m.box(st.Error.Render("No AWS session: "+tui.ErrorLine(m.connectErr))+"\n\n"+m.chooser.View(st), w)
	default:
		body = m.steps[m.current].View()
	}
	body = lipgloss.NewStyle().MaxWidth(w).MaxHeight(h).Render(body)
	body = lipgloss.PlaceVertical(h, lipgloss.Top, body)
	return lipgloss.JoinVertical(lipgloss.Left, m.header(), "", lipgloss.NewStyle().PaddingLeft(1).Render(body), m.footer())
}

// tooSmallView asks for room instead of drawing a screen that does not fit.
func (m *Model) tooSmallView() string {
	st := m.styles
	wrap := lipgloss.NewStyle().Width(m.width)
	help := m.helpLine(tui.Keys.Quit)
	if m.confirmQuit {
		help = st.Title.Render("Quit ecswiz?") + " " + m.helpLine(yesQuit, noStay)
	}
	text := wrap.Render(st.Warning.Render(fmt.Sprintf("ecswiz needs a window of at least %d×%d; this one is %d×%d.", MinWidth, MinHeight, m.width, m.height))) +
		"\n" + wrap.Render(help) +
		"\n\n" + wrap.Render("Enlarge it and the wizard comes back where you were.")
	return lipgloss.NewStyle().MaxWidth(m.width).MaxHeight(m.height).Render(text)
}

func (m *Model) quitDialog() string {
	lines := append(m.quitLines(), "Nothing is registered or exported that you have not confirmed.")
	return m.styles.Title.Render("Quit ecswiz?") + "\n\n" + strings.Join(lines, "\n")
}

// box frames a dialog, wrapping it to fit width.
func (m *Model) box(content string, width int) string {
	b := m.styles.Box
	if lipgloss.Width(b.Render(content)) > width {
		b = b.Width(width)
	}
	return b.Render(content)
}

var (
	yesQuit = key.NewBinding(key.WithKeys(tui.Keys.Yes.Keys()...), key.WithHelp(tui.Keys.Yes.Help().Key, "quit"))
	noStay  = key.NewBinding(key.WithKeys(tui.Keys.No.Keys()...), key.WithHelp(tui.Keys.No.Help().Key+"/"+tui.Keys.Back.Help().Key, "stay"))
)

func (m *Model) helpLine(bindings ...key.Binding) string {
	parts := make([]string, 0, len(bindings))
	for _, b := range bindings {
		h := b.Help()
		parts = append(parts, h.Key+" "+h.Desc)
	}
	return m.styles.Help.Render(strings.Join(parts, " · "))
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

// chooserWidth is the width inside the chooser's box (borders and padding take 4).
func (m *Model) chooserWidth() int {
	w, _ := m.bodySize()
	return max(20, w-4)
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
	// The caller's ARN goes last: cut with "…" when the line is too long.
	line := "AWS  " + strings.Join(parts, " · ")
	if m.width > 0 { // 0 in accessible mode: no screen to fit
		line = ansi.Truncate(line, m.width, "…")
	}
	return st.Context.Render(line)
}

func (m *Model) footer() string {
	st := m.styles
	var own, global []key.Binding
	switch {
	case m.confirmQuit:
		global = []key.Binding{yesQuit, noStay}
	case m.chooser != nil:
		own = []key.Binding{tui.Keys.Up, tui.Keys.Down, chooseKey}
		global = []key.Binding{tui.Keys.Quit}
	case m.steps[m.current].Capturing():
		// Esc cancels the step's dialog or typing (its Help says so), not the step.
		own = m.steps[m.current].Help()
		global = []key.Binding{tui.Keys.Quit}
	default:
		own = m.steps[m.current].Help()
		global = []key.Binding{tui.Keys.Back, tui.Keys.Jump, tui.Keys.Quit}
	}
	clip := lipgloss.NewStyle().MaxWidth(m.width)
	if m.notice != "" {
		return clip.Render(st.Warning.Render(m.notice)) + "\n" + m.helpLines(own, global, 1)[0]
	}
	if m.draftNote != "" {
		style := st.Muted
		if m.draftNoteIsErr {
			style = st.Error
		}
		return clip.Render(style.Render(m.draftNote)) + "\n" + m.helpLines(own, global, 1)[0]
	}
	lines := m.helpLines(own, global, 2)
	if len(lines) == 1 {
		return "\n" + lines[0]
	}
	return lines[0] + "\n" + lines[1]
}

// helpLines lays the keys' help out in at most n lines of the window's width. The
// wizard's own keys (back, jump, quit) always show; when the step's do not all fit, the
// last ones give way to "…".
func (m *Model) helpLines(own, global []key.Binding, n int) []string {
	text := func(bs []key.Binding) []string {
		var parts []string
		for _, b := range bs {
			h := b.Help()
			parts = append(parts, h.Key+" "+h.Desc)
		}
		return parts
	}
	ownParts, globalParts := text(own), text(global)
	for cut := len(ownParts); cut >= 0; cut-- {
		parts := append(slices.Clone(ownParts[:cut]), globalParts...)
		if cut < len(ownParts) {
			parts = append(slices.Clone(ownParts[:cut]), append([]string{"…"}, globalParts...)...)
		}
		if lines := layOut(parts, m.width, " · "); len(lines) <= n {
			for i, l := range lines {
				lines[i] = m.styles.Help.Render(l)
			}
			return lines
		}
	}
	return []string{lipgloss.NewStyle().MaxWidth(m.width).Render(m.styles.Help.Render(strings.Join(globalParts, " · ")))}
}

// layOut fills lines of width with parts joined by sep, never splitting a part.
func layOut(parts []string, width int, sep string) []string {
	var lines []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case lipgloss.Width(line+sep+p) <= width:
			line += sep + p
		default:
			lines = append(lines, line)
			line = p
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	for _, l := range lines {
		if lipgloss.Width(l) > width {
			return append(lines, "") // a part wider than the window: never fits
		}
	}
	return lines
}

var chooseKey = key.NewBinding(key.WithKeys(tui.Keys.Next.Keys()...), key.WithHelp(tui.Keys.Next.Help().Key, "choose"))

// finishMsg ends the wizard with lines to print once the screen is restored.
type finishMsg struct{ lines []string }

// draftSavedMsg reports a draft write.
type draftSavedMsg struct {
	err          error
	keptPrevious string // where the earlier draft was moved aside first, if it was
}

// draftSaver writes drafts one at a time, newest last: a slow disk never reorders them.
type draftSaver struct {
	store draft.Store
	// keepPrevious: the draft on disk is not this wizard's; the first save moves it to
	// draft.previous-TIME.tfvars instead of replacing it.
	keepPrevious bool

	mu    sync.Mutex
	seq   int64
	saved int64
}

// save writes content unless a newer draft (seq) is on disk already.
func (s *draftSaver) save(seq int64, content []byte) draftSavedMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq < s.saved {
		return draftSavedMsg{} // a newer draft is on disk already
	}
	s.saved = seq
	var msg draftSavedMsg
	if s.keepPrevious {
		kept, err := s.store.KeepPrevious()
		if err != nil {
			return draftSavedMsg{err: err}
		}
		s.keepPrevious = false
		msg.keptPrevious = kept
	}
	msg.err = s.store.Save(content)
	return msg
}

// current is the number of the last draft encoded.
func (s *draftSaver) current() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq
}

// finish removes the draft once the wizard did its job, so `ecswiz --resume` never
// reopens a finished wizard and the next wizard has no draft to move aside. The saves
// of drafts encoded up to upTo are dropped, so none brings it back; a draft encoded
// after (an answer changed since) is kept. A draft on disk that is not this wizard's
// (it never saved one) stays.
func (s *draftSaver) finish(upTo int64) (removed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keepPrevious || s.seq > upTo {
		return false, nil
	}
	s.saved = max(s.saved, upTo+1)
	return true, s.store.Remove()
}

// actedMsg says the Act step registered the task definition, exported it or saved the
// spec: the wizard did its job.
type actedMsg struct{}

func acted() tea.Msg { return actedMsg{} }

// draftRemovedMsg reports the removal of the draft of a wizard that did its job.
type draftRemovedMsg struct {
	removed bool
	err     error
}

// finishDraft removes the draft in a command: the wizard did its job.
func (m *Model) finishDraft() tea.Cmd {
	if m.saver == nil {
		return nil
	}
	m.draftDone, m.doneEdits = true, m.env.edits
	m.env.dirty = false
	s, upTo := m.saver, m.saver.current()
	return func() tea.Msg {
		removed, err := s.finish(upTo)
		return draftRemovedMsg{removed: removed, err: err}
	}
}

// quit writes the draft, then ends the program.
func (m *Model) quit() tea.Cmd {
	m.quitting = true
	if m.cancel != nil {
		m.cancel()
	}
	if m.connectCancel != nil {
		m.connectCancel()
	}
	return tea.Sequence(m.flushDraft(), tea.Quit)
}

// flushDraft writes the draft now if anything changed.
func (m *Model) flushDraft() tea.Cmd {
	if !m.saving() || !m.env.dirty {
		return nil
	}
	m.env.dirty = false
	seq, content := m.encodeDraft()
	s := m.saver
	return func() tea.Msg { return s.save(seq, content) }
}

// encodeDraft is the draft's content and its place in the order of saves. Encoding is
// pure and happens in Update, so a save command holds no reference to the spec.
func (m *Model) encodeDraft() (int64, []byte) {
	completed := make([]int, 0, len(m.completed))
	for i := range m.steps {
		if m.completed[i] {
			completed = append(completed, i)
		}
	}
	content := draft.Encode(draft.Draft{Spec: *m.env.spec, Step: m.current, Completed: completed, Source: m.env.specPath})
	s := m.saver
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	return seq, content
}

// SaveDraft writes the draft now if it changed since the last save. It is for after
// the program has ended (a signal stopped it before the wizard could save): never call
// it while the program runs.
func (m *Model) SaveDraft() error {
	if !m.saving() {
		return nil
	}
	if m.draftDone && m.env.edits == m.doneEdits {
		// The job is done and no answer changed since: the draft stays removed (the
		// removal may not have run if a signal ended the program first).
		m.env.dirty = false
		_, err := m.saver.finish(m.saver.current())
		return err
	}
	m.draftDone = false
	// A save the program handed to a command may not have run (a signal ended the
	// program first): what Update encoded last is written again, whatever dirty says.
	m.saver.mu.Lock()
	pending := m.saver.saved < m.saver.seq
	m.saver.mu.Unlock()
	if !m.env.dirty && !pending {
		return nil
	}
	m.env.dirty = false
	seq, content := m.encodeDraft()
	msg := m.saver.save(seq, content)
	m.drafted(msg)
	if msg.err == nil && m.outcome.Lines == nil {
		m.outcome.Lines = m.quitLines()
	}
	return msg.err
}
