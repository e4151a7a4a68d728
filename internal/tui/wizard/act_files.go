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

// writeErrorLine is a failed write in one line; a directory given for a file gets a
// file name in it suggested (name).
func writeErrorLine(path string, err error, name string) string {
	if errors.Is(err, atomicfile.ErrIsDir) {
		return fmt.Sprintf("%s is a directory: give a file name, e.g. %s", path, filepath.Join(path, name))
	}
	return tui.ErrorLine(err)
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
	format  string // the export format's name (model.ExportTFVars…); "" for the spec
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

// savePath is where Save spec writes unless told otherwise: where it last wrote, the -f
// file, else FAMILY.tfvars.
func (s *actStep) savePath() string {
	if s.memory.save != "" {
		return s.memory.save
	}
	if s.env.specPath != "" {
		return s.env.specPath
	}
	f, _ := model.LookupExportFormat(model.ExportTFVars)
	return s.defaultPath(f.FileName(*s.env.spec))
}

// fileNameFor is the file name the open form would write by default, to suggest when
// a directory was given.
func (s *actStep) fileNameFor() string {
	format := model.ExportTFVars
	if s.form != nil && s.formKind == actExportForm {
		format = s.form.Field("format").Value()
	}
	f, _ := model.LookupExportFormat(format)
	return f.FileName(*s.env.spec)
}

func requirePath(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("the path is required — type a file name, e.g. dev.tfvars")
	}
	return nil
}

// exportMemory is what the Export and Save spec forms were last given in this
// session: they open with it again rather than with the defaults.
type exportMemory struct {
	format string            // the format last exported; "" is the first
	paths  map[string]string // format → the path last given for it
	save   string            // the path Save spec last wrote to
}

// exportPath is the path the export form proposes for format: the one last given for
// it, else the default.
func (s *actStep) exportPath(format string) string {
	if p := s.memory.paths[format]; p != "" {
		return p
	}
	return s.exportDefaultPath(format)
}

// exportDefaultPath is FAMILY with the format's extension, in the default directory.
func (s *actStep) exportDefaultPath(format string) string {
	f, _ := model.LookupExportFormat(format)
	return s.defaultPath(f.FileName(*s.env.spec))
}

// rememberForm keeps the open form's path (and format) for the next time it opens. A
// default path is not kept: it follows the family should the answers change.
func (s *actStep) rememberForm() {
	if s.form == nil {
		return
	}
	path := strings.TrimSpace(s.form.Field("path").Value())
	if path == "" {
		return
	}
	switch s.formKind {
	case actExportForm:
		format := s.form.Field("format").Value()
		if s.memory.paths == nil {
			s.memory.paths = map[string]string{}
		}
		s.memory.format = format
		if path == s.exportDefaultPath(format) {
			delete(s.memory.paths, format)
		} else {
			s.memory.paths[format] = path
		}
	case actSaveForm:
		s.memory.save = ""
		if path != s.savePath() {
			s.memory.save = path
		}
	}
}

// openExport opens the export form: the format, then the path, which follows the
// format until the person edits it. Both start as they were last given.
func (s *actStep) openExport() {
	path := &tui.Field{Key: "path", Title: "Path", Kind: tui.Text,
		Hint:     "Written atomically with mode 0600; an existing file is replaced only if you say so.",
		Validate: requirePath,
	}
	var opts []tui.Option
	for _, f := range model.ExportFormats() {
		opts = append(opts, tui.Option{Value: f.Name, Label: f.Label, Note: f.Description})
	}
	format := &tui.Field{Key: "format", Title: "Format", Kind: tui.Choice, Options: opts,
		Hint: "↑/↓ picks the format; tab or enter goes to the path.",
		OnSet: func(v string) {
			if path.Value() == s.exportDefault {
				s.exportDefault = s.exportPath(v)
				path.SetValue(s.exportDefault)
			}
		},
	}
	format.SetValue(s.memory.format)
	s.exportDefault = s.exportPath(format.Value())
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
	s.form.SetWidth(s.formWidth())
	s.dialog, s.formKind = kind, kind
}

// formWidth is the width inside the dialog's box (its border and padding take 4).
func (s *actStep) formWidth() int { return max(36, s.width-2-4) }

// setFieldErr shows err under a field of the form, wrapped: the form does not wrap.
func (s *actStep) setFieldErr(key string, err error) {
	text := tui.Wrap(err.Error(), max(20, s.formWidth()-6), 0)
	s.form.Field(key).SetErr(errors.New(strings.ReplaceAll(text, "\n", "\n      ")))
	s.form.FocusKey(key)
}

// formDone writes what the open form asked for.
func (s *actStep) formDone() tea.Cmd {
	if s.form == nil {
		return nil
	}
	s.rememberForm()
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
	return s.startWrite(&actWrite{path: path, what: format.Label, format: format.Name, data: data})
}

func (s *actStep) startWrite(w *actWrite) tea.Cmd {
	s.write = w
	s.writeID = tui.NewID()
	return tui.Call(s.ctx, s.writeID, func(ctx context.Context) (string, error) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		return w.path, writeFile(w.path, w.data, w.replace)
	})
}

// written handles the end of a write: a file written is the wizard's job done.
func (s *actStep) written(err error) tea.Cmd {
	w := s.write
	if w == nil {
		return nil
	}
	log := stepLog(s.env).With("path", w.path)
	if w.save {
		log = log.With("what", "spec")
	} else {
		log = log.With("what", "export", "format", w.format)
	}
	switch {
	case errors.Is(err, atomicfile.ErrExists):
		log.Info("file exists: asking before replacing it")
		s.dialog = actConfirmReplace
		return nil
	case err != nil:
		log.Warn("write failed", "error", writeErrorLine(w.path, err, s.fileNameFor()))
		s.write = nil
		if s.form != nil {
			s.setFieldErr("path", errors.New(writeErrorLine(w.path, err, s.fileNameFor())))
		}
		return nil
	}
	s.write, s.form, s.dialog = nil, nil, actNoDialog
	s.noteErr = false
	log.Info("written", "replaced", w.replace)
	if w.save {
		s.note = fmt.Sprintf("✓ Saved the spec to %s (mode 0600): ecswiz -f %s opens it again.", w.path, w.path)
		s.done = append(s.done, actDone{line: fmt.Sprintf("Saved the spec to %s: `ecswiz -f %s` opens it again.", w.path, w.path)})
		return acted
	}
	s.note = fmt.Sprintf("✓ Wrote %s (%s, mode 0600).", w.path, w.what)
	s.done = append(s.done, actDone{line: fmt.Sprintf("Wrote %s (%s).", w.path, w.what)})
	return acted
}
