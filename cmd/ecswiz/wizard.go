package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/draft"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui/wizard"
)

// configDirEnv overrides where drafts are kept (tests, and people who want them elsewhere).
const configDirEnv = "ECSWIZ_CONFIG_DIR"

// demoLatencyEnv delays every call of the demo account the wizard opens (--demo), as a
// slow network would: the benchmarks measure the first frame with the session still
// loading, and it shows the spinners at work. A Go duration: ECSWIZ_DEMO_LATENCY=2s.
// Its sibling ECSWIZ_DEMO_PARAMETERS (awsclients.go) gives the demo account a large
// parameter store.
const demoLatencyEnv = "ECSWIZ_DEMO_LATENCY"

// wizardFlags are the root command's own flags: they open the wizard.
type wizardFlags struct {
	file       string
	resume     bool
	accessible bool
}

func (f *wizardFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "open the wizard prefilled from this spec `file` (.tfvars or .tfvars.json)")
	cmd.Flags().BoolVar(&f.resume, "resume", false, "continue the wizard's last draft (see Drafts above)")
	cmd.Flags().BoolVar(&f.accessible, "accessible", false, "ask plain questions one at a time, for screen readers (also ACCESSIBLE=1)")
	_ = cmd.MarkFlagFilename("file", "tfvars", "json")
	cmd.MarkFlagsMutuallyExclusive("file", "resume")
}

// drafts is where the wizard keeps its draft.
func (a *app) drafts() (draft.Store, error) {
	if dir := a.getenv(configDirEnv); dir != "" {
		return draft.Store{Dir: dir}, nil
	}
	return draft.DefaultStore()
}

// accessibleMode reports whether the wizard asks plain questions instead of drawing.
func (a *app) accessibleMode(f wizardFlags) bool {
	if f.accessible || a.getenv("TERM") == "dumb" {
		return true
	}
	on, err := strconv.ParseBool(a.getenv("ACCESSIBLE"))
	return err == nil && on
}

// runWizard opens the interactive wizard.
func (a *app) runWizard(ctx context.Context, f wizardFlags) error {
	accessible := a.accessibleMode(f)
	if !accessible && !a.interactive() {
		return usageErrorf("the wizard needs a terminal; without one, use `ecswiz validate`, `ecswiz render`, `ecswiz export` or `ecswiz register` with a spec file (see `ecswiz --help`)")
	}
	opts, err := a.wizardOptions(f)
	if err != nil {
		return err
	}
	if accessible {
		release, err := a.holdDraft(&opts, f.resume)
		if err != nil {
			return err
		}
		defer release()
		a.log.Info("wizard: accessible mode")
		if opts.Note != "" {
			fmt.Fprintln(a.stdout, opts.Note)
		}
		outcome, err := wizard.RunAccessible(ctx, opts, a.stdin, a.stdout)
		a.connections.close()
		a.printOutcome(outcome)
		switch {
		case errors.Is(err, context.Canceled):
			return silentExit(exitCancelled)
		case errors.Is(err, wizard.ErrInputEnded):
			return fmt.Errorf("%w; continue with `ecswiz --resume --accessible`", err)
		}
		return err
	}

	return a.runScreens(ctx, opts, f.resume)
}

// runWizardScreens runs the wizard's screens with opts until the person quits: doctor's
// "fix in wizard".
func (a *app) runWizardScreens(ctx context.Context, opts wizard.Options) error {
	return a.runScreens(ctx, opts, false)
}

// runScreens runs the wizard's screens, holding its draft (see holdDraft) until the
// last answers are saved.
func (a *app) runScreens(ctx context.Context, opts wizard.Options, resume bool) error {
	release, err := a.holdDraft(&opts, resume)
	if err != nil {
		return err
	}
	defer release()
	m := wizard.New(opts)
	err = a.runProgram(ctx, m)
	a.connections.close()
	// Stopped by a signal, the wizard could not save its last answers: they are saved
	// now that the screen is restored.
	if serr := m.SaveDraft(); serr != nil {
		a.log.Warn("draft not saved after the wizard stopped", "error", serr)
	}
	a.printOutcome(m.Outcome())
	return programEnd(ctx, "the wizard", err)
}

// runProgram runs a Bubble Tea program on the command's terminal.
func (a *app) runProgram(ctx context.Context, m tea.Model) error {
	progOpts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(a.stdin), tea.WithOutput(a.stdout)}
	var upgrade func(*tea.Program)
	if out, ok := a.stdout.(*os.File); ok {
		var profile colorprofile.Profile
		profile, upgrade = quickColorProfile(out, os.Environ())
		progOpts = append(progOpts, tea.WithColorProfile(profile))
	}
	p := tea.NewProgram(m, progOpts...)
	if upgrade != nil {
		go upgrade(p)
	}
	_, err := p.Run()
	return err
}

// programEnd is the command's error once a program ended with err.
func programEnd(ctx context.Context, what string, err error) error {
	switch {
	case errors.Is(err, tea.ErrProgramKilled), errors.Is(err, tea.ErrInterrupted), ctx.Err() != nil:
		return silentExit(exitCancelled)
	case err != nil:
		return fmt.Errorf("%s stopped: %w", what, err)
	}
	return nil
}

// quickColorProfile is the terminal's colour profile, detected without what inside tmux
// costs the first frame tens of milliseconds: colorprofile runs `tmux info` to learn
// whether tmux passes true colour. The profile starts from the environment and terminfo;
// upgrade, run beside the program, asks tmux and moves the program to true colour when
// tmux has it (Bubble Tea's own way, a "RGB" capability). nil when there is no need.
func quickColorProfile(out *os.File, environ []string) (colorprofile.Profile, func(*tea.Program)) {
	var withoutTmux []string
	inTmux := false
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TMUX=") {
			inTmux = true
			continue
		}
		withoutTmux = append(withoutTmux, kv)
	}
	quick := colorprofile.Detect(out, withoutTmux)
	if !inTmux || quick == colorprofile.TrueColor || quick <= colorprofile.ASCII {
		return quick, nil // nothing to ask tmux: no tmux, the most already, or no colours wanted
	}
	return quick, func(p *tea.Program) {
		if colorprofile.Detect(out, environ) == colorprofile.TrueColor {
			p.Send(tea.CapabilityMsg{Content: "RGB"})
		}
	}
}

func (a *app) printOutcome(o wizard.Outcome) {
	for _, line := range o.Lines {
		fmt.Fprintln(a.stdout, line)
	}
}

// wizardOptions are the wizard's answers to start from (a spec file, a draft or the
// defaults), where it keeps its draft and how it reaches AWS.
func (a *app) wizardOptions(f wizardFlags) (wizard.Options, error) {
	store, err := a.drafts()
	if err != nil {
		return wizard.Options{}, err
	}
	opts := wizard.Options{Spec: model.NewSpec(), Drafts: &store, Log: a.log}
	switch {
	case f.resume:
		d, err := store.Load()
		if err != nil {
			return wizard.Options{}, usageError(err)
		}
		opts.Spec, opts.Step, opts.Completed, opts.SpecPath = d.Spec, d.Step, d.Completed, d.Source
		a.log.Info("wizard: resuming the draft", "path", store.Path(), "step", d.Step)
	case f.file != "":
		spec, err := (&specFlags{file: f.file}).load()
		if err != nil {
			return wizard.Options{}, err
		}
		abs, err := filepath.Abs(f.file)
		if err != nil {
			abs = f.file
		}
		opts.Spec, opts.SpecPath = spec, abs
	}
	if !f.resume {
		// A draft this wizard does not continue stays where it is until the first answer,
		// then moves aside (draft.previous-TIME.tfvars): never destroyed without a word.
		if saved, err := store.Modified(); err == nil {
			opts.PreviousDraft = saved
		}
	}
	if err := a.delayDemo(); err != nil {
		return wizard.Options{}, err
	}
	fallbackRegion := opts.Spec.AWSRegion
	opts.Connect = a.connections.guard(func(ctx context.Context) (*wizard.Session, error) {
		return a.session(ctx, fallbackRegion)
	})
	if !a.demoMode() {
		opts.Demo = a.connections.guard(func(ctx context.Context) (*wizard.Session, error) {
			a.demo, a.clients = true, nil
			return a.session(ctx, fallbackRegion)
		})
	}
	return opts, nil
}

// holdDraft locks the draft opts.Drafts for this wizard, so that two never save over
// each other's answers; release gives it up once the wizard's last save is done. When
// another running ecswiz holds it, a wizard started afresh keeps a draft of its own
// beside it (draft.parallel-TIME-PID.tfvars) and says so on its first screen; one that
// resumes is refused: the draft is open in the other. A draft that cannot be locked
// (say a read-only directory) is not in the way: the wizard runs, and its saves say why
// they fail.
func (a *app) holdDraft(opts *wizard.Options, resume bool) (release func(), err error) {
	nothing := func() {}
	if opts.Drafts == nil {
		return nothing, nil
	}
	store := *opts.Drafts
	lock, err := store.Lock()
	var inUse *draft.InUseError
	switch {
	case err == nil:
		return func() {
			if err := lock.Release(); err != nil {
				a.log.Warn("draft lock not released", "error", err)
			}
		}, nil
	case errors.As(err, &inUse) && resume:
		return nil, fmt.Errorf("%w: continue it there, or quit it and run `ecswiz --resume` again%s", err, staleHint(inUse))
	case errors.As(err, &inUse):
		own := store.Parallel(os.Getpid())
		a.log.Info("draft in use: this wizard keeps its own", "pid", inUse.PID, "path", own.Path())
		opts.Drafts, opts.PreviousDraft = &own, time.Time{}
		// One line of the footer: the file's name, short; the summary at the end gives
		// its path.
		other := "Another ecswiz"
		if inUse.PID > 0 {
			other = fmt.Sprintf("Another ecswiz (PID %d)", inUse.PID)
		}
		note := fmt.Sprintf("%s has the draft; this one saves to %s.", other, filepath.Base(own.Path()))
		opts.Note = strings.TrimSpace(opts.Note + " " + note)
		return nothing, nil
	default:
		a.log.Warn("draft not locked", "error", err)
		return nothing, nil
	}
}

// staleHint is what to do when the process said to hold the draft is not an ecswiz
// (its PID was reused after a crash).
func staleHint(e *draft.InUseError) string {
	if e.PID == 0 {
		return fmt.Sprintf("; if no other ecswiz runs, delete %s", e.Lock)
	}
	return fmt.Sprintf("; if no ecswiz runs as PID %d, delete %s", e.PID, e.Lock)
}

// connections tracks the wizard's session loads, which run beside the program and
// change the app (its clients, the demo server's cleanup): the command waits for them
// to end before it cleans up, so none outlives the command or races its cleanup.
type connections struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
	stop   chan struct{}
}

func (c *connections) guard(connect wizard.Connector) wizard.Connector {
	return func(ctx context.Context) (*wizard.Session, error) {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, context.Canceled
		}
		if c.stop == nil {
			c.stop = make(chan struct{})
		}
		stop := c.stop
		c.wg.Add(1)
		c.mu.Unlock()
		defer c.wg.Done()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		return connect(ctx)
	}
}

// close cancels the loads still running and waits for them.
func (c *connections) close() {
	c.mu.Lock()
	c.closed = true
	if c.stop != nil {
		close(c.stop)
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// delayDemo applies ECSWIZ_DEMO_LATENCY to the demo account.
func (a *app) delayDemo() error {
	v := a.getenv(demoLatencyEnv)
	if v == "" || a.newDemo != nil {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return usageErrorf("%s=%q: want a duration such as 500ms or 2s", demoLatencyEnv, v)
	}
	a.newDemo = func() *fakeaws.Server { return fakeaws.NewDemo(fakeaws.WithLatency(d)) }
	return nil
}

// session loads the AWS session the wizard shows and calls: clients, then who is calling.
func (a *app) session(ctx context.Context, fallbackRegion string) (*wizard.Session, error) {
	clients, err := a.awsClients(ctx, fallbackRegion)
	if err != nil {
		return nil, err
	}
	id, err := clients.STS.Caller(ctx)
	if err != nil {
		return nil, err
	}
	profile := a.profile
	if profile == "" && !a.demoMode() {
		profile = a.getenv("AWS_PROFILE")
	}
	return &wizard.Session{
		Profile: profile, Region: clients.Region.Name, Account: id.Account, Caller: id.ARN,
		Demo: a.demoMode(), Cloud: wizard.NewCloud(clients),
	}, nil
}

// interactive reports whether stdin and stdout are a terminal the wizard can draw on.
func (a *app) interactive() bool {
	if a.isTerminal != nil {
		return a.isTerminal()
	}
	in, okIn := a.stdin.(*os.File)
	out, okOut := a.stdout.(*os.File)
	return okIn && okOut && term.IsTerminal(in.Fd()) && term.IsTerminal(out.Fd())
}
