package wizard

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// taskDefinitions is what the review and act steps ask of ECS: the diff against the
// latest revision, registering, and the services that could roll to it.
type taskDefinitions interface {
	deploy.TaskDefinitions
	deploy.ServiceLister
}

// The review's tabs, in the order they are shown.
const (
	tabJSON = iota
	tabTFVars
	tabModule
	tabResource
	tabDiff
	reviewTabCount
)

var reviewTabNames = [reviewTabCount]string{"ECS JSON", "tfvars", "module block", "resource HCL", "diff"}

// reviewStep shows what the answers make: the validation summary, the task definition
// in every form ecswiz writes, and the diff against the live latest revision.
type reviewStep struct {
	env *env
	ctx context.Context

	findings model.Findings
	region   string
	td       taskdef.TaskDefinition
	buildErr error

	// texts are the tabs' contents exactly as the model functions return them; notes
	// stand in for a tab that cannot be drawn (no Region).
	texts [reviewTabCount]string
	notes [reviewTabCount]string
	tab   int
	vp    viewport.Model

	diff     reviewDiff
	params   paramsCheck
	role     roleCheck // whether the execution role may read the secrets
	logGroup logGroupCheck
	steps    wizardSteps // the wizard's, to say where a finding is fixed

	blocked  bool      // Enter was pressed while errors remain
	listing  bool      // every finding is listed in place of the tabs (space, or Enter on errors)
	editForm *tui.Form // typing aws_region and the tags (ctrl+e)

	width, height int
}

// reviewDiff is the comparison with the live latest revision of the family.
type reviewDiff struct {
	id      int64
	loading bool
	family  string
	note    string // why there is no diff (offline, no Region, connecting)
	err     error
	cmp     deploy.Comparison
}

func newReviewStep(e *env) *reviewStep {
	vp := viewport.New()
	vp.SoftWrap = true
	return &reviewStep{env: e, vp: vp}
}

func (s *reviewStep) Title() string { return "Review" }

// Owns reports the variables Review asks itself (ctrl+e), which no earlier step asks:
// aws_region, the typed fallback when the session has no Region, and the tags.
func (s *reviewStep) Owns(field string) bool {
	return slices.Contains([]string{"aws_region", "tags"}, variableOf(field))
}

func (s *reviewStep) useSteps(steps wizardSteps) { s.steps = steps }

func (s *reviewStep) Init(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	s.blocked, s.listing = false, false
	s.editForm = nil
	return s.reload()
}

func (s *reviewStep) Connected() tea.Cmd { return s.reload() }

// reload renders the spec again and starts the diff.
func (s *reviewStep) reload() tea.Cmd {
	spec := *s.env.spec
	s.findings = model.Validate(spec)
	s.region = reviewRegion(s.env)
	s.notes = [reviewTabCount]string{}
	s.texts = [reviewTabCount]string{}
	s.texts[tabTFVars] = string(model.FormatTFVars(spec))
	s.texts[tabModule] = string(model.FormatModule(spec, model.DefaultModuleSource))
	s.td, s.buildErr = model.Build(spec, s.region)
	if s.region == "" {
		s.notes[tabJSON], s.notes[tabResource] = reviewNoRegionHelp(), reviewNoRegionHelp()
	} else {
		if s.buildErr == nil {
			s.texts[tabJSON] = string(model.RenderJSON(s.td))
		} else {
			s.notes[tabJSON] = tui.ErrorLine(s.buildErr)
		}
		if res, err := model.FormatResource(spec, s.region); err == nil {
			s.texts[tabResource] = string(res)
		} else {
			s.notes[tabResource] = tui.ErrorLine(err)
		}
	}
	cmd := tea.Batch(s.startDiff(), s.params.start(s.ctx, s.env), s.role.start(s.ctx, s.env, spec.ExecutionRoleARN),
		s.logGroup.start(s.ctx, s.env))
	s.layout()
	s.vp.GotoTop()
	return cmd
}

// startDiff reads the latest revision of the family, when there is an AWS to ask.
func (s *reviewStep) startDiff() tea.Cmd {
	s.diff = reviewDiff{family: s.env.spec.Family()}
	cloud := s.env.cloud()
	switch {
	case s.env.connecting():
		s.diff.note = "The diff loads once the AWS session is ready."
		return nil
	case cloud == nil:
		s.diff.note = "diff not available offline: there is no AWS session to read the registered revision from. Registering is off too; exporting and saving work."
		return nil
	case s.region == "":
		s.diff.note = reviewNoRegionHelp()
		return nil
	case s.buildErr != nil:
		s.diff.note = tui.ErrorLine(s.buildErr)
		return nil
	}
	s.diff.id, s.diff.loading = tui.NewID(), true
	td := s.td
	return tui.Call(s.ctx, s.diff.id, func(ctx context.Context) (deploy.Comparison, error) {
		return deploy.Compare(ctx, cloud.TaskDefs, td, specDocName, "")
	})
}

// specDocName names the spec's side of a diff.
const specDocName = "spec"

func (s *reviewStep) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.Result[deploy.Comparison]:
		if msg.ID != s.diff.id {
			return nil
		}
		s.diff.loading, s.diff.cmp, s.diff.err = false, msg.Value, msg.Err
		s.layout()
		return nil
	case paramsCheckResult:
		if s.params.done(msg) {
			s.layout()
		}
		return nil
	case logGroupCheckResult:
		if s.logGroup.done(msg) {
			s.layout()
		}
		return nil
	case roleCheckResult:
		if s.role.done(s.env, msg) {
			s.layout()
		}
		return nil
	case tui.FormDoneMsg:
		if s.editForm == nil {
			return nil
		}
		s.editForm = nil
		return s.reload()
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	if s.editForm != nil {
		return s.editForm.Update(msg)
	}
	return nil
}

func (s *reviewStep) key(k tea.KeyPressMsg) tea.Cmd {
	if s.editForm != nil {
		if key.Matches(k, tui.Keys.Back) {
			s.editForm = nil
			s.layout()
			return nil
		}
		cmd := s.editForm.Update(k)
		s.layout() // a message under the field takes a line from the viewport
		return cmd
	}
	switch {
	case key.Matches(k, tui.Keys.Next):
		if s.findings.HasErrors() {
			s.blocked = true
			s.list(true)
			return nil
		}
		return stepDone
	case key.Matches(k, tui.Keys.Toggle) && (s.listing || s.findingCount() > 0):
		s.list(!s.listing)
	case key.Matches(k, tui.Keys.Back) && s.listing:
		s.list(false)
	case key.Matches(k, tui.Keys.NextTab):
		s.showTab((s.tab + 1) % reviewTabCount)
	case key.Matches(k, tui.Keys.PrevTab):
		s.showTab((s.tab + reviewTabCount - 1) % reviewTabCount)
	case key.Matches(k, tui.Keys.Up):
		s.vp.ScrollUp(1)
	case key.Matches(k, tui.Keys.Down):
		s.vp.ScrollDown(1)
	case key.Matches(k, tui.Keys.PageUp):
		s.vp.PageUp()
	case key.Matches(k, tui.Keys.PageDown):
		s.vp.PageDown()
	case key.Matches(k, tui.Keys.Retry) && (s.diff.err != nil || s.params.err != nil || s.logGroup.err != nil || s.role.retryable()):
		var cmds []tea.Cmd
		if s.diff.err != nil {
			cmds = append(cmds, s.startDiff())
		}
		if s.params.err != nil {
			cmds = append(cmds, s.params.start(s.ctx, s.env))
		}
		if s.logGroup.err != nil {
			cmds = append(cmds, s.logGroup.start(s.ctx, s.env))
		}
		if s.role.retryable() {
			cmds = append(cmds, s.role.start(s.ctx, s.env, s.env.spec.ExecutionRoleARN))
		}
		s.layout()
		return tea.Batch(cmds...)
	case key.Matches(k, tui.Keys.Edit):
		s.openEditForm()
	}
	return nil
}

func (s *reviewStep) showTab(i int) {
	s.tab, s.listing = i, false
	s.layout()
	s.vp.GotoTop()
}

// list shows every finding in place of the tabs (on), or the tabs again.
func (s *reviewStep) list(on bool) {
	s.listing = on
	s.layout()
	s.vp.GotoTop()
}

// findingCount is how many findings Review lists: errors and warnings.
func (s *reviewStep) findingCount() int {
	return len(s.findings.Errors()) + len(s.warnings())
}

// findingBlocks are every finding drawn, errors first, then warnings by consequence.
func (s *reviewStep) findingBlocks() []string {
	var blocks []string
	for _, f := range append(s.findings.Errors(), s.warnings()...) {
		blocks = append(blocks, reviewFindingView(s.env.styles, f, s.steps, s.width))
	}
	return blocks
}

// openEditForm asks for aws_region, the typed fallback when the session has no
// Region, and the tags: the variables no earlier step asks. It opens on the tags when
// they hold the only finding of the two.
func (s *reviewStep) openEditForm() {
	region := &tui.Field{Key: "aws_region", Title: "aws_region", Kind: tui.Text, Placeholder: "eu-west-2",
		Hint: "The Region the task logs to (awslogs-region). Empty uses the AWS session's Region.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, "aws_region", false, func(x *model.Spec) { x.AWSRegion = strings.TrimSpace(v) })
		},
		OnSet: func(v string) {
			if v = strings.TrimSpace(v); v != s.env.spec.AWSRegion {
				s.env.update(func(x *model.Spec) { x.AWSRegion = v })
			}
		},
	}
	region.SetValue(s.env.spec.AWSRegion)
	tags := &tui.Field{Key: "tags", Title: "tags", Kind: tui.Text, Placeholder: "team=platform, cost-center=42",
		Hint: "The task definition's tags, as key=value pairs separated by commas. Empty: none.",
		Validate: func(v string) error {
			parsed, err := parseTags(v)
			if err != nil {
				return err
			}
			return fieldError(*s.env.spec, "tags", false, func(x *model.Spec) { x.Tags = parsed })
		},
		OnSet: func(v string) {
			// A line that does not read as tags yet (typing "team") leaves the spec alone;
			// Enter says what is wrong with it.
			if parsed, err := parseTags(v); err == nil && !maps.Equal(parsed, s.env.spec.Tags) {
				s.env.update(func(x *model.Spec) { x.Tags = parsed })
			}
		},
	}
	tags.SetValue(tagsText(s.env.spec.Tags))
	s.listing = false // the form is drawn with the summary, above the tabs
	s.editForm = tui.NewForm(region, tags)
	s.editForm.SetWidth(s.width)
	has := func(name string) bool {
		return slices.ContainsFunc(s.findings, func(f model.Finding) bool { return variableOf(f.Field) == name })
	}
	if has("tags") && !has("aws_region") && s.region != "" {
		s.editForm.FocusKey("tags")
	}
	s.layout()
}

// summary is the validation summary drawn above the tabs, with the edit form when it
// is open. room is the lines it may take; findings that do not fit are counted.
func (s *reviewStep) summary(room int) string {
	st := s.env.styles
	errs := s.findings.Errors()
	warns := s.warnings()
	noStart := 0
	for _, w := range warns {
		if warningRank(w) == rankNoStart {
			noStart++
		}
	}
	var head string
	headStyle, others := st.OK, len(warns)
	switch {
	case s.blocked && len(errs) > 0:
		head, headStyle = fmt.Sprintf("✗ Fix %s before going on: in %s.", plural(len(errs), "error"), reviewErrorPlaces(errs, s.steps)), st.Error
	case len(errs) > 0:
		head, headStyle = fmt.Sprintf("✗ %s block registering and exporting", plural(len(errs), "error")), st.Error
	case noStart > 0:
		// Nothing blocks registering, but the task would not run: no plain ✓.
		head, headStyle = fmt.Sprintf("✓ No errors — but %s would stop the task from starting", plural(noStart, "finding")), st.Warning
		others -= noStart
	default:
		head = "✓ The spec is valid: ready to register or export"
	}
	head = headStyle.Render(s.wrap(head, 0))
	if others > 0 {
		note := fmt.Sprintf(" · %s (they do not block)", plural(others, "warning"))
		if others < len(warns) {
			note = fmt.Sprintf(" · %s (they do not block)", strings.Replace(plural(others, "warning"), " ", " more ", 1))
		}
		if last := lipgloss.Width(head[strings.LastIndex(head, "\n")+1:]); s.width > 0 && last+lipgloss.Width(note) > s.width {
			note = "\n" + strings.TrimPrefix(note, " · ")
		}
		head += st.Muted.Render(note)
	}
	lines := []string{head}
	if status := s.params.status(s.env); status != "" {
		style := st.Muted
		if s.params.allFound() {
			style = st.OK
		}
		lines = append(lines, style.Render("  "+s.wrap(status, 2)))
	}
	if status := s.role.status(s.env); status != "" {
		style := st.Muted
		if s.role.ok() {
			style = st.OK
		}
		lines = append(lines, style.Render("  "+s.wrap(status, 2)))
	}
	if status := s.logGroup.status(); status != "" {
		lines = append(lines, st.Muted.Render("  "+s.wrap(status, 2)))
	}
	if s.listing {
		return strings.Join(lines, "\n") // the findings are in the viewport
	}
	form := ""
	if s.editForm != nil {
		// Its keys are in the help under the step.
		form = "\n\n" + strings.TrimSuffix(s.editForm.View(*st), "\n")
	}
	// Findings take a quarter of the height, or what the most serious one needs, and
	// never the lines the rest needs; space lists them all.
	blocks := s.findingBlocks()
	limit := max(2, s.height/4)
	if len(blocks) > 0 {
		need := lipgloss.Height(blocks[0])
		if len(blocks) > 1 {
			need++ // "… N more"
		}
		limit = max(limit, need)
	}
	if room > 0 {
		formHeight := 0
		if form != "" {
			formHeight = lipgloss.Height(form)
		}
		limit = max(1, min(limit, room-lipgloss.Height(strings.Join(lines, "\n"))-formHeight))
	}
	shown, used := 0, 0
	for shown < len(blocks) {
		left := limit
		if shown < len(blocks)-1 {
			left-- // keep a line for "… N more"
		}
		h := lipgloss.Height(blocks[shown])
		if used+h > left {
			break
		}
		lines = append(lines, blocks[shown])
		used += h
		shown++
	}
	if rest := len(blocks) - shown; rest > 0 {
		more := fmt.Sprintf("… %d more: press %s to list every finding", rest, tui.Keys.Toggle.Help().Key)
		lines = append(lines, st.Muted.Render("    "+s.wrap(more, 4)))
	}
	return strings.Join(lines, "\n") + form
}

// wrap fits text to the step's width, the lines after the first indented by indent.
func (s *reviewStep) wrap(text string, indent int) string {
	return tui.Wrap(text, max(1, s.width-indent), indent)
}

func (s *reviewStep) tabsView() string {
	st := s.env.styles
	var tabs []string
	for i, name := range reviewTabNames {
		if i == tabDiff && s.diff.loading {
			name += " " + s.env.spin()
		}
		if i == s.tab {
			tabs = append(tabs, st.ActiveTab.Render(name))
		} else {
			tabs = append(tabs, st.Tab.Render(name))
		}
	}
	return strings.Join(tabs, " ")
}

// reviewSubtitle says what the step shows.
const reviewSubtitle = "What your answers make, in every form ecswiz writes, and what would change in ECS."

// reviewRoomyHeight is the height from which the subtitle is drawn: below it, its lines
// go to the summary and the tabs.
const reviewRoomyHeight = 22

// header is what is above the viewport; layout sizes the viewport to the rest.
func (s *reviewStep) header() string {
	st := s.env.styles
	top := st.Title.Render("Review") + "\n"
	if s.height == 0 || s.height >= reviewRoomyHeight {
		top += st.Subtitle.Render(s.wrap(reviewSubtitle, 0)) + "\n"
	}
	// The summary gets what the title, the tabs, a viewport of three lines and the
	// scroll line leave.
	room := 0
	if s.height > 0 {
		room = s.height - lipgloss.Height(top) - 3 /* blank lines and tabs */ - 3 - 1
	}
	if s.listing {
		caption := fmt.Sprintf("Every finding, the most serious first · %s or %s goes back to the tabs",
			tui.Keys.Toggle.Help().Key, tui.Keys.Back.Help().Key)
		return top + "\n" + s.summary(room) + "\n\n" + st.Muted.Render(s.wrap(caption, 0))
	}
	return top + "\n" + s.summary(room) + "\n\n" + s.tabsView()
}

// layout sizes the viewport below the header and fills it with the current tab.
func (s *reviewStep) layout() {
	h := s.height - lipgloss.Height(s.header()) - 1 // the scroll line under it
	s.vp.SetWidth(max(10, s.width))
	s.vp.SetHeight(max(3, h))
	s.vp.SetContent(s.tabContent())
}

// tabContent is the current tab drawn for the viewport: JSON and HCL plain, the diff
// coloured.
func (s *reviewStep) tabContent() string {
	st := s.env.styles
	if s.listing {
		return strings.Join(s.findingBlocks(), "\n")
	}
	if s.tab != tabDiff {
		if note := s.notes[s.tab]; note != "" {
			return st.Warning.Render(s.wrap(note, 0))
		}
		return strings.TrimSuffix(s.texts[s.tab], "\n")
	}
	d := s.diff
	wrap := func(style lipgloss.Style, text string) string {
		return style.Render(s.wrap(text, 0))
	}
	switch {
	case d.loading:
		return "" // drawn by View with the spinner
	case d.note != "":
		return wrap(st.Muted, d.note)
	case d.err != nil:
		return wrap(st.Error, "✗ "+tui.ErrorLine(d.err)+" — press "+tui.Keys.Retry.Help().Key+" to try again.")
	case d.cmp.NewFamily():
		return wrap(st.OK, "New family "+d.family+": nothing registered yet. Registering makes its first revision; every line is new.") +
			"\n\n" + colourDiff(st, d.cmp.Diff)
	case d.cmp.Unchanged():
		return wrap(st.OK, "✓ unchanged: "+d.cmp.LiveRef+" is already this task definition. Registering would make no new revision.")
	}
	return wrap(st.Subtitle, "Changes from "+d.cmp.LiveRef+", the latest ACTIVE revision in "+s.env.session.Region+", to this spec:") +
		"\n\n" + colourDiff(st, d.cmp.Diff)
}

// colourDiff colours a unified diff: additions, removals and hunk headers.
func colourDiff(st *tui.Styles, diff string) string {
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			lines[i] = st.Muted.Render(l)
		case strings.HasPrefix(l, "@@"):
			lines[i] = st.DiffHunk.Render(l)
		case strings.HasPrefix(l, "+"):
			lines[i] = st.DiffAdd.Render(l)
		case strings.HasPrefix(l, "-"):
			lines[i] = st.DiffRemove.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

func (s *reviewStep) View() string {
	st := s.env.styles
	body := s.vp.View()
	if s.tab == tabDiff && s.diff.loading && !s.listing {
		body = lipgloss.PlaceVertical(s.vp.Height(), lipgloss.Top,
			s.env.spin()+" Reading the latest revision of "+s.diff.family+"…")
	}
	scroll := ""
	if !(s.vp.AtTop() && s.vp.AtBottom()) {
		scroll = st.Muted.Render(fmt.Sprintf("%d%% · %s to scroll", int(s.vp.ScrollPercent()*100), scrollKeys()))
	}
	return s.header() + "\n" + body + "\n" + scroll
}

func (s *reviewStep) SetSize(w, h int) {
	s.width, s.height = w, h
	if s.editForm != nil {
		s.editForm.SetWidth(w)
	}
	s.layout()
}

// Capturing is true while the form is open, or the findings are listed: Esc closes
// them.
func (s *reviewStep) Capturing() bool { return s.editForm != nil || s.listing }

func (s *reviewStep) Help() []key.Binding {
	if s.editForm != nil {
		fields := key.NewBinding(key.WithHelp(tui.Keys.NextField.Keys()[0]+"/"+tui.Keys.PrevField.Keys()[0], "fields"))
		return []key.Binding{helpAs(tui.Keys.Next, "next/set"), fields, helpAs(tui.Keys.Back, "cancel")}
	}
	if s.listing {
		return []key.Binding{
			tui.Keys.Next,
			key.NewBinding(key.WithHelp(scrollKeys(), "scroll")),
			helpKeys("back to the tabs", tui.Keys.Toggle, tui.Keys.Back),
		}
	}
	b := []key.Binding{
		tui.Keys.Next,
		helpKeys("tabs", tui.Keys.PrevTab, tui.Keys.NextTab),
		key.NewBinding(key.WithHelp(scrollKeys(), "scroll")),
	}
	if s.findingCount() > 0 {
		b = append(b, helpAs(tui.Keys.Toggle, "every finding"))
	}
	switch {
	case s.diff.err != nil:
		b = append(b, helpAs(tui.Keys.Retry, "retry the diff"))
	case s.params.err != nil:
		b = append(b, helpAs(tui.Keys.Retry, "check the parameters again"))
	case s.logGroup.err != nil:
		b = append(b, helpAs(tui.Keys.Retry, "check the log group again"))
	case s.role.retryable():
		b = append(b, helpAs(tui.Keys.Retry, "check the execution role again"))
	}
	return append(b, helpAs(tui.Keys.Edit, "aws_region, tags"))
}

// scrollKeys names the keys that scroll: "↑/↓ pgup/pgdn".
func scrollKeys() string {
	k := func(b key.Binding) string { return b.Help().Key }
	return k(tui.Keys.Up) + "/" + k(tui.Keys.Down) + " " + k(tui.Keys.PageUp) + "/" + k(tui.Keys.PageDown)
}
