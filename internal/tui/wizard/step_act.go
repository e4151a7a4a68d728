package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

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
	actConfirmOverwrite
)

// actStep does something with the answers: registers the task definition (diff-first),
// exports it, saves the spec, or ends the wizard with a summary of what was done.
type actStep struct {
	env *env
	ctx context.Context
	dir string // where files go by default; "" is the current directory

	cursor        int
	findings      model.Findings
	region        string
	width, height int

	dialog        actDialog
	form          *tui.Form // the export or save form
	formKind      actDialog // the form the overwrite question goes back to
	exportDefault string    // the path the export form proposed (it follows the format until edited)
	write         *actWrite // the write running, or waiting for the overwrite answer
	writeID       int64

	registerID  int64
	registering bool
	registerTD  taskdef.TaskDefinition // what is being registered
	reg         *actRegistration       // the last registration
	regErr      error                  // why the last registration failed
	servicesID  int64

	note    string // the last file written, or why an action is unavailable
	noteErr bool

	done []actDone // what was done, printed once the wizard ends
}

// actRegistration is a registration's outcome and the services that could roll to it.
type actRegistration struct {
	outcome         registerOutcome
	container       string
	port            int
	services        []familyService
	servicesLoading bool
	servicesErr     error
}

// actDone is one thing done: a registration or a line.
type actDone struct {
	reg  *actRegistration
	line string
}

func newActStep(e *env) *actStep { return &actStep{env: e} }

func (s *actStep) Title() string { return "Act" }

func (s *actStep) Init(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	s.dialog, s.form, s.write = actNoDialog, nil, nil
	if s.registering {
		// Leaving the step cancelled it; whether ECS made the revision is unknown until
		// the next attempt reads the latest revision.
		s.regErr = errors.New("interrupted when you left this step")
	}
	s.registering, s.registerID, s.writeID = false, 0, 0
	s.refresh()
	if s.reg != nil && s.reg.servicesLoading {
		return s.findServices() // the search was cancelled when the person left
	}
	return nil
}

func (s *actStep) Connected() tea.Cmd {
	s.refresh()
	return nil
}

func (s *actStep) refresh() {
	s.findings = model.Validate(*s.env.spec)
	s.region = reviewRegion(s.env)
}

// registerBlocked says why Register cannot be chosen now; "" when it can.
func (s *actStep) registerBlocked() string {
	switch errs := s.findings.Errors(); {
	case s.env.connecting():
		return "waiting for the AWS session…"
	case s.env.cloud() == nil:
		return "off while offline: registering needs an AWS session (restart ecswiz with credentials or --demo)"
	case len(errs) > 0:
		return fmt.Sprintf("%s in the spec: fix them first (Review, alt+8 lists them)", plural(len(errs), "error"))
	case s.region == "":
		return "no AWS Region for awslogs-region: set aws_region (" + tui.Keys.Edit.Help().Key + " in Review)"
	}
	return ""
}

// exportBlocked says why Export cannot be chosen now; "" when it can.
func (s *actStep) exportBlocked() string {
	if errs := s.findings.Errors(); len(errs) > 0 {
		return fmt.Sprintf("%s in the spec: fix them first (Review, alt+8 lists them); Save spec keeps your answers meanwhile", plural(len(errs), "error"))
	}
	return ""
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
	case tui.Result[registerOutcome]:
		if msg.ID != s.registerID {
			return nil
		}
		return s.registered(msg.Value, msg.Err)
	case tui.Result[[]familyService]:
		if msg.ID != s.servicesID || s.reg == nil {
			return nil
		}
		s.reg.services, s.reg.servicesErr, s.reg.servicesLoading = msg.Value, msg.Err, false
		return nil
	case tui.Result[string]:
		if msg.ID != s.writeID {
			return nil
		}
		s.writeID = 0
		s.written(msg.Err)
		return nil
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
	case actConfirmOverwrite:
		switch {
		case key.Matches(k, tui.Keys.Yes) && s.write != nil:
			w := *s.write
			w.overwrite = true
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
			s.dialog, s.form, s.write = actNoDialog, nil, nil
			return nil
		}
		return s.form.Update(k)
	}
	switch {
	case key.Matches(k, tui.Keys.PrevField):
		s.cursor = (s.cursor + actItemCount - 1) % actItemCount
	case key.Matches(k, tui.Keys.NextField):
		s.cursor = (s.cursor + 1) % actItemCount
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

// startRegister registers the spec's task definition, diff-first, in a command.
func (s *actStep) startRegister() tea.Cmd {
	if reason := s.registerBlocked(); reason != "" {
		s.note, s.noteErr = "Register is not available: "+reason+".", true
		return nil
	}
	td, err := model.Build(*s.env.spec, s.region)
	if err != nil {
		s.regErr = err
		return nil
	}
	render := model.RenderJSON(td)
	cloud := s.env.cloud()
	s.registering, s.reg, s.regErr, s.registerTD = true, nil, nil, td
	s.registerID = tui.NewID()
	return tui.Call(stepContext(s.ctx), s.registerID, func(ctx context.Context) (registerOutcome, error) {
		return actRegister(ctx, cloud.TaskDefs, td, render)
	})
}

func (s *actStep) registered(out registerOutcome, err error) tea.Cmd {
	s.registering = false
	if err != nil {
		s.regErr = err
		return nil
	}
	c := s.registerTD.ContainerDefinitions[0]
	port := 0
	if len(c.PortMappings) > 0 {
		port = c.PortMappings[0].ContainerPort
	}
	s.reg = &actRegistration{outcome: out, container: c.Name, port: port}
	s.done = append(s.done, actDone{reg: s.reg})
	return s.findServices()
}

// findServices looks for the services running a revision of the family registered.
func (s *actStep) findServices() tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil || s.reg == nil {
		return nil
	}
	s.reg.servicesLoading = true
	family := s.reg.outcome.reg.Family
	s.servicesID = tui.NewID()
	return tui.Call(stepContext(s.ctx), s.servicesID, func(ctx context.Context) ([]familyService, error) {
		return actServicesOf(ctx, cloud.TaskDefs, family)
	})
}

// summaryLines are what the wizard prints once the screen is restored.
func (s *actStep) summaryLines() []string {
	var lines []string
	for _, d := range s.done {
		if d.reg == nil {
			lines = append(lines, d.line)
			continue
		}
		ref := actRef(d.reg.outcome.reg)
		if d.reg.outcome.unchanged {
			lines = append(lines, fmt.Sprintf("Unchanged: %s is already this task definition (%s).", ref, d.reg.outcome.reg.ARN))
		} else {
			lines = append(lines, fmt.Sprintf("Registered %s: %s", ref, d.reg.outcome.reg.ARN))
		}
		for _, svc := range d.reg.services {
			if svc.Current != ref {
				lines = append(lines, "  roll "+svc.Service+" to it: "+updateServiceCommand(svc, ref))
			}
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
	st := s.env.styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Act") + "\n" +
		st.Subtitle.Render("Register the task definition, export it, or save your answers.") + "\n\n")
	if s.dialog != actNoDialog {
		b.WriteString(s.dialogView())
		return b.String()
	}
	const labelWidth = 10
	indent := strings.Repeat(" ", 2+labelWidth+2)
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
		lines := strings.Split(wrapWords(note, max(20, s.width-len(indent))), "\n")
		for j, l := range lines {
			lines[j] = noteStyle.Render(l)
			if j > 0 {
				lines[j] = indent + lines[j]
			}
		}
		b.WriteString(cursor + labelStyle.Render(label) + "  " + strings.Join(lines, "\n") + "\n")
	}
	if s.note != "" {
		style := st.OK
		if s.noteErr {
			style = st.Error
		}
		b.WriteString("\n" + style.Render(s.wrap(s.note)) + "\n")
	}
	if panel := s.registerView(); panel != "" {
		b.WriteString("\n" + panel)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (s *actStep) wrap(text string) string { return wrapWords(text, max(20, s.width)) }

// registerView is the outcome of the last registration.
func (s *actStep) registerView() string {
	st := s.env.styles
	switch {
	case s.registering:
		return s.env.spin() + " Registering " + s.registerTD.Family + ": reading the latest revision first…"
	case s.regErr != nil:
		return st.Error.Render(s.wrap("✗ Register failed: " + errorLine(s.regErr) + " — press " + tui.Keys.Retry.Help().Key +
			" to try again (the latest revision is read first, so a retry never makes a second one)."))
	case s.reg == nil:
		return ""
	}
	r := s.reg
	ref := actRef(r.outcome.reg)
	var lines []string
	switch {
	case r.outcome.unchanged:
		lines = append(lines, st.OK.Render("✓ unchanged: "+ref+" is already this task definition; nothing was registered."))
	default:
		lines = append(lines, st.OK.Render("✓ Registered "+ref))
	}
	if r.outcome.lost != nil {
		lines = append(lines, st.Warning.Render(s.wrap("The answer to the registration was lost ("+errorLine(r.outcome.lost)+"), but "+ref+" now matches the spec: it was registered.")))
	}
	for _, l := range outputLines(r.outcome.reg, r.container, r.port) {
		lines = append(lines, "  "+st.Value.Render(l))
	}
	lines = append(lines, "")
	var roll, current []string
	for _, svc := range r.services {
		if svc.Current == ref {
			current = append(current, svc.Service+" (cluster "+svc.Cluster+") already runs "+ref+".")
			continue
		}
		roll = append(roll, s.commandView(updateServiceCommand(svc, ref)))
	}
	switch {
	case r.servicesLoading:
		lines = append(lines, s.env.spin()+" Looking for services running "+r.outcome.reg.Family+"…")
	case r.servicesErr != nil:
		lines = append(lines, st.Muted.Render(s.wrap("Could not list the services to roll: "+errorLine(r.servicesErr))))
	case len(r.services) == 0:
		lines = append(lines, st.Muted.Render("No service runs "+r.outcome.reg.Family+" in this account and Region."))
	}
	if len(roll) > 0 {
		lines = append(lines, "Roll a service to it:")
		lines = append(lines, roll...)
	}
	for _, c := range current {
		lines = append(lines, st.Muted.Render(c))
	}
	return strings.Join(lines, "\n")
}

// commandView draws a shell command to copy, continued with a backslash rather than
// cut when it is wider than the screen.
func (s *actStep) commandView(cmd string) string {
	const indent = "  "
	if s.width <= 0 || len(indent+cmd) <= s.width {
		return indent + cmd
	}
	var lines []string
	line := indent
	for _, word := range strings.Split(cmd, " --") {
		if line != indent {
			word = "--" + word
			if len(line)+1+len(word)+2 > s.width {
				lines = append(lines, line+" \\")
				line = indent + "  " + word
				continue
			}
			line += " " + word
			continue
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}

func (s *actStep) dialogView() string {
	st := s.env.styles
	var body string
	help := func(bs ...key.Binding) string {
		var parts []string
		for _, b := range bs {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
		return st.Help.Render(strings.Join(parts, " · "))
	}
	switch s.dialog {
	case actConfirmRegister:
		session := s.env.session
		where := session.Region + " · account " + session.Account
		if session.Demo {
			where += " (the demo account)"
		}
		lines := []string{
			st.Title.Render("Register " + s.env.spec.Family() + "?"),
			"",
			st.Label.Render("  family  ") + st.Value.Render(s.env.spec.Family()),
			st.Label.Render("  Region  ") + st.Value.Render(where),
			"",
			st.Muted.Render("The latest revision is read first: nothing is registered when it is the same."),
		}
		if a := s.env.spec.AWSRegion; a != "" && a != session.Region {
			lines = append(lines, st.Warning.Render("aws_region is "+a+": the task will log to "+a+" but is registered in "+session.Region+"."))
		}
		body = strings.Join(append(lines, "", help(helpAs(tui.Keys.Yes, "register"), helpAs(tui.Keys.No, "cancel"))), "\n")
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
			help(helpAs(tui.Keys.Next, "next/write"), fieldsHelp(), helpAs(tui.Keys.Back, "cancel"))
	case actConfirmOverwrite:
		body = st.Warning.Render(wrapWords(s.write.path+" already exists. Replace it?", s.width-6)) + "\n\n" +
			st.Muted.Render(wrapWords("The new content goes to a temporary file renamed over it: the old file is gone afterwards.", s.width-6)) + "\n\n" +
			help(helpAs(tui.Keys.Yes, "replace it"), helpAs(tui.Keys.No, "choose another path"))
	}
	return st.Box.Width(max(40, s.width-2)).Render(body)
}

func (s *actStep) SetSize(w, h int) {
	s.width, s.height = w, h
	if s.form != nil {
		s.form.SetWidth(w - 4)
	}
}

func (s *actStep) Capturing() bool { return s.dialog != actNoDialog }

func (s *actStep) Help() []key.Binding {
	switch s.dialog {
	case actConfirmRegister:
		return []key.Binding{helpAs(tui.Keys.Yes, "register"), helpAs(tui.Keys.No, "cancel")}
	case actConfirmOverwrite:
		return []key.Binding{helpAs(tui.Keys.Yes, "replace"), helpAs(tui.Keys.No, "another path")}
	case actExportForm, actSaveForm:
		return []key.Binding{helpAs(tui.Keys.Next, "next/write"), fieldsHelp(), helpAs(tui.Keys.Back, "cancel")}
	}
	b := []key.Binding{helpKeys("choose", tui.Keys.Up, tui.Keys.Down), helpAs(tui.Keys.Next, "select")}
	if s.regErr != nil && !s.registering {
		b = append(b, helpAs(tui.Keys.Retry, "retry register"))
	}
	return b
}

// fieldsHelp is the help for moving between a form's fields: "tab/shift+tab fields".
func fieldsHelp() key.Binding {
	return key.NewBinding(key.WithHelp(tui.Keys.NextField.Keys()[0]+"/"+tui.Keys.PrevField.Keys()[0], "fields"))
}
