package wizard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/atomicfile"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// The accessible mode (--accessible, ACCESSIBLE=1) asks the wizard's questions one at a
// time as plain lines, with huh's accessible prompts: nothing is redrawn, so a screen
// reader reads each question once. It walks the same steps as the full-screen wizard:
// a step with a form (formStep) has its fields asked in order, with the same
// validation, hints and live options; a step without one is read out as text. Before
// the end, every variable model.Validate still refuses is asked as a typed question, so
// the spec is valid. The act step is replaced by a menu to export, save the spec or
// quit: registering is not offered (save the spec, then run `ecswiz register -f FILE`).
// Files are written as the Act step writes them (writeFile).

// formStep is a step whose questions are one tui.Form. The accessible mode asks its
// fields in order; nil means the step shows no form right now.
type formStep interface {
	Form() *tui.Form
}

// ErrInputEnded is returned by RunAccessible when its input ends before the wizard
// does; the answers so far are in the draft.
var ErrInputEnded = errors.New("the input ended before the wizard finished")

// RunAccessible runs the wizard in accessible mode, reading answers line by line from
// in and writing plain text (no colours, no cursor movement) to out. ctx cancelled
// (ctrl+c) stops it after saving the draft, with ctx's error.
func RunAccessible(ctx context.Context, o Options, in io.Reader, out io.Writer) (Outcome, error) {
	return runAccessible(ctx, New(o), in, out)
}

func runAccessible(ctx context.Context, m *Model, in io.Reader, out io.Writer) (Outcome, error) {
	a := &accessible{
		ctx: ctx,
		m:   m,
		in:  newLineReader(ctx, in),
		out: &colorprofile.Writer{Forward: out, Profile: colorprofile.NoTTY},
	}
	err := a.run()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if m.cancel != nil {
		m.cancel()
	}
	if serr := m.SaveDraft(); serr != nil {
		a.say("Draft not saved: " + serr.Error())
	}
	lines := append(a.lines, m.quitLines()...)
	m.log.Info("accessible wizard ended", "error", err)
	return Outcome{Lines: lines}, err
}

// accessible is one run of the accessible mode.
type accessible struct {
	ctx   context.Context
	m     *Model
	in    *lineReader
	out   io.Writer
	lines []string // the outcome: what was written

	// The menu's default: an action done is not offered again by Enter, and once a file
	// is written Enter quits, so a run of Enter always ends.
	did   map[string]bool // the menu's actions chosen in this run
	wrote bool            // an export or a save wrote its file

	refusal refusal // the last answer refused, to stop a question refusing it for ever
}

// errQuit ends the run at the person's request.
var errQuit = errors.New("quit")

func (a *accessible) run() error {
	a.say("ecswiz builds the ECS task definition of a Django app on AWS Fargate, one question at a time.")
	a.say("Press Enter to keep the value in brackets; type - to clear it. Answers are kept in a draft as you go (ecswiz --resume).")
	if !a.m.previousDraft.IsZero() {
		a.say("Your earlier draft (" + a.m.previousDraft.Format("2 Jan 15:04") + ") is kept as draft.previous-TIME.tfvars once you answer here.")
	}
	a.say("")
	err := a.session()
	for err == nil {
		if err = a.steps(a.m.current); err != nil {
			break
		}
		var again bool
		if again, err = a.finish(); err == nil && again {
			a.m.current = 0
			continue
		}
		break
	}
	if errors.Is(err, errQuit) {
		return nil
	}
	return err
}

func (a *accessible) say(lines ...string) {
	for _, l := range lines {
		fmt.Fprintln(a.out, l)
	}
}

// session loads the AWS session, offering the demo account, offline or quitting when
// there is none.
func (a *accessible) session() error {
	m := a.m
	if m.connect == nil {
		a.say(ansi.Strip(m.contextLine()), "")
		return nil
	}
	a.say("Loading the AWS profile, Region and account…")
	s, err := m.connect(a.ctx)
	for err != nil {
		if a.ctx.Err() != nil {
			return a.ctx.Err()
		}
		m.log.Warn("AWS session not loaded", "error", tui.ErrorLine(err))
		a.say("No AWS session: " + tui.ErrorLine(err))
		var opts []huh.Option[string]
		if m.demo != nil {
			opts = append(opts, huh.NewOption("Use the demo account (a built-in fake AWS account with sample data)", "demo"))
		}
		opts = append(opts,
			huh.NewOption("Continue offline (type values instead of picking them; exporting works, not registering)", "offline"),
			huh.NewOption("Quit (fix the AWS setup and run ecswiz again)", "quit"))
		choice := opts[0].Value
		if err := a.ask(huh.NewSelect[string]().Title("How do you want to go on? [1]").Options(opts...).Value(&choice)); err != nil {
			return err
		}
		m.log.Info("no AWS session: chosen", "choice", choice)
		switch choice {
		case "demo":
			a.say("Starting the demo account…")
			s, err = m.demo(a.ctx)
		case "offline":
			s, err = &Session{}, nil
		default:
			return errQuit
		}
	}
	m.env.session = s
	a.say(ansi.Strip(m.contextLine()), "")
	return nil
}

// steps asks every step from first on, up to the act step.
func (a *accessible) steps(first int) error {
	m := a.m
	last := len(m.steps) - 1 // the act step: the menu of finish stands for it
	for i := first; i < last; i++ {
		m.current = i
		s := m.steps[i]
		a.say(fmt.Sprintf("Step %d of %d: %s", i+1, len(m.steps), s.Title()))
		if m.cancel != nil {
			m.cancel()
		}
		ctx, cancel := context.WithCancel(a.ctx)
		m.cancel = cancel
		s.SetSize(98, 40)
		a.drive(s, s.Init(ctx))
		if err := a.stepQuestions(s); err != nil {
			return err
		}
		m.completed[i] = true
		m.current = i + 1
		m.env.dirty = true
		a.saveDraft()
		m.log.Info("step completed", "step", s.Title())
		a.say("")
	}
	m.current = last
	return nil
}

// formOf is the form a step asks now, or nil.
func formOf(s step) *tui.Form {
	if fs, ok := s.(formStep); ok {
		return fs.Form()
	}
	return nil
}

// stepQuestions asks a step's form, or reads the step out when it has none.
func (a *accessible) stepQuestions(s step) error {
	if formOf(s) == nil {
		a.say(a.reading(s))
		return nil
	}
	for pass := 0; ; pass++ {
		form := formOf(s)
		if form == nil {
			return nil
		}
		for i := 0; i < len(form.Fields); i++ {
			f := form.Fields[i]
			if !shown(f) || pass > 0 && f.Err() == nil {
				continue
			}
			if err := a.askField(f); err != nil {
				return err
			}
			// Let the step react to the answer as it does to a key: list the tags of
			// the repository chosen, refresh an option list.
			a.drive(s, s.Update(fieldAnsweredMsg{}))
			a.saveDraft()
		}
		if form.Validate() {
			form.Commit()
			a.drive(s, s.Update(tui.FormDoneMsg{}))
			return nil
		}
		a.say("Some answers need another look:")
		for _, f := range form.Fields {
			if shown(f) && f.Err() != nil {
				a.say("  " + f.Title + ": " + f.Err().Error())
			}
		}
	}
}

// fieldAnsweredMsg tells a step that the accessible mode set a field, as a key would.
type fieldAnsweredMsg struct{}

func shown(f *tui.Field) bool { return f.Visible == nil || f.Visible() }

// otherValue is the option that types a value not in the list.
const otherValue = "\x00other"

// askField asks one field and hands the answer to the step as the form would.
func (a *accessible) askField(f *tui.Field) error {
	before := f.Value()
	var notes []string
	if f.Hint != "" {
		notes = append(notes, f.Hint)
	}
	if f.Status != "" {
		notes = append(notes, f.Status)
	}
	validate := func(v string) error {
		f.SetValue(v)
		if f.Validate == nil {
			return nil
		}
		return f.Validate(v)
	}
	var v string
	var err error
	switch {
	case f.Kind == tui.Toggle:
		v, err = a.askToggle(f, notes, validate)
	case f.Kind == tui.Choice && len(f.Options) > 0:
		v, err = a.askChoice(f, notes, validate)
	default:
		v, err = a.askText(f.Title, f.Placeholder, before, notes, validate)
	}
	if err != nil {
		f.SetValue(before)
		return err
	}
	f.SetValue(v)
	if f.OnSet != nil && f.Value() != before {
		f.OnSet(f.Value())
	}
	return nil
}

// askText asks for a typed value: Enter keeps current, "-" clears it.
func (a *accessible) askText(title, placeholder, current string, notes []string, validate func(string) error) (string, error) {
	resolve := func(s string) string {
		switch s = strings.TrimSpace(s); s {
		case "":
			return current
		case "-":
			return ""
		}
		return s
	}
	label := title
	switch {
	case current != "":
		label += " [" + current + "]"
	case placeholder != "":
		label += " — e.g. " + placeholder
	}
	v := current
	check := a.guarded(title, validate)
	in := huh.NewInput().Title(label + ":").Value(&v).Validate(func(s string) error { return check(resolve(s)) })
	if err := a.ask(noteFor(notes), in); err != nil {
		return "", err
	}
	return resolve(v), nil
}

func (a *accessible) askToggle(f *tui.Field, notes []string, validate func(string) error) (string, error) {
	validate = a.guarded(f.Title, validate)
	for {
		on := f.On()
		if err := a.ask(noteFor(notes), huh.NewConfirm().Title(f.Title).Value(&on)); err != nil {
			return "", err
		}
		v := fmt.Sprint(on)
		if err := validate(v); err != nil {
			a.say(err.Error())
			continue
		}
		return v, nil
	}
}

func (a *accessible) askChoice(f *tui.Field, notes []string, validate func(string) error) (string, error) {
	current := f.Value()
	opts := make([]huh.Option[string], 0, len(f.Options)+1)
	def := ""
	for _, o := range f.Options {
		label := o.Label
		if label == "" {
			label = o.Value
		}
		if o.Note != "" {
			label += " (" + o.Note + ")"
		}
		opts = append(opts, huh.NewOption(label, o.Value))
		if o.Value == current {
			def = label
		}
	}
	v := current
	check := a.guarded(f.Title, validate)
	if f.Other {
		opts = append(opts, huh.NewOption("Type another value", otherValue))
		if def == "" && current != "" {
			v, def = otherValue, "Type another value: "+current
		}
	}
	if def == "" {
		v, def = opts[0].Value, opts[0].Key
	}
	sel := huh.NewSelect[string]().Title(f.Title + " [" + def + "]").Options(opts...).Value(&v).
		Validate(func(s string) error {
			if s == otherValue {
				return nil
			}
			return check(s)
		})
	if err := a.ask(noteFor(notes), sel); err != nil {
		return "", err
	}
	if v != otherValue {
		return v, nil
	}
	typed := ""
	if !f.Other || current != "" && !slices.ContainsFunc(f.Options, func(o tui.Option) bool { return o.Value == current }) {
		typed = current
	}
	return a.askText(f.Title, f.Placeholder, typed, nil, validate)
}

// noteFor is the lines said before a question (its hint and status), or nil.
func noteFor(lines []string) huh.Field {
	if len(lines) == 0 {
		return nil
	}
	return huh.NewNote().Description(strings.Join(lines, "\n"))
}

// ask runs huh fields in accessible mode on the run's input and output.
func (a *accessible) ask(fields ...huh.Field) error {
	var fs []huh.Field
	for _, f := range fields {
		if f != nil {
			fs = append(fs, f)
		}
	}
	if err := a.ctx.Err(); err != nil {
		return err
	}
	if a.in.ended() {
		return a.inputEnded()
	}
	eofs := a.in.eofs
	err := huh.NewForm(huh.NewGroup(fs...)).WithAccessible(true).WithInput(a.in).WithOutput(a.out).RunWithContext(a.ctx)
	switch {
	case a.ctx.Err() != nil:
		return a.ctx.Err()
	case a.in.eofs > eofs:
		return a.inputEnded() // the answer never came: nothing is applied
	case err != nil:
		return err
	}
	a.m.answered = true // from the first answer on, the draft is saved
	return nil
}

// drive runs a step's commands to the end, feeding their messages back to the step, as
// the program would. The wizard's own messages (step done, finish) and the libraries'
// timing messages (spinner ticks) are dropped.
func (a *accessible) drive(s step, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < 1000; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg, ok := a.runCmd(c)
		if !ok {
			continue
		}
		if cmds, ok := tui.Commands(msg); ok {
			queue = append(cmds, queue...)
			continue
		}
		switch msg.(type) {
		case nil, stepDoneMsg, finishMsg, tea.QuitMsg:
			continue
		}
		if libraryMsg(msg) {
			continue
		}
		queue = append(queue, s.Update(msg))
	}
}

// commandTimeout is how long drive waits for one command (an AWS call has its own,
// shorter, timeout).
const commandTimeout = 30 * time.Second

func (a *accessible) runCmd(c tea.Cmd) (tea.Msg, bool) {
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		return msg, true
	case <-a.ctx.Done():
		return nil, false
	case <-time.After(commandTimeout):
		return nil, false
	}
}

// libraryMsg reports the Charm libraries' own messages: timing (spinner ticks, cursor
// blinks) and Bubble Tea's requests to the terminal.
func libraryMsg(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	pkg := t.PkgPath()
	if pkg == "charm.land/bubbletea/v2" {
		return t.Name() != "" && strings.ToLower(t.Name()[:1]) == t.Name()[:1]
	}
	return strings.HasPrefix(pkg, "charm.land/")
}

// plainView is a step's screen as text: no styles, no trailing blanks.
func plainView(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func (a *accessible) saveDraft() {
	if err := a.m.SaveDraft(); err != nil {
		a.say("Draft not saved: " + err.Error())
	}
}

// finishDraft removes the draft: a file was written, the wizard did its job. Going
// through the questions again saves one again once an answer changes.
func (a *accessible) finishDraft() {
	m := a.m
	if !m.saving() {
		return
	}
	m.draftDone, m.doneEdits = true, m.env.edits
	if err := m.SaveDraft(); err != nil {
		a.say("Draft not removed: " + err.Error())
	}
}

// finish shows the validation summary and offers what the act step does, but register.
// It reports whether the person wants to go through the questions again.
func (a *accessible) finish() (bool, error) {
	m := a.m
	if err := a.completeSpec(); err != nil {
		return false, err
	}
	for {
		spec := *m.env.spec
		findings := model.Validate(spec)
		a.say(fmt.Sprintf("Step %d of %d: %s", len(m.steps), len(m.steps), m.steps[len(m.steps)-1].Title()))
		if len(findings) == 0 {
			a.say("The spec is valid.")
		}
		for _, f := range append(findings.Errors(), byConsequence(findings.Warnings())...) {
			line := fmt.Sprintf("  %s: %s: %s", f.Severity, f.Field, f.Message)
			if f.Hint != "" {
				line += " (" + f.Hint + ")"
			}
			a.say(line)
		}
		a.say("Registering is not offered in accessible mode: save the spec, then run `ecswiz register -f FILE`.")
		choice := a.menuDefault(findings.HasErrors())
		if choice == "quit" && a.wrote {
			a.say("Enter quits: what was written is listed as the wizard ends.")
		}
		opts := []huh.Option[string]{
			huh.NewOption("Export it to a file (Terraform, tfvars or task definition JSON)", "export"),
			huh.NewOption("Save the spec as a .tfvars file", "save"),
			huh.NewOption("Go through the questions again", "again"),
			huh.NewOption("Quit", "quit"),
		}
		def := 1 + slices.IndexFunc(opts, func(o huh.Option[string]) bool { return o.Value == choice })
		if err := a.ask(huh.NewSelect[string]().Title(fmt.Sprintf("What next? [%d]", def)).Options(opts...).Value(&choice)); err != nil {
			return false, err
		}
		m.log.Info("accessible: chosen", "choice", choice)
		if a.did == nil {
			a.did = map[string]bool{}
		}
		a.did[choice] = true
		var wrote bool
		var err error
		switch choice {
		case "export":
			if findings.HasErrors() {
				a.say("The spec has errors: fix them first (Go through the questions again).", "")
				continue
			}
			wrote, err = a.export(spec)
		case "save":
			wrote, err = a.saveSpec(spec)
		case "again":
			return true, nil
		default:
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if wrote {
			a.finishDraft()
		}
		a.wrote = a.wrote || wrote
		a.say("")
	}
}

// menuDefault is the action Enter chooses at the menu: going through the questions
// again while the spec has errors, else exporting; never an action already chosen in
// this run, and Quit once a file is written. So Enter, over and over, ends the run.
func (a *accessible) menuDefault(hasErrors bool) string {
	switch {
	case a.wrote:
		return "quit"
	case hasErrors && !a.did["again"]:
		return "again"
	case !hasErrors && !a.did["export"]:
		return "export"
	}
	return "quit"
}

// completeSpec asks, one typed question each, for every variable model.Validate still
// refuses: one no step asked (a step read out rather than asked) or one left invalid.
// Each answer is checked with the model's own rules, so the menu that follows always
// has a valid spec, unless an error names no variable (the size of the whole task
// definition), which the menu then lists.
func (a *accessible) completeSpec() error {
	told := false
	for {
		errs := model.Validate(*a.m.env.spec).Errors()
		i := slices.IndexFunc(errs, func(f model.Finding) bool {
			_, ok := model.LookupVariable(variableOf(f.Field))
			return ok
		})
		if i < 0 {
			if told {
				a.say("")
			}
			return nil
		}
		if !told {
			a.say("Some answers are still needed before the spec is valid: each is checked as `ecswiz validate` would.", "")
			told = true
		}
		if err := a.askVariable(errs[i]); err != nil {
			return err
		}
		a.saveDraft()
	}
}

// askVariable asks for the variable of finding f as typed text: a string as it is,
// anything else as an HCL value ("8000", "true", "[\"gunicorn\"]"), as --set takes it.
func (a *accessible) askVariable(f model.Finding) error {
	name := variableOf(f.Field)
	v, _ := model.LookupVariable(name)
	e := a.m.env
	set := func(text string) (model.Spec, error) { return model.SetVariable(*e.spec, name+"="+text) }
	validate := func(text string) error {
		next, err := set(text)
		if err != nil {
			return err
		}
		if err := fieldError(*e.spec, name, true, func(s *model.Spec) { *s = next }); err != nil {
			// The question is already titled with the variable's name.
			return errors.New(strings.TrimPrefix(err.Error(), name+": "))
		}
		return nil
	}
	notes := []string{reviewFindingText(f, nil)}
	if v.Description != "" {
		notes = append([]string{v.Description}, notes...)
	}
	text, err := a.askText(name, "", variableText(*e.spec, name), notes, validate)
	if err != nil {
		return err
	}
	next, err := set(text)
	if err != nil {
		return err // validate refused it already
	}
	e.update(func(s *model.Spec) { *s = next })
	return nil
}

// variableText is a variable's value as askVariable takes it: a string as it is,
// anything else as its JSON, which HCL reads too; "" when unset.
func variableText(spec model.Spec, name string) string {
	var values map[string]json.RawMessage
	if err := json.Unmarshal(model.FormatTFVarsJSON(spec), &values); err != nil {
		return ""
	}
	raw, ok := values[name]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return string(raw)
	}
	return compact.String()
}

// export asks for a format and a path and writes the export; it reports whether the
// file was written.
func (a *accessible) export(spec model.Spec) (bool, error) {
	formats := model.ExportFormats()
	opts := make([]huh.Option[string], len(formats))
	for i, f := range formats {
		opts[i] = huh.NewOption(f.Name+": "+f.Description, f.Name)
	}
	name := formats[0].Name
	if err := a.ask(huh.NewSelect[string]().Title("Format [1]").Options(opts...).Value(&name)); err != nil {
		return false, err
	}
	format, _ := model.LookupExportFormat(name)
	data, err := model.Export(spec, model.ExportOptions{Format: format.Name, Region: reviewRegion(a.m.env)})
	if err != nil {
		a.say("Not exported: " + err.Error())
		return false, nil
	}
	return a.writeAsked("Write it to", format.FileName(spec), func(string) []byte { return data }, format.Label)
}

// saveSpec asks for a path and saves the spec there; it reports whether the file was
// written.
func (a *accessible) saveSpec(spec model.Spec) (bool, error) {
	def := a.m.env.specPath
	if def == "" {
		f, _ := model.LookupExportFormat(model.ExportTFVars)
		def = f.FileName(spec)
	}
	return a.writeAsked("Save the spec to", def, func(path string) []byte { return specFileData(spec, path) }, "the spec")
}

// askPath asks where to write a file, def by default.
func (a *accessible) askPath(title, def string) (string, error) {
	return a.askText(title, "", def, nil, func(p string) error {
		if strings.TrimSpace(p) == "" {
			return errors.New("type a file name, e.g. " + def)
		}
		return nil
	})
}

// writeAsked asks where to write (title, def by default) and writes data there as the
// Act step does, asking before replacing a file. A path that cannot be a file (a
// directory, or one in a directory that does not exist) is said and asked again. It
// reports whether the file was written.
func (a *accessible) writeAsked(title, def string, data func(path string) []byte, what string) (bool, error) {
	for {
		path, err := a.askPath(title, def)
		if err != nil {
			return false, err
		}
		err = writeFile(path, data(path), false)
		if errors.Is(err, atomicfile.ErrIsDir) || errors.Is(err, atomicfile.ErrNoDir) {
			a.say(writeErrorLine(path, err, filepath.Base(def)))
			continue
		}
		if errors.Is(err, atomicfile.ErrExists) {
			// The question first, then what replacing means, then the answer: read in
			// that order.
			replace := false
			if err := a.ask(huh.NewConfirm().Title(replaceQuestion(path) + " " + replaceNote).Value(&replace)); err != nil {
				return false, err
			}
			if !replace {
				a.say("Not written.")
				return false, nil
			}
			err = writeFile(path, data(path), true)
		}
		if err != nil {
			a.say("Not written: " + tui.ErrorLine(err))
			return false, nil
		}
		line := fmt.Sprintf("Wrote %s (%s, mode 0600).", path, what)
		a.m.log.Info("accessible: written", "what", what)
		a.say(line)
		a.lines = append(a.lines, line)
		return true, nil
	}
}
