package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Wrap breaks text into lines of at most width cells, between words (a word longer
// than a line is cut), and indents the lines after the first by indent spaces, so they
// line up under a first line drawn after an indent-wide prefix ("    ✗ " + text). The
// line breaks text has are kept. A width below 1 leaves text as it is.
func Wrap(text string, width, indent int) string {
	if width < 1 {
		return text
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		if ansi.StringWidth(para) <= width {
			lines = append(lines, para) // as it is, with its runs of spaces (aligned columns)
			continue
		}
		// Leading spaces are the paragraph's own indentation: keep them on its first line.
		body := strings.TrimLeft(para, " ")
		line := para[:len(para)-len(body)]
		fresh := true // the line holds no word yet
		for _, word := range strings.Fields(body) {
			w := ansi.StringWidth(word)
			switch {
			case fresh && ansi.StringWidth(line)+w <= width:
				line += word
			case !fresh && ansi.StringWidth(line)+1+w <= width:
				line += " " + word
			case w <= width:
				if line != "" {
					lines = append(lines, line)
				}
				line = word
			default:
				// Only a word wider than a whole line is cut (a long path or ARN), going on
				// from where the line is; hyphens never break a line, so "--region" and
				// "demo-shop-dev" stay whole.
				if !fresh {
					line += " "
				}
				for word != "" && ansi.StringWidth(line)+ansi.StringWidth(word) > width {
					room := width - ansi.StringWidth(line)
					cut := ansi.Truncate(word, room, "")
					if cut == "" && line == "" {
						cut = ansi.Truncate(word, 2, "") // a wide character on a 1-cell line
					}
					line += cut
					word = ansi.TruncateLeft(word, ansi.StringWidth(cut), "")
					lines = append(lines, line)
					line = ""
				}
				line += word
			}
			fresh = false
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"+strings.Repeat(" ", max(0, indent)))
}

// FieldKind says how a field is answered.
type FieldKind int

const (
	Text   FieldKind = iota // typed
	Choice                  // one option of a list, or a typed value when Other is set
	Toggle                  // yes or no
)

// Option is one answer of a Choice field.
type Option struct {
	Value string
	Label string // shown instead of Value when set
	Note  string // shown after the label, muted: a price, a date, "found"
}

func (o Option) label() string {
	if o.Label != "" {
		return o.Label
	}
	return o.Value
}

// Field is one question of a form. The wizard's steps are made of fields; the same
// definitions drive the accessible mode.
type Field struct {
	Key          string // the spec variable the field answers ("app_name"), for findings
	Title        string
	Hint         string // the one line that explains the choice or its consequence
	Kind         FieldKind
	Placeholder  string
	Masked       bool                 // a secret value: shown as dots, never echoed
	Validate     func(v string) error // nil accepts anything
	Options      []Option             // Choice
	Other        bool                 // Choice: ctrl+t types a value not in the list
	Status       string               // a line under the field ("loading repositories…", a failure); plain text the form styles and wraps (unless it has line breaks)
	StatusIsErr  bool                 // Status is a failure
	StatusIsWarn bool                 // Status is a warning
	Busy         bool                 // a call about the field is on its way: the form's Spin frame leads Status
	OnSet        func(value string)   // called when the value changes
	Visible      func() bool          // nil means always shown
	Window       int                  // Choice: options shown at once (default 7); fewer when the form's height is short
	// Default is what an empty answer stands for ("demo-shop (the app name)"), drawn
	// muted in place of the value while the field is not focused; nil draws "—".
	Default func() string
	input   textinput.Model // Text, or Choice while typing its own value
	cursor  int             // Choice: the option under the cursor
	typing  bool            // Choice: typing a value not in the list
	on      bool            // Toggle
	err     error           // the last validation failure, shown under the field
	init    bool
}

func (f *Field) setup() {
	if f.init {
		return
	}
	f.init = true
	f.input = textinput.New()
	f.input.Prompt = ""
	f.input.Placeholder = placeholderText(f.Placeholder)
	// A steady cursor: no blink ticks, so a screen is the same every time it is drawn.
	ist := f.input.Styles()
	ist.Cursor.Blink = false
	f.input.SetStyles(ist)
	if f.Masked {
		f.input.EchoMode = textinput.EchoPassword
		f.input.EchoCharacter = '•'
	}
}

// placeholderText is a placeholder as the input draws it: marked as an example, so that
// it never reads as a typed value, even without colours (NO_COLOR).
func placeholderText(p string) string {
	if p == "" {
		return ""
	}
	return "e.g. " + p
}

// SetPlaceholder changes the example the empty input shows (a suggestion that depends
// on other answers).
func (f *Field) SetPlaceholder(p string) {
	f.setup()
	f.Placeholder = p
	f.input.Placeholder = placeholderText(p)
}

// Value is the field's current answer: the text, the option under the cursor (or the
// typed one), or "true"/"false".
func (f *Field) Value() string {
	f.setup()
	switch f.Kind {
	case Toggle:
		if f.on {
			return "true"
		}
		return "false"
	case Choice:
		if f.typing || len(f.Options) == 0 {
			return strings.TrimSpace(f.input.Value())
		}
		return f.Options[f.cursor].Value
	default:
		return f.input.Value()
	}
}

// SetValue sets the answer without calling OnSet. A Choice value not among the options is
// kept as a typed value when Other is set, and ignored otherwise.
func (f *Field) SetValue(v string) {
	f.setup()
	switch f.Kind {
	case Toggle:
		f.on = v == "true"
	case Choice:
		for i, o := range f.Options {
			if o.Value == v {
				f.cursor, f.typing = i, false
				return
			}
		}
		if v != "" && (f.Other || len(f.Options) == 0) {
			f.typing = true
			f.input.SetValue(v)
			f.input.CursorEnd()
		}
	default:
		f.input.SetValue(v)
		f.input.CursorEnd()
	}
}

// On reports a Toggle's answer.
func (f *Field) On() bool { return f.Value() == "true" }

// SetOptions replaces a Choice's options and keeps the current value when it is still
// one of them (else the first option, or keep is chosen by the caller with SetValue).
func (f *Field) SetOptions(opts []Option) {
	cur := f.Value()
	f.Options = opts
	f.cursor = 0
	f.typing = false
	f.SetValue(cur)
	if f.cursor >= len(opts) {
		f.cursor = 0
	}
}

// Err is the field's last validation failure.
func (f *Field) Err() error { return f.err }

// SetErr shows err under the field (nil clears it).
func (f *Field) SetErr(err error) { f.err = err }

// textual reports whether the field takes typed text now: a Text field, a Choice while
// typing its own value, or a Choice with no options to pick (offline, none found).
func (f *Field) textual() bool {
	return f.Kind == Text || f.typing || (f.Kind == Choice && len(f.Options) == 0)
}

func (f *Field) visible() bool { return f.Visible == nil || f.Visible() }

func (f *Field) check() bool {
	f.err = nil
	if f.Validate != nil {
		f.err = f.Validate(f.Value())
	}
	return f.err == nil
}

// Form is a column of fields with one focused. Enter accepts a field (when it
// validates) and moves on; Enter on the last field finishes the form.
type Form struct {
	Fields []*Field
	// Spin is the spinner frame drawn before the status of a Busy field, asked for as
	// the form is drawn (a step passes its env's spin); nil draws none.
	Spin    func() string
	focus   int
	width   int
	height  int  // the most lines View draws; 0 for no limit
	blurred bool // drawn with no field focused
}

// Blur draws the form with no field focused, for a step whose focus is elsewhere; Focus
// gives it back.
func (f *Form) Blur() {
	f.blurred = true
	f.blurInput()
}

// Focus gives the focus back to the field that had it.
func (f *Form) Focus() {
	f.blurred = false
	f.focusInput()
}

// FormDoneMsg is sent when Enter is pressed on the last field and every field validates.
type FormDoneMsg struct{}

// NewForm returns a form focused on its first visible field.
func NewForm(fields ...*Field) *Form {
	f := &Form{Fields: fields}
	for _, fl := range fields {
		fl.setup()
	}
	f.focus = f.nextVisible(-1, 1)
	f.focusInput()
	return f
}

// Field returns the field answering key, or nil.
func (f *Form) Field(key string) *Field {
	for _, fl := range f.Fields {
		if fl.Key == key {
			return fl
		}
	}
	return nil
}

// Focused is the focused field (nil when none is visible).
func (f *Form) Focused() *Field {
	if f.focus < 0 || f.focus >= len(f.Fields) {
		return nil
	}
	return f.Fields[f.focus]
}

// FocusKey moves the focus to the field answering key.
func (f *Form) FocusKey(key string) {
	for i, fl := range f.Fields {
		if fl.Key == key && fl.visible() {
			f.blurInput()
			f.focus = i
			f.focusInput()
		}
	}
}

// SetWidth sets the width the fields draw in.
func (f *Form) SetWidth(w int) {
	f.width = w
	for _, fl := range f.Fields {
		fl.input.SetWidth(max(10, w-6))
	}
}

// SetHeight sets the most lines View draws (0: as many as the fields take). A taller
// form first drops the blank lines between its fields, then shows fewer options of the
// focused list, then scrolls so that the focused field stays in view.
func (f *Form) SetHeight(h int) { f.height = max(0, h) }

// Capturing reports whether the form is in a mode Esc should leave (typing a value of
// one's own in a Choice) rather than going back a step.
func (f *Form) Capturing() bool {
	fl := f.Focused()
	return fl != nil && fl.Kind == Choice && fl.typing && len(fl.Options) > 0
}

// Commit hands every visible field's answer to its OnSet, including answers the person
// accepted without changing (a preselected option, a default).
func (f *Form) Commit() {
	for _, fl := range f.Fields {
		if fl.visible() && fl.OnSet != nil {
			fl.OnSet(fl.Value())
		}
	}
}

// Validate checks every visible field and focuses the first failing one. It reports
// whether all passed.
func (f *Form) Validate() bool {
	first := -1
	for i, fl := range f.Fields {
		if fl.visible() && !fl.check() && first < 0 {
			first = i
		}
	}
	if first >= 0 {
		f.blurInput()
		f.focus = first
		f.focusInput()
	}
	return first < 0
}

func (f *Form) nextVisible(from, dir int) int {
	for i := from + dir; i >= 0 && i < len(f.Fields); i += dir {
		if f.Fields[i].visible() {
			return i
		}
	}
	return -1
}

func (f *Form) blurInput() {
	if fl := f.Focused(); fl != nil {
		fl.input.Blur()
	}
}

func (f *Form) focusInput() {
	if fl := f.Focused(); fl != nil && fl.textual() {
		fl.input.Focus()
	}
}

func (f *Form) move(dir int) {
	next := f.nextVisible(f.focus, dir)
	if next < 0 {
		return
	}
	f.blurInput()
	f.focus = next
	f.focusInput()
}

func (f *Form) changed(fl *Field, before string) {
	if fl.OnSet != nil && fl.Value() != before {
		fl.OnSet(fl.Value())
	}
}

// Update handles a key for the focused field.
func (f *Form) Update(msg tea.Msg) tea.Cmd {
	fl := f.Focused()
	if fl == nil {
		return nil
	}
	k, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		if fl.textual() { // a paste, among others
			before := fl.Value()
			var cmd tea.Cmd
			fl.input, cmd = fl.input.Update(msg)
			f.changed(fl, before)
			return cmd
		}
		return nil
	}
	before := fl.Value()
	defer f.changed(fl, before)
	switch {
	case key.Matches(k, Keys.Next):
		if !fl.check() {
			return nil
		}
		if next := f.nextVisible(f.focus, 1); next >= 0 {
			f.move(1)
			return nil
		}
		if f.Validate() {
			f.Commit()
			return func() tea.Msg { return FormDoneMsg{} }
		}
		return nil
	case k.String() == "tab":
		if fl.check() {
			f.move(1)
		}
		return nil
	case k.String() == "shift+tab":
		fl.err = nil
		f.move(-1)
		return nil
	case fl.Kind == Choice && fl.typing && key.Matches(k, Keys.Back) && len(fl.Options) > 0:
		fl.typing = false
		fl.input.Blur()
		return nil
	case fl.Kind == Choice && !fl.typing && key.Matches(k, Keys.Up):
		if fl.cursor > 0 {
			fl.cursor--
		}
		return nil
	case fl.Kind == Choice && !fl.typing && key.Matches(k, Keys.Down):
		if fl.cursor < len(fl.Options)-1 {
			fl.cursor++
		}
		return nil
	case fl.Kind == Choice && !fl.typing && (k.String() == "home" || k.String() == "pgup"):
		fl.cursor = 0
		return nil
	case fl.Kind == Choice && !fl.typing && (k.String() == "end" || k.String() == "pgdown"):
		fl.cursor = max(0, len(fl.Options)-1)
		return nil
	case fl.Kind == Choice && fl.Other && !fl.typing && key.Matches(k, Keys.TypeOwn):
		// The typing starts from the current answer, to edit rather than retype it.
		current := fl.Value()
		fl.typing = true
		fl.input.SetValue(current)
		fl.input.CursorEnd()
		return fl.input.Focus()
	case fl.Kind != Toggle && !(fl.Kind == Choice && !fl.typing && len(fl.Options) > 0) && (k.String() == "up" || k.String() == "down"):
		fl.err = nil
		if k.String() == "up" {
			f.move(-1)
		} else if fl.check() {
			f.move(1)
		}
		return nil
	case fl.Kind == Toggle:
		switch {
		case key.Matches(k, Keys.Toggle), k.String() == "left", k.String() == "right":
			fl.on = !fl.on
		case key.Matches(k, Keys.Yes):
			fl.on = true
		case key.Matches(k, Keys.No):
			fl.on = false
		case k.String() == "up":
			f.move(-1)
		case k.String() == "down":
			f.move(1)
		}
		return nil
	case fl.textual():
		fl.input.Focus()
		var cmd tea.Cmd
		fl.input, cmd = fl.input.Update(msg)
		fl.err = nil
		return cmd
	}
	return nil
}

// View draws the fields, within the form's width and height (the line break that ends
// the last field is not counted).
func (f *Form) View(st Styles) string {
	spin := ""
	if f.Spin != nil && f.anyBusy() {
		spin = f.Spin() // one frame per drawing
	}
	lines, _, _ := f.render(st, spin, layout{})
	if f.height <= 0 || len(lines) <= f.height {
		return strings.Join(lines, "\n") + "\n"
	}
	l := layout{compact: true}
	lines, start, end := f.render(st, spin, l)
	if fl := f.Focused(); fl != nil && !f.blurred && fl.listShown() {
		for l.window = min(fl.window(), len(fl.Options)) - 1; len(lines) > f.height && l.window >= minWindow; l.window-- {
			lines, start, end = f.render(st, spin, l)
		}
		l.window = max(l.window, minWindow)
	}
	if len(lines) > f.height {
		l.noHint = true
		lines, start, end = f.render(st, spin, l)
	}
	return strings.Join(Fit(lines, start, end, f.height, st), "\n") + "\n"
}

// layout is how tightly a form is drawn.
type layout struct {
	compact bool // no blank lines between the fields
	window  int  // when above 0, how many options the focused list shows
	noHint  bool // the focused field's hint is left out (its status and error stay)
}

// minWindow is the fewest options a short form shows of its focused list.
const minWindow = 3

func (f *Form) anyBusy() bool {
	for _, fl := range f.Fields {
		if fl.Busy && fl.Status != "" && fl.visible() {
			return true
		}
	}
	return false
}

// render draws the fields as lines, with the range of the focused field's lines.
func (f *Form) render(st Styles, spin string, l layout) (lines []string, start, end int) {
	var b strings.Builder
	for i, fl := range f.Fields {
		if !fl.visible() {
			continue
		}
		if b.Len() > 0 && !l.compact {
			b.WriteString("\n")
		}
		focused := i == f.focus && !f.blurred
		if focused {
			start = strings.Count(b.String(), "\n")
		}
		fl.view(&b, st, focused, f.width, spin, l)
		if focused {
			end = strings.Count(b.String(), "\n")
		}
	}
	// Every field's block ends with a line break: the lines are those before the last.
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n"), start, end
}

// Fit cuts lines to height, keeping lines [start, end) (a focused part) in view, or as
// much of it as fits from its start, and says on the first and last lines how many are
// out of view. Lines that fit are returned as they are.
func Fit(lines []string, start, end, height int, st Styles) []string {
	n := len(lines)
	if height <= 0 || n <= height {
		return lines
	}
	start = max(0, min(start, n))
	end = max(start, min(end, n))
	top, room := -1, 0
	for t := 0; t < n; t++ {
		r := height
		if t > 0 {
			r--
		}
		if t+r < n {
			r--
		}
		if start >= t && end <= t+r {
			top, room = t, r
			break
		}
	}
	if top < 0 { // the focused part is taller than the room: show it from its start
		top = start
		room = height
		if top > 0 {
			room--
		}
		if top+room < n {
			room--
		}
	}
	room = max(1, room)
	out := make([]string, 0, height)
	if top > 0 {
		out = append(out, st.Muted.Render(fmt.Sprintf("  ↑ %s above", lineCount(top))))
	}
	out = append(out, lines[top:min(n, top+room)]...)
	if below := n - top - room; below > 0 {
		out = append(out, st.Muted.Render(fmt.Sprintf("  ↓ %s below", lineCount(below))))
	}
	return out
}

func lineCount(n int) string {
	if n == 1 {
		return "1 more line"
	}
	return fmt.Sprintf("%d more lines", n)
}

// listShown reports whether the field, focused, shows its list of options.
func (fl *Field) listShown() bool { return fl.Kind == Choice && !fl.typing && len(fl.Options) > 0 }

func (fl *Field) window() int {
	if fl.Window > 0 {
		return fl.Window
	}
	return 7
}

// view draws the field; its hint, status and error wrap to width (0: unwrapped), and no
// line is wider than width. l says how tightly, when the field is focused.
func (fl *Field) view(b *strings.Builder, st Styles, focused bool, width int, spin string, l layout) {
	// Text with line breaks of its own was laid out by its author: drawn as it is, each
	// line cut to the width.
	wrap := func(text string, prefix int) string {
		if strings.Contains(text, "\n") {
			return fitWidth(text, width-prefix, width)
		}
		return Wrap(text, width-prefix, prefix)
	}
	label := st.Label.Render("  " + fl.Title)
	if focused {
		label = st.FocusLabel.Render("▸ " + fl.Title)
	}
	b.WriteString(label)
	switch {
	case !focused:
		b.WriteString(fl.summary(st, width, 2+ansi.StringWidth(fl.Title)) + "\n")
	case fl.Kind == Toggle:
		yes, no := st.Option.Render("  yes"), st.Option.Render("  no")
		if fl.on {
			yes = st.Selected.Render("● yes")
		} else {
			no = st.Selected.Render("● no")
		}
		b.WriteString("   " + yes + "   " + no + "\n")
	case fl.listShown():
		b.WriteString("\n")
		fl.optionsView(b, st, width, l.window)
	default:
		b.WriteString("\n    " + fl.input.View() + "\n")
	}
	if focused && !l.noHint {
		hint := fl.Hint
		if fl.Kind == Choice && fl.typing && len(fl.Options) > 0 {
			hint = strings.TrimSpace(hint + " " + Keys.Back.Help().Key + " returns to the list.")
		}
		if hint != "" {
			b.WriteString(st.Hint.Render("    "+wrap(hint, 4)) + "\n")
		}
	}
	status := fl.Status
	if status != "" {
		if fl.Busy && spin != "" {
			status = spin + " " + status
		}
		style := st.Muted
		switch {
		case fl.StatusIsErr:
			style = st.Error
		case fl.StatusIsWarn:
			style = st.Warning
		}
		b.WriteString(style.Render("    "+wrap(status, 4)) + "\n")
	}
	// An error the status says already (a failure shown as it is typed) is said once.
	if fl.err != nil && (status == "" || !strings.Contains(status, fl.err.Error())) {
		b.WriteString(st.Error.Render("    ✗ "+wrap(fl.err.Error(), 6)) + "\n")
	}
}

// summary is the answer drawn after the label of an unfocused field, which takes
// labelWidth cells: on the label's line when it fits, else wrapped on the lines under it.
// A note is cut (with …) to the room left, or left out when too little is.
func (fl *Field) summary(st Styles, width, labelWidth int) string {
	v, note := fl.Value(), ""
	valueStyle := st.Value
	switch {
	case fl.Kind == Toggle && fl.on:
		v = "yes"
	case fl.Kind == Toggle:
		v = "no"
	case fl.Masked && v != "":
		v = strings.Repeat("•", 8)
	case fl.listShown():
		o := fl.Options[fl.cursor]
		v, note = o.label(), o.Note
	case v == "" && fl.Default != nil && fl.Default() != "":
		v, valueStyle = fl.Default(), st.Muted
	case v == "":
		v, valueStyle = "—", st.Muted
	}
	if width <= 0 {
		out := "  " + valueStyle.Render(v)
		if note != "" {
			out += "  " + st.Muted.Render(note)
		}
		return out
	}
	used := labelWidth + 2 + ansi.StringWidth(v)
	if used <= width {
		out := "  " + valueStyle.Render(v)
		if room := width - used - 2; note != "" && room >= 12 {
			out += "  " + st.Muted.Render(ansi.Truncate(note, room, "…"))
		}
		return out
	}
	// The value goes under the label, wrapped, and the note on a line of its own.
	out := "\n" + valueStyle.Render("    "+Wrap(v, width-4, 4))
	if note != "" {
		out += "\n" + st.Muted.Render("    "+ansi.Truncate(note, width-4, "…"))
	}
	return out
}

// fitWidth cuts the first line of text to first cells and the others to rest, with …
// where a line is cut; a width below 1 leaves text as it is.
func fitWidth(text string, first, rest int) string {
	if rest < 1 {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		w := rest
		if i == 0 {
			w = first
		}
		lines[i] = ansi.Truncate(l, max(1, w), "…")
	}
	return strings.Join(lines, "\n")
}

func (fl *Field) optionsView(b *strings.Builder, st Styles, width, window int) {
	if window <= 0 {
		window = fl.window()
	}
	start := max(0, min(fl.cursor-window/2, len(fl.Options)-window))
	end := min(len(fl.Options), start+window)
	if start > 0 {
		b.WriteString(st.Muted.Render(fmt.Sprintf("      ↑ %d more", start)) + "\n")
	}
	for i := start; i < end; i++ {
		o := fl.Options[i]
		line := "      " + st.Option.Render(o.label())
		if i == fl.cursor {
			line = "    " + st.Cursor.Render("▸ ") + st.Selected.Render(o.label())
		}
		if o.Note != "" {
			line += "  " + st.Muted.Render(o.Note)
		}
		if width > 0 {
			line = ansi.Truncate(line, width, "…")
		}
		b.WriteString(line + "\n")
	}
	if end < len(fl.Options) {
		b.WriteString(st.Muted.Render(fmt.Sprintf("      ↓ %d more", len(fl.Options)-end)) + "\n")
	}
	if fl.Other {
		b.WriteString(st.Muted.Render("      "+Keys.TypeOwn.Help().Key+": type another value") + "\n")
	}
}
