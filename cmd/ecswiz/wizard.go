package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/draft"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui/wizard"
)

// configDirEnv overrides where drafts are kept (tests, and people who want them elsewhere).
const configDirEnv = "ECSWIZ_CONFIG_DIR"

// wizardFlags are the root command's own flags: they open the wizard.
type wizardFlags struct {
	file       string
	resume     bool
	accessible bool
}

func (f *wizardFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "open the wizard prefilled from this spec `file` (.tfvars or .tfvars.json)")
	cmd.Flags().BoolVar(&f.resume, "resume", false, "continue the last draft of the wizard")
	cmd.Flags().BoolVar(&f.accessible, "accessible", false, "ask the questions one at a time as plain prompts (screen readers); also ACCESSIBLE=1")
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

// runWizard opens the interactive wizard.
func (a *app) runWizard(ctx context.Context, f wizardFlags) error {
	if !a.interactive() {
		return usageErrorf("the wizard needs a terminal; without one, use `ecswiz validate`, `ecswiz render`, `ecswiz export` or `ecswiz register` with a spec file (see `ecswiz --help`)")
	}
	store, err := a.drafts()
	if err != nil {
		return err
	}
	opts := wizard.Options{Spec: model.NewSpec(), Drafts: &store}
	switch {
	case f.resume:
		d, err := store.Load()
		if err != nil {
			return usageError(err)
		}
		opts.Spec, opts.Step, opts.Completed, opts.SpecPath = d.Spec, d.Step, d.Completed, d.Source
	case f.file != "":
		spec, err := (&specFlags{file: f.file}).load()
		if err != nil {
			return err
		}
		abs, err := filepath.Abs(f.file)
		if err != nil {
			abs = f.file
		}
		opts.Spec, opts.SpecPath = spec, abs
	}
	fallbackRegion := opts.Spec.AWSRegion
	opts.Connect = func(ctx context.Context) (*wizard.Session, error) { return a.session(ctx, fallbackRegion) }
	if !a.demoMode() {
		opts.Demo = func(ctx context.Context) (*wizard.Session, error) {
			a.demo, a.clients = true, nil
			return a.session(ctx, fallbackRegion)
		}
	}
	if f.accessible || a.getenv("ACCESSIBLE") != "" {
		return usageErrorf("--accessible is not built yet") // TODO(issue 5): accessible mode
	}
	m := wizard.New(opts)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(a.stdin), tea.WithOutput(a.stdout))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("the wizard stopped: %w", err)
	}
	for _, line := range m.Outcome().Lines {
		fmt.Fprintln(a.stdout, line)
	}
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
