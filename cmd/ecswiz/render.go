package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// renderCmd is "ecswiz render".
type renderCmd struct {
	app    *app
	spec   specFlags
	output string
	force  bool
}

func (a *app) newRenderCmd() *cobra.Command {
	c := &renderCmd{app: a}
	cmd := &cobra.Command{
		Use:   "render -f FILE",
		Short: "Print the task definition JSON of a spec",
		Long: `Render validates a spec and prints its task definition as the JSON that
"aws ecs register-task-definition --cli-input-json" takes. A spec with errors is not
rendered: its findings go to stderr and the exit status is 2. Warnings go to stderr.

awslogs-region is the spec's aws_region; when that is not set, --region, then
AWS_REGION, AWS_DEFAULT_REGION, then the region of the profile (--profile, else
AWS_PROFILE, else default) in the shared AWS config file. No credentials are loaded.`,
		Example: `  ecswiz render -f dev.tfvars
  ecswiz render -f dev.tfvars --set container_image=repo:1.4.2 -o taskdef.json --force
  aws ecs register-task-definition --cli-input-json "$(ecswiz render -f dev.tfvars)"`,
		Args: noArgs,
		RunE: a.runE(func(cmd *cobra.Command) error { return c.run(cmd.Context()) }),
	}
	c.spec.register(cmd)
	cmd.Flags().StringVarP(&c.output, "output", "o", "", "write the JSON to this `file` instead of stdout")
	cmd.Flags().BoolVar(&c.force, "force", false, "replace the -o file if it exists")
	_ = cmd.MarkFlagFilename("output", "json")
	return cmd
}

func (c *renderCmd) run(ctx context.Context) error {
	spec, err := c.spec.load()
	if err != nil {
		return err
	}
	if err := refuseInvalidSpec(c.app.stderr, c.spec.file, spec); err != nil {
		return err
	}

	region, err := c.app.awslogsRegion(spec)
	if err != nil {
		return err
	}
	td, err := model.Build(spec, region)
	if err != nil {
		return err
	}
	out := model.RenderJSON(td)
	if err := ctx.Err(); err != nil {
		return err // interrupted: write nothing
	}
	if err := writeOutput(c.app.stdout, c.output, out, c.force); err != nil {
		return err
	}
	c.app.log.Info("task definition written", "file", c.output, "family", td.Family)
	return nil
}

// awslogsRegion is the Region to pass to model.Build for a spec without aws_region.
// It reads the environment and the shared config file only when the spec needs it.
func (a *app) awslogsRegion(spec model.Spec) (string, error) {
	if spec.AWSRegion != "" {
		a.log.Debug("awslogs region from the spec", "region", spec.AWSRegion)
		return "", nil
	}
	home, err := a.homeDir()
	if err != nil {
		home = "" // no home directory: there is just no ~/.aws/config to read
	}
	r, err := aws.ResolveRegion(aws.RegionLookup{
		Flag: a.region, Profile: a.profile, Getenv: a.getenv, HomeDir: home,
	})
	if err != nil {
		return "", fmt.Errorf("find the AWS Region: %w", err)
	}
	a.log.Debug("awslogs region resolved", "region", r.Name, "source", r.Source)
	return r.Name, nil
}
