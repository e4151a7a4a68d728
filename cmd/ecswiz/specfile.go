package main

import (
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/model"
)

// specFlags say which spec a command reads: the file (-f) and the --set overrides.
type specFlags struct {
	file string
	sets []string
}

func (f *specFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "the spec to read, a .tfvars or .tfvars.json `file` (required)")
	// StringArray, not StringSlice: a value such as ["gunicorn","app.wsgi"] holds commas.
	cmd.Flags().StringArrayVar(&f.sets, "set", nil, "override a variable of the spec, parsed by its type (repeatable)")
	_ = cmd.MarkFlagFilename("file", "tfvars", "json")
}

// load reads the spec file and applies the --set overrides in order.
func (f *specFlags) load() (model.Spec, error) {
	if f.file == "" {
		return model.Spec{}, usageErrorf("no spec given: pass -f FILE, a .tfvars or .tfvars.json file")
	}
	src, err := os.ReadFile(f.file)
	if err != nil {
		return model.Spec{}, usageErrorf("read spec %s: %w", f.file, pathReason(err))
	}
	spec, err := model.ParseSpec(src, f.file)
	if err != nil {
		return model.Spec{}, err
	}
	for _, assignment := range f.sets {
		if spec, err = model.SetVariable(spec, assignment); err != nil {
			return model.Spec{}, setError(err)
		}
	}
	return spec, nil
}

// pathReason drops the operation and path from a file error when the message already
// names the file: "no such file or directory" instead of "open x.tfvars: no such ...".
func pathReason(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}

// setError names --set in each problem of a failed override, so the line reads
// "--set task_memroy: unknown variable; did you mean task_memory?".
func setError(err error) error {
	var specErr *model.SpecError
	if !errors.As(err, &specErr) {
		return usageErrorf("--set: %w", err)
	}
	out := &model.SpecError{}
	for _, p := range specErr.Problems {
		switch p.Field {
		case "", "--set":
			p.Field = "--set"
		default:
			p.Field = "--set " + p.Field
		}
		out.Problems = append(out.Problems, p)
	}
	return out
}
