package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// The Act step's menu, in order.
const (
	actRegisterItem = iota
	actExportItem
	actSaveItem
	actQuitItem
	actItemCount
)

// actDialog is what is open over the menu.
type actDialog int

const (
	actNoDialog actDialog = iota
	actConfirmRegister
	actExportForm
	actSaveForm
	actConfirmReplace
)

// actStep does something with the answers: registers the task definition (diff-first),
// exports it, saves the spec, or ends the wizard with a summary of what was done.
type actStep struct {
	env   *env
	ctx   context.Context
	dir   string      // where files go by default; "" is the current directory
	steps wizardSteps // the wizard's, to say where things are fixed

	cursor   int
	moved    bool // the person moved the cursor since the step was shown
	findings model.Findings
	region   string
	params   paramsCheck // the parameters the task reads, repeated before registering
	role     roleCheck   // whether the execution role may read them, repeated too

	width, height int

	dialog        actDialog
	form          *tui.Form // the export or save form
	formKind      actDialog // the form the replace question goes back to
	exportDefault string    // the path the export form proposed (it follows the format until edited)
	memory        exportMemory
	write         *actWrite // the write running, or waiting for the replace answer
	writeID       int64

	registerID  int64
	registering bool
	registerTD  taskdef.TaskDefinition // what is being registered
	reg         *actRegistration       // the last registration
	regErr      error                  // why the last registration failed
	servicesID  int64
	rolloutID   int64
	panelTop    int // the first line of the outcome shown, when it scrolls

	note    string // the last file written, or why an action is unavailable
	noteErr bool

	done []actDone // what was done, printed once the wizard ends
}

// actDone is one thing done: a registration or a line.
type actDone struct {
	reg  *actRegistration
	line string
}

func newActStep(e *env) *actStep { return &actStep{env: e} }

func (s *actStep) Title() string { return "Act" }

func (s *actStep) useSteps(steps wizardSteps) { s.steps = steps }

func (s *actStep) Init(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	s.dialog, s.form, s.write, s.writeID = actNoDialog, nil, nil, 0
	if s.registering {
		// Leaving the step cancelled it; whether ECS made the revision is unknown until
		// the next attempt reads the latest revision.
		s.regErr = errors.New("interrupted when you left this step")
	}
	s.registering, s.registerID = false, 0
	cmd := s.refresh()
	s.moved = false
	if s.items()[s.cursor].blocked != "" {
		s.cursor = s.firstEnabled()
	}
	if s.reg != nil && s.reg.servicesLoading {
		cmd = tea.Batch(cmd, s.findServices()) // the search was cancelled when the person left
	}
	return cmd
}

func (s *actStep) Connected() tea.Cmd {
	cmd := s.refresh()
	if !s.moved || s.items()[s.cursor].blocked != "" {
		s.cursor = s.firstEnabled() // Register, once the session allows it
	}
	return cmd
}

// firstEnabled is the first item of the menu that can be chosen now.
func (s *actStep) firstEnabled() int {
	items := s.items()
	for i, item := range items {
		if item.blocked == "" {
			return i
		}
	}
	return 0
}

// move moves the cursor to the next item that can be chosen, by dir (1 or -1), going
// round; it stays when no other can.
func (s *actStep) move(dir int) {
	items := s.items()
	for n := 1; n < actItemCount; n++ {
		if i := (s.cursor + dir*n + actItemCount) % actItemCount; items[i].blocked == "" {
			s.cursor, s.moved = i, true
			return
		}
	}
}

// refresh validates the spec again, checks the parameters it reads and whether the
// execution role may read them.
func (s *actStep) refresh() tea.Cmd {
	s.findings = model.Validate(*s.env.spec)
	s.region = reviewRegion(s.env)
	return tea.Batch(s.params.start(s.ctx, s.env), s.role.start(s.ctx, s.env, s.env.spec.ExecutionRoleARN))
}

// registerBlocked says why Register cannot be chosen now; "" when it can.
func (s *actStep) registerBlocked() string {
	switch errs := s.findings.Errors(); {
	case s.env.connecting():
		return "waiting for the AWS session…"
	case s.env.cloud() == nil:
		return "off while offline: registering needs an AWS session (restart ecswiz with credentials or --demo)"
	case len(errs) > 0:
		return s.errorsBlock(errs)
	case s.region == "":
		return "no AWS Region for awslogs-region: set aws_region (" + s.steps.fixedInOr("aws_region", tui.Keys.Edit.Help().Key+" in Review") + ")"
	}
	return ""
}

// exportBlocked says why Export cannot be chosen now; "" when it can.
func (s *actStep) exportBlocked() string {
	if errs := s.findings.Errors(); len(errs) > 0 {
		return s.errorsBlock(errs) + "; Save spec keeps your answers meanwhile"
	}
	return ""
}

func (s *actStep) errorsBlock(errs model.Findings) string {
	return fmt.Sprintf("%s in the spec: fix them first (%s lists them)", plural(len(errs), "error"), s.steps.review())
}

type actMenuItem struct{ label, note, blocked string }

func (s *actStep) items() [actItemCount]actMenuItem {
	family := s.env.spec.Family()
	registerNote := family + " as a new revision (asks first; skipped when unchanged)"
	if s.env.session != nil && s.env.session.Region != "" {
		registerNote = family + " as a new revision in " + s.env.session.Region + " (asks first; skipped when unchanged)"
	}
	return [actItemCount]actMenuItem{
		{"Register", registerNote, s.registerBlocked()},
		{"Export", "tfvars, tfvars JSON, a module block, a resource or the ECS JSON, to a file", s.exportBlocked()},
		{"Save spec", "write your answers to " + s.savePath() + " (ecswiz -f opens it again)", ""},
		{"Quit", "leave the wizard and print what was done", ""},
	}
}

func (s *actStep) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.Result[deploy.Outcome]:
		if msg.ID != s.registerID {
			return nil
		}
		return s.registered(msg.Value, msg.Err)
	case tui.Result[[]deploy.Service]:
		if msg.ID != s.servicesID || s.reg == nil {
			return nil
		}
		s.reg.services, s.reg.servicesErr, s.reg.servicesLoading = msg.Value, msg.Err, false
		return nil
	case tui.Result[rolloutChanges]:
		if msg.ID != s.rolloutID || s.reg == nil {
			return nil
		}
		s.reg.rolloutDiff, s.reg.rolloutErr, s.reg.rolloutLoading = msg.Value.diff, msg.Err, false
		return nil
	case paramsCheckResult:
		s.params.done(msg)
		return nil
	case roleCheckResult:
		s.role.done(s.env, msg)
		return nil
	case tui.Result[string]:
		if msg.ID != s.writeID {
			return nil
		}
		s.writeID = 0
		return s.written(msg.Err)
	case tui.FormDoneMsg:
		if s.dialog != actExportForm && s.dialog != actSaveForm {
			return nil
		}
		return s.formDone()
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	if s.form != nil && (s.dialog == actExportForm || s.dialog == actSaveForm) {
		return s.form.Update(msg)
	}
	return nil
}

func (s *actStep) key(k tea.KeyPressMsg) tea.Cmd {
	switch s.dialog {
	case actConfirmRegister:
		switch {
		case key.Matches(k, tui.Keys.Yes):
			s.dialog = actNoDialog
			return s.startRegister()
		case key.Matches(k, tui.Keys.No), key.Matches(k, tui.Keys.Back):
			s.dialog = actNoDialog
		}
		return nil
	case actConfirmReplace:
		switch {
		case key.Matches(k, tui.Keys.Yes) && s.write != nil:
			w := *s.write
			w.replace = true
			s.dialog = s.formKind
			return s.startWrite(&w)
		case key.Matches(k, tui.Keys.No), key.Matches(k, tui.Keys.Back):
			s.dialog, s.write = s.formKind, nil
			s.form.FocusKey("path")
		}
		return nil
	case actExportForm, actSaveForm:
		if s.writeID != 0 {
			return nil // a write is running: its answer closes the form or reports in it
		}
		if key.Matches(k, tui.Keys.Back) {
			s.rememberForm()
			s.dialog, s.form, s.write = actNoDialog, nil, nil
			return nil
		}
		return s.form.Update(k)
	}
	switch {
	case key.Matches(k, tui.Keys.PrevField):
		s.move(-1)
	case key.Matches(k, tui.Keys.NextField):
		s.move(1)
	case key.Matches(k, tui.Keys.PageUp):
		s.scrollPanel(-1)
	case key.Matches(k, tui.Keys.PageDown):
		s.scrollPanel(1)
	case key.Matches(k, tui.Keys.Retry) && s.regErr != nil && !s.registering:
		return s.startRegister()
	case key.Matches(k, tui.Keys.Next):
		return s.choose()
	}
	return nil
}

// choose acts on the menu item under the cursor.
func (s *actStep) choose() tea.Cmd {
	item := s.items()[s.cursor]
	if item.blocked != "" {
		s.note, s.noteErr = item.label+" is not available: "+item.blocked+".", true
		return nil
	}
	s.note, s.noteErr = "", false
	switch s.cursor {
	case actRegisterItem:
		if !s.registering {
			s.dialog = actConfirmRegister
		}
	case actExportItem:
		s.openExport()
	case actSaveItem:
		s.openSave()
	case actQuitItem:
		lines := s.summaryLines()
		return func() tea.Msg { return finishMsg{lines: lines} }
	}
	return nil
}

// summaryLines are what the wizard prints once the screen is restored.
func (s *actStep) summaryLines() []string {
	var lines []string
	for _, d := range s.done {
		if d.reg != nil {
			lines = append(lines, registrationLines(d.reg)...)
		} else {
			lines = append(lines, d.line)
		}
	}
	if s.registering {
		lines = append(lines, "A registration was still running when you quit: run `ecswiz register -f SPEC` to finish it (it checks the latest revision first).")
	}
	if len(lines) == 0 {
		lines = append(lines, "Nothing was registered or written.")
	}
	return lines
}

func (s *actStep) View() string {
	view, _ := s.layoutView()
	return view
}

// actSubtitle says what the step does.
const actSubtitle = "Register the task definition, export it, or save your answers."

// layoutView draws the step in its size, and says whether the outcome of the last
// registration scrolls. When everything does not fit, the subtitle goes, the menu
// keeps one line with the note of the item under the cursor, and the outcome scrolls.
func (s *actStep) layoutView() (string, bool) {
	st := s.env.styles
	title := st.Title.Render("Act")
	full := title + "\n" + st.Subtitle.Render(s.wrap(actSubtitle, 0)) + "\n\n"
	fits := func(v string) bool { return s.height <= 0 || lipgloss.Height(v) <= s.height }
	if s.dialog != actNoDialog {
		if v := full + s.dialogView(); fits(v) {
			return v, false
		}
		return title + "\n\n" + s.dialogView(), false
	}
	body := s.menuView() + s.noteView()
	panel := s.registerView()
	if panel != "" {
		panel = "\n\n" + panel
	}
	if v := full + body + panel; fits(v) {
		return v, false
	}
	head := title + "\n\n" + s.compactMenuView() + s.noteView()
	if panel == "" {
		return head, false
	}
	room := s.height - lipgloss.Height(head) - 1 // the blank line above the outcome
	lines := strings.Split(strings.TrimPrefix(panel, "\n\n"), "\n")
	if len(lines) <= room {
		return head + panel, false
	}
	room = max(1, room-1) // the scroll line
	top := min(s.panelTop, len(lines)-room)
	shown := strings.Join(lines[top:top+room], "\n")
	scroll := st.Muted.Render(fmt.Sprintf("%d%% · %s/%s to scroll the outcome", 100*(top+room)/len(lines),
		tui.Keys.PageUp.Help().Key, tui.Keys.PageDown.Help().Key))
	return head + "\n\n" + shown + "\n" + scroll, true
}

// scrollPanel scrolls the outcome by a page (dir 1 or -1) when it does not fit.
func (s *actStep) scrollPanel(dir int) {
	if _, scrolls := s.layoutView(); !scrolls {
		return
	}
	page := max(1, s.height/2)
	total := lipgloss.Height(s.registerView())
	s.panelTop = min(max(0, s.panelTop+dir*page), max(0, total-1))
}

// wrap fits text to the step's width, the lines after the first indented by indent.
func (s *actStep) wrap(text string, indent int) string {
	return tui.Wrap(text, max(1, s.width-indent), indent)
}

// menuView is the menu, an item a line with its note.
func (s *actStep) menuView() string {
	st := s.env.styles
	const labelWidth = 10
	indent := 2 + labelWidth + 2
	var b strings.Builder
	for i, item := range s.items() {
		label := fmt.Sprintf("%-*s", labelWidth, item.label)
		cursor := "  "
		if i == s.cursor {
			cursor = st.Cursor.Render("▸ ")
		}
		note, noteStyle, labelStyle := item.note, st.Muted, st.Option
		switch {
		case item.blocked != "":
			note, noteStyle, labelStyle = item.blocked, st.Disabled, st.Disabled
		case i == s.cursor:
			labelStyle = st.Selected
		}
		lines := strings.Split(s.wrap(note, indent), "\n")
		for j, l := range lines {
			lines[j] = noteStyle.Render(strings.TrimLeft(l, " "))
			if j > 0 {
				lines[j] = strings.Repeat(" ", indent) + lines[j]
			}
		}
		b.WriteString(cursor + labelStyle.Render(label) + "  " + strings.Join(lines, "\n"))
		if i < actItemCount-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// compactMenuView is the menu on one line, with the note of the item under the cursor
// below it.
func (s *actStep) compactMenuView() string {
	st := s.env.styles
	items := s.items()
	parts := make([]string, len(items))
	for i, item := range items {
		style := st.Option
		switch {
		case item.blocked != "":
			style = st.Disabled
		case i == s.cursor:
			style = st.Selected
		}
		mark := "  "
		if i == s.cursor {
			mark = st.Cursor.Render("▸ ")
		}
		parts[i] = mark + style.Render(item.label)
	}
	item := items[s.cursor]
	note, noteStyle := item.note, st.Muted
	if item.blocked != "" {
		note, noteStyle = item.blocked, st.Disabled
	}
	return strings.Join(parts, " ") + "\n" + noteStyle.Render("  "+s.wrap(note, 2))
}

// noteView is the line about the last action ("✓ Wrote …"), after a blank line; "" when none.
func (s *actStep) noteView() string {
	if s.note == "" {
		return ""
	}
	style := s.env.styles.OK
	if s.noteErr {
		style = s.env.styles.Error
	}
	return "\n\n" + style.Render(s.wrap(s.note, noteIndent(s.note)))
}

// noteIndent is how far a note's wrapped lines are indented: under its text, after a
// "✓ " or "✗ " mark.
func noteIndent(note string) int {
	if strings.HasPrefix(note, "✓ ") || strings.HasPrefix(note, "✗ ") {
		return 2
	}
	return 0
}

// dialogHelp is a dialog's line of keys: "y register · n cancel".
func dialogHelp(st *tui.Styles, bs ...key.Binding) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.Help().Key + " " + b.Help().Desc
	}
	return st.Help.Render(strings.Join(parts, " · "))
}

func (s *actStep) dialogView() string {
	st := s.env.styles
	var body string
	switch s.dialog {
	case actConfirmRegister:
		body = s.confirmView()
	case actExportForm, actSaveForm:
		title := "Export"
		if s.dialog == actSaveForm {
			title = "Save spec"
		}
		status := ""
		if s.writeID != 0 {
			status = "\n" + s.env.spin() + " Writing " + s.write.path + "…"
		}
		body = st.Title.Render(title) + "\n\n" + strings.TrimSuffix(s.form.View(*st), "\n") + status + "\n\n" +
			dialogHelp(st, s.Help()...)
	case actConfirmReplace:
		body = st.Warning.Render(tui.Wrap(replaceQuestion(s.write.path), s.formWidth(), 0)) + "\n\n" +
			st.Muted.Render(tui.Wrap(replaceNote, s.formWidth(), 0)) + "\n\n" +
			dialogHelp(st, s.Help()...)
	}
	return st.Box.Width(max(40, s.width-2)).Render(body)
}

func (s *actStep) SetSize(w, h int) {
	s.width, s.height = w, h
	if s.form != nil {
		s.form.SetWidth(s.formWidth())
	}
}

func (s *actStep) Capturing() bool { return s.dialog != actNoDialog }

func (s *actStep) Help() []key.Binding {
	switch s.dialog {
	case actConfirmRegister:
		return []key.Binding{helpAs(tui.Keys.Yes, "register"), helpAs(tui.Keys.No, "cancel")}
	case actConfirmReplace:
		return []key.Binding{helpAs(tui.Keys.Yes, "replace it"), helpAs(tui.Keys.No, "choose another path")}
	case actExportForm, actSaveForm:
		fields := key.NewBinding(key.WithHelp(tui.Keys.NextField.Keys()[0]+"/"+tui.Keys.PrevField.Keys()[0], "fields"))
		return []key.Binding{helpAs(tui.Keys.Next, "next/write"), fields, helpAs(tui.Keys.Back, "cancel")}
	}
	b := []key.Binding{helpKeys("choose", tui.Keys.Up, tui.Keys.Down), helpAs(tui.Keys.Next, "select")}
	if s.regErr != nil && !s.registering {
		b = append(b, helpAs(tui.Keys.Retry, "retry register"))
	}
	if _, scrolls := s.layoutView(); scrolls {
		b = append(b, helpKeys("scroll", tui.Keys.PageUp, tui.Keys.PageDown))
	}
	return b
}

// Owns reports the variables Act answers: none, it acts on the spec.
func (s *actStep) Owns(string) bool { return false }
