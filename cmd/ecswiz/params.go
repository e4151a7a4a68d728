package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws"
)

// paramsCmd is "ecswiz params".
type paramsCmd struct {
	app     *app
	spec    specFlags
	jsonOut bool
}

func (a *app) newParamsCmd() *cobra.Command {
	c := &paramsCmd{app: a}
	cmd := &cobra.Command{
		Use:   "params [PATH]",
		Short: "List the Parameter Store parameters under a path",
		Long: `Params lists every SSM parameter under PATH, recursively: name, type, version and
last change. Values are never read. With -f and no PATH it lists the spec's
parameter prefix (parameter_store_prefix, else /APP_NAME/ENVIRONMENT).

The listing is split by sub-path and read concurrently, as the wizard does. When part
of the path cannot be read (access denied), the rest is printed, each part that could
not be read is named on stderr, and the exit status is 1.`,
		Example: `  ecswiz params /backend-booking/prod
  ecswiz params -f prod.tfvars --json
  ecswiz --demo params /demo-shop/dev`,
		Args: cobra.MaximumNArgs(1),
		RunE: a.runE(func(cmd *cobra.Command) error {
			return c.run(cmd.Context(), cmd.Flags().Args())
		}),
	}
	c.spec.register(cmd)
	cmd.Flags().BoolVar(&c.jsonOut, "json", false, "print one JSON object per parameter instead of a tree")
	return cmd
}

func (c *paramsCmd) run(ctx context.Context, args []string) error {
	var path, specRegion string
	switch {
	case len(args) == 1:
		path = args[0]
	case c.spec.file != "":
		spec, err := c.spec.load()
		if err != nil {
			return err
		}
		path, specRegion = spec.ParameterPrefix(), spec.AWSRegion
	default:
		return usageErrorf("no path given: pass one (ecswiz params /APP/ENV) or a spec with -f")
	}
	if !strings.HasPrefix(path, "/") {
		return usageErrorf("path %q must start with /, e.g. /%s", path, path)
	}
	path = strings.TrimRight(path, "/")
	if path == "" {
		path = "/"
	}

	clients, err := c.app.awsClients(ctx, specRegion)
	if err != nil {
		return err
	}
	params, warnings, err := clients.Parameters.List(ctx, path, nil)
	if err != nil {
		return err
	}
	if c.jsonOut {
		err = writeParamsJSON(c.app.stdout, params)
	} else {
		err = writeParamsTree(c.app.stdout, path, params)
	}
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(c.app.stderr, "warning: %s\n", printable(w.String()))
	}
	if len(warnings) > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("the listing of %s is incomplete (%s)",
			path, plural(len(warnings), "part"))}
	}
	return nil
}

// paramJSON is one line of params --json: metadata only, never a value.
type paramJSON struct {
	Name         string    `json:"name"`
	Type         string    `json:"type"`
	ARN          string    `json:"arn,omitempty"`
	Version      int64     `json:"version,omitempty"`
	LastModified time.Time `json:"lastModified,omitzero"`
	Tier         string    `json:"tier,omitempty"`
	DataType     string    `json:"dataType,omitempty"`
}

func writeParamsJSON(w io.Writer, params []aws.Parameter) error {
	enc := json.NewEncoder(w)
	for _, p := range params {
		if err := enc.Encode(paramJSON{
			Name: p.Name, Type: p.Type, ARN: p.ARN, Version: p.Version,
			LastModified: p.LastModified.UTC(), Tier: p.Tier, DataType: p.DataType,
		}); err != nil {
			return err
		}
	}
	return nil
}

// writeParamsTree prints the parameters as a tree under root: one line per path
// segment, parameters with their type, version and date in aligned columns.
//
//	/demo-shop/dev: 3 parameters
//	  app/
//	    django-secret-key  SecureString  v1  2026-11-20
//	  database/
//	    host               String        v2  2026-11-21
func writeParamsTree(w io.Writer, root string, params []aws.Parameter) error {
	type line struct{ text, typ, version, date string }
	var lines []line
	width := 0
	var open []string // the directories of the previous parameter
	for _, p := range params {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.Name, root), "/")
		segs := strings.Split(rel, "/")
		dirs := segs[:len(segs)-1]
		same := 0
		for same < len(dirs) && same < len(open) && dirs[same] == open[same] {
			same++
		}
		for i := same; i < len(dirs); i++ {
			lines = append(lines, line{text: strings.Repeat("  ", i+1) + dirs[i] + "/"})
		}
		open = dirs
		l := line{text: strings.Repeat("  ", len(dirs)+1) + segs[len(segs)-1], typ: p.Type, version: fmt.Sprintf("v%d", p.Version)}
		if !p.LastModified.IsZero() {
			l.date = p.LastModified.UTC().Format(time.DateOnly)
		}
		width = max(width, len(l.text))
		lines = append(lines, l)
	}
	if _, err := fmt.Fprintf(w, "%s: %s\n", root, plural(len(params), "parameter")); err != nil {
		return err
	}
	for _, l := range lines {
		text := printable(l.text)
		if l.typ != "" {
			text = fmt.Sprintf("%-*s  %-12s  %-4s  %s", width, text, l.typ, l.version, l.date)
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(text, " ")); err != nil {
			return err
		}
	}
	return nil
}
