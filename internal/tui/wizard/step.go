package wizard

import (
	"context"
	"log/slog"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// step is one screen of the wizard. The root owns navigation, the draft spec, the
// session and the window size; a step reads and writes the spec through its env.
type step interface {
	// Title is the step's name in the header ("Sizing").
	Title() string
	// Init is called each time the step is shown. It loads the step's answers from the
	// spec; ctx is cancelled when the person leaves the step, which cancels its calls.
	Init(ctx context.Context) tea.Cmd
	// Connected is called when the session changes (loaded, demo chosen, offline), and
	// only on the step shown: Init has given it its context.
	Connected() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Capturing reports whether Esc belongs to the step (a dialog, typing in a picker)
	// rather than meaning "go back a step".
	Capturing() bool
	// Help is the step's own keys, shown before the wizard's.
	Help() []key.Binding
}

// env is what the steps share with the root.
type env struct {
	spec    *model.Spec
	session *Session // nil while connecting
	styles  *tui.Styles
	dirty   bool // the spec (or the step) changed since the draft was last saved
	edits   int  // counts the changes to the spec
	// specPath is the file the spec came from (-f), the default path to save it to.
	specPath string
	// prefilled is set when the spec came from a file or a draft: its values are answers
	// and no step replaces them with a suggestion (the sizing preset).
	prefilled bool
	// imageArchs is the architectures ("amd64", "arm64") of the images the application
	// step listed, by image reference (REPO_URI:TAG or REPO_URI@DIGEST), as read from
	// ECR. A reference not in it is unknown: nothing is said about it.
	imageArchs map[string][]string
	// rollout is the service the wizard was opened to fix (Options.Rollout); nil else.
	rollout *deploy.Service

	// The root's spinner: a step draws spin() while a call runs, and the root keeps it
	// turning as long as some View asked for it.
	// log records what the steps do in AWS and on disk (--log-file): names and
	// outcomes, never an answer's value.
	log *slog.Logger

	// now is the clock (tests fix it).
	clock func() time.Time

	spinFrame  string
	spinWanted bool
}

func (e *env) now() time.Time {
	if e.clock != nil {
		return e.clock()
	}
	return time.Now()
}

// spin is the spinner's current frame, for a step waiting on a call.
func (e *env) spin() string {
	e.spinWanted = true
	if e.spinFrame == "" {
		return "⠋"
	}
	return e.spinFrame
}

// update changes the spec and marks the draft for saving.
func (e *env) update(fn func(s *model.Spec)) {
	fn(e.spec)
	e.dirty = true
	e.edits++
}

// cloud is the AWS the steps may call; nil while connecting or offline.
func (e *env) cloud() *Cloud {
	if e.session == nil {
		return nil
	}
	return e.session.Cloud
}

// connecting reports whether the session is still loading.
func (e *env) connecting() bool { return e.session == nil }

// stepDoneMsg is sent by a step whose answers are complete: the wizard moves on.
type stepDoneMsg struct{}

func stepDone() tea.Msg { return stepDoneMsg{} }
