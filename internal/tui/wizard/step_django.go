package wizard

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// djangoStep asks for Django's settings (module, ALLOWED_HOSTS, DEBUG) and the extra
// environment variables.
type djangoStep struct {
	env    *env
	form   *tui.Form // blurred while the list has the focus
	vars   *envEditor
	width  int
	height int
}

func newDjangoStep(e *env) *djangoStep { return &djangoStep{env: e, vars: newEnvEditor(e)} }

func (s *djangoStep) Title() string { return "Django" }

const (
	fieldSettings = "django_settings_module"
	fieldHosts    = "allowed_hosts"
	fieldDebug    = "debug_mode"
)

func (s *djangoStep) Init(context.Context) tea.Cmd {
	spec := *s.env.spec
	settings := &tui.Field{Key: fieldSettings, Title: "Settings module", Kind: tui.Text, Placeholder: "config.settings.production",
		Hint: "Sets DJANGO_SETTINGS_MODULE: the dotted path of the settings the container loads.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldSettings, true, func(x *model.Spec) { x.DjangoSettingsModule = strings.TrimSpace(v) })
		},
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.DjangoSettingsModule = strings.TrimSpace(v) }) },
	}
	hosts := &tui.Field{Key: fieldHosts, Title: "ALLOWED_HOSTS", Kind: tui.Text, Placeholder: "api.example.com,.example.com",
		Hint: "Host names Django serves, comma-separated (.example.com matches subdomains); others get 400.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldHosts, true, func(x *model.Spec) { x.AllowedHosts = strings.TrimSpace(v) })
		},
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.AllowedHosts = strings.TrimSpace(v) }) },
	}
	debug := &tui.Field{Key: fieldDebug, Title: "DEBUG", Kind: tui.Toggle,
		Hint:  "Sets DEBUG: error pages then show settings, source and tracebacks. Only for development.",
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.DebugMode = v == "true" }) },
	}
	settings.SetValue(spec.DjangoSettingsModule)
	hosts.SetValue(spec.AllowedHosts)
	debug.SetValue(boolText(spec.DebugMode))
	s.form = tui.NewForm(settings, hosts, debug)

	s.vars.focused, s.vars.editing, s.vars.confirm, s.vars.notice = false, false, "", ""
	s.vars.clampCursor()
	s.SetSize(s.width, s.height)
	s.refresh()
	return nil
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// setWarning shows msg, one of the model's warnings, under f (nothing when it is "").
func setWarning(f *tui.Field, msg string) {
	f.Status, f.StatusIsWarn = "", false
	if msg != "" {
		f.Status, f.StatusIsWarn = "⚠ "+msg, true
	}
}

// refresh shows the model's warnings (DEBUG in production, ALLOWED_HOSTS) in place, and
// leaves the fields unfocused while the list has the focus.
func (s *djangoStep) refresh() {
	spec := *s.env.spec
	for _, k := range []string{fieldHosts, fieldDebug} {
		setWarning(s.form.Field(k), fieldWarning(spec, k))
	}
	debug := s.form.Field(fieldDebug)
	if v, ok := spec.EnvironmentVariables["DEBUG"]; ok && debug.Status == "" && model.DebugOn(v) {
		// The extra variable reaches the container over the toggle.
		if w := fieldWarning(spec, envField("DEBUG")); w != "" {
			setWarning(debug, fmt.Sprintf("the extra variable DEBUG=%s below: %s", v, w))
		}
	}
	if debug.Status == "" && model.IsProduction(spec.Environment) {
		debug.Status = spec.Environment + " is production: keep DEBUG off"
	}
	if s.vars.focused {
		s.form.Blur()
	} else {
		s.form.Focus()
	}
}

func (s *djangoStep) Connected() tea.Cmd { return nil }

// Owns reports whether field (a variable, or a path in one) is answered in this step.
func (s *djangoStep) Owns(field string) bool {
	return ownsVariable(field, fieldSettings, fieldHosts, fieldDebug, "environment_variables")
}

// Form is the step's questions, for the accessible mode (the variables list is edited
// in the full-screen wizard or the spec file).
func (s *djangoStep) Form() *tui.Form { return s.form }

func (s *djangoStep) Update(msg tea.Msg) tea.Cmd {
	defer s.refresh()
	if _, ok := msg.(tui.FormDoneMsg); ok {
		s.vars.focused = true // the list is the last answer of the step
		return nil
	}
	if s.vars.focused {
		cmd, res := s.vars.Update(msg)
		switch res {
		case envLeaveUp:
			s.vars.focused = false
			s.form.FocusKey(fieldDebug)
		case envContinue:
			return s.finish()
		}
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		f := s.form.Focused()
		last := f != nil && f.Key == fieldDebug
		switch {
		case last && (key.Matches(k, tui.Keys.Down) || k.String() == "tab"):
			s.vars.focused = true
			return nil
		case f != nil && f.Kind != tui.Text && key.Matches(k, tui.Keys.Add):
			return s.vars.startAdd()
		}
	}
	return s.form.Update(msg)
}

// finish completes the step when the fields and the model agree.
func (s *djangoStep) finish() tea.Cmd {
	if !s.form.Validate() {
		s.vars.focused = false
		return nil
	}
	s.form.Commit()
	spec := *s.env.spec
	for _, k := range []string{fieldSettings, fieldHosts, fieldDebug} {
		if err := fieldError(spec, k, true, func(*model.Spec) {}); err != nil {
			s.vars.focused = false
			s.form.FocusKey(k)
			s.form.Field(k).SetErr(err)
			return nil
		}
	}
	if s.vars.focusFinding() {
		return nil
	}
	return stepDone
}

const djangoSubtitle = "The settings Django reads from its environment, and any variables of your own."

// View draws the fields over the variables; when they are taller than the step, the
// part with the focus (a field, the row under the cursor, the entry being edited)
// stays in view.
func (s *djangoStep) View() string {
	st := s.env.styles
	head := stepHead(st, "Django", djangoSubtitle, s.width)
	lines := strings.Split(strings.TrimRight(s.form.View(*st), "\n"), "\n")
	start, end := 0, len(lines)
	vars, vStart, vEnd := s.vars.viewLines(*st)
	lines = append(lines, "")
	if s.vars.focused {
		start, end = len(lines)+vStart, len(lines)+vEnd
	}
	lines = append(lines, vars...)
	return head + strings.Join(tui.Fit(lines, start, end, bodyHeight(s.height, head), *st), "\n")
}

func (s *djangoStep) SetSize(w, h int) {
	s.width, s.height = w, h
	s.vars.width = w
	if s.form != nil {
		s.form.SetWidth(w)
	}
	if s.vars.entry != nil {
		s.vars.entry.SetWidth(w - 4)
	}
}

func (s *djangoStep) Capturing() bool {
	return s.vars.Capturing() || (s.form != nil && !s.vars.focused && s.form.Capturing())
}

func (s *djangoStep) Help() []key.Binding {
	if s.vars.focused {
		return s.vars.Help()
	}
	h := []key.Binding{tui.Keys.Next, key.NewBinding(key.WithHelp("tab/shift+tab", "fields"))}
	if s.form != nil {
		h = append(h, fieldKeys(s.form)...) // space only on DEBUG
	}
	return h
}
