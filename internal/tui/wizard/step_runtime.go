package wizard

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// logGroups is what the runtime step asks of CloudWatch Logs.
type logGroups interface {
	Groups(ctx context.Context, prefix string) ([]string, error)
	GroupExists(ctx context.Context, name string) (bool, error)
	CreateGroup(ctx context.Context, name string, retentionDays int32) error
}

// roleLister is what the runtime, review and act steps ask of IAM: the roles ECS
// tasks may assume, and whether the execution role may read the task's secrets.
type roleLister interface {
	TaskRoles(ctx context.Context) ([]aws.Role, error)
	CanReadParameters(ctx context.Context, roleARN string, parameterARNs, kmsKeyARNs []string) (aws.CheckResult, error)
}

func newRuntimeStep(e *env) step { return newRuntime(e) }

// The runtime step's fields.
const (
	fieldLogGroup      = "log_group_name"
	fieldStreamPrefix  = "log_stream_prefix"
	fieldExecutionRole = "execution_role_arn"
	fieldTaskRole      = "task_role_arn"
	fieldCommand       = "container_command"
)

// The step's sections, top to bottom: the fields of a form, the storage editor, then
// the command (a form of one field).
const (
	sectionFields = iota
	sectionStorage
	sectionCommand
)

// runtimeStep asks where the logs go, which roles the task uses, its volumes and mount
// points, and the command the container runs.
type runtimeStep struct {
	env    *env
	ctx    context.Context
	width  int
	height int

	section int
	form    *tui.Form // log group, stream prefix, roles
	command *tui.Form // the command
	// questions is every field of the two forms, in order: the step's questions for
	// the accessible mode (volumes and mount points are edited full-screen or in the
	// spec file).
	questions *tui.Form
	// commandText is the command as last typed: kept when it does not split (an open
	// quote), so it is shown again, with why, when the person comes back.
	commandText string

	logs      logGroupState
	roles     roleState
	roleCheck roleCheck // whether the execution role shown may read the secrets
	storage   storageEditor
}

func newRuntime(e *env) *runtimeStep {
	s := &runtimeStep{env: e, width: 98, height: 24}
	s.storage.step = s
	return s
}

func (s *runtimeStep) Title() string { return "Runtime" }

// runtimeFormDone is a form's FormDoneMsg, told apart by the form that sent it.
type runtimeFormDone struct{ form int }

const (
	doneFields = iota
	doneCommand
	doneEntry
)

// tagDone turns the FormDoneMsg cmd may yield into a runtimeFormDone for form.
func tagDone(cmd tea.Cmd, form int) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if _, ok := msg.(tui.FormDoneMsg); ok {
			return runtimeFormDone{form: form}
		}
		return msg
	}
}

func (s *runtimeStep) Init(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	spec := *s.env.spec
	s.logs = logGroupState{exists: map[string]bool{}}
	s.roles = roleState{}
	s.roleCheck.reset()
	s.storage.reset()

	logGroup := &tui.Field{Key: fieldLogGroup, Title: "Log group", Kind: tui.Choice, Other: true, Window: 6,
		Placeholder: placeholderOr(defaultLogGroup(spec), "/ecs/APP-ENV"),
		Hint:        "awslogs sends the container's output here; one group per app and environment.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldLogGroup, true, func(x *model.Spec) { x.LogGroupName = v })
		},
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.LogGroupName = strings.TrimSpace(v) }) },
	}
	prefix := &tui.Field{Key: fieldStreamPrefix, Title: "Stream prefix", Kind: tui.Text, Placeholder: "ecs",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldStreamPrefix, true, func(x *model.Spec) { x.LogStreamPrefix = strings.TrimSpace(v) })
		},
		OnSet: func(v string) {
			s.env.update(func(x *model.Spec) { x.LogStreamPrefix = strings.TrimSpace(v) })
		},
	}
	execRole := &tui.Field{Key: fieldExecutionRole, Title: "Execution role", Kind: tui.Choice, Other: true, Window: 6,
		Placeholder: s.roleExample("ecsTaskExecutionRole"),
		Hint:        "Used by ECS to start the task: it pulls the image, writes the logs and reads the secrets.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldExecutionRole, true, func(x *model.Spec) { x.ExecutionRoleARN = v })
		},
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.ExecutionRoleARN = v }) },
	}
	taskRole := &tui.Field{Key: fieldTaskRole, Title: "Task role", Kind: tui.Choice, Other: true, Window: 6,
		Placeholder: s.roleExample(placeholderOr(spec.AppName, "APP") + "-" + placeholderOr(spec.Environment, "ENV") + "-ecs-task"),
		Hint:        "What the app itself may call (S3, SES…) with its AWS SDK; none (empty) if it calls no AWS API.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldTaskRole, false, func(x *model.Spec) { x.TaskRoleARN = v })
		},
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.TaskRoleARN = v }) },
	}
	group := spec.LogGroupName
	if group == "" {
		group = defaultLogGroup(spec)
	}
	logGroup.SetValue(group)
	if spec.LogStreamPrefix == "" {
		prefix.SetValue("ecs")
	} else {
		prefix.SetValue(spec.LogStreamPrefix)
	}
	execRole.SetValue(spec.ExecutionRoleARN)
	taskRole.SetValue(spec.TaskRoleARN)

	cmdField := &tui.Field{Key: fieldCommand, Title: "Command", Kind: tui.Text,
		Placeholder: "gunicorn config.wsgi --bind 0.0.0.0:8000",
		Hint:        "Typed like a shell line and split into arguments (quotes respected); no shell runs it. Empty: the image's CMD.",
		Validate: func(v string) error {
			args, err := splitCommand(v)
			if err != nil {
				return err
			}
			return fieldError(*s.env.spec, fieldCommand, false, func(x *model.Spec) { x.ContainerCommand = args })
		},
		OnSet: func(v string) {
			s.commandText = v
			if args, err := splitCommand(v); err == nil {
				s.env.update(func(x *model.Spec) { x.ContainerCommand = args })
			}
		},
	}
	cmdField.SetValue(joinCommand(spec.ContainerCommand))
	if _, err := splitCommand(s.commandText); err != nil {
		cmdField.SetValue(s.commandText) // what was typed, not the last command that split
	}
	s.form = tui.NewForm(logGroup, prefix, execRole, taskRole)
	s.command = tui.NewForm(cmdField)
	s.questions = tui.NewForm(logGroup, prefix, execRole, taskRole, cmdField)
	for _, f := range []*tui.Form{s.form, s.command, s.questions} {
		f.Spin = s.env.spin
	}
	s.setSection(sectionFields)
	s.SetSize(s.width, s.height)
	s.rebuildLogOptions()
	s.refresh()
	return s.Connected()
}

// Form is the step's questions, for the accessible mode: the log group, the stream
// prefix, the roles and the command.
func (s *runtimeStep) Form() *tui.Form { return s.questions }

// Owns reports whether field (a variable, or a path in one) is answered in this step.
func (s *runtimeStep) Owns(field string) bool {
	return ownsVariable(field, fieldLogGroup, fieldStreamPrefix, fieldExecutionRole, fieldTaskRole,
		"volumes", "mount_points", fieldCommand)
}

// setSection moves the focus to a section; the forms of the others draw unfocused.
func (s *runtimeStep) setSection(section int) {
	s.section = section
	for _, f := range []struct {
		form    *tui.Form
		section int
	}{{s.form, sectionFields}, {s.command, sectionCommand}} {
		if f.section == section {
			f.form.Focus()
		} else {
			f.form.Blur()
		}
	}
}

// defaultLogGroup is the group the seed's module expects: /ecs/APP-ENV.
func defaultLogGroup(spec model.Spec) string {
	if spec.AppName == "" || spec.Environment == "" {
		return ""
	}
	return model.DefaultLogGroup(spec)
}

// placeholderOr is v, or instead when v is empty.
func placeholderOr(v, instead string) string {
	if v == "" {
		return instead
	}
	return v
}

// roleExample is the ARN of the role named in this session's account, as an example.
func (s *runtimeStep) roleExample(name string) string {
	account := "ACCOUNT"
	if ses := s.env.session; ses != nil && ses.Account != "" {
		account = ses.Account
	}
	return "arn:aws:iam::" + account + ":role/" + name
}

func (s *runtimeStep) Connected() tea.Cmd {
	if s.form == nil {
		return nil
	}
	s.roleCheck.reset() // asked again of the new session
	cmds := []tea.Cmd{s.loadGroups(), s.loadRoles(), s.maybeCheckRole()}
	s.refresh()
	return tea.Batch(cmds...)
}

func (s *runtimeStep) Update(msg tea.Msg) tea.Cmd {
	if s.form == nil {
		return nil
	}
	cmd := s.update(msg)
	check := s.maybeCheckRole() // the role shown, or the session, may have changed
	s.refresh()
	return tea.Batch(cmd, check)
}

func (s *runtimeStep) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.Result[[]string]:
		return s.groupsLoaded(msg)
	case tui.Result[groupCheck]:
		s.groupChecked(msg)
		return nil
	case tui.Result[groupCreated]:
		s.groupCreated(msg)
		return nil
	case tui.Result[[]aws.Role]:
		s.rolesLoaded(msg)
		return nil
	case roleCheckResult:
		s.roleCheck.done(s.env, msg)
		return nil
	case tui.FormDoneMsg: // the accessible mode answered the questions
		return s.finish()
	case runtimeFormDone:
		switch msg.form {
		case doneFields:
			s.setSection(sectionStorage)
			return s.maybeCheckGroup()
		case doneCommand:
			return s.finish()
		case doneEntry:
			s.storage.accept()
		}
		return nil
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	// Anything else (a paste, the input's own messages) goes where the person types.
	switch {
	case s.logs.dialog != nil:
		return s.logs.dialog.Update(msg)
	case s.storage.entry != nil:
		return s.storage.entry.form.Update(msg)
	case s.section == sectionFields:
		return s.form.Update(msg)
	case s.section == sectionCommand:
		return s.command.Update(msg)
	}
	return nil
}

func (s *runtimeStep) key(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case s.logs.dialog != nil:
		return s.createDialogKey(k)
	case s.storage.entry != nil || s.storage.confirm:
		return s.storage.key(k)
	case key.Matches(k, tui.Keys.Create) && s.canCreateGroup():
		s.openCreateDialog()
		return nil
	case key.Matches(k, tui.Keys.Retry):
		if cmd := s.retry(); cmd != nil {
			return cmd
		}
	}
	switch s.section {
	case sectionStorage:
		return s.storage.key(k)
	case sectionCommand:
		if key.Matches(k, tui.Keys.PrevField) {
			s.setSection(sectionStorage)
			return nil
		}
		return tagDone(s.command.Update(k), doneCommand)
	}
	// The fields: Tab (or ↓ where it means "next field") on the last one moves on to the
	// storage once every field is valid, as Enter does.
	if fl := s.form.Focused(); fl != nil && fl.Key == fieldTaskRole && key.Matches(k, tui.Keys.NextField) &&
		(!key.Matches(k, tui.Keys.Down) || !listShown(s.form, fl)) {
		if s.form.Validate() {
			s.form.Commit()
			s.setSection(sectionStorage)
		}
		return s.maybeCheckGroup()
	}
	before := s.form.Focused()
	cmd := tagDone(s.form.Update(k), doneFields)
	if s.form.Focused() != before {
		return tea.Batch(cmd, s.maybeCheckGroup())
	}
	return cmd
}

// fieldKeys are the keys the focused field of f answers to besides moving between
// fields: space on a yes/no, ↑/↓ on a list shown (transit encryption, IAM). Text takes
// space as a character, so it is not offered there.
func fieldKeys(f *tui.Form) []key.Binding {
	switch fl := f.Focused(); {
	case fl == nil:
	case fl.Kind == tui.Toggle:
		return []key.Binding{tui.Keys.Toggle}
	case listShown(f, fl):
		return []key.Binding{key.NewBinding(key.WithHelp("↑/↓", "choose"))}
	}
	return nil
}

// listShown reports whether fl, the focused field of f, shows a list whose cursor ↑ and
// ↓ move (rather than moving between fields).
func listShown(f *tui.Form, fl *tui.Field) bool {
	return fl.Kind == tui.Choice && len(fl.Options) > 0 && !f.Capturing()
}

// finish completes the step when none of its fields has a blocking finding, and shows
// the first one otherwise.
func (s *runtimeStep) finish() tea.Cmd {
	spec := *s.env.spec
	noChange := func(*model.Spec) {}
	for _, c := range []struct {
		field    string
		required bool
	}{
		{fieldLogGroup, true}, {fieldStreamPrefix, true}, {fieldExecutionRole, true}, {fieldTaskRole, false},
		{"volumes", false}, {"mount_points", false}, {fieldCommand, false},
	} {
		err := fieldError(spec, c.field, c.required, noChange)
		if err == nil {
			continue
		}
		switch c.field {
		case "volumes", "mount_points":
			s.setSection(sectionStorage)
			s.storage.note, s.storage.noteIsErr = err.Error(), true
		case fieldCommand:
			s.setSection(sectionCommand)
			s.command.Fields[0].SetErr(err)
		default:
			s.setSection(sectionFields)
			s.form.FocusKey(c.field)
			s.form.Field(c.field).SetErr(err)
		}
		return nil
	}
	return stepDone
}

func (s *runtimeStep) retry() tea.Cmd {
	var cmds []tea.Cmd
	if s.logs.listErr != nil {
		cmds = append(cmds, s.loadGroups())
	}
	if s.logs.checkErr != nil {
		s.logs.checkErr, s.logs.checkErrName = nil, ""
		cmds = append(cmds, s.maybeCheckGroup())
	}
	if s.roles.err != nil {
		cmds = append(cmds, s.loadRoles())
	}
	if s.roleCheck.retryable() {
		cmds = append(cmds, s.roleCheck.start(s.ctx, s.env, s.form.Field(fieldExecutionRole).Value()))
	}
	if len(cmds) == 0 {
		return nil
	}
	return tea.Batch(cmds...)
}

// refresh brings the status lines up to date with what is known.
func (s *runtimeStep) refresh() {
	s.refreshLogStatus()
	s.refreshRoleStatus()
	s.refreshStreamHint()
	s.refreshCommandStatus()
}

func (s *runtimeStep) refreshStreamHint() {
	f := s.form.Field(fieldStreamPrefix)
	prefix := strings.TrimSpace(f.Value())
	if prefix == "" {
		prefix = "PREFIX"
	}
	container := s.env.spec.ContainerName
	if container == "" {
		container = "CONTAINER"
	}
	f.Hint = "Log streams are PREFIX/CONTAINER/TASK_ID: here " + prefix + "/" + container + "/TASK_ID."
}

const runtimeSubtitle = "Where the logs go, the roles the task runs with, its storage and its command."

func (s *runtimeStep) head() string {
	return stepHead(s.env.styles, "Runtime", runtimeSubtitle, s.width)
}

func (s *runtimeStep) View() string {
	st := s.env.styles
	head := s.head()
	switch {
	case s.logs.dialog != nil:
		return head + s.createDialogView()
	case s.storage.entry != nil:
		return head + s.storage.entryView()
	}
	var parts []string
	var focus int
	for i, part := range []struct {
		section int
		view    func() string
	}{
		{sectionFields, func() string { return s.form.View(*st) }},
		{sectionStorage, func() string { return s.storage.view(s.section == sectionStorage) }},
		{sectionCommand, func() string { return s.command.View(*st) }},
	} {
		if part.section == s.section {
			focus = i
		}
		parts = append(parts, strings.TrimRight(part.view(), "\n"))
	}
	return head + fitSections(parts, focus, bodyHeight(s.height, head), *st)
}

// fitSections joins the sections with a blank line between them and, when they are
// taller than height, shows the focused one and says how many lines are out of view.
func fitSections(parts []string, focus, height int, st tui.Styles) string {
	var lines []string
	var start, end int
	for i, p := range parts {
		if i > 0 {
			lines = append(lines, "")
		}
		if i == focus {
			start = len(lines)
		}
		lines = append(lines, strings.Split(p, "\n")...)
		if i == focus {
			end = len(lines)
		}
	}
	return strings.Join(tui.Fit(lines, start, end, height, st), "\n")
}

func (s *runtimeStep) SetSize(w, h int) {
	resized := w > 0 && w != s.width
	if w > 0 {
		s.width = w
	}
	if h > 0 {
		s.height = h
	}
	if s.form != nil {
		s.form.SetWidth(s.width)
		// One line is left for saying that the storage and the command are below.
		s.form.SetHeight(bodyHeight(s.height, s.head()) - 1)
		s.command.SetWidth(s.width)
		if resized {
			s.rebuildRoleOptions() // the notes are cut to the width
		}
	}
	if s.storage.entry != nil {
		s.storage.entry.form.SetWidth(dialogWidth(s.width))
		s.storage.entry.form.SetHeight(s.dialogFormHeight())
	}
	if s.logs.dialog != nil {
		s.logs.dialog.SetWidth(dialogWidth(s.width))
		s.logs.dialog.SetHeight(s.dialogFormHeight())
	}
}

// dialogWidth is the width inside a dialog's border and padding, in a step width wide.
func dialogWidth(width int) int { return max(20, width-4) }

// dialogChrome is the lines a dialog box draws around its form in a step body of height
// lines: the border, the title and a blank line over the form, a blank line and the
// keys under it; without the blank lines when the body is short.
func dialogChrome(height int) int {
	if dialogSpaced(height) {
		return 6
	}
	return 4
}

// dialogSpaced reports whether a dialog in a step body of height lines keeps the blank
// lines between its parts.
func dialogSpaced(height int) bool { return height <= 0 || height >= 20 }

// dialogBox draws a dialog width cells wide and at most height lines high (0: as high
// as it is) around parts, stacked; the part numbered focus (its form) stays in view when
// the dialog is too high.
func dialogBox(st *tui.Styles, width, height int, parts []string, focus int) string {
	var lines []string
	start, end := 0, 0
	for i, p := range parts {
		if i == focus {
			start = len(lines)
		}
		if i != focus && !dialogSpaced(height) {
			p = strings.Trim(p, "\n")
		}
		lines = append(lines, strings.Split(p, "\n")...)
		if i == focus {
			end = len(lines)
		}
	}
	if height > 0 {
		lines = tui.Fit(lines, start, end, max(1, height-2), *st)
	}
	return st.Box.Width(width).Render(strings.Join(lines, "\n"))
}

// dialogFormHeight is the room a dialog leaves its form under the step's title.
func (s *runtimeStep) dialogFormHeight() int {
	body := bodyHeight(s.height, s.head())
	return max(4, body-dialogChrome(body))
}

func (s *runtimeStep) Capturing() bool {
	switch {
	case s.form == nil:
		return false
	case s.logs.dialog != nil, s.storage.entry != nil, s.storage.confirm:
		return true
	case s.section == sectionFields:
		return s.form.Capturing()
	}
	return false
}

func (s *runtimeStep) Help() []key.Binding {
	if s.form == nil {
		return []key.Binding{tui.Keys.Next}
	}
	save := key.NewBinding(key.WithHelp(tui.Keys.Next.Help().Key, "create"))
	cancel := key.NewBinding(key.WithHelp(tui.Keys.Back.Help().Key, "cancel"))
	fields := key.NewBinding(key.WithHelp("tab/shift+tab", "fields")) // as the application step says it
	switch {
	case s.logs.dialog != nil:
		return []key.Binding{tui.Keys.Up, tui.Keys.Down, save, cancel}
	case s.storage.confirm:
		return []key.Binding{tui.Keys.Yes, tui.Keys.No}
	case s.storage.entry != nil:
		save = key.NewBinding(key.WithHelp(tui.Keys.Next.Help().Key, "next/save"))
		out := append([]key.Binding{save, fields}, fieldKeys(s.storage.entry.form)...)
		return append(out, cancel)
	}
	// ctrl+t is said under every list that takes a typed value; the line stays short
	// enough for the wizard's own keys.
	out := []key.Binding{tui.Keys.Next, fields}
	if s.section == sectionStorage {
		out = []key.Binding{tui.Keys.Add, tui.Keys.Edit, tui.Keys.Delete, tui.Keys.Next}
	}
	if s.canCreateGroup() {
		out = append(out, tui.Keys.Create)
	}
	if s.logs.listErr != nil || s.logs.checkErr != nil || s.roles.err != nil || s.roleCheck.retryable() {
		out = append(out, tui.Keys.Retry)
	}
	return out
}
