package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
)

// diffCmd is "ecswiz diff".
type diffCmd struct {
	app     *app
	spec    specFlags
	against string
}

func (a *app) newDiffCmd() *cobra.Command {
	c := &diffCmd{app: a}
	cmd := &cobra.Command{
		Use:   "diff -f FILE [--against FAMILY[:REV]]",
		Short: "Compare a spec with a registered task definition",
		Long: `Diff renders a spec and compares it with a registered revision: by default the
latest ACTIVE revision of the spec's family. Both are normalised first (defaults ECS
fills in, read-only fields, order of lists), so only real changes show. The output is
a unified diff of the normalised JSON.

Exit status, like diff(1): 0 when they are the same, 1 when they differ (or nothing is
registered yet), 2 for an invalid spec or bad usage; an AWS error also exits 1.`,
		Example: `  ecswiz diff -f prod.tfvars
  ecswiz diff -f prod.tfvars --against backend-booking-prod:41`,
		Args: noArgs,
		RunE: a.runE(func(cmd *cobra.Command) error { return c.run(cmd.Context()) }),
	}
	c.spec.register(cmd)
	cmd.Flags().StringVar(&c.against, "against", "", "the registered `revision` to compare with: FAMILY, FAMILY:REV or an ARN (default: the spec's family)")
	return cmd
}

func (c *diffCmd) run(ctx context.Context) error {
	cmp, err := c.app.compareWithLive(ctx, &c.spec, c.against)
	if err != nil {
		return err
	}
	if cmp.Diff == "" {
		_, err := fmt.Fprintf(c.app.stdout, "unchanged: %s\n", cmp.LiveRef)
		return err
	}
	if _, err := fmt.Fprint(c.app.stdout, cmp.Diff); err != nil {
		return err
	}
	return silentExit(exitFailure)
}

// compareWithLive loads and validates the spec, renders it, and diffs it with the
// revision against names (default: the spec's family, i.e. its latest ACTIVE revision).
// A family with no revision is not an error: everything is new.
func (a *app) compareWithLive(ctx context.Context, spec *specFlags, against string) (deploy.Comparison, error) {
	s, err := spec.load()
	if err != nil {
		return deploy.Comparison{}, err
	}
	if err := refuseInvalidSpec(a.stderr, spec.file, s); err != nil {
		return deploy.Comparison{}, err
	}
	clients, err := a.awsClients(ctx, s.AWSRegion)
	if err != nil {
		return deploy.Comparison{}, err
	}
	td, err := model.Build(s, clients.Region.Name)
	if err != nil {
		return deploy.Comparison{}, err
	}
	cmp, err := deploy.Compare(ctx, clients.ECS, td, spec.file, against)
	if err == nil && cmp.NewFamily() {
		a.log.Info("no revision registered yet", "family", td.Family)
	}
	return cmp, err
}
