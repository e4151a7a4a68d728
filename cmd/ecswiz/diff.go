package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
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
	if cmp.diff == "" {
		_, err := fmt.Fprintf(c.app.stdout, "unchanged: %s\n", cmp.liveRef)
		return err
	}
	if _, err := fmt.Fprint(c.app.stdout, cmp.diff); err != nil {
		return err
	}
	return silentExit(exitFailure)
}

// comparison is a spec's task definition beside the registered revision it would
// replace.
type comparison struct {
	td      taskdef.TaskDefinition
	render  []byte
	liveRef string // FAMILY:REV of the registered revision; the family alone when there is none
	live    []byte // its describe-task-definition document; nil when there is none
	diff    string // the normalised unified diff; "" when they are the same
}

// compareWithLive loads and validates the spec, renders it, and diffs it with the
// revision against names (default: the spec's family, i.e. its latest ACTIVE revision).
// A family with no revision is not an error: everything is new.
func (a *app) compareWithLive(ctx context.Context, spec *specFlags, against string) (comparison, error) {
	s, err := spec.load()
	if err != nil {
		return comparison{}, err
	}
	if err := refuseInvalidSpec(a.stderr, spec.file, s); err != nil {
		return comparison{}, err
	}
	clients, err := a.awsClients(ctx, s.AWSRegion)
	if err != nil {
		return comparison{}, err
	}
	td, err := model.Build(s, clients.Region.Name)
	if err != nil {
		return comparison{}, err
	}
	c := comparison{td: td, render: model.RenderJSON(td), liveRef: td.Family}
	if against == "" {
		against = td.Family
	}
	live, err := clients.ECS.DescribeTaskDefinition(ctx, against)
	switch {
	case errors.Is(err, aws.KindNotFound) && against == td.Family:
		a.log.Info("no revision registered yet", "family", td.Family)
	case err != nil:
		return comparison{}, err
	default:
		c.live = live
		rev, err := describedRevision(live)
		if err != nil {
			return comparison{}, err
		}
		c.liveRef = ref(rev)
	}
	c.diff, err = model.DiffTaskDefinitions(c.liveRef, c.live, spec.file, c.render)
	return c, err
}

// describedRevision reads which revision a describe-task-definition document is.
func describedRevision(doc []byte) (aws.Registered, error) {
	var out struct {
		TaskDefinition struct {
			ARN      string `json:"taskDefinitionArn"`
			Family   string `json:"family"`
			Revision int32  `json:"revision"`
		} `json:"taskDefinition"`
	}
	if err := json.Unmarshal(doc, &out); err != nil {
		return aws.Registered{}, fmt.Errorf("read the registered task definition: %w", err)
	}
	td := out.TaskDefinition
	return aws.Registered{ARN: td.ARN, Family: td.Family, Revision: td.Revision}, nil
}

// ref is FAMILY:REV.
func ref(r aws.Registered) string { return r.Family + ":" + strconv.Itoa(int(r.Revision)) }
