package wizard

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/atomicfile"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// Export and Save spec: a small form (format and path, or the path alone), then an
// atomic write with mode 0600 in a command. An existing file is replaced only after the
// person says so, except the spec file the wizard was opened with (-f), which Save
// spec writes back to.

// actWrite is a file the Act step writes.
type actWrite struct {
	path      string
	what      string // "module block", "spec": said when it is written
	data      []byte
	overwrite bool
	save      bool // the spec itself (Save spec), not an export
}

// actExportFormats describes each export format in one line.
var actExportFormats = map[string]struct{ label, note, ext string }{
	model.ExportTFVars:     {"tfvars", "the spec as a .tfvars file, for ecswiz -f and terraform -var-file", ".tfvars"},
	model.ExportTFVarsJSON: {"tfvars JSON", "the same spec in Terraform's JSON variables form", ".tfvars.json"},
	model.ExportModule:     {"module block", "a module block calling " + model.DefaultModuleSource, ".tf"},
	model.ExportResource:   {"resource HCL", "a plain aws_ecs_task_definition resource, without the module", ".resource.tf"},
	model.ExportJSON:       {"ECS JSON", "for aws ecs register-task-definition --cli-input-json", ".json"},
}

// fileBase is the name files are given by default: the family, or "ecswiz-spec" before
// there is one.
func (s *actStep) fileBase() string {
	spec := s.env.spec
	if spec.AppName == "" || spec.Environment == "" {
		return "ecswiz-spec"
	}
	return spec.Family()
}

// defaultPath is a file name in the directory files go to by default.
func (s *actStep) defaultPath(name string) string {
	if s.dir == "" {
		return name
	}
	return filepath.Join(s.dir, name)
}

// savePath is where Save spec writes unless told otherwise: the -f file, else FAMILY.tfvars.
func (s *actStep) savePath() string {
	if s.env.specPath != "" {
		return s.env.specPath
	}
	return s.defaultPath(s.fileBase() + ".tfvars")
}

func requirePath(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("the path is required — type a file name, e.g. dev.tfvars")
	}
	return nil
}

// openExport opens the export form: the format, then the path, which follows the
// format until the person edits it.
func (s *actStep) openExport() {
	path := &tui.Field{Key: "path", Title: "Path", Kind: tui.Text,
		Hint:     "Written atomically with mode 0600; an existing file is replaced only if you say so.",
		Validate: requirePath,
	}
	var opts []tui.Option
	for _, f := range model.ExportFormats() {
		d := actExportFormats[f]
		opts = append(opts, tui.Option{Value: f, Label: d.label, Note: d.note})
	}
	format := &tui.Field{Key: "format", Title: "Format", Kind: tui.Choice, Options: opts,
		Hint: "↑/↓ picks the format; tab or enter goes to the path.",
		OnSet: func(v string) {
			if path.Value() == s.exportDefault {
				s.exportDefault = s.defaultPath(s.fileBase() + actExportFormats[v].ext)
				path.SetValue(s.exportDefault)
			}
		},
	}
	s.exportDefault = s.defaultPath(s.fileBase() + actExportFormats[format.Value()].ext)
	path.SetValue(s.exportDefault)
	s.form = tui.NewForm(format, path)
	s.form.SetWidth(s.width - 4)
	s.dialog, s.formKind = actExportForm, actExportForm
}

// openSave opens the Save spec form: the path alone.
func (s *actStep) openSave() {
	path := &tui.Field{Key: "path", Title: "Save the spec to", Kind: tui.Text,
		Hint:     "A .tfvars file (.tfvars.json for the JSON form) holding every answer; secret values are never in it.",
		Validate: requirePath,
	}
	path.SetValue(s.savePath())
	s.form = tui.NewForm(path)
	s.form.SetWidth(s.width - 4)
	s.dialog, s.formKind = actSaveForm, actSaveForm
}

// formDone writes what the open form asked for.
func (s *actStep) formDone() tea.Cmd {
	if s.form == nil {
		return nil
	}
	path := strings.TrimSpace(s.form.Field("path").Value())
	spec := *s.env.spec
	if s.dialog == actSaveForm {
		data := model.FormatTFVars(spec)
		if model.IsJSONSpec(path) {
			data = model.FormatTFVarsJSON(spec)
		}
		return s.startWrite(&actWrite{path: path, what: "spec", data: data, save: true,
			overwrite: s.env.specPath != "" && samePath(path, s.env.specPath)})
	}
	format := s.form.Field("format")
	data, err := model.Export(spec, model.ExportOptions{Format: format.Value(), ModuleSource: model.DefaultModuleSource, Region: s.region})
	if err != nil {
		if errors.Is(err, model.ErrNoRegion) {
			err = fmt.Errorf("%s needs the Region for awslogs-region: set aws_region (%s in Review) or pick a Terraform variables format",
				actExportFormats[format.Value()].label, tui.Keys.Edit.Help().Key)
		}
		format.SetErr(errors.New(strings.ReplaceAll(wrapWords(err.Error(), max(20, s.width-12)), "\n", "\n      ")))
		s.form.FocusKey("format")
		return nil
	}
	return s.startWrite(&actWrite{path: path, what: actExportFormats[format.Value()].label, data: data})
}

// samePath reports whether two paths name the same file, as far as their text tells.
func samePath(a, b string) bool {
	aa, errA := filepath.Abs(a)
	bb, errB := filepath.Abs(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return aa == bb
}

func (s *actStep) startWrite(w *actWrite) tea.Cmd {
	s.write = w
	s.writeID = tui.NewID()
	return tui.Call(stepContext(s.ctx), s.writeID, func(ctx context.Context) (string, error) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		return w.path, atomicfile.Write(w.path, w.data, 0o600, w.overwrite)
	})
}

// written handles the end of a write.
func (s *actStep) written(err error) {
	w := s.write
	if w == nil {
		return
	}
	switch {
	case errors.Is(err, atomicfile.ErrExists):
		s.dialog = actConfirmOverwrite
		return
	case err != nil:
		if s.form != nil {
			// The form does not wrap: the message is wrapped here, under the field.
			s.form.Field("path").SetErr(errors.New(strings.ReplaceAll(wrapWords(errorLine(err), max(20, s.width-12)), "\n", "\n      ")))
			s.form.FocusKey("path")
		}
		return
	}
	s.write, s.form, s.dialog = nil, nil, actNoDialog
	s.noteErr = false
	if w.save {
		s.note = fmt.Sprintf("✓ Saved the spec to %s (mode 0600): ecswiz -f %s opens it again.", w.path, w.path)
		s.done = append(s.done, actDone{line: fmt.Sprintf("Saved the spec to %s: `ecswiz -f %s` opens it again.", w.path, w.path)})
		return
	}
	s.note = fmt.Sprintf("✓ Wrote %s (%s, mode 0600).", w.path, w.what)
	s.done = append(s.done, actDone{line: fmt.Sprintf("Wrote %s (%s).", w.path, w.what)})
}
