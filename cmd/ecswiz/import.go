package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/model"
)

// errLossyImport ends an import whose spec does not hold all of the task definition:
// exit 1, after each dropped part was printed as a warning.
var errLossyImport = errors.New("lossy import")

// importCmd is "ecswiz import".
type importCmd struct {
	app      *app
	fromJSON string
	taskDef  string
	output   string
	force    bool
}

func (a *app) newImportCmd() *cobra.Command {
	c := &importCmd{app: a}
	cmd := &cobra.Command{
		Use:   "import (--task-definition FAMILY[:REV] | --from-json FILE) [-o SPEC]",
		Short: "Turn an existing task definition into a spec",
		Long: `Import reads a task definition and writes the spec that renders it: a .tfvars
file, or a .tfvars.json one when -o ends in .json; stdout without -o.

The input is a registered revision (--task-definition, read with
DescribeTaskDefinition), or a file (--from-json) holding the output of "aws ecs
describe-task-definition --include TAGS" or a register-task-definition input such as
"ecswiz render" writes. app_name and
environment come from the family, split where the ENVIRONMENT variable says.

What a spec cannot express (a second container, a health check, ulimits, another log
driver, ...) is left out, and each part left out is printed on stderr as
"warning: FIELD: ...", FIELD being its JSON path in the task definition.

Exit status: 0 when the spec renders the task definition exactly, 1 when something
was left out (the spec is still written), 2 when the input cannot be read or is not
a task definition (malformed JSON is reported with its line and column) or the -o
file exists without --force.`,
		Example: `  ecswiz import --task-definition backend-booking-prod -o prod.tfvars
  aws ecs describe-task-definition --task-definition web-prod --include TAGS > td.json
  ecswiz import --from-json td.json -o prod.tfvars
  ecswiz import --from-json taskdef.json -o prod.tfvars.json --force`,
		Args: noArgs,
		RunE: a.runE(func(cmd *cobra.Command) error { return c.run(cmd.Context()) }),
	}
	flags := cmd.Flags()
	flags.StringVar(&c.fromJSON, "from-json", "", "read the task definition from this JSON `file`")
	flags.StringVar(&c.taskDef, "task-definition", "", "read the registered `revision` FAMILY, FAMILY:REV or ARN from ECS (FAMILY: its latest ACTIVE one)")
	flags.StringVarP(&c.output, "output", "o", "", "write the spec to this `file` (.tfvars or .tfvars.json) instead of stdout")
	flags.BoolVar(&c.force, "force", false, "replace the -o file if it exists")
	_ = cmd.MarkFlagFilename("from-json", "json")
	_ = cmd.MarkFlagFilename("output", "tfvars", "json")
	return cmd
}

func (c *importCmd) run(ctx context.Context) error {
	switch {
	case c.fromJSON != "" && c.taskDef != "":
		return usageErrorf("pass either --from-json or --task-definition, not both")
	case c.taskDef != "":
		clients, err := c.app.awsClients(ctx, "")
		if err != nil {
			return err
		}
		doc, err := clients.ECS.DescribeTaskDefinition(ctx, c.taskDef)
		if err != nil {
			return err
		}
		return c.importDocument(ctx, doc, c.taskDef)
	case c.fromJSON == "":
		return usageErrorf("nothing to import: pass --task-definition FAMILY[:REV], or --from-json FILE with the output of aws ecs describe-task-definition")
	}
	doc, err := os.ReadFile(c.fromJSON)
	if err != nil {
		return usageErrorf("read task definition %s: %w", c.fromJSON, pathReason(err))
	}
	return c.importDocument(ctx, doc, c.fromJSON)
}

// importDocument turns a task definition document into a spec and writes it; source
// names the document in messages.
func (c *importCmd) importDocument(ctx context.Context, doc []byte, source string) error {
	spec, warnings, err := model.ImportTaskDefinition(doc)
	if err != nil {
		var importErr *model.ImportError
		if errors.As(err, &importErr) {
			importErr.Source = source
		}
		return usageError(err)
	}
	var out []byte
	if model.IsJSONSpec(c.output) {
		out = model.FormatTFVarsJSON(spec)
	} else {
		out = model.FormatTFVars(spec)
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted: write nothing
	}
	if err := writeOutput(c.app.stdout, c.output, out, c.force); err != nil {
		return err
	}
	c.app.log.Info("task definition imported", "source", source, "file", c.output, "warnings", len(warnings))

	for _, w := range warnings {
		if _, err := fmt.Fprintf(c.app.stderr, "warning: %s\n", printable(w.String())); err != nil {
			return err
		}
	}
	if len(warnings) > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("%w: the spec does not render %s exactly (%s)",
			errLossyImport, source, plural(len(warnings), "warning"))}
	}
	return nil
}
