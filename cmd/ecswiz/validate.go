package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/model"
)

var findingFormats = []string{"text", "json"}

// validateCmd is "ecswiz validate".
type validateCmd struct {
	app    *app
	spec   specFlags
	strict bool
	format string
}

func (a *app) newValidateCmd() *cobra.Command {
	c := &validateCmd{app: a, format: "text"}
	cmd := &cobra.Command{
		Use:   "validate -f FILE",
		Short: "Check a spec and list every problem in it",
		Long: `Validate checks a spec against the module's rules and Fargate's, and lists every
problem at once: errors, which block rendering and registering, then warnings.

Exit status: 0 when the spec is valid (warnings allowed), 2 when it has an error or,
with --strict, a warning.`,
		Example: `  ecswiz validate -f dev.tfvars
  ecswiz validate -f prod.tfvars --strict --format json
  ecswiz validate -f dev.tfvars --set task_cpu=1024 --set task_memory=3072`,
		Args: noArgs,
		RunE: a.runE(func(*cobra.Command) error { return c.run() }),
	}
	c.spec.register(cmd)
	cmd.Flags().BoolVar(&c.strict, "strict", false, "treat warnings as errors")
	cmd.Flags().StringVar(&c.format, "format", c.format, "output `format`: "+strings.Join(findingFormats, " or "))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(findingFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (c *validateCmd) run() error {
	if !slices.Contains(findingFormats, c.format) {
		return usageErrorf("invalid --format %q: use %s", c.format, strings.Join(findingFormats, " or "))
	}
	spec, err := c.spec.load()
	if err != nil {
		return err
	}
	findings := model.Validate(spec)
	c.app.log.Debug("validated", "file", c.spec.file,
		"errors", len(findings.Errors()), "warnings", len(findings.Warnings()))

	if c.format == "json" {
		err = writeFindingsJSON(c.app.stdout, findings)
	} else {
		err = writeFindingsText(c.app.stdout, c.spec.file, findings, c.strict)
	}
	if err != nil {
		return err
	}
	if findings.HasErrors() || c.strict && len(findings) > 0 {
		return silentExit(exitUsage)
	}
	return nil
}
