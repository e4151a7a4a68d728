package wizard

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// envEditor edits the extra environment variables (environment_variables): a list with
// a cursor, and a two-field form to add or edit one entry. Every change goes into the
// spec at once.
type envEditor struct {
	env     *env
	focused bool
	cursor  int

	editing  bool
	original string    // the name being edited; "" while adding
	entry    *tui.Form // name and value while editing

	confirm string // the name asked about before deleting
	notice  string // what the last action did
	width   int
}

// envEditorResult is what a key did to the editor, beyond the editor itself.
type envEditorResult int

const (
	envStay     envEditorResult = iota
	envLeaveUp                  // the focus goes back to the field above the list
	envContinue                 // the person is done with the step
)

const (
	fieldEnvName  = "env_name"
	fieldEnvValue = "env_value"
	envRowsShown  = 6
)

func newEnvEditor(e *env) *envEditor { return &envEditor{env: e} }

// names are the variables in the order every output uses.
func (ed *envEditor) names() []string {
	return slices.Sorted(maps.Keys(ed.env.spec.EnvironmentVariables))
}

// envField is the finding path of a variable: environment_variables["NAME"].
func envField(name string) string { return fmt.Sprintf("environment_variables[%q]", name) }

// Capturing reports whether Esc belongs to the editor: an entry is being edited or a
// deletion waits for its answer.
func (ed *envEditor) Capturing() bool { return ed.editing || ed.confirm != "" }

// startAdd opens an empty entry.
func (ed *envEditor) startAdd() tea.Cmd {
	ed.focused = true
	return ed.open("", "")
}

// clampCursor keeps the cursor on a row of the list as it grows and shrinks.
func (ed *envEditor) clampCursor() {
	ed.cursor = min(max(0, ed.cursor), max(0, len(ed.env.spec.EnvironmentVariables)-1))
}

// startEdit opens the entry under the cursor.
func (ed *envEditor) startEdit() tea.Cmd {
	names := ed.names()
	if len(names) == 0 {
		ed.notice = "There is nothing to edit yet: " + tui.Keys.Add.Help().Key + " adds a variable."
		return nil
	}
	ed.clampCursor()
	name := names[ed.cursor]
	return ed.open(name, ed.env.spec.EnvironmentVariables[name])
}

func (ed *envEditor) open(name, value string) tea.Cmd {
	ed.editing, ed.original, ed.notice = true, name, ""
	var nameField, valueField *tui.Field
	// The model's warnings about the entry (it overrides a variable ecswiz sets, it is
	// not a shell-safe name) show as it is typed; they do not stop it being saved.
	warn := func(string) {
		n := strings.TrimSpace(nameField.Value())
		if n == "" {
			setWarning(nameField, "")
			return
		}
		setWarning(nameField, fieldWarning(withEnv(*ed.env.spec, ed.original, n, valueField.Value()), envField(n)))
	}
	nameField = &tui.Field{Key: fieldEnvName, Title: "Name", Kind: tui.Text, Placeholder: "SENTRY_ENVIRONMENT",
		Hint:     "Letters, digits and _, not starting with a digit.",
		Validate: ed.checkName,
		OnSet:    warn,
	}
	valueField = &tui.Field{Key: fieldEnvValue, Title: "Value", Kind: tui.Text, Placeholder: "production",
		Hint:  "Plain text in the task definition: put secrets in Parameter Store (Secrets step).",
		OnSet: warn,
	}
	nameField.SetValue(name)
	valueField.SetValue(value)
	warn("")
	ed.entry = tui.NewForm(nameField, valueField)
	ed.entry.SetWidth(ed.width - 4)
	if name != "" {
		ed.entry.FocusKey(fieldEnvValue) // editing usually changes the value
	}
	return nil
}

// withEnv is spec with name set to value in a copy of its variables, after removing
// the entry being renamed.
func withEnv(spec model.Spec, original, name, value string) model.Spec {
	vars := maps.Clone(spec.EnvironmentVariables)
	if vars == nil {
		vars = map[string]string{}
	}
	if original != "" {
		delete(vars, original)
	}
	vars[name] = value
	spec.EnvironmentVariables = vars
	return spec
}

// checkName refuses a name the model refuses and one already in the list. A name
// ecswiz sets itself is the model's warning, shown under the field, not a refusal.
func (ed *envEditor) checkName(v string) error {
	name := strings.TrimSpace(v)
	spec := *ed.env.spec
	if name != ed.original && name != "" {
		if old, ok := spec.EnvironmentVariables[name]; ok {
			return fmt.Errorf("%s is already set (to %q) — press %s on it in the list to change it", name, old, tui.Keys.Edit.Help().Key)
		}
	}
	value := ""
	if ed.entry != nil {
		value = ed.entry.Field(fieldEnvValue).Value()
	}
	return entryError(spec, ed.original, name, value)
}

// entryError is the model's first error for the entry, or for the whole list once it
// is in (the task definition's size).
func entryError(spec model.Spec, original, name, value string) error {
	edited := withEnv(spec, original, name, value)
	for _, f := range model.Validate(edited).Errors() {
		if f.Field == envField(name) || f.Field == "environment_variables" {
			return findingError(f)
		}
	}
	return nil
}

// save puts the entry into the spec when the model accepts it.
func (ed *envEditor) save() {
	nameField := ed.entry.Field(fieldEnvName)
	if !ed.entry.Validate() {
		return
	}
	name := strings.TrimSpace(nameField.Value())
	value := ed.entry.Field(fieldEnvValue).Value()
	if err := entryError(*ed.env.spec, ed.original, name, value); err != nil {
		ed.entry.Field(fieldEnvValue).SetErr(err)
		return
	}
	ed.env.update(func(x *model.Spec) { *x = withEnv(*x, ed.original, name, value) })
	switch {
	case ed.original == "":
		ed.notice = "Added " + name + "."
	case ed.original != name:
		ed.notice = "Renamed " + ed.original + " to " + name + "."
	default:
		ed.notice = "Changed " + name + "."
	}
	ed.editing, ed.entry = false, nil
	ed.cursor = max(0, slices.Index(ed.names(), name))
}

// delete removes the variable the confirmation asked about.
func (ed *envEditor) delete() {
	name := ed.confirm
	ed.confirm = ""
	ed.env.update(func(x *model.Spec) {
		vars := maps.Clone(x.EnvironmentVariables)
		delete(vars, name)
		x.EnvironmentVariables = vars
	})
	ed.notice = "Deleted " + name + "."
	ed.clampCursor()
}

// Update handles a key while the list has the focus.
func (ed *envEditor) Update(msg tea.Msg) (tea.Cmd, envEditorResult) {
	ed.clampCursor()
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case ed.editing && isKey && key.Matches(k, tui.Keys.Back):
		ed.editing, ed.entry = false, nil
		ed.notice = "Nothing changed."
		return nil, envStay
	case ed.editing && isKey && key.Matches(k, tui.Keys.Next):
		if f := ed.entry.Focused(); f != nil && f.Key == fieldEnvName {
			err := f.Validate(f.Value())
			f.SetErr(err)
			if err == nil {
				ed.entry.FocusKey(fieldEnvValue)
			}
			return nil, envStay
		}
		ed.save()
		return nil, envStay
	case ed.editing:
		return ed.entry.Update(msg), envStay
	case !isKey:
		return nil, envStay
	case ed.confirm != "":
		switch {
		case key.Matches(k, tui.Keys.Yes):
			ed.delete()
		case key.Matches(k, tui.Keys.No), key.Matches(k, tui.Keys.Back):
			ed.confirm, ed.notice = "", "Kept it."
		}
		return nil, envStay
	}
	names := ed.names()
	switch {
	case key.Matches(k, tui.Keys.Add):
		return ed.startAdd(), envStay
	case key.Matches(k, tui.Keys.Edit):
		return ed.startEdit(), envStay
	case key.Matches(k, tui.Keys.Delete):
		if len(names) == 0 {
			ed.notice = "There is nothing to delete."
			return nil, envStay
		}
		ed.confirm, ed.notice = names[ed.cursor], ""
		return nil, envStay
	case key.Matches(k, tui.Keys.Up):
		if ed.cursor == 0 {
			return nil, envLeaveUp
		}
		ed.cursor--
	case key.Matches(k, tui.Keys.Down):
		if ed.cursor < len(names)-1 {
			ed.cursor++
		}
	case key.Matches(k, tui.Keys.PrevField):
		return nil, envLeaveUp
	case key.Matches(k, tui.Keys.Next):
		return nil, envContinue
	}
	return nil, envStay
}

// focusFinding puts the cursor on the first variable the model finds an error in and
// reports whether there is one.
func (ed *envEditor) focusFinding() bool {
	for _, f := range model.Validate(*ed.env.spec).Errors() {
		for i, n := range ed.names() {
			if f.Field == envField(n) {
				ed.cursor, ed.focused = i, true
				return true
			}
		}
		if f.Field == "environment_variables" {
			ed.focused = true
			return true
		}
	}
	return false
}

// View draws the list, the entry being edited and the editor's keys.
func (ed *envEditor) View(st tui.Styles) string {
	lines, _, _ := ed.viewLines(st)
	return strings.Join(lines, "\n") + "\n"
}

// viewLines draws the editor as lines, with the range of those that matter most: the
// entry being edited, else the row under the cursor with what is said about it.
func (ed *envEditor) viewLines(st tui.Styles) (lines []string, start, end int) {
	var b strings.Builder
	lineNo := func() int { return strings.Count(b.String(), "\n") }
	names := ed.names()
	title := fmt.Sprintf("Extra environment variables (%d)", len(names))
	if ed.focused {
		b.WriteString(st.FocusLabel.Render("▸ "+title) + "\n")
	} else {
		b.WriteString(st.Label.Render("  "+title) + "\n")
	}
	findings := rowFindings(*ed.env.spec)
	if len(names) == 0 {
		b.WriteString(st.Muted.Render("    none — "+tui.Keys.Add.Help().Key+" adds one") + "\n")
	}
	cursor := min(ed.cursor, max(0, len(names)-1)) // Update keeps it in range; a View only reads
	top := max(0, min(cursor-envRowsShown/2, len(names)-envRowsShown))
	bottom := min(len(names), top+envRowsShown)
	if top > 0 {
		b.WriteString(st.Muted.Render(fmt.Sprintf("      ↑ %d more", top)) + "\n")
	}
	for i := top; i < bottom; i++ {
		n := names[i]
		mark := ""
		if f, ok := findings[n]; ok {
			if f.Severity == model.SeverityError {
				mark = "  " + st.Error.Render("✗")
			} else {
				mark = "  " + st.Warning.Render("⚠")
			}
		} else if looksSecret(n) {
			mark = "  " + st.Warning.Render("⚠")
		}
		text := ansi.Truncate(n+" = "+quoteValue(ed.env.spec.EnvironmentVariables[n]), max(20, ed.width-12), "…")
		if i == cursor {
			start = lineNo()
		}
		if ed.focused && i == cursor && !ed.editing {
			b.WriteString("    " + st.Cursor.Render("▸ ") + st.Selected.Render(text) + mark + "\n")
		} else {
			b.WriteString("      " + st.Option.Render(text) + mark + "\n")
		}
	}
	if bottom < len(names) {
		b.WriteString(st.Muted.Render(fmt.Sprintf("      ↓ %d more", len(names)-bottom)) + "\n")
	}
	if len(names) == 0 {
		start = 0
	}
	if ed.focused && !ed.editing && len(names) > 0 {
		n := names[cursor]
		if f, ok := findings[n]; ok {
			style := st.Warning
			if f.Severity == model.SeverityError {
				style = st.Error
			}
			b.WriteString(style.Render("    "+tui.Wrap(n+": "+findingError(f).Error(), ed.width-4, 4)) + "\n")
		} else if looksSecret(n) {
			b.WriteString(st.Warning.Render("    "+tui.Wrap(n+" looks like a secret: values here are plain text in the task definition; use the Secrets step", ed.width-4, 4)) + "\n")
		}
	}
	if f, ok := findings[""]; ok {
		b.WriteString(st.Error.Render("    ✗ "+tui.Wrap(findingError(f).Error(), ed.width-6, 6)) + "\n")
	}
	switch {
	case ed.editing:
		heading := "Add a variable"
		if ed.original != "" {
			heading = "Edit " + ed.original
		}
		b.WriteString("\n")
		start = lineNo()
		b.WriteString(st.Title.Render("    "+ansi.Truncate(heading, ed.width-4, "…")) + "\n")
		b.WriteString(indentBlock(ed.entry.View(st), "    ") + "\n")
	case ed.confirm != "":
		b.WriteString(st.Warning.Render("    "+tui.Wrap("Delete "+ed.confirm+"? "+tui.Keys.Yes.Help().Key+" deletes it · "+tui.Keys.No.Help().Key+" keeps it", ed.width-4, 4)) + "\n")
	case ed.focused:
		if ed.notice != "" {
			b.WriteString(st.OK.Render("    "+tui.Wrap(ed.notice, ed.width-4, 4)) + "\n")
		}
		b.WriteString(st.Hint.Render("    "+tui.Wrap(fmt.Sprintf("%s add · %s edit · %s delete · %s continue",
			tui.Keys.Add.Help().Key, tui.Keys.Edit.Help().Key, tui.Keys.Delete.Help().Key, tui.Keys.Next.Help().Key), ed.width-4, 4)) + "\n")
	case ed.notice != "":
		b.WriteString(st.OK.Render("    "+tui.Wrap(ed.notice, ed.width-4, 4)) + "\n")
	}
	// From the row (or the entry) down: what is said of it and the keys come with it.
	lines = strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	return lines, min(start, len(lines)), len(lines)
}

// rowFindings is the first finding of each variable (errors before warnings); the
// findings about the list as a whole are under "".
func rowFindings(spec model.Spec) map[string]model.Finding {
	out := map[string]model.Finding{}
	fs := model.Validate(spec)
	for _, group := range []model.Findings{fs.Errors(), fs.Warnings()} {
		for _, f := range group {
			if f.Field == "environment_variables" {
				if _, ok := out[""]; !ok {
					out[""] = f
				}
				continue
			}
			for n := range spec.EnvironmentVariables {
				if f.Field == envField(n) {
					if _, ok := out[n]; !ok {
						out[n] = f
					}
				}
			}
		}
	}
	return out
}

// looksSecret reports names that usually hold a secret.
func looksSecret(name string) bool {
	up := strings.ToUpper(name)
	for _, w := range []string{"PASSWORD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY"} {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// quoteValue shows a value so that an empty one and spaces are visible.
func quoteValue(v string) string {
	if v == "" || strings.TrimSpace(v) != v || strings.ContainsAny(v, "\t\n") {
		return fmt.Sprintf("%q", v)
	}
	return v
}

// indentBlock indents every line of s.
func indentBlock(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = indent + l
		}
	}
	return strings.Join(lines, "\n")
}

// Help is the editor's keys in its current mode.
func (ed *envEditor) Help() []key.Binding {
	switch {
	case ed.editing:
		return []key.Binding{helpAs(tui.Keys.Next, "next/save"), helpAs(tui.Keys.NextField, "name/value"), helpAs(tui.Keys.Back, "cancel")}
	case ed.confirm != "":
		return []key.Binding{helpAs(tui.Keys.Yes, "delete"), helpAs(tui.Keys.No, "keep")}
	}
	return []key.Binding{
		helpAs(tui.Keys.Next, "continue"),
		tui.Keys.Add, tui.Keys.Edit, tui.Keys.Delete,
		helpKeys("move", tui.Keys.Up, tui.Keys.Down),
	}
}
