package wizard

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// The secrets screen, top to bottom: the title, the required secrets, the extra
// secrets, the parameter tree filling what is left, then the status lines.
const (
	secretsSubtitle   = "Read from Parameter Store as the task starts. ecswiz lists names, not values."
	secretsLabelWidth = 44 // where the tree's type column starts, when there is room
	secretsEnvWidth   = 20
	// secretsShortHeight is the step height under which the found required secrets are
	// counted rather than listed while the cursor is elsewhere (an 80×24 terminal).
	secretsShortHeight = 22
)

// secretsLine is a line of text and the style it is drawn in.
type secretsLine struct {
	text  string
	style lipgloss.Style
}

// relayout gives the tree the rows the other parts leave, and the open dialog's form
// the rows its box leaves. When the parts do not fit together, the tree gets the whole
// room: it is scrolled into view on its own when the cursor (or a filter) is in it.
func (s *secretsStep) relayout() {
	if s.height <= 0 {
		return
	}
	if f := s.dialogForm(); f != nil {
		f.SetWidth(s.boxWidth())
		f.SetHeight(max(4, bodyHeight(s.height, s.head())-2-s.dialogExtraLines())) // 2: the border
	}
	if s.tree == nil {
		return
	}
	room := s.bodyRoom()
	h := room - (len(s.requiredView()) + 1 + len(s.picksView()) + 1 + 1) // 1s: the blank lines, the tree's header
	if h < 3 {
		h = max(3, room-2) // 2: the tree's header and the "↑ above" line
	}
	s.tree.SetHeight(h)
}

// bodyRoom is how many lines the parts under the filter line have (0: no limit): what
// the head, the filter line and the status lines leave.
func (s *secretsStep) bodyRoom() int {
	room := bodyHeight(s.height, s.head())
	if room <= 0 {
		return 0
	}
	return max(3, room-len(s.bottom())-1)
}

// head is the title and the subtitle, wrapped, with the blank line under them.
func (s *secretsStep) head() string {
	return stepHead(s.env.styles, "Secrets", secretsSubtitle, s.lineWidth())
}

// lineWidth is the width the lines are laid out to.
func (s *secretsStep) lineWidth() int {
	if s.width <= 0 {
		return 100
	}
	return s.width
}

// View draws the step. Only the tree's window is drawn, whatever the listing's size.
// The filter line stays under the head, above the parts that scroll, so what is typed
// always shows.
func (s *secretsStep) View() string {
	st := s.env.styles
	head := s.head()
	if s.dialogOpen() {
		return head + s.dialogView()
	}
	var lines []string
	start, end := 0, 0
	for i, part := range [][]string{s.requiredView(), s.picksView(), s.treeView()} {
		if i > 0 {
			lines = append(lines, "")
		}
		// The cursor's part is scrolled into view; while a filter is being typed, the
		// parameters are, wherever the cursor is.
		if secretsFocus(i) == s.focus && !s.filterShown() || secretsFocus(i) == secretsFocusTree && s.filterShown() {
			start, end = len(lines), len(lines)+len(part)
		}
		lines = append(lines, part...)
	}
	// Rows are laid out to the width; a name longer than its column is cut with …
	w := s.lineWidth()
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	// The status lines stay under whatever fits above them.
	var bottom []string
	for _, l := range s.bottom() {
		bottom = append(bottom, l.style.Render(l.text))
	}
	body := append([]string{ansi.Truncate(s.filterLine(), w, "…")}, tui.Fit(lines, start, end, s.bodyRoom(), *st)...)
	return head + strings.Join(append(body, bottom...), "\n")
}

// filterShown reports whether the tree is scrolled into view for the filter: one is
// typed, and the cursor has not moved out of the tree since.
func (s *secretsStep) filterShown() bool {
	return s.filter != "" && s.showFilter && s.focus != secretsFocusTree
}

// filterLine is what is typed to filter the parameters, and how many match.
func (s *secretsStep) filterLine() string {
	st := s.env.styles
	line := st.Label.Render("Filter ") + st.Value.Render(s.filter) + "▏"
	listed := s.tree != nil && s.tree.Items() > 0
	var note string
	switch {
	case listed && s.filter != "":
		note = fmt.Sprintf(" · %d of %d match · esc clears", s.tree.Matches(), s.tree.Items())
	case listed:
		note = fmt.Sprintf(" · type to filter the %d parameters", s.tree.Items())
	case s.loading && s.filter != "":
		note = " · applies as the parameters load · esc clears"
	case s.loading:
		note = " · type to filter the parameters as they load"
	case s.filter != "":
		note = " · no parameters listed to match · esc clears"
	default:
		note = " · no parameters listed to filter"
	}
	return line + st.Muted.Render(note)
}

// presenceMark is the icon and the style of a presence.
func (s *secretsStep) presenceMark(p secretsPresence) string {
	st := s.env.styles
	switch p {
	case secretsFound:
		return st.OK.Render("✓")
	case secretsMissing:
		return st.Error.Render("✗")
	case secretsChecking:
		return st.Muted.Render(s.env.spin())
	}
	return st.Muted.Render("?")
}

func (s *secretsStep) cursor(on bool) string {
	if on {
		return s.env.styles.Cursor.Render("▸ ")
	}
	return "  "
}

// requiredView is the required secrets under their count. On a short screen, while the
// cursor is elsewhere, only those not found are listed: the count says the rest.
func (s *secretsStep) requiredView() []string {
	st := s.env.styles
	short := s.height > 0 && s.height < secretsShortHeight && s.focus != secretsFocusRequired
	prefix := s.env.spec.ParameterPrefix()
	found, missing := 0, 0
	rows := make([]string, 0, len(s.required)+1)
	sources := model.ContainerSecrets(*s.env.spec) // a required secret may be read from elsewhere
	relWidth := 0
	for _, r := range s.required {
		relWidth = max(relWidth, ansi.StringWidth(strings.TrimPrefix(r.ValueFrom, prefix+"/"))+2)
	}
	relWidth = max(relWidth, min(34, s.lineWidth()-(4+secretsEnvWidth+2+28)))
	for i, r := range s.required {
		p, note := s.presence(sources[r.Name])
		rel := strings.TrimPrefix(r.ValueFrom, prefix+"/")
		room := s.lineWidth() - (4 + secretsEnvWidth + 2 + relWidth)
		switch p {
		case secretsFound:
			found++
			note = st.OK.Render("found")
		case secretsMissing:
			missing++
			what := "missing · " + tui.Keys.Create.Help().Key + " creates it"
			if ansi.StringWidth(what) > room {
				what = "missing" // the line under the list says how to create it
			}
			note = st.Error.Render(what)
		default:
			note = st.Muted.Render(note)
		}
		if from, ok := s.env.spec.SecretsFromParameterStore[r.Name]; ok {
			note = st.Warning.Render("overridden: reads " + from)
		}
		on := s.focus == secretsFocusRequired && i == s.reqCursor
		name := fmt.Sprintf("%-*s", secretsEnvWidth, r.Name)
		if on {
			name = st.Selected.Render(name)
		}
		if short && p == secretsFound {
			continue
		}
		rows = append(rows, s.cursor(on)+s.presenceMark(p)+" "+name+"  "+fmt.Sprintf("%-*s", relWidth, rel)+note)
	}
	head := "Required secrets under " + prefix
	switch {
	case found+missing == 0:
	case missing == 0:
		head += st.OK.Render(fmt.Sprintf(" · all %d found", found))
	default:
		head += st.Error.Render(fmt.Sprintf(" · %d found, %d missing", found, missing))
	}
	if s.focus == secretsFocusRequired {
		head += st.Muted.Render(" · " + tui.Keys.Edit.Help().Key + " edits the prefix")
	}
	return append(strings.Split(st.Label.Render(tui.Wrap(head, s.lineWidth(), 2)), "\n"), rows...)
}

func (s *secretsStep) picksView() []string {
	st := s.env.styles
	head := "Extra secrets (secrets_from_parameter_store)"
	if len(s.picks) == 0 {
		hint := tui.Keys.Add.Help().Key + " types a name or an ARN"
		if s.tree != nil && s.tree.Items() > 0 {
			hint = tui.Keys.Toggle.Help().Key + " on a parameter below exposes it · " + hint
		}
		return append([]string{st.Label.Render(head + " · none")},
			strings.Split(st.Muted.Render("  "+tui.Wrap(hint, s.lineWidth()-2, 2)), "\n")...)
	}
	head += fmt.Sprintf(" · %d", len(s.picks))
	end := min(len(s.picks), s.pickTop+secretsPickWindow)
	if s.pickTop > 0 || end < len(s.picks) {
		head += st.Muted.Render(fmt.Sprintf("  ↑%d ↓%d", s.pickTop, len(s.picks)-end))
	}
	rows := []string{st.Label.Render(head)}
	for i := s.pickTop; i < end; i++ {
		p := s.picks[i]
		presence, note := s.presence(p.ValueFrom)
		on := s.focus == secretsFocusPicks && i == s.pickCursor
		name := fmt.Sprintf("%-*s", secretsEnvWidth, p.Name)
		if on {
			name = st.Selected.Render(name)
		}
		line := s.cursor(on) + s.presenceMark(presence) + " " + name + "  "
		// The note first: a long ARN is cut at the end of the line, not the note.
		switch presence {
		case secretsMissing:
			line += st.Error.Render("missing") + " "
		case secretsFound:
		default:
			line += st.Muted.Render(note) + " "
		}
		rows = append(rows, line+"← "+st.Value.Render(p.ValueFrom))
	}
	return rows
}

// treeView is the tree's header and its window, or what stands in for it.
func (s *secretsStep) treeView() []string {
	st := s.env.styles
	prefix := s.listPrefix
	if prefix == "" {
		prefix = s.env.spec.ParameterPrefix()
	}
	hint := st.Muted.Render("  ctrl+a types a parameter name or ARN to expose")
	switch {
	case s.env.connecting():
		return []string{st.Muted.Render("Parameters under " + prefix + " load once the AWS session is ready"), hint}
	case s.env.cloud() == nil:
		return []string{st.Warning.Render("Offline: the parameters under " + prefix + " are not listed"), hint}
	case s.loading:
		n := int64(0)
		if s.progress != nil {
			n = s.progress.Load()
		}
		return []string{st.Muted.Render(fmt.Sprintf("%s Loading the parameters under %s… %d found", s.env.spin(), prefix, n)), hint}
	case s.listErr != nil:
		rows := s.wrapped("✗ "+oneLine(tui.ErrorLine(s.listErr)), st.Error, 4)
		return append(rows, st.Muted.Render("  ctrl+r retries · ctrl+a types a parameter name or ARN to expose"))
	case s.tree == nil:
		return []string{st.Muted.Render("Parameters under " + prefix)}
	case s.tree.Items() == 0:
		return []string{st.Label.Render("Parameters under "+prefix) + st.Muted.Render(" · none yet · ctrl+n creates one")}
	}
	t := s.tree
	head := st.Label.Render("Parameters under "+prefix) + st.Muted.Render(fmt.Sprintf(" · %d", t.Items()))
	if s.filter != "" {
		head = st.Label.Render("Parameters under "+prefix) + st.Muted.Render(fmt.Sprintf(" · %d match", t.Matches()))
	}
	if t.Above() > 0 || t.Below() > 0 {
		head += st.Muted.Render(fmt.Sprintf("  ↑%d ↓%d", t.Above(), t.Below()))
	}
	rows := []string{head}
	if t.Len() == 0 {
		name, _ := s.createName()
		return append(rows, st.Muted.Render("  Nothing matches · ctrl+n creates "+name))
	}
	focused := s.focus == secretsFocusTree
	for _, r := range t.Window() {
		rows = append(rows, s.treeRow(r, focused))
	}
	return rows
}

func (s *secretsStep) treeRow(r tui.TreeRow, focused bool) string {
	st := s.env.styles
	on := focused && r.Cursor
	indent := strings.Repeat("  ", r.Depth)
	if r.Dir() {
		label := r.Label + "/"
		if on {
			return s.cursor(true) + indent + st.Selected.Render(label)
		}
		return "  " + indent + st.Muted.Render(label)
	}
	mark, note, noteStyle := "[ ] ", "", st.Muted
	if env, ok := s.requiredBy[r.Path]; ok {
		mark, note = " ·  ", "required · "+env
	} else if envs := s.pickedBy[r.Path]; len(envs) > 0 {
		mark, note, noteStyle = "[x] ", "→ "+strings.Join(envs, ", "), st.Value
	}
	label := mark + r.Label
	// The type column moves left on a narrow screen, to leave the note room.
	labelWidth := max(24, min(secretsLabelWidth, s.lineWidth()-46))
	pad := max(2, labelWidth-len(indent)-ansi.StringWidth(label))
	style := st.Option
	if on {
		style = st.Selected
	}
	typ := ""
	if r.Item < len(s.params) {
		typ = s.params[r.Item].Type
	}
	line := s.cursor(on) + indent + style.Render(label) + strings.Repeat(" ", pad) + st.Muted.Render(fmt.Sprintf("%-12s", typ))
	if note != "" {
		line += "  " + noteStyle.Render(note)
	}
	return line
}

// bottom is the status line and the warning about missing required secrets, each
// wrapped to the width (so the layout can count them before drawing).
func (s *secretsStep) bottom() []secretsLine {
	st := s.env.styles
	var lines []secretsLine
	if s.status != "" {
		style := st.Muted
		if s.statusErr {
			style = st.Error
		}
		for _, l := range s.wrapLines(s.status, 2) {
			lines = append(lines, secretsLine{l, style})
		}
	}
	if missing := s.missingRequired(); len(missing) > 0 {
		what := fmt.Sprintf("%d required secrets are missing", len(missing))
		if len(missing) == 1 {
			what = missing[0].Name + " is missing"
		}
		text := "⚠ " + what + ": the task would fail to start. ctrl+n on one creates it."
		for _, l := range s.wrapLines(text, 2) {
			lines = append(lines, secretsLine{l, st.Warning})
		}
	}
	return lines
}

// wrapLines wraps text to the width, at most n lines (the last one cut).
func (s *secretsStep) wrapLines(text string, n int) []string {
	w := s.width
	if w <= 0 {
		w = 100
	}
	lines := strings.Split(tui.Wrap(text, w, 0), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1]+" …", w, "…")
	}
	return lines
}

func (s *secretsStep) wrapped(text string, style lipgloss.Style, n int) []string {
	lines := s.wrapLines(text, n)
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return lines
}
