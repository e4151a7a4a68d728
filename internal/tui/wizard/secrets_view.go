package wizard

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// The secrets screen, top to bottom: the title (3 lines), the required secrets, the
// extra secrets, the parameter tree filling what is left, then the status lines.
const (
	secretsTitleLines = 3
	secretsLabelWidth = 44 // where the tree's type column starts
	secretsEnvWidth   = 20
)

// secretsLine is a line of text and the style it is drawn in.
type secretsLine struct {
	text  string
	style lipgloss.Style
}

// relayout gives the tree the rows the other parts leave.
func (s *secretsStep) relayout() {
	if s.tree == nil || s.height <= 0 {
		return
	}
	used := secretsTitleLines + 1 + len(s.required) + 1 + 1 + s.pickRows() + 1 + 1 + len(s.bottom())
	s.tree.SetHeight(max(3, s.height-used))
}

func (s *secretsStep) pickRows() int { return max(1, min(len(s.picks), secretsPickWindow)) }

// View draws the step. Only the tree's window is drawn, whatever the listing's size.
func (s *secretsStep) View() string {
	st := s.env.styles
	lines := []string{
		st.Title.Render("Secrets"),
		st.Subtitle.Render("The container reads these from Parameter Store as it starts. ecswiz lists names, never values."),
		"",
	}
	if s.dialogOpen() {
		return strings.Join(lines, "\n") + "\n" + s.dialogView()
	}
	lines = append(lines, s.requiredView()...)
	lines = append(lines, "")
	lines = append(lines, s.picksView()...)
	lines = append(lines, "")
	lines = append(lines, s.treeView()...)
	for _, l := range s.bottom() {
		lines = append(lines, l.style.Render(l.text))
	}
	w := s.width
	if w <= 0 {
		w = 100
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n")
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

func (s *secretsStep) requiredView() []string {
	st := s.env.styles
	prefix := s.env.spec.ParameterPrefix()
	found, missing := 0, 0
	rows := make([]string, 0, len(s.required)+1)
	rows = append(rows, "")
	sources := model.ContainerSecrets(*s.env.spec) // a required secret may be read from elsewhere
	for i, r := range s.required {
		p, note := s.presence(sources[r.Name])
		switch p {
		case secretsFound:
			found++
			note = st.OK.Render("found")
		case secretsMissing:
			missing++
			note = st.Error.Render("missing · ctrl+n creates it")
		default:
			note = st.Muted.Render(note)
		}
		if from, ok := s.env.spec.SecretsFromParameterStore[r.Name]; ok {
			note = st.Warning.Render("overridden: reads " + from)
		}
		rel := strings.TrimPrefix(r.ValueFrom, prefix+"/")
		on := s.focus == secretsFocusRequired && i == s.reqCursor
		name := fmt.Sprintf("%-*s", secretsEnvWidth, r.Name)
		if on {
			name = st.Selected.Render(name)
		}
		rows = append(rows, s.cursor(on)+s.presenceMark(p)+" "+name+"  "+fmt.Sprintf("%-34s", rel)+note)
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
		head += st.Muted.Render(" · " + tui.Keys.Edit.Help().Key + " changes the prefix")
	}
	rows[0] = st.Label.Render(head)
	return rows
}

func (s *secretsStep) picksView() []string {
	st := s.env.styles
	head := "Extra secrets (secrets_from_parameter_store)"
	if len(s.picks) == 0 {
		return []string{st.Label.Render(head + " · none"),
			st.Muted.Render("  space on a parameter below exposes it · ctrl+a types a name or ARN from elsewhere")}
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
	filter := ""
	if s.filter != "" {
		filter = " · filter " + st.Value.Render(s.filter) + "▏"
	}
	hint := st.Muted.Render("  ctrl+a types a parameter name or ARN to expose")
	switch {
	case s.env.connecting():
		return []string{st.Muted.Render("Parameters under "+prefix+" load once the AWS session is ready") + filter, hint}
	case s.env.cloud() == nil:
		return []string{st.Warning.Render("Offline: the parameters under "+prefix+" are not listed") + filter, hint}
	case s.loading:
		n := int64(0)
		if s.progress != nil {
			n = s.progress.Load()
		}
		return []string{st.Muted.Render(fmt.Sprintf("%s Loading the parameters under %s… %d found", s.env.spin(), prefix, n)) + filter, hint}
	case s.listErr != nil:
		rows := s.wrapped("✗ "+oneLine(errorLine(s.listErr)), st.Error, 4)
		return append(rows, st.Muted.Render("  ctrl+r retries · ctrl+a types a parameter name or ARN to expose"))
	case s.tree == nil:
		return []string{st.Muted.Render("Parameters under " + prefix)}
	case s.tree.Items() == 0:
		return []string{st.Label.Render("Parameters under "+prefix) + st.Muted.Render(" · none yet · ctrl+n creates one") + filter}
	}
	t := s.tree
	var head string
	if s.filter == "" {
		head = st.Label.Render("Parameters under "+prefix) + st.Muted.Render(fmt.Sprintf(" · %d · type to filter", t.Items()))
	} else {
		head = st.Label.Render("Filter ") + st.Value.Render(s.filter) + "▏" +
			st.Muted.Render(fmt.Sprintf(" · %d of %d match · esc clears", t.Matches(), t.Items()))
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
	pad := max(2, secretsLabelWidth-len(indent)-ansi.StringWidth(label))
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
