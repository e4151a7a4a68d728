package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/model"
)

// exportCmd is "ecswiz export".
type exportCmd struct {
	app          *app
	spec         specFlags
	format       string
	moduleSource string
	output       string
	force        bool
}

func (a *app) newExportCmd() *cobra.Command {
	c := &exportCmd{app: a, format: model.ExportModule, moduleSource: model.DefaultModuleSource}
	formats := model.ExportFormatNames()
	cmd := &cobra.Command{
		Use:   "export -f FILE [--format FORMAT]",
		Short: "Write a spec as Terraform or as task definition JSON",
		Long: `Export validates a spec and writes it in another form (the default: module):

` + exportFormatsHelp() + `
The module block calls --module-source with every variable the spec sets; the --set
overrides apply to every form.

A spec with errors is not exported: its findings go to stderr and the exit status is 2.
Warnings go to stderr. resource and json need an awslogs region as render does: the
spec's aws_region, else --region, AWS_REGION, AWS_DEFAULT_REGION or the profile's.`,
		Example: `  ecswiz export -f dev.tfvars > task_definition.tf
  ecswiz export -f dev.tfvars --format resource -o ecs.tf
  ecswiz export -f dev.tfvars --set container_image=repo:1.4.2 --format tfvars -o dev.tfvars --force`,
		Args: noArgs,
		RunE: a.runE(func(cmd *cobra.Command) error { return c.run(cmd.Context()) }),
	}
	c.spec.register(cmd)
	flags := cmd.Flags()
	flags.StringVar(&c.format, "format", c.format, "output `format`: "+strings.Join(formats, ", "))
	flags.StringVar(&c.moduleSource, "module-source", c.moduleSource, "the module block's `source` (--format module)")
	flags.StringVarP(&c.output, "output", "o", "", "write to this `file` instead of stdout")
	flags.BoolVar(&c.force, "force", false, "replace the -o file if it exists")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagFilename("output", "tf", "tfvars", "json")
	return cmd
}

func (c *exportCmd) run(ctx context.Context) error {
	if _, ok := model.LookupExportFormat(c.format); !ok {
		return usageErrorf("invalid --format %q: use one of %s", c.format, strings.Join(model.ExportFormatNames(), ", "))
	}
	spec, err := c.spec.load()
	if err != nil {
		return err
	}
	if err := refuseInvalidSpec(c.app.stderr, c.spec.file, spec); err != nil {
		return err
	}

	opts := model.ExportOptions{Format: c.format, ModuleSource: c.moduleSource}
	if c.format == model.ExportResource || c.format == model.ExportJSON {
		if opts.Region, err = c.app.awslogsRegion(spec); err != nil {
			return err
		}
	}
	out, err := model.Export(spec, opts)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted: write nothing
	}
	if err := writeOutput(c.app.stdout, c.output, out, c.force); err != nil {
		return err
	}
	c.app.log.Info("spec exported", "format", c.format, "file", c.output)
	return nil
}

// exportFormatsHelp lists the formats, one a line, from the model's table.
func exportFormatsHelp() string {
	var b strings.Builder
	for _, f := range model.ExportFormats() {
		fmt.Fprintf(&b, "  %-12s %s\n", f.Name, f.Description)
	}
	return b.String()
}
