package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// registerCmd is "ecswiz register".
type registerCmd struct {
	app    *app
	spec   specFlags
	dryRun bool
	force  bool
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
server error, a dropped connection), register reads the latest revision before it
reports a failure: one that matches the spec was registered, so running register again
never makes a second revision.

On success it prints the module's outputs: task_definition_arn, task_definition_family,
task_definition_revision, container_name and container_port.

--dry-run prints the task definition that would be registered and the diff against the
latest revision, and registers nothing.`,
		Example: `  ecswiz register -f dev.tfvars
  ecswiz register -f dev.tfvars --dry-run
  ecswiz --demo register -f examples/basic-dev.tfvars`,
		Args: noArgs,
		RunE: a.runE(func(cmd *cobra.Command) error { return c.run(cmd.Context()) }),
	}
	c.spec.register(cmd)
	cmd.Flags().BoolVar(&c.dryRun, "dry-run", false, "print what would be registered and the diff; register nothing")
	cmd.Flags().BoolVar(&c.force, "force", false, "register a new revision even when nothing changed")
	return cmd
}

func (c *registerCmd) run(ctx context.Context) error {
	cmp, err := c.app.compareWithLive(ctx, &c.spec, "")
	if err != nil {
		return err
	}
	out := c.app.stdout
	if c.dryRun {
		if _, err := out.Write(cmp.render); err != nil {
			return err
		}
		switch {
		case cmp.diff == "":
			_, err = fmt.Fprintf(out, "\nunchanged: %s (register would do nothing without --force)\n", cmp.liveRef)
		case cmp.live == nil:
			_, err = fmt.Fprintf(out, "\nno revision of %s is registered: this would be the first\n", cmp.td.Family)
		default:
			_, err = fmt.Fprintf(out, "\n%s", cmp.diff)
		}
		return err
	}
	if cmp.diff == "" && !c.force {
		_, err := fmt.Fprintf(out, "unchanged: %s\n", cmp.liveRef)
		return err
	}
	clients, err := c.app.awsClients(ctx, "")
	if err != nil {
		return err
	}
	reg, err := clients.ECS.Register(ctx, cmp.td)
	if err != nil {
		// The call can fail after ECS made the revision (a 5xx, a dropped connection),
		// and the adapter does not repeat it. Look before reporting a failure, so that
		// running register again does not make a second revision.
		found, ok := c.madeAnyway(ctx, clients, cmp)
		if !ok {
			return err
		}
		fmt.Fprintf(c.app.stderr, "ecswiz: the answer to the registration was lost (%s), but %s now matches the spec: it was registered\n",
			printable(err.Error()), ref(found))
		reg = found
	}
	c.app.log.Info("task definition registered", "arn", reg.ARN)
	container := cmp.td.ContainerDefinitions[0]
	return writeOutputs(out, reg, container.Name, container.PortMappings[0].ContainerPort)
}

// madeAnyway reports the latest revision of the family when it is newer than the one
// compared with and equals the spec's render: a registration whose answer was lost.
func (c *registerCmd) madeAnyway(ctx context.Context, clients *aws.Clients, cmp comparison) (aws.Registered, bool) {
	doc, err := clients.ECS.DescribeTaskDefinition(ctx, cmp.td.Family)
	if err != nil {
		return aws.Registered{}, false
	}
	latest, err := describedRevision(doc)
	if err != nil || ref(latest) == cmp.liveRef {
		return aws.Registered{}, false
	}
	diff, err := model.DiffTaskDefinitions(ref(latest), doc, c.spec.file, cmp.render)
	if err != nil || diff != "" {
		return aws.Registered{}, false
	}
	return latest, true
}

// writeOutputs prints what the module outputs, in its names, one per line.
func writeOutputs(w io.Writer, reg aws.Registered, containerName string, containerPort int) error {
	_, err := fmt.Fprintf(w, `task_definition_arn      = %q
task_definition_family   = %q
task_definition_revision = %d
container_name           = %q
container_port           = %d
`, reg.ARN, reg.Family, reg.Revision, containerName, containerPort)
	return err
}
