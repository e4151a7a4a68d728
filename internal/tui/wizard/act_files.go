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
// atomic write with mode 0600 in a command. An existing file is never replaced before
// the person says so, the spec file the wizard was opened with included: the wizard
// writes a spec in its own canonical form, without the comments or the layout of a
// hand-written file.

// writeFile is the one way the wizard writes a file (Act and the accessible mode):
// atomically, with mode 0600 since what is written holds the spec's values. Unless
// replace is set, an existing file is left alone and the error matches
// atomicfile.ErrExists: ask, then write again with replace.
func writeFile(path string, data []byte, replace bool) error {
	return atomicfile.Write(path, data, 0o600, replace)
}

// replaceQuestion and replaceNote ask before a file is replaced.
func replaceQuestion(path string) string { return path + " already exists. Replace it?" }

const replaceNote = "The new content replaces it whole: the comments and the layout of a hand-written file are not kept."

// specFileData is the spec as a file at path: the JSON form for .tfvars.json, HCL
// otherwise.
func specFileData(spec model.Spec, path string) []byte {
	if model.IsJSONSpec(path) {
		return model.FormatTFVarsJSON(spec)
	}
	return model.FormatTFVars(spec)
}

// actWrite is a file the Act step writes.
type actWrite struct {
	path    string
	what    string // "module block", "spec": said when it is written
	data    []byte
	replace bool // the person said an existing file may be replaced
	save    bool // the spec itself (Save spec), not an export
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
	f, _ := model.LookupExportFormat(model.ExportTFVars)
	return s.defaultPath(f.FileName(*s.env.spec))
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
		opts = append(opts, tui.Option{Value: f.Name, Label: f.Label, Note: f.Description})
	}
	fileFor := func(name string) string {
		f, _ := model.LookupExportFormat(name)
		return s.defaultPath(f.FileName(*s.env.spec))
	}
	format := &tui.Field{Key: "format", Title: "Format", Kind: tui.Choice, Options: opts,
		Hint: "↑/↓ picks the format; tab or enter goes to the path.",
		OnSet: func(v string) {
			if path.Value() == s.exportDefault {
				s.exportDefault = fileFor(v)
				path.SetValue(s.exportDefault)
			}
		},
	}
	s.exportDefault = fileFor(format.Value())
	path.SetValue(s.exportDefault)
	s.openForm(actExportForm, format, path)
}

// openSave opens the Save spec form: the path alone.
func (s *actStep) openSave() {
	path := &tui.Field{Key: "path", Title: "Save the spec to", Kind: tui.Text,
		Hint:     "A .tfvars file (.tfvars.json for the JSON form) holding every answer; secret values are never in it.",
		Validate: requirePath,
	}
	path.SetValue(s.savePath())
	s.openForm(actSaveForm, path)
}

func (s *actStep) openForm(kind actDialog, fields ...*tui.Field) {
	s.form = tui.NewForm(fields...)
	s.form.SetWidth(s.width - 4)
	s.dialog, s.formKind = kind, kind
}

// setFieldErr shows err under a field of the form, wrapped: the form does not wrap.
func (s *actStep) setFieldErr(key string, err error) {
	text := wrapWords(err.Error(), max(20, s.width-12))
	s.form.Field(key).SetErr(errors.New(strings.ReplaceAll(text, "\n", "\n      ")))
	s.form.FocusKey(key)
}

// formDone writes what the open form asked for.
func (s *actStep) formDone() tea.Cmd {
	if s.form == nil {
		return nil
	}
	path := strings.TrimSpace(s.form.Field("path").Value())
	spec := *s.env.spec
	if s.dialog == actSaveForm {
		return s.startWrite(&actWrite{path: path, what: "spec", data: specFileData(spec, path), save: true})
	}
	format, _ := model.LookupExportFormat(s.form.Field("format").Value())
	data, err := model.Export(spec, model.ExportOptions{Format: format.Name, ModuleSource: model.DefaultModuleSource, Region: s.region})
	if err != nil {
		if errors.Is(err, model.ErrNoRegion) {
			err = fmt.Errorf("%s needs the Region for awslogs-region: set aws_region (%s) or pick a Terraform variables format",
				format.Label, s.steps.fixedInOr("aws_region", tui.Keys.Edit.Help().Key+" in Review"))
		}
		s.setFieldErr("format", err)
		return nil
	}
	return s.startWrite(&actWrite{path: path, what: format.Label, data: data})
}

func (s *actStep) startWrite(w *actWrite) tea.Cmd {
	s.write = w
	s.writeID = tui.NewID()
	return tui.Call(stepContext(s.ctx), s.writeID, func(ctx context.Context) (string, error) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		return w.path, writeFile(w.path, w.data, w.replace)
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
		s.dialog = actConfirmReplace
		return
	case err != nil:
		if s.form != nil {
			s.setFieldErr("path", errors.New(errorLine(err)))
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
