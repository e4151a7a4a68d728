package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// deps is what the commands take from outside themselves. main passes the process's
// own; tests pass buffers and fakes.
type deps struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// isTerminal reports whether stdin and stdout are a terminal; nil checks the files.
	isTerminal func() bool
	getenv     func(string) string
	homeDir    func() (string, error)
	// newDemo makes the demo account's fake AWS (--demo); nil means fakeaws.NewDemo.
	// Tests pass one with faults injected.
	newDemo func() *fakeaws.Server
}

// app is what every command shares: its deps, the global flags and the logger.
type app struct {
	deps

	region  string // --region
	profile string // --profile
	logFile string // --log-file
	demo    bool   // --demo

	clients *aws.Clients // built by awsClients on first use
	// connections are the wizard's session loads, waited for before the cleanups.
	connections connections
	cleanups    []func() error // run when the command ends (the demo account's server)

	log      *slog.Logger
	closeLog func() error

	// started is set when a command's own code begins. An error before that comes
	// from cobra parsing flags and arguments, so it is bad usage.
	started bool
}

// run executes one ecswiz command line and returns the process's exit code.
func run(ctx context.Context, args []string, d deps) int {
	a := &app{deps: d, log: slog.New(slog.DiscardHandler)}
	root := a.newRootCmd()
	if args == nil {
		args = []string{} // nil makes cobra read os.Args
	}
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	for _, cleanup := range a.cleanups {
		if cerr := cleanup(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if a.closeLog != nil {
		if cerr := a.closeLog(); cerr != nil && err == nil {
			err = fmt.Errorf("close log file: %w", cerr)
		}
	}
	var exitErr *exitError
	if err != nil && !a.started && !errors.As(err, &exitErr) {
		err = usageError(err)
	}
	return report(a.stderr, err)
}

func (a *app) newRootCmd() *cobra.Command {
	var wf wizardFlags
	root := &cobra.Command{
		Use:   "ecswiz",
		Short: "Build the ECS task definition of a Django application on AWS Fargate",
		Long: `ecswiz builds the ECS task definition of a Django application on AWS Fargate.

A spec is a .tfvars (or .tfvars.json) file whose keys are the input variables of the
ecs-task-definition Terraform module, so one file feeds both ecswiz and
"terraform apply -var-file=dev.tfvars".

Run without a command, ecswiz opens an interactive wizard that walks you through the
spec, previews the task definition, and registers it or exports Terraform. --demo runs
it against a built-in demo account; -f opens it prefilled from a spec.

Drafts: the wizard saves your answers as you go (never a secret value) to draft.tfvars
in $ECSWIZ_CONFIG_DIR, else ecswiz's directory in your config directory (on Linux
~/.config/ecswiz), with mode 0600. --resume continues that draft. Starting afresh leaves
it alone until your first answer, then keeps it as draft.previous-TIME.tfvars beside the new
one: a spec file that -f opens. Drafts kept this way are never replaced or deleted. Once the
wizard has registered, exported or saved the spec, its draft is removed. A wizard holds
draft.lock while it runs; a second one started meanwhile saves to draft.pid-N.tfvars.

--accessible (also ACCESSIBLE=1, or TERM=dumb) asks the questions one at a time as plain
prompts for screen readers; it reads answers line by line, so it needs no terminal. It
exports and saves the spec but does not register: run "ecswiz register -f FILE" after.`,
		Example: `  ecswiz --demo
  ecswiz -f dev.tfvars
  ecswiz --resume
  ecswiz validate -f dev.tfvars
  ecswiz render -f dev.tfvars --set container_image=repo:1.4.2 -o taskdef.json`,
		Args:                       rejectUnknownCommand,
		SuggestionsMinimumDistance: 2,
		SilenceUsage:               true,
		SilenceErrors:              true,
		Version:                    currentBuild().String(),
		PersistentPreRunE:          func(*cobra.Command, []string) error { return a.openLog() },
		RunE: a.runE(func(cmd *cobra.Command) error {
			return a.runWizard(cmd.Context(), wf)
		}),
	}
	wf.register(root)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%w (see '%s --help')", err, c.CommandPath())
	})

	flags := root.PersistentFlags()
	flags.StringVar(&a.region, "region", "", "AWS Region to call, and for awslogs-region when the spec sets no aws_region")
	flags.StringVar(&a.profile, "profile", "", "AWS profile for credentials and Region (default $AWS_PROFILE, else default)")
	flags.StringVar(&a.logFile, "log-file", "", "append a debug log to this `file` (default: no log)")
	flags.BoolVar(&a.demo, "demo", false, "use a built-in demo AWS account (demo-shop) instead of yours; also "+demoEnv+"=1")
	_ = root.MarkPersistentFlagFilename("log-file")

	root.AddCommand(
		a.newValidateCmd(),
		a.newRenderCmd(),
		a.newExportCmd(),
		a.newImportCmd(),
		a.newRegisterCmd(),
		a.newDiffCmd(),
		a.newDoctorCmd(),
		a.newParamsCmd(),
		a.newVersionCmd(),
	)
	return root
}

// runE adapts a command's code to cobra and marks the end of cobra's own parsing.
func (a *app) runE(fn func(cmd *cobra.Command) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		a.started = true
		a.log.Debug("command started", "command", cmd.CommandPath())
		return fn(cmd)
	}
}

// openLog sends the log to --log-file, never to the terminal: the TUI will draw there.
// It runs before every command (root's PersistentPreRunE; a subcommand that needs its
// own must call it).
func (a *app) openLog() error {
	if a.logFile == "" {
		return nil
	}
	f, err := os.OpenFile(a.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return usageErrorf("--log-file: %w", err)
	}
	a.closeLog = f.Close
	a.log = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return nil
}

// rejectUnknownCommand is the root's argument check: the root takes no arguments, so
// one is a mistyped command.
func rejectUnknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + s[0] + "?"
	}
	return usageErrorf("%s (see '%s --help')", msg, cmd.CommandPath())
}

// noArgs is the argument check of commands that take only flags. The likely mistake is
// a spec given without -f, so the message shows how to pass it.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.Flags().Lookup("file") != nil {
		return usageErrorf("%s takes no arguments; pass the spec with -f: %s -f %s",
			cmd.Name(), cmd.CommandPath(), args[0])
	}
	return usageErrorf("%s takes no arguments, got %q", cmd.Name(), strings.Join(args, " "))
}
