// Package doctorui is the troubleshooter's screens (`ecswiz doctor`): clusters → a
// cluster's services → their stopped tasks grouped by cause → a task's detail, with the
// checks of the revision it ran, its container's log stream, and "fix in wizard".
//
// The screens form a stack: Enter opens one, Esc goes back (and cancels the calls of the
// screen it leaves), Ctrl-C quits from anywhere. Nothing here is lost by quitting.
package doctorui

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// LogReader reads a container's log stream (*aws.Logs is one).
type LogReader interface {
	Tail(ctx context.Context, group, stream string, n int) ([]aws.LogLine, string, error)
	Next(ctx context.Context, group, stream, token string) ([]aws.LogLine, string, error)
}

// Options configure the screens.
type Options struct {
	ECS     doctor.ECS
	Logs    LogReader       // nil: no logs are shown
	Checker *doctor.Checker // nil: the checks are not run
	// Cluster and Service open the screens there, skipping the pickers (Esc still goes
	// back to them).
	Cluster, Service string
	Now              func() time.Time // for "stopped 4 min ago"; nil = time.Now
	Log              *slog.Logger
	FollowEvery      time.Duration // how often follow mode polls the log; 0 = 2 s
}

// DefaultFollowEvery is how often follow mode reads new log lines.
const DefaultFollowEvery = 2 * time.Second

// Outcome is what the screens ended with.
type Outcome struct {
	Fix *Fix // "fix in wizard" was chosen; nil otherwise
}

// Fix is a revision to correct in the wizard.
type Fix struct {
	Spec            model.Spec // the revision the task ran, imported
	Revision        string     // FAMILY:REV the task ran
	Field           string     // the spec variable that owns the failing check or the cause
	Why             string     // the cause in plain words, or the failing check
	Cluster         string
	Service         string // "" for a task started outside a service
	ServiceRevision string // FAMILY:REV the service runs now ("" when unknown)
	ImportWarnings  []model.ImportWarning
}

// screen is one screen of the stack.
type screen interface {
	// start runs once, when the screen is first shown; ctx ends when it is left.
	start(ctx context.Context) tea.Cmd
	// update gets every message that is not a key (each screen keeps its request ids
	// and drops the answers it does not wait for).
	update(msg tea.Msg) tea.Cmd
	// key gets the keys while the screen is on top.
	key(k tea.KeyPressMsg) tea.Cmd
	view(width, height int) string
	help() []key.Binding
	crumb() string // the screen's part of the header's path; "" for none
	busy() bool    // a spinner is drawn
}

type frame struct {
	screen  screen
	started bool
	ctx     context.Context // ends when the screen is left
	cancel  context.CancelFunc
}

// Model is the root of the troubleshooter: the stack of screens, the window size, the
// header and the key help.
type Model struct {
	o       Options
	styles  tui.Styles
	stack   []*frame
	width   int
	height  int
	spinner spinner.Model
	ticking bool
	outcome Outcome
	done    bool

	// revisions are the revisions read so far and their checks, by ARN: tasks of one
	// revision (most of a group) are described and checked once.
	revisions map[string]*revision
}

// revision is a task definition as described, and its checks once they ran.
type revision struct {
	doc    []byte
	checks []doctor.Result // nil until they ran
}

// New builds the screens.
func New(o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.FollowEvery <= 0 {
		o.FollowEvery = DefaultFollowEvery
	}
	m := &Model{o: o, styles: tui.NewStyles(true), spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		revisions: map[string]*revision{}}
	m.stack = []*frame{{screen: newClustersScreen(m)}}
	if o.Cluster != "" {
		m.stack = append(m.stack, &frame{screen: newServicesScreen(m, o.Cluster)})
		if o.Service != "" {
			m.stack = append(m.stack, &frame{screen: newTasksScreen(m, o.Cluster, o.Service, nil)})
		}
	}
	return m
}

// Outcome is what the screens ended with; read it after the program has ended.
func (m *Model) Outcome() Outcome { return m.outcome }

// Init shows the top screen. The screens below it (when Cluster or Service skipped
// them) start only when Esc brings them up.
func (m *Model) Init() tea.Cmd {
	m.o.Log.Info("doctor started", "cluster", m.o.Cluster, "service", m.o.Service)
	return tea.Batch(tea.RequestBackgroundColor, m.showTop())
}

func (m *Model) top() *frame { return m.stack[len(m.stack)-1] }

// showTop starts the top screen the first time it shows.
func (m *Model) showTop() tea.Cmd {
	f := m.top()
	if f.started {
		return nil
	}
	f.started = true
	f.ctx, f.cancel = context.WithCancel(context.Background())
	return f.screen.start(f.ctx)
}

// push opens s over the current screen.
func (m *Model) push(s screen) tea.Cmd {
	m.stack = append(m.stack, &frame{screen: s})
	m.o.Log.Debug("doctor screen opened", "path", m.path())
	return m.showTop()
}

// pop leaves the top screen, cancelling its calls; leaving the first one quits.
func (m *Model) pop() tea.Cmd {
	if len(m.stack) == 1 {
		return m.quit()
	}
	if f := m.top(); f.cancel != nil {
		f.cancel()
	}
	m.stack = m.stack[:len(m.stack)-1]
	return m.showTop()
}

// quit ends the program; nothing is pending that quitting would lose.
func (m *Model) quit() tea.Cmd {
	for _, f := range m.stack {
		if f.cancel != nil {
			f.cancel()
		}
	}
	m.done = true
	if m.outcome.Fix != nil {
		m.o.Log.Info("doctor ended: fix in wizard", "revision", m.outcome.Fix.Revision, "field", m.outcome.Fix.Field)
	} else {
		m.o.Log.Info("doctor ended")
	}
	return tea.Quit
}

// busy reports whether a started screen waits for something (the spinner turns).
func (m *Model) busy() bool {
	for _, f := range m.stack {
		if f.started && f.screen.busy() {
			return true
		}
	}
	return false
}

// spin is the spinner's frame.
func (m *Model) spin() string { return m.spinner.View() }

// now is the clock of "N min ago".
func (m *Model) now() time.Time { return m.o.Now() }

// Update routes a message: the window, the theme, the spinner, keys to the top screen,
// and everything else to every screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if !m.done && !m.ticking && m.busy() {
		m.ticking = true
		cmd = tea.Batch(cmd, m.spinner.Tick)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if m.done {
		return nil
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return nil
	case tea.BackgroundColorMsg:
		m.styles = tui.NewStyles(msg.IsDark())
		return nil
	case spinner.TickMsg:
		if msg.ID != m.spinner.ID() {
			return nil
		}
		m.ticking = false
		if !m.busy() {
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		m.ticking = true
		return cmd
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, tui.Keys.Quit):
			return m.quit()
		case key.Matches(msg, tui.Keys.Back):
			return m.pop()
		}
		return m.top().screen.key(msg)
	}
	var cmds []tea.Cmd
	for _, f := range m.stack {
		if f.started {
			cmds = append(cmds, f.screen.update(msg))
		}
	}
	return tea.Batch(cmds...)
}

// View draws the header, the top screen and the key help, never wider or taller than
// the window.
func (m *Model) View() tea.View {
	v := tea.NewView(m.view())
	v.AltScreen = true
	v.WindowTitle = "ecswiz doctor"
	return v
}

// chrome is the lines around a screen: the header, a blank line, a blank line and the
// key help.
const chrome = 4

func (m *Model) view() string {
	if m.done || m.width <= 0 || m.height <= 0 {
		return ""
	}
	w := m.width
	bodyHeight := max(1, m.height-chrome)
	body := fitLines(m.top().screen.view(w, bodyHeight), w, bodyHeight)
	for len(body) < bodyHeight {
		body = append(body, "")
	}
	lines := append([]string{m.header(w), ""}, body...)
	lines = append(lines, "", m.helpLine(w))
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return strings.Join(lines, "\n")
}

// path is the crumbs of the stack: cluster › service › task.
func (m *Model) path() string {
	var crumbs []string
	for _, f := range m.stack {
		if c := f.screen.crumb(); c != "" {
			crumbs = append(crumbs, c)
		}
	}
	return strings.Join(crumbs, " › ")
}

func (m *Model) header(w int) string {
	st := m.styles
	line := st.Title.Render("ecswiz doctor")
	if p := m.path(); p != "" {
		line += "  " + st.Context.Render(p)
	}
	return ansi.Truncate(line, w, "…")
}

// helpLine is the top screen's keys, then back and quit; the screen's last keys give
// way to "…" when the window is too narrow for all.
func (m *Model) helpLine(w int) string {
	own := helpParts(m.top().screen.help())
	back, quit := tui.Keys.Back.Help(), tui.Keys.Quit.Help()
	global := []string{back.Key + " " + back.Desc, quit.Key + " " + quit.Desc}
	if len(m.stack) == 1 {
		global = []string{back.Key + "/" + quit.Key + " " + quit.Desc} // nothing to go back to
	}
	for cut := len(own); cut >= 0; cut-- {
		parts := append([]string{}, own[:cut]...)
		if cut < len(own) {
			parts = append(parts, "…")
		}
		line := strings.Join(append(parts, global...), " · ")
		if lipgloss.Width(line) <= w || cut == 0 {
			return m.styles.Help.Render(ansi.Truncate(line, w, "…"))
		}
	}
	return ""
}

func helpParts(bs []key.Binding) []string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		parts = append(parts, h.Key+" "+h.Desc)
	}
	return parts
}

// fitLines splits text into at most height lines, each cut to width.
func fitLines(text string, width, height int) []string {
	lines := strings.Split(text, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return lines
}

// Keys shown under the names the screens give them.
var (
	openKey = key.NewBinding(key.WithKeys(tui.Keys.Next.Keys()...), key.WithHelp(tui.Keys.Next.Help().Key, "open"))
	moveKey = key.NewBinding(key.WithKeys(append(tui.Keys.Up.Keys(), tui.Keys.Down.Keys()...)...),
		key.WithHelp(tui.Keys.Up.Help().Key+"/"+tui.Keys.Down.Help().Key, "move"))
	scrollKey = key.NewBinding(key.WithKeys(append(tui.Keys.Up.Keys(), tui.Keys.Down.Keys()...)...),
		key.WithHelp(tui.Keys.Up.Help().Key+"/"+tui.Keys.Down.Help().Key+"/"+tui.Keys.PageDown.Help().Key, "scroll"))
	refreshKey = key.NewBinding(key.WithKeys(tui.Keys.Retry.Keys()...), key.WithHelp(tui.Keys.Retry.Help().Key, "refresh"))
	retryKey   = tui.Keys.Retry
)
