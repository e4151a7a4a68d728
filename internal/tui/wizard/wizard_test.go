package wizard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/draft"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// syncBuffer is an output the program writes from its own goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runProgram runs the wizard in a real Bubble Tea program drawing into a buffer, as a
// 100×30 terminal with env as its environment. It returns the output and a func that
// quits the program and waits for it.
func runProgram(t *testing.T, m *Model, env ...string) (*syncBuffer, func()) {
	t.Helper()
	out := &syncBuffer{}
	p := tea.NewProgram(m,
		tea.WithInput(&bytes.Buffer{}),
		tea.WithOutput(out),
		tea.WithWindowSize(100, 30),
		tea.WithEnvironment(env),
		tea.WithoutSignals(),
	)
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			p.Quit()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("program: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Error("the program did not end")
			}
		})
	}
	t.Cleanup(stop)
	return out, stop
}

// waitFor polls the program's output until it holds every one of want.
func waitFor(t *testing.T, out *syncBuffer, within time.Duration, want ...string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		screen := ansi.Strip(out.String())
		missing := slices.DeleteFunc(slices.Clone(want), func(w string) bool { return strings.Contains(screen, w) })
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the screen still lacks %q; it shows:\n%s", within, missing, screen)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTheFirstFrameDrawsWhileTheSessionIsStillLoading(t *testing.T) {
	release := make(chan struct{})
	loaded, _ := demoSession(t)
	connect := func(ctx context.Context) (*Session, error) {
		select {
		case <-release:
			return loaded, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	m := New(Options{Spec: model.NewSpec(), Connect: connect})
	out, stop := runProgram(t, m, "TERM=xterm-256color")

	// The connector has not returned: the frame is drawn anyway, with the step usable.
	waitFor(t, out, 2*time.Second, "1 Application", "loading profile, Region and account", "App name")
	close(release)
	waitFor(t, out, 2*time.Second, "demo account", "eu-west-2", "123456789012")
	stop()
}

// errNoCredentials is how the AWS adapters fail without credentials.
var errNoCredentials = errors.New("no AWS credentials: run `aws configure` or `aws sso login`, or set AWS_PROFILE")

func TestWithoutCredentialsTheChooserOffersTheDemoOfflineOrQuitting(t *testing.T) {
	demo := &Session{Region: "eu-west-2", Account: "123456789012", Demo: true, Cloud: &Cloud{}}
	failing := func(context.Context) (*Session, error) { return nil, errNoCredentials }
	for _, tc := range []struct {
		name        string
		keys        []string
		wantSession *Session // nil: the wizard quit
		wantOffline bool
	}{
		{"enter on the first option opens the demo account's session", []string{"enter"}, demo, false},
		{"the second option continues offline, without a cloud", []string{"down", "enter"}, nil, true},
		{"the last option quits", []string{"down", "down", "enter"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps := nineFakeSteps()
			h := newRoot(t, Options{
				Spec:    model.NewSpec(),
				Connect: failing,
				Demo:    func(context.Context) (*Session, error) { return demo, nil },
			}, steps...)
			screen := h.screen()
			for _, want := range []string{"No AWS session: no AWS credentials", "Use the demo account", "Continue offline", "Quit", "AWS  not connected"} {
				if !strings.Contains(screen, want) {
					t.Fatalf("the chooser lacks %q:\n%s", want, screen)
				}
			}
			h.press(tc.keys...)
			switch {
			case tc.wantSession != nil:
				if h.m.env.session != tc.wantSession {
					t.Errorf("session = %+v, want the demo connector's", h.m.env.session)
				}
				if !strings.Contains(h.screen(), "demo account") {
					t.Errorf("the header does not say demo account:\n%s", h.screen())
				}
			case tc.wantOffline:
				s := h.m.env.session
				if s == nil || s.Cloud != nil || h.m.env.cloud() != nil {
					t.Errorf("session = %+v, want one with no cloud", s)
				}
				if !strings.Contains(h.screen(), "offline") {
					t.Errorf("the header does not say offline:\n%s", h.screen())
				}
			default:
				if !h.quit {
					t.Errorf("the wizard did not quit")
				}
			}
			if tc.wantSession != nil || tc.wantOffline {
				if got := steps[0].(*fakeStep).connects; got != 1 {
					t.Errorf("the step was told of the session %d times, want once", got)
				}
				if h.m.chooser != nil {
					t.Errorf("the chooser is still shown")
				}
			}
		})
	}
}

func TestWithoutADemoTheChooserOffersOfflineOrQuitting(t *testing.T) {
	h := newRoot(t, Options{Spec: model.NewSpec(), Connect: func(context.Context) (*Session, error) { return nil, errNoCredentials }}, nineFakeSteps()...)
	if strings.Contains(h.screen(), "demo") {
		t.Errorf("the demo is offered without a demo connector:\n%s", h.screen())
	}
	h.press("enter")
	if s := h.m.env.session; s == nil || !s.Offline() {
		t.Errorf("the first option did not continue offline: %+v", s)
	}
}

func TestAFailingDemoComesBackToTheChooser(t *testing.T) {
	h := newRoot(t, Options{
		Spec:    model.NewSpec(),
		Connect: func(context.Context) (*Session, error) { return nil, errNoCredentials },
		Demo: func(context.Context) (*Session, error) {
			return nil, errors.New("start the demo account: address in use")
		},
	}, nineFakeSteps()...)
	h.press("enter")
	if h.m.chooser == nil || !strings.Contains(h.screen(), "address in use") {
		t.Errorf("the demo's failure is not shown with the choices again:\n%s", h.screen())
	}
}

func TestEscGoesBackAStepUnlessTheStepHoldsIt(t *testing.T) {
	for _, tc := range []struct {
		name      string
		start     int
		capturing bool
		want      int
		wantKey   bool // the step got the Esc
	}{
		{"esc on the third step goes to the second", 2, false, 1, false},
		{"esc on the first step stays", 0, false, 0, false},
		{"esc while the step is capturing goes to the step", 2, true, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps := nineFakeSteps()
			steps[tc.start].(*fakeStep).capturing = tc.capturing
			h := newRoot(t, Options{Spec: model.NewSpec(), Step: tc.start, Completed: []int{0, 1}}, steps...)
			before := steps[tc.start].(*fakeStep)
			h.press("esc")
			if h.m.current != tc.want {
				t.Errorf("on step %d, want %d", h.m.current+1, tc.want+1)
			}
			if got := slices.Contains(before.got, "esc"); got != tc.wantKey {
				t.Errorf("the step got the esc: %v, want %v", got, tc.wantKey)
			}
			if tc.want != tc.start {
				if before.ctx.Err() == nil {
					t.Errorf("the step left behind still has its context: its calls were not cancelled")
				}
				if steps[tc.want].(*fakeStep).inits != 1 {
					t.Errorf("the step gone back to was not initialised")
				}
			}
		})
	}
}

func TestAltNJumpsOnlyToStepsThatCanBeReached(t *testing.T) {
	for _, tc := range []struct {
		name      string
		start     int
		completed []int
		key       string
		want      int
	}{
		{"to a completed step", 2, []int{0, 1}, "alt+1", 0},
		{"to the first step not completed after completed ones", 0, []int{0, 1}, "alt+3", 2},
		{"not past a step not completed", 2, []int{0, 1}, "alt+5", 2},
		{"to a completed step after one that is not", 0, []int{0, 4}, "alt+5", 4},
		{"not to the current step", 1, []int{0}, "alt+2", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newRoot(t, Options{Spec: model.NewSpec(), Step: tc.start, Completed: tc.completed}, nineFakeSteps()...)
			h.press(tc.key)
			if h.m.current != tc.want {
				t.Errorf("%s from step %d: on step %d, want %d", tc.key, tc.start+1, h.m.current+1, tc.want+1)
			}
		})
	}
}

func TestTheHeaderMarksCompletedStepsAndTheCurrentOne(t *testing.T) {
	h := newRoot(t, Options{Spec: model.NewSpec(), Step: 2, Completed: []int{0, 1}}, nineFakeSteps()...)
	first := strings.SplitN(h.screen(), "\n", 2)[0]
	if want := "ecswiz  ✓1 · ✓2 · 3 Django · 4 · 5 · 6 · 7 · 8 · 9"; first != want {
		t.Errorf("header at 100 columns:\n got %q\nwant %q", first, want)
	}
	h.send(tea.WindowSizeMsg{Width: 160, Height: 30})
	first = strings.SplitN(h.screen(), "\n", 2)[0]
	if !strings.Contains(first, "✓1 Application › ✓2 Sizing › 3 Django › 4 Secrets") {
		t.Errorf("header at 160 columns does not name every step: %q", first)
	}
}

func TestEnterOnAStepMovesOnAndCompletesIt(t *testing.T) {
	steps := nineFakeSteps()
	h := newRoot(t, Options{Spec: model.NewSpec()}, steps...)
	h.press("enter", "enter")
	if h.m.current != 2 || !h.m.completed[0] || !h.m.completed[1] {
		t.Errorf("after two steps: on step %d, completed %v", h.m.current+1, h.m.completed)
	}
	// The last step completing does not move past the end.
	h.press("alt+3")
	h.m.completed[2], h.m.completed[3], h.m.completed[4], h.m.completed[5], h.m.completed[6], h.m.completed[7] = true, true, true, true, true, true
	h.press("alt+9", "enter")
	if h.m.current != 8 || !h.m.completed[8] {
		t.Errorf("on step %d, completed %v", h.m.current+1, h.m.completed)
	}
}

func TestCtrlCAsksBeforeQuitting(t *testing.T) {
	for _, tc := range []struct {
		name       string
		keys       []string
		wantQuit   bool
		wantDialog bool // still asking
	}{
		{"y quits", []string{"ctrl+c", "y"}, true, false},
		{"a second ctrl+c quits", []string{"ctrl+c", "ctrl+c"}, true, false},
		{"n stays", []string{"ctrl+c", "n"}, false, false},
		{"esc stays, and does not go back a step", []string{"ctrl+c", "esc"}, false, false},
		{"other keys are not typed into the step under the dialog", []string{"ctrl+c", "x", "enter"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := draft.Store{Dir: filepath.Join(t.TempDir(), "ecswiz")}
			steps := nineFakeSteps()
			h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store, Step: 1, Completed: []int{0}}, steps...)
			// A change whose scheduled save has not fired yet: quitting must write it.
			h.m.Update(tuitest.Press("x"))
			h.press(tc.keys[0])
			if !strings.Contains(h.screen(), "Quit ecswiz?") {
				t.Fatalf("ctrl+c did not ask:\n%s", h.screen())
			}
			h.press(tc.keys[1:]...)
			if h.quit != tc.wantQuit {
				t.Fatalf("quit = %v, want %v", h.quit, tc.wantQuit)
			}
			if !tc.wantQuit {
				if h.m.confirmQuit != tc.wantDialog || h.m.current != 1 {
					t.Errorf("after %v: dialog %v, step %d; want dialog %v on the same step", tc.keys, h.m.confirmQuit, h.m.current+1, tc.wantDialog)
				}
				if got := steps[1].(*fakeStep).got; !slices.Equal(got, []string{"x"}) {
					t.Errorf("keys the step got: %q, want only the x before the dialog", got)
				}
				return
			}
			d, err := store.Load()
			if err != nil {
				t.Fatalf("quitting did not leave a draft: %v", err)
			}
			if d.Spec.AppName != "x" || d.Step != 1 {
				t.Errorf("draft holds app %q on step %d, want the change on step 2", d.Spec.AppName, d.Step+1)
			}
			if lines := h.m.Outcome().Lines; len(lines) == 0 || !strings.Contains(lines[0], "ecswiz --resume") {
				t.Errorf("the outcome does not say how to resume: %q", lines)
			}
		})
	}
}

func TestUnder80x24TheWizardAsksForRoom(t *testing.T) {
	for _, size := range []tea.WindowSizeMsg{{Width: 79, Height: 30}, {Width: 100, Height: 23}, {Width: 20, Height: 5}} {
		steps := nineFakeSteps()
		h := newRoot(t, Options{Spec: model.NewSpec()}, steps...)
		h.send(size)
		screen := h.screen()
		if !strings.Contains(strings.Join(strings.Fields(screen), " "), "at least 80×24") {
			t.Errorf("at %d×%d the wizard does not ask for room:\n%s", size.Width, size.Height, screen)
		}
		for i, line := range strings.Split(screen, "\n") {
			if w := ansi.StringWidth(line); w > size.Width || i >= size.Height {
				t.Errorf("at %d×%d line %d (%d wide) does not fit: %q", size.Width, size.Height, i+1, w, line)
			}
		}
		h.press("x", "enter")
		if got := steps[0].(*fakeStep).got; len(got) > 0 || h.m.current != 0 {
			t.Errorf("at %d×%d keys reached the hidden step: %q", size.Width, size.Height, got)
		}
		h.press("ctrl+c")
		if !strings.Contains(h.screen(), "Quit ecswiz?") {
			t.Errorf("at %d×%d ctrl+c does not ask before quitting:\n%s", size.Width, size.Height, h.screen())
		}
		h.press("n")
		h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
		if !strings.Contains(h.screen(), "the application step's body") {
			t.Errorf("back at 100×30 the step is not drawn again:\n%s", h.screen())
		}
	}
}

func TestAResizeReflows(t *testing.T) {
	steps := nineFakeSteps()
	h := newRoot(t, Options{Spec: model.NewSpec()}, steps...)
	for _, size := range []tea.WindowSizeMsg{{Width: 100, Height: 30}, {Width: 80, Height: 24}, {Width: 150, Height: 50}} {
		h.send(size)
		f := steps[0].(*fakeStep)
		if f.width != size.Width-2 || f.height != size.Height-6 {
			t.Errorf("at %d×%d the step was given %d×%d, want %d×%d", size.Width, size.Height, f.width, f.height, size.Width-2, size.Height-6)
		}
		lines := strings.Split(h.screen(), "\n")
		if len(lines) > size.Height {
			t.Errorf("at %d×%d the screen has %d lines", size.Width, size.Height, len(lines))
		}
		for i, line := range lines {
			if w := ansi.StringWidth(line); w > size.Width {
				t.Errorf("at %d×%d line %d is %d wide: %q", size.Width, size.Height, i+1, w, line)
			}
		}
		if last := lines[len(lines)-1]; !strings.Contains(last, "ctrl+c quit") {
			t.Errorf("at %d×%d the key help is not on the last line: %q", size.Width, size.Height, last)
		}
	}
}

// fileMode is a file's permission bits.
func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func TestTheDraftIsSavedAfterAChangeAndAfterAStep(t *testing.T) {
	store := draft.Store{Dir: filepath.Join(t.TempDir(), "config", "ecswiz")}
	h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store}, nineFakeSteps()...)
	if _, err := os.Stat(store.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a draft was written before any answer: %v", err)
	}

	h.press("x") // a change: saved a moment later (the harness runs the delay)
	d, err := store.Load()
	if err != nil {
		t.Fatalf("no draft after a change: %v", err)
	}
	if d.Spec.AppName != "x" {
		t.Errorf("draft after a change holds app %q, want x", d.Spec.AppName)
	}
	if got := fileMode(t, store.Path()); got != 0o600 {
		t.Errorf("the draft has mode %o, want 600", got)
	}
	if got := fileMode(t, store.Dir); got != 0o700 {
		t.Errorf("the draft's directory has mode %o, want 700", got)
	}

	// Completing a step records it, and the step the wizard moved to.
	h.press("enter")
	d, err = store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d.Step != 1 || !slices.Equal(d.Completed, []int{0}) {
		t.Errorf("after completing the first step the draft is on step %d with %v completed", d.Step+1, d.Completed)
	}
}

func TestACompletedStepIsSavedWithoutWaiting(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	m := New(Options{Spec: model.NewSpec(), Drafts: &store})
	m.steps = nineFakeSteps()
	for _, s := range m.steps {
		s.(*fakeStep).env = m.env
	}
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(tuitest.Press("x")) // the person answered; its delayed save is dropped here
	_, cmd := m.Update(stepDoneMsg{})
	// Every command runs to its end, timers included, and no message goes back to
	// Update: a timer's (saveDraftMsg) would only ask for a save, so a written draft
	// among the messages is the write itself.
	var saved bool
	for _, msg := range messagesOf(cmd) {
		if dm, ok := msg.(draftSavedMsg); ok && dm.err == nil {
			saved = true
		}
	}
	if !saved {
		t.Fatal("completing a step did not save the draft at once")
	}
	d, err := store.Load()
	if err != nil || d.Step != 1 || !slices.Equal(d.Completed, []int{0}) {
		t.Errorf("draft: step %d, completed %v, err %v; want step 2 with step 1 completed", d.Step+1, d.Completed, err)
	}
}

// messagesOf runs cmd and the commands of its batches and sequences, each to its end,
// and returns their messages.
func messagesOf(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if cmds, ok := tui.Commands(msg); ok {
		var out []tea.Msg
		for _, c := range cmds {
			out = append(out, messagesOf(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

const draftRemovedLine = "Your draft is removed: what you registered, exported or saved holds your answers."

func TestTheDraftIsRemovedOnceTheWizardDidItsJob(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store}, nineFakeSteps()...)
	h.press("x", "enter") // an answer and a step done: the draft is on disk
	if _, err := store.Load(); err != nil {
		t.Fatalf("no draft after an answer: %v", err)
	}

	h.send(actedMsg{}) // Act registered, exported or saved the spec
	if _, err := store.Load(); !errors.Is(err, draft.ErrNoDraft) {
		t.Fatalf("the draft is still there once the wizard did its job: %v", err)
	}
	// Going back and forth between steps brings no draft back, nor does the save after
	// a signal.
	h.press("esc")
	if err := h.m.SaveDraft(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(); !errors.Is(err, draft.ErrNoDraft) {
		t.Errorf("the draft came back without a new answer: %v", err)
	}
	if lines := h.m.quitLines(); !slices.Contains(lines, draftRemovedLine) {
		t.Errorf("the quit lines do not say the draft is removed: %q", lines)
	}

	// A new answer is saved again, to be continued.
	h.press("x")
	d, err := store.Load()
	if err != nil || d.Spec.AppName != "xx" {
		t.Fatalf("a new answer after the job was not saved: app %q, err %v", d.Spec.AppName, err)
	}
	want := "Your answers are saved as a draft: `ecswiz --resume` continues where you left off."
	if lines := h.m.quitLines(); !slices.Contains(lines, want) {
		t.Errorf("the quit lines %q lack %q", lines, want)
	}
}

func TestASaveOfBeforeTheJobDoesNotBringTheDraftBack(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store}, nineFakeSteps()...)
	h.press("x")
	h.m.env.dirty = true
	seq, content := h.m.encodeDraft() // a save on its way as the job is done
	h.send(actedMsg{})
	if msg := h.m.saver.save(seq, content); msg.err != nil {
		t.Fatal(msg.err)
	}
	if _, err := store.Load(); !errors.Is(err, draft.ErrNoDraft) {
		t.Errorf("a save encoded before the job brought the draft back: %v", err)
	}
}

func TestTheJobDoneLeavesAnotherRunsDraftAlone(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	earlier := draft.Encode(draft.Draft{Spec: demoSpec(), Step: 4})
	if err := store.Save(earlier); err != nil {
		t.Fatal(err)
	}
	saved, err := store.Modified()
	if err != nil {
		t.Fatal(err)
	}
	h := newRoot(t, Options{Spec: demoSpec(), Drafts: &store, PreviousDraft: saved}, nineFakeSteps()...)
	h.send(actedMsg{}) // exported without answering anything
	got, err := os.ReadFile(store.Path())
	if err != nil || !bytes.Equal(got, earlier) {
		t.Errorf("the earlier run's draft was removed or changed (err %v)", err)
	}
	if lines := h.m.quitLines(); slices.Contains(lines, draftRemovedLine) {
		t.Errorf("the quit lines say a draft was removed: %q", lines)
	}
}

func TestAParallelDraftSaysHowToOpenIt(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}.Parallel(4242)
	h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store}, nineFakeSteps()...)
	h.press("x")
	want := "Your answers are saved as a draft: `ecswiz -f " + store.Path() + "` continues where you left off."
	if lines := h.m.quitLines(); !slices.Contains(lines, want) {
		t.Errorf("the quit lines %q lack %q", lines, want)
	}
}

func TestAWizardFromALoadedDraftOpensAtItsStepWithItsAnswers(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	spec := demoSpec()
	spec.AppName = "booking"
	if err := store.Save(draft.Encode(draft.Draft{Spec: spec, Step: 3, Completed: []int{0, 1, 2}})); err != nil {
		t.Fatal(err)
	}
	d, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	steps := nineFakeSteps()
	h := newRoot(t, Options{Spec: d.Spec, Step: d.Step, Completed: d.Completed, Drafts: &store}, steps...)
	if h.m.current != 3 {
		t.Errorf("opened on step %d, want 4", h.m.current+1)
	}
	if diff := cmp.Diff(spec, h.m.Spec(), cmpSpec); diff != "" {
		t.Errorf("answers differ from the draft's (-draft +wizard):\n%s", diff)
	}
	if got := steps[3].(*fakeStep).inits; got != 1 {
		t.Errorf("the resumed step was initialised %d times, want once", got)
	}
	if first := strings.SplitN(h.screen(), "\n", 2)[0]; !strings.Contains(first, "✓1 · ✓2 · ✓3 · 4 Secrets") {
		t.Errorf("header: %q", first)
	}
	h.press("alt+1")
	if h.m.current != 0 {
		t.Errorf("a completed step of the draft cannot be jumped to")
	}
}

// cmpSpec compares specs by what a spec file holds: nil and empty collections are the same.
var cmpSpec = cmp.Transformer("spec", func(s model.Spec) string { return string(model.FormatTFVars(s)) })

func TestStartingAfreshKeepsTheEarlierDraft(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	earlier := draft.Encode(draft.Draft{Spec: demoSpec(), Step: 5, Completed: []int{0, 1, 2, 3, 4}})
	if err := store.Save(earlier); err != nil {
		t.Fatal(err)
	}
	saved, err := store.Modified()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Spec: model.NewSpec(), Drafts: &store, PreviousDraft: saved}

	t.Run("quitting without an answer leaves it where it was", func(t *testing.T) {
		h := newRoot(t, opts, nineFakeSteps()...)
		if !strings.Contains(h.screen(), "untouched: quit and run `ecswiz --resume` to continue it") {
			t.Errorf("the first screen does not say the earlier draft is there:\n%s", h.screen())
		}
		h.press("ctrl+c", "y")
		if got, _ := os.ReadFile(store.Path()); !bytes.Equal(got, earlier) {
			t.Errorf("the earlier draft changed:\n%s", got)
		}
		if kept, _ := filepath.Glob(filepath.Join(store.Dir, draft.PreviousPrefix+"*")); len(kept) > 0 {
			t.Errorf("the earlier draft was moved though nothing was answered: %s", kept)
		}
		if lines := h.m.Outcome().Lines; len(lines) != 1 || !strings.Contains(lines[0], "earlier draft is untouched") {
			t.Errorf("outcome: %q", lines)
		}
	})
	t.Run("the first answer moves it aside to draft.previous-TIME.tfvars", func(t *testing.T) {
		h := newRoot(t, opts, nineFakeSteps()...)
		h.press("x")
		kept, _ := filepath.Glob(filepath.Join(store.Dir, draft.PreviousPrefix+"*"))
		if len(kept) != 1 {
			t.Fatalf("kept drafts %q, want one", kept)
		}
		previous := kept[0]
		if got, err := os.ReadFile(previous); err != nil || !bytes.Equal(got, earlier) {
			t.Errorf("the earlier draft is not kept as %s (err %v)", previous, err)
		}
		d, err := store.Load()
		if err != nil || d.Spec.AppName != "x" {
			t.Errorf("the new draft: app %q, err %v", d.Spec.AppName, err)
		}
		if !strings.Contains(h.screen(), "earlier draft is kept as "+filepath.Base(previous)) {
			t.Errorf("the footer does not say where the earlier draft went:\n%s", h.screen())
		}
		h.press("x") // a second save keeps the kept one
		if got, _ := os.ReadFile(previous); !bytes.Equal(got, earlier) {
			t.Errorf("a second save replaced the kept draft")
		}
		h.press("ctrl+c", "y")
		lines := strings.Join(h.m.Outcome().Lines, "\n")
		if !strings.Contains(lines, "ecswiz -f "+previous) {
			t.Errorf("the outcome does not say how to open the earlier draft:\n%s", lines)
		}
	})
}

func TestADraftThatCannotBeSavedIsSaidInTheFooter(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	store := draft.Store{Dir: filepath.Join(blocker, "ecswiz")}
	h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store}, nineFakeSteps()...)
	h.press("x")
	if !strings.Contains(h.screen(), "Draft not saved: save the draft:") {
		t.Errorf("the failure is not in the footer:\n%s", h.screen())
	}
	if h.m.current != 0 || len(h.m.steps[0].(*fakeStep).got) != 1 {
		t.Errorf("the wizard did not stay usable")
	}
}

func TestTheLogHasEventsAndNoAnswers(t *testing.T) {
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store := draft.Store{Dir: t.TempDir()}
	h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store, Log: log,
		Connect: func(context.Context) (*Session, error) { return nil, errNoCredentials }}, nineFakeSteps()...)
	h.press("enter") // offline: no demo is offered
	h.press("x", "x", "x", "enter", "esc", "ctrl+c", "y")
	got := logBuf.String()
	for _, want := range []string{"wizard started", "AWS session not loaded", "choice=offline", "step completed", "by=back", "draft saved", "msg=quit"} {
		if !strings.Contains(got, want) {
			t.Errorf("the log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "xxx") {
		t.Errorf("the log holds an answer:\n%s", got)
	}
}

// sgrColour matches an SGR sequence that sets a colour (16, 256 or true colour).
var sgrColour = regexp.MustCompile(`\x1b\[[0-9;:]*\b(3[0-8]|4[0-8]|9[0-7]|10[0-7])\b[0-9;:]*m`)

func TestNoColorDrawsWithoutColours(t *testing.T) {
	base := []string{"TERM=xterm-256color", "COLORTERM=truecolor", "TTY_FORCE=1"}
	for _, tc := range []struct {
		name       string
		env        []string
		wantColour bool
	}{
		{"a colour terminal gets colours", base, true},
		{"NO_COLOR=1 gets none", append(slices.Clone(base), "NO_COLOR=1"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Options{Spec: model.NewSpec()})
			out, stop := runProgram(t, m, tc.env...)
			waitFor(t, out, 2*time.Second, "App name", "offline")
			stop()
			if got := sgrColour.MatchString(out.String()); got != tc.wantColour {
				t.Errorf("colour escapes in the output: %v, want %v (first: %q)", got, tc.wantColour, sgrColour.FindString(out.String()))
			}
		})
	}
}

// The golden screens of the root at 100×30, on the real first step.

func TestGoldenRootScreens(t *testing.T) {
	blocked := func(ctx context.Context) (*Session, error) { <-ctx.Done(); return nil, ctx.Err() }
	for _, tc := range []struct {
		name string
		opts Options
		run  func(h *rootHarness)
	}{
		{"root-connecting", Options{Spec: model.NewSpec(), Connect: blocked}, nil},
		{"root-no-credentials", Options{Spec: model.NewSpec(),
			Connect: func(context.Context) (*Session, error) { return nil, errNoCredentials },
			Demo:    func(context.Context) (*Session, error) { return nil, errNoCredentials }}, nil},
		{"root-quit", Options{Spec: demoSpec(), Drafts: &draft.Store{Dir: t.TempDir()}}, func(h *rootHarness) { h.m.answered = true; h.press("ctrl+c") }},
		{"root-too-small", Options{Spec: model.NewSpec()}, func(h *rootHarness) { h.send(tea.WindowSizeMsg{Width: 72, Height: 20}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h *rootHarness
			if tc.opts.Connect != nil && tc.name == "root-connecting" {
				// The session never comes: draw without running the call.
				h = &rootHarness{t: t, m: New(tc.opts)}
				h.m.Init()
				h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
			} else {
				h = newRoot(t, tc.opts)
			}
			if tc.run != nil {
				tc.run(h)
			}
			tuitest.Golden(t, tc.name, h.screen())
		})
	}
}

func TestTrueColourFoundLateRedrawsTheScreen(t *testing.T) {
	h := newRoot(t, Options{Spec: model.NewSpec()}, nineFakeSteps()...)
	if _, cmd := h.m.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI256}); cmd != nil {
		t.Errorf("the profile the program starts with redraws the screen")
	}
	if _, cmd := h.m.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI256}); cmd != nil {
		t.Errorf("the same profile again redraws the screen")
	}
	_, cmd := h.m.Update(tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	if cmd == nil || fmt.Sprintf("%T", cmd()) != fmt.Sprintf("%T", tea.ClearScreen()) {
		t.Errorf("an upgrade to true colour does not redraw the screen")
	}
}

func TestALateDoneFromAStepLeftBehindIsDropped(t *testing.T) {
	steps := nineFakeSteps()
	h := newRoot(t, Options{Spec: model.NewSpec(), Step: 5, Completed: []int{0, 1, 2, 3, 4}}, steps...)
	late := h.m.tag(func() tea.Msg { return stepDoneMsg{} }) // Enter on the last field, not yet applied
	h.press("esc")                                           // the person goes back first
	if h.m.current != 4 {
		t.Fatalf("esc went to step %d, want 5", h.m.current+1)
	}
	h.run(late)
	if h.m.current != 4 {
		t.Errorf("the late done of step 6 moved step 5 on: now on step %d", h.m.current+1)
	}
}

func TestAJumpWaitsWhileTheStepHoldsItsKeys(t *testing.T) {
	steps := nineFakeSteps()
	steps[2].(*fakeStep).capturing = true // a dialog is open
	h := newRoot(t, Options{Spec: model.NewSpec(), Step: 2, Completed: []int{0, 1}}, steps...)
	h.press("alt+1")
	if h.m.current != 2 {
		t.Errorf("alt+1 left a step with an open dialog (now on step %d)", h.m.current+1)
	}
}

func TestASpecFileMarksTheStepsItAnswersDone(t *testing.T) {
	spec := demoSpec()
	h := newRoot(t, Options{Spec: spec, SpecPath: "/tmp/dev.tfvars"})
	for i := range 7 {
		if !h.m.completed[i] {
			t.Errorf("step %d (%s) is not done though the spec answers it", i+1, h.m.steps[i].Title())
		}
	}
	if h.m.completed[7] || h.m.completed[8] {
		t.Errorf("Review or Act marked done before the person saw them")
	}
	h.press("alt+8")
	if h.m.current != 7 {
		t.Errorf("alt+8 did not open Review: on step %d", h.m.current+1)
	}

	spec.ExecutionRoleARN = "" // Runtime's answer missing: it and the steps after wait
	h = newRoot(t, Options{Spec: spec, SpecPath: "/tmp/dev.tfvars"})
	if !h.m.completed[5] || h.m.completed[6] {
		t.Errorf("done: %v; want steps 1-6 and not Runtime (no execution role)", h.m.completed)
	}
}

func TestSaveDraftAfterASignalWritesTheLastStepDone(t *testing.T) {
	store := draft.Store{Dir: t.TempDir()}
	h := newRoot(t, Options{Spec: model.NewSpec(), Drafts: &store}, nineFakeSteps()...)
	h.press("x") // an answer: drafts are saved from now on
	// Enter completes the step; a signal ends the program before the save runs.
	h.m.Update(stepDoneMsg{})
	if err := h.m.SaveDraft(); err != nil {
		t.Fatal(err)
	}
	d, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d.Step != 1 || !slices.Contains(d.Completed, 0) {
		t.Errorf("draft at step %d with %v done; want step 2 with step 1 done", d.Step+1, d.Completed)
	}
}
