package wizard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// secretsPickDialog exposes a parameter as a secret: a typed name or ARN (or the
// parameter picked in the tree, or the secret being renamed) and its environment name.
type secretsPickDialog struct {
	form  *tui.Form
	from  string // the parameter picked or renamed; "" when typed
	old   string // the secret renamed; "" when adding one
	param *tui.Field
	env   *tui.Field
}

// source is the parameter the secret reads.
func (d *secretsPickDialog) source() string {
	if d.from != "" {
		return d.from
	}
	return strings.TrimSpace(d.param.Value())
}

// openPick opens the pick dialog: for from (picked in the tree or renamed) or typed
// when from is "", with env as the name offered.
func (s *secretsStep) openPick(from, env, old string) {
	d := &secretsPickDialog{from: from, old: old}
	envEdited, lastParam := false, ""
	// The model's warnings (a required secret overridden, a name shells cannot read)
	// show under the name as it is typed; enter exposes it all the same.
	warn := func() { setWarning(d.env, s.envWarning(d.env.Value(), d.source(), d.old)) }
	d.env = &tui.Field{Key: "secrets_from_parameter_store", Title: "Environment variable", Kind: tui.Text, Placeholder: "SENTRY_DSN",
		Hint:     "The name the container reads the value as; suggested from the parameter's last path segment.",
		Validate: func(v string) error { return s.checkEnv(v, d.source(), d.old) },
		OnSet: func(string) {
			envEdited = true
			warn()
		},
	}
	d.env.SetValue(env)
	if from != "" {
		d.form = tui.NewForm(d.env)
	} else {
		d.param = &tui.Field{Key: "secrets_from_parameter_store", Title: "Parameter name or ARN", Kind: tui.Text,
			Placeholder: "/shared/datadog/api-key",
			Hint:        "A parameter of this account and Region, or an SSM parameter or Secrets Manager ARN.",
			Validate:    s.checkFrom,
			OnSet: func(v string) {
				v = strings.TrimSpace(v)
				if v != lastParam && !envEdited {
					// Emptied first, so the cursor ends after the suggestion.
					d.env.SetValue("")
					d.env.SetValue(suggestEnvName(v))
				}
				lastParam = v
				d.param.Status = ""
				if env, ok := s.requiredBy[v]; ok {
					d.param.Status = "The container reads it as " + env + " already (a required secret)."
				}
				warn()
			},
		}
		d.form = tui.NewForm(d.param, d.env)
	}
	warn()
	d.form.SetWidth(s.boxWidth())
	s.pick = d
}

// checkFrom checks a typed parameter name or ARN with the model's rules.
func (s *secretsStep) checkFrom(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return errors.New("give a parameter name (/app/env/key) or an ARN")
	}
	return sourceError(v)
}

// sourceError is the model's objection to a secret's source, or nil.
func sourceError(from string) error {
	if msg, hint := model.CheckSecretSource(from); msg != "" {
		return findingError(model.Finding{Field: "secrets_from_parameter_store", Message: msg, Hint: hint})
	}
	return nil
}

// secretsPrefixDialog answers parameter_store_prefix: where the required secrets are.
type secretsPrefixDialog struct {
	form  *tui.Form
	field *tui.Field
}

// openPrefix asks for the prefix of the required secrets; empty means /APP/ENV.
func (s *secretsStep) openPrefix() {
	spec := *s.env.spec
	derived := spec
	derived.ParameterStorePrefix = ""
	d := &secretsPrefixDialog{}
	d.field = &tui.Field{Key: "parameter_store_prefix", Title: "Prefix of the required secrets", Kind: tui.Text,
		Placeholder: derived.ParameterPrefix(),
		Hint:        "Empty: " + derived.ParameterPrefix() + " (/APP/ENV). Set it when the secrets live elsewhere, e.g. /shared/dev.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, "parameter_store_prefix", false, func(x *model.Spec) { x.ParameterStorePrefix = strings.TrimSpace(v) })
		},
	}
	d.field.SetValue(spec.ParameterStorePrefix)
	d.form = tui.NewForm(d.field)
	d.form.SetWidth(s.boxWidth())
	s.prefix = d
}

// applyPrefix sets the prefix and lists the parameters under it.
func (s *secretsStep) applyPrefix() tea.Cmd {
	v := strings.TrimSpace(s.prefix.field.Value())
	s.prefix = nil
	if v == s.env.spec.ParameterStorePrefix {
		return nil
	}
	s.env.update(func(x *model.Spec) { x.ParameterStorePrefix = v })
	s.filter = ""
	s.status, s.statusErr = "The required secrets are read from "+s.env.spec.ParameterPrefix()+" now.", false
	return s.load()
}

func (s *secretsStep) applyPick() tea.Cmd {
	d := s.pick
	name, from := strings.TrimSpace(d.env.Value()), d.source()
	if err := s.checkEnv(name, from, d.old); err != nil {
		d.env.SetErr(err)
		return nil
	}
	s.pick = nil
	if d.old != "" && d.old == name {
		s.status, s.statusErr = name+" is unchanged.", false
		return nil
	}
	s.expose(name, from, d.old)
	return s.checkOutside()
}

// secretsCreateDialog creates a SecureString parameter. The value stays in the masked
// field until the person confirms, then goes to the call and nowhere else: the field is
// reset as the call starts.
type secretsCreateDialog struct {
	form       *tui.Form
	name       *tui.Field
	value      *tui.Field
	required   string // the required secret whose parameter it creates, if any
	confirming bool
	creating   bool
	id         int64
	err        error
}

func (s *secretsStep) openCreate() {
	if s.env.cloud() == nil {
		s.status, s.statusErr = "Parameters cannot be created offline: later, run aws ssm put-parameter --type SecureString --name NAME --value …", true
		return
	}
	name, required := s.createName()
	if required != "" {
		if p, _ := s.presence(name); p == secretsFound {
			s.status, s.statusErr = name+" exists already: ecswiz never overwrites a parameter.", false
			return
		}
	}
	d := &secretsCreateDialog{required: required}
	d.name = &tui.Field{Key: "parameter_name", Title: "Parameter name", Kind: tui.Text,
		Placeholder: s.listPrefix + "/app/new-key",
		Hint:        "The full name; under " + s.listPrefix + "/ it is listed here. It is created, never overwritten.",
		Validate:    s.checkNewName,
	}
	d.name.SetValue(name)
	d.value = &tui.Field{Key: "parameter_value", Title: "Value", Kind: tui.Text, Masked: true,
		Hint: "Typed or pasted, shown as dots; stored as a SecureString and never shown again.",
		Validate: func(v string) error {
			switch {
			case v == "":
				return errors.New("type or paste the value; it may not be empty")
			case len(v) > aws.MaxParameterValue:
				return fmt.Errorf("the value is %d bytes; a standard parameter holds at most %d", len(v), aws.MaxParameterValue)
			}
			return nil
		},
	}
	d.form = tui.NewForm(d.name, d.value)
	d.form.SetWidth(s.boxWidth())
	// The value comes next only when the name offered can be created as it is; a
	// directory ("…/sentry/") or a name that is taken or invalid is the person's to finish.
	if s.nameComplete(name) {
		d.form.FocusKey("parameter_value")
	}
	s.create = d
}

// nameComplete reports whether name can be created as it is: not a directory, and
// valid and free by checkNewName.
func (s *secretsStep) nameComplete(name string) bool {
	name = strings.TrimSpace(name)
	return name != "" && !strings.HasSuffix(name, "/") && s.checkNewName(name) == nil
}

// createName is the name the create dialog offers: a missing required secret's, the
// typed filter (a full name, or a path under the prefix) unless it names an existing
// directory or parameter, else the directory under the cursor. required is the
// required secret's env name.
func (s *secretsStep) createName() (name, required string) {
	// While a filter is typed the listing is in view, not the cursor's row: the name
	// comes from the filter.
	if s.focus == secretsFocusRequired && len(s.required) > 0 && !s.filterShown() {
		r := s.required[s.reqCursor]
		return r.ValueFrom, r.Name
	}
	dir := s.listPrefix + "/"
	if row, ok := s.treeCursor(); ok {
		if row.Dir() {
			dir = row.Path + "/"
		} else {
			dir = parentDir(row.Path)
		}
	}
	f := strings.TrimSpace(s.filter)
	switch {
	case f == "":
		return dir, ""
	case strings.HasPrefix(f, "/"):
		name = f
	default:
		name = s.listPrefix + "/" + strings.TrimLeft(f, "/")
	}
	switch {
	case s.isDir(name):
		return name + "/", "" // the filter names a directory: a name under it
	case s.isParameter(name):
		if _, required := s.requiredBy[name]; !required {
			return parentDir(name), "" // taken: a new name next to it
		}
	}
	return name, s.requiredBy[name]
}

// parentDir is the directory holding name, with its trailing /.
func parentDir(name string) string { return name[:strings.LastIndex(name, "/")+1] }

// isParameter reports whether name is a parameter known to exist.
func (s *secretsStep) isParameter(name string) bool {
	p, _ := s.presence(name)
	return p == secretsFound
}

// isDir reports whether path is a directory of the listing: a level holding
// parameters. The listing is sorted by name.
func (s *secretsStep) isDir(path string) bool {
	if path == "" || strings.HasSuffix(path, "/") {
		return false
	}
	under := path + "/"
	i, _ := slices.BinarySearchFunc(s.params, under, func(a aws.Parameter, n string) int { return strings.Compare(a.Name, n) })
	return i < len(s.params) && strings.HasPrefix(s.params[i].Name, under)
}

// checkNewName checks the name of a parameter to create.
func (s *secretsStep) checkNewName(v string) error {
	v = strings.TrimSpace(v)
	switch {
	case v == "" || v == "/":
		return fmt.Errorf("give the parameter's full name, e.g. %s/app/new-key", s.listPrefix)
	case strings.HasPrefix(v, "arn:"):
		return errors.New("give the name, not an ARN: the parameter is created in this account and Region")
	case strings.HasSuffix(v, "/") && sourceError(strings.TrimRight(v, "/")) == nil:
		return fmt.Errorf("%s is a directory: type the parameter's name after it, e.g. %snew-key", v, v)
	}
	if err := sourceError(v); err != nil {
		return err
	}
	if p, _ := s.presence(v); p == secretsFound {
		return fmt.Errorf("%s exists already — ecswiz never overwrites a parameter: pick it with space, or choose another name", v)
	}
	return nil
}

func (s *secretsStep) dialogUpdate(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	if d := s.pick; d != nil {
		if isKey && key.Matches(k, tui.Keys.Back) {
			s.pick = nil
			return nil
		}
		return d.form.Update(msg)
	}
	if d := s.prefix; d != nil {
		if isKey && key.Matches(k, tui.Keys.Back) {
			s.prefix = nil
			return nil
		}
		return d.form.Update(msg)
	}
	d := s.create
	switch {
	case d.creating:
		return nil // the call is on its way; its answer closes or reopens the dialog
	case d.confirming:
		if !isKey {
			return nil
		}
		switch {
		case key.Matches(k, tui.Keys.Yes):
			return s.startCreate()
		case key.Matches(k, tui.Keys.No), key.Matches(k, tui.Keys.Back):
			d.confirming = false
		}
		return nil
	case isKey && key.Matches(k, tui.Keys.Back):
		d.value.SetValue("")
		s.create = nil
		s.status, s.statusErr = "Nothing was created.", false
		return nil
	}
	return d.form.Update(msg)
}

// startCreate sends the value to Parameter Store. From here the value lives only in
// the call: the field is reset before the call runs.
func (s *secretsStep) startCreate() tea.Cmd {
	d := s.create
	cloud := s.env.cloud()
	if cloud == nil {
		d.value.SetValue("")
		s.create = nil
		s.status, s.statusErr = "Offline: nothing was created.", true
		return nil
	}
	name, value := strings.TrimSpace(d.name.Value()), d.value.Value()
	d.value.SetValue("")
	d.confirming, d.creating, d.err = false, true, nil
	d.id = tui.NewID()
	log := s.env.log
	return tui.Call(s.ctx, d.id, func(ctx context.Context) (secretsCreated, error) {
		v, err := cloud.Parameters.CreateSecureString(ctx, name, value, "", false)
		// The name and the outcome only: the value is never logged (the adapter scrubs it
		// from its errors).
		if err != nil {
			log.Warn("parameter not created", "name", name, "type", "SecureString", "error", tui.ErrorLine(err))
		} else {
			log.Info("parameter created", "name", name, "type", "SecureString", "version", v)
		}
		return secretsCreated{name: name, version: v}, err
	})
}

func (s *secretsStep) createDone(msg tui.Result[secretsCreated]) tea.Cmd {
	d := s.create
	if d == nil || msg.ID != d.id {
		if msg.Err == nil && msg.Value.name != "" {
			s.markCreated(msg.Value.name, msg.Value.version) // made while nobody waited: it exists all the same
		}
		return nil
	}
	d.creating = false
	if msg.Err != nil {
		d.err = msg.Err
		if errors.Is(msg.Err, aws.KindAlreadyExists) {
			s.exists[msg.Value.name] = true
			d.form.FocusKey("parameter_name")
		} else {
			d.form.FocusKey("parameter_value")
		}
		return nil
	}
	s.create = nil
	name := msg.Value.name
	// The filter that hid the new parameter (or showed its directory) is cleared, and
	// the cursor goes to it: space then exposes what was created.
	s.setFilter("")
	s.markCreated(name, msg.Value.version)
	s.selectCreated(name)
	s.status, s.statusErr = fmt.Sprintf("Created %s as a SecureString (version %d); its value is not shown again.", name, msg.Value.version), false
	switch env, required := s.requiredBy[name]; {
	case required:
		s.status += " " + env + " is found now."
	case underPrefix(s.listPrefix, name) && s.tree != nil:
		s.status += " space exposes it."
	default:
		s.status += " ctrl+a exposes it."
	}
	return nil
}

// selectCreated puts the cursor on the parameter just created: its required secret's
// row, or its row in the tree.
func (s *secretsStep) selectCreated(name string) {
	if _, required := s.requiredBy[name]; required {
		for i, r := range s.required {
			if r.ValueFrom == name {
				s.focus, s.reqCursor = secretsFocusRequired, i
			}
		}
		return
	}
	if i, ok := s.byName[name]; ok && s.tree != nil && s.tree.SelectItem(i) {
		s.focus = secretsFocusTree
	}
}

// markCreated records a parameter the step created: found, and in the tree when it is
// under the listed prefix.
func (s *secretsStep) markCreated(name string, version int64) {
	s.exists[name] = true
	if !s.listed || s.listErr != nil || !underPrefix(s.listPrefix, name) {
		return
	}
	if _, ok := s.byName[name]; ok {
		return
	}
	p := aws.Parameter{Name: name, Type: "SecureString", Version: version, KeyID: aws.DefaultParameterKey}
	i, _ := slices.BinarySearchFunc(s.params, name, func(a aws.Parameter, n string) int { return strings.Compare(a.Name, n) })
	s.setParams(slices.Insert(slices.Clone(s.params), i, p))
	if _, required := s.requiredBy[name]; !required && s.tree.SelectItem(i) {
		s.focus = secretsFocusTree
	}
}

// dialogForm is the open dialog's form; nil when no dialog is open.
func (s *secretsStep) dialogForm() *tui.Form {
	switch {
	case s.pick != nil:
		return s.pick.form
	case s.prefix != nil:
		return s.prefix.form
	case s.create != nil:
		return s.create.form
	}
	return nil
}

// dialogParts are the open dialog's lines over its form (the title, what it does, a
// blank line) and under it (a failure), each wrapped to the box.
func (s *secretsStep) dialogParts() (top, tail string) {
	st := s.env.styles
	w := s.boxWidth()
	heading := func(title, note string) string {
		top := st.Title.Render(ansi.Truncate(title, w, "…")) + "\n"
		if note != "" {
			top += st.Muted.Render(tui.Wrap(note, w, 0)) + "\n"
		}
		return top
	}
	if d := s.pick; d != nil {
		switch {
		case d.old != "":
			return heading("Rename "+d.old, "reads "+d.from), ""
		case d.from != "":
			return heading("Expose a parameter", d.from), ""
		case s.env.cloud() == nil:
			return heading("Expose a parameter by name", "Offline, the name is not checked: the task reads it when it starts."), ""
		}
		return heading("Expose a parameter by name", "A name outside "+s.listPrefix+" or an ARN is checked with GetParameters (no value is read)."), ""
	}
	if s.prefix != nil {
		return heading("Where the required secrets are", "The parameters under it are listed again once it changes."), ""
	}
	d := s.create
	title := "Create a SecureString parameter"
	if d.required != "" {
		title = "Create the parameter of " + d.required
	}
	top = heading(title, "")
	if d.err != nil {
		tail = st.Error.Render(tui.Wrap("✗ "+oneLine(tui.ErrorLine(d.err)), w, 2))
		if !errors.Is(d.err, aws.KindAlreadyExists) {
			tail += "\n" + st.Muted.Render(tui.Wrap("The value was not kept: type it again to retry.", w, 0))
		}
	}
	return top, tail
}

// dialogExtraLines is how many lines the open dialog draws besides its form and border.
func (s *secretsStep) dialogExtraLines() int {
	top, tail := s.dialogParts()
	n := strings.Count(top, "\n") + 1 // the blank line under the heading
	if !dialogSpaced(bodyHeight(s.height, s.head())) {
		n-- // left out in a short step
	}
	if tail != "" {
		n += strings.Count(tail, "\n") + 1
	}
	return n
}

// dialogView draws the open dialog, within the room under the step's title.
func (s *secretsStep) dialogView() string {
	st := s.env.styles
	top, tail := s.dialogParts()
	var body string
	if d := s.create; d != nil && (d.creating || d.confirming) {
		name := strings.TrimSpace(d.name.Value())
		w := s.boxWidth()
		if d.creating {
			body = st.Muted.Render(tui.Wrap(s.env.spin()+" Creating "+name+"…", w, 2))
		} else {
			row := func(label, value string) string {
				return "  " + st.Label.Render(fmt.Sprintf("%-8s", label)) + "  " + st.Value.Render(tui.Wrap(value, w-12, 12)) + "\n"
			}
			var b strings.Builder
			b.WriteString("Create this parameter?\n\n")
			b.WriteString(row("Name", name))
			b.WriteString(row("Type", "SecureString"))
			b.WriteString(row("KMS key", aws.DefaultParameterKey+" (the account's default key for SSM)"))
			b.WriteString(row("Value", "the one you typed, not shown"))
			b.WriteString("\n" + st.Muted.Render(tui.Wrap("It is created, never overwritten; ecswiz keeps no copy of the value.", w, 0)) + "\n")
			b.WriteString(st.Help.Render(tui.Keys.Yes.Help().Key + " create · " + tui.Keys.No.Help().Key + " edit"))
			body = b.String()
		}
	} else {
		body = strings.TrimRight(s.dialogForm().View(*st), "\n")
	}
	parts := []string{top, body}
	if tail != "" {
		parts = append(parts, tail)
	}
	return dialogBox(st, s.boxWidth()+4, bodyHeight(s.height, s.head()), parts, 1)
}

// boxWidth is the width inside a dialog's border and padding.
func (s *secretsStep) boxWidth() int {
	w := s.width
	if w <= 0 {
		w = 100
	}
	return max(20, min(w, 96)-4)
}
