package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/doctor"
)

// registerCmd is "ecswiz register".
type registerCmd struct {
	app        *app
	spec       specFlags
	dryRun     bool
	force      bool
	skipChecks bool
}

func (a *app) newRegisterCmd() *cobra.Command {
	c := &registerCmd{app: a}
	cmd := &cobra.Command{
		Use:   "register -f FILE [--dry-run] [--force]",
		Short: "Register a spec's task definition with ECS",
		Long: `Register validates a spec, renders it, and registers it as a new revision of its
family. ECS makes a new revision on every call, even when nothing changed, so register
first compares the render with the latest ACTIVE revision (normalised, as "ecswiz
diff" does): when they are the same it prints "unchanged: FAMILY:REV" and registers
nothing, unless --force.

A registration is repeated only when AWS throttled it. When its answer is lost (a
timeout, a server error, a dropped connection), register reads the latest revision
before it reports a failure: one that matches the spec was registered. When even that
cannot be read, register says the revision may exist; running it again compares
first, so it never makes a second revision.

Before registering it runs the checks of "ecswiz doctor --task-definition" on the
task definition (image, secrets, execution role, log group, ...; nothing reads a
secret's value) and refuses when one fails, since a task of that revision would not
start; --skip-checks registers anyway. A check that cannot run, or runs only in part
(no permission, a throttled call), is reported with its hint and does not refuse.

On success it prints the module's outputs: task_definition_arn, task_definition_family,
task_definition_revision, container_name and container_port.

--dry-run prints the task definition that would be registered and the diff against the
latest revision, and registers nothing.`,
		Example: `  ecswiz register -f dev.tfvars
  ecswiz register -f dev.tfvars --dry-run
  ecswiz --demo register -f examples/demo-shop-dev.tfvars`,
		Args: noArgs,
		RunE: a.runE(func(cmd *cobra.Command) error { return c.run(cmd.Context()) }),
	}
	c.spec.register(cmd)
	cmd.Flags().BoolVar(&c.dryRun, "dry-run", false, "print what would be registered and the diff; register nothing")
	cmd.Flags().BoolVar(&c.force, "force", false, "register a new revision even when nothing changed")
	cmd.Flags().BoolVar(&c.skipChecks, "skip-checks", false, "register even when a check fails")
	return cmd
}

func (c *registerCmd) run(ctx context.Context) error {
	cmp, err := c.app.compareWithLive(ctx, &c.spec, "")
	if err != nil {
		return err
	}
	out := c.app.stdout
	if c.dryRun {
		if _, err := out.Write(cmp.Render); err != nil {
			return err
		}
		switch {
		case cmp.Unchanged():
			_, err = fmt.Fprintf(out, "\nunchanged: %s (register would do nothing without --force)\n", cmp.LiveRef)
		case cmp.NewFamily():
			_, err = fmt.Fprintf(out, "\nno revision of %s is registered: this would be the first\n", cmp.TaskDefinition.Family)
		default:
			_, err = fmt.Fprintf(out, "\n%s", cmp.Diff)
		}
		return err
	}
	clients, err := c.app.awsClients(ctx, "")
	if err != nil {
		return err
	}
	if !c.skipChecks {
		if err := c.check(ctx, clients, cmp); err != nil {
			return err
		}
	}
	outcome, err := deploy.Register(ctx, clients.ECS, cmp, c.force)
	switch {
	case errors.Is(err, deploy.ErrMaybeRegistered):
		c.app.log.Warn("register: no answer, and the latest revision could not be read", "family", cmp.TaskDefinition.Family, "error", err)
		return fmt.Errorf("%w\nECS may have made the revision before the answer was lost: running register again compares with "+
			"the latest revision first, so it will not make a second one", err)
	case err != nil:
		return err
	case outcome.Unchanged:
		_, err := fmt.Fprintf(out, "unchanged: %s\n", cmp.LiveRef)
		return err
	case outcome.Lost != nil:
		fmt.Fprintf(c.app.stderr, "ecswiz: the answer to the registration was lost (%s), but %s now matches the spec: it was registered\n",
			printable(outcome.Lost.Error()), deploy.Ref(outcome.Registered))
	}
	c.app.log.Info("task definition registered", "arn", outcome.Registered.ARN)
	_, err = fmt.Fprintln(out, strings.Join(deploy.Outputs(outcome.Registered, cmp.TaskDefinition), "\n"))
	return err
}

// check runs the doctor's checks on what would be registered; an error when one fails.
// Checks that could not run, or only in part (a lookup they need failed), are printed
// with their hints and do not refuse: nothing they saw stops a task.
func (c *registerCmd) check(ctx context.Context, clients *aws.Clients, cmp deploy.Comparison) error {
	// What is about to be registered has no ARN yet: its account is the caller's.
	id, err := clients.STS.Caller(ctx)
	if err != nil {
		return err
	}
	results := newChecker(clients, id.Account).Run(ctx, cmp.Render)
	c.app.log.Info("register: checks ran", "family", cmp.TaskDefinition.Family, "failing", countStatus(results, doctor.StatusFail))
	quiet := true
	for _, r := range results {
		quiet = quiet && r.Status == doctor.StatusOK
	}
	if quiet {
		return nil
	}
	if err := writeChecks(c.app.stderr, cmp.TaskDefinition.Family, results); err != nil {
		return err
	}
	if n := countStatus(results, doctor.StatusFail); n > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("not registered: %d of the checks above failed, so a task of this "+
			"revision would not start; fix them, or register anyway with --skip-checks", n)}
	}
	if n := countStatus(results, doctor.StatusSkip); n > 0 {
		checks := "checks"
		if n == 1 {
			checks = "check"
		}
		_, err := fmt.Fprintf(c.app.stderr, "ecswiz: registering: %d %s above could not run fully (see the hints); none found a problem\n", n, checks)
		return err
	}
	return nil
}
