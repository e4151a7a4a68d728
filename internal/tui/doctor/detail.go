package doctorui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// tailLines is how many log lines the detail shows at first.
const tailLines = 50

// maxLogLines bounds the lines kept while following a stream.
const maxLogLines = 2000

// detailScreen is one stopped task: why it stopped, the fix, the checks of the revision
// it ran, and its container's own log stream (followed with f). From here w ("fix in
// wizard") ends the program with the revision imported into a spec.
type detailScreen struct {
	m       *Model
	ctx     context.Context
	cluster string
	task    doctor.StoppedTask
	scan    *scanState // for the revision the service runs now
	// container is the index of the container whose logs are shown.
	container int

	describeID  int64
	describing  bool
	doc         []byte // the revision the task ran, as DescribeTaskDefinition returns it
	describeErr error

	checksID int64
	checking bool
	checks   []doctor.Result

	// proposal is the size an out-of-memory task should move to, read from the revision
	// once it is described; "" for another cause or a size that cannot be read.
	proposal string
	resize   *model.SizeProposal // nil at Fargate's largest size

	logsID      int64
	logsLoading bool
	logGroup    string
	logStream   string
	logLines    []aws.LogLine
	logToken    string
	logNote     string // why there is no log to show
	logErr      error

	following bool
	followID  int64
	followErr error

	fixErr string

	offset int  // first line of the document drawn
	stick  bool // stay at the end of the document (following)
}

// logPage is an answer of Tail or Next.
type logPage struct {
	lines []aws.LogLine
	token string
}

// followTickMsg is the time to read the followed stream again.
type followTickMsg struct{ id int64 }

func newDetailScreen(m *Model, cluster string, task doctor.StoppedTask, scan *scanState) *detailScreen {
	s := &detailScreen{m: m, cluster: cluster, task: task, scan: scan}
	// The container the diagnosis names is the one to read first.
	for i, c := range task.Containers {
		if c.Name == task.Diagnosis.Container {
			s.container = i
		}
	}
	return s
}

func (s *detailScreen) crumb() string { return "task " + shortID(s.task.ID) }

func (s *detailScreen) busy() bool { return s.describing || s.checking || s.logsLoading }

func (s *detailScreen) start(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	if r, ok := s.m.revisions[s.task.TaskDefinitionARN]; ok {
		s.described(r.doc)
		if r.checks != nil {
			s.checks = r.checks
			return s.loadLogs()
		}
		return tea.Batch(s.runChecks(), s.loadLogs())
	}
	return s.describe()
}

// described takes the document of the revision the task ran.
func (s *detailScreen) described(doc []byte) {
	s.doc = doc
	s.proposeSize()
}

// describe reads the revision the task ran; the checks and the logs follow from it.
func (s *detailScreen) describe() tea.Cmd {
	ref := s.task.TaskDefinitionARN
	if ref == "" {
		s.describeErr = errors.New("ECS did not say which task definition the task ran")
		return nil
	}
	s.describeID = tui.NewID()
	s.describing, s.describeErr = true, nil
	ecs := s.m.o.ECS
	return tui.Call(s.ctx, s.describeID, func(ctx context.Context) ([]byte, error) {
		return ecs.DescribeTaskDefinition(ctx, ref)
	})
}

func (s *detailScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.Result[[]byte]:
		if msg.ID != s.describeID {
			return nil
		}
		s.describing = false
		if msg.Err != nil {
			s.describeErr = msg.Err
			s.m.o.Log.Warn("doctor: describe task definition", "revision", deploy.RevisionOf(s.task.TaskDefinitionARN), "error", msg.Err)
			return nil
		}
		s.described(msg.Value)
		s.m.revisions[s.task.TaskDefinitionARN] = &revision{doc: msg.Value}
		return tea.Batch(s.runChecks(), s.loadLogs())
	case tui.Result[[]doctor.Result]:
		if msg.ID != s.checksID {
			return nil
		}
		s.checking = false
		s.checks = msg.Value
		if r, ok := s.m.revisions[s.task.TaskDefinitionARN]; ok {
			r.checks = msg.Value
		}
	case tui.Result[logPage]:
		switch msg.ID {
		case s.logsID:
			return s.tailed(msg)
		case s.followID:
			return s.followed(msg)
		}
	case followTickMsg:
		if !s.following || msg.id != s.followID {
			return nil
		}
		logs, group, stream, token := s.m.o.Logs, s.logGroup, s.logStream, s.logToken
		return tui.Call(s.ctx, s.followID, func(ctx context.Context) (logPage, error) {
			lines, next, err := logs.Next(ctx, group, stream, token)
			return logPage{lines: lines, token: next}, err
		})
	}
	return nil
}

// runChecks runs the named checks on the revision the task ran.
func (s *detailScreen) runChecks() tea.Cmd {
	checker := s.m.o.Checker
	if checker == nil {
		return nil
	}
	s.checksID = tui.NewID()
	s.checking, s.checks = true, nil
	doc := s.doc
	return tui.Call(s.ctx, s.checksID, func(ctx context.Context) ([]doctor.Result, error) {
		return checker.Run(ctx, doc), nil
	})
}

// loadLogs reads the last lines of the selected container's own stream.
func (s *detailScreen) loadLogs() tea.Cmd {
	s.stopFollowing()
	s.logLines, s.logToken, s.logNote, s.logErr, s.logGroup, s.logStream = nil, "", "", nil, "", ""
	s.logsID, s.logsLoading = 0, false // a read of another container still running is dropped
	if s.m.o.Logs == nil || s.doc == nil {
		return nil
	}
	if len(s.task.Containers) == 0 {
		s.logNote = "ECS reported no container of this task, so there is no stream to read."
		return nil
	}
	c := s.task.Containers[s.container]
	group, stream, region, err := doctor.LogStreamOf(s.doc, c.Name, s.task.ID)
	if err != nil {
		s.logNote = err.Error()
		return nil
	}
	s.logGroup, s.logStream = group, stream
	if checker := s.m.o.Checker; checker != nil && region != "" && checker.Region != "" && region != checker.Region {
		// The logs client reads the session's Region; another Region's stream is not there.
		s.logNote = fmt.Sprintf("The container logs to %s, not to this session's Region %s: run doctor with --region %s to read them.",
			region, checker.Region, region)
		return nil
	}
	s.logsID = tui.NewID()
	s.logsLoading = true
	logs := s.m.o.Logs
	return tui.Call(s.ctx, s.logsID, func(ctx context.Context) (logPage, error) {
		lines, token, err := logs.Tail(ctx, group, stream, tailLines)
		return logPage{lines: lines, token: token}, err
	})
}

func (s *detailScreen) tailed(msg tui.Result[logPage]) tea.Cmd {
	s.logsLoading = false
	if msg.Err != nil {
		if errors.Is(msg.Err, aws.KindNotFound) {
			s.logNote = s.noStream()
			return nil
		}
		s.logErr = msg.Err
		s.m.o.Log.Warn("doctor: read log stream", "group", s.logGroup, "stream", s.logStream, "error", msg.Err)
		return nil
	}
	s.logLines, s.logToken = msg.Value.lines, msg.Value.token
	return nil
}

// noStream says why a container's stream does not exist.
func (s *detailScreen) noStream() string {
	c := s.task.Containers[s.container]
	if c.ExitCode == nil && s.task.StartedAt.IsZero() {
		return "The container never started, so it wrote no log."
	}
	return fmt.Sprintf("There is no log stream %s in %s: the container wrote nothing, or the log expired.", s.logStream, s.logGroup)
}

func (s *detailScreen) followed(msg tui.Result[logPage]) tea.Cmd {
	if !s.following {
		return nil
	}
	if msg.Err != nil {
		if s.ctx.Err() != nil {
			return nil
		}
		s.followErr = msg.Err
		s.stopFollowing()
		s.m.o.Log.Warn("doctor: follow log stream", "stream", s.logStream, "error", msg.Err)
		return nil
	}
	s.logLines = append(s.logLines, msg.Value.lines...)
	if n := len(s.logLines) - maxLogLines; n > 0 {
		s.logLines = s.logLines[n:]
	}
	s.logToken = msg.Value.token
	return s.tick()
}

// tick waits FollowEvery before reading the followed stream again.
func (s *detailScreen) tick() tea.Cmd {
	id := s.followID
	return tea.Tick(s.m.o.FollowEvery, func(time.Time) tea.Msg { return followTickMsg{id: id} })
}

func (s *detailScreen) canFollow() bool {
	return s.logStream != "" && !s.logsLoading && s.logNote == "" && s.logErr == nil
}

func (s *detailScreen) stopFollowing() {
	s.following, s.followID = false, 0
}

// fixField is the spec variable that owns the fix: the diagnosis's, else the first
// failing check's; "" when the fix lies outside the task definition.
// fixField is the spec variable the fix belongs to, and why: the diagnosis's, else the
// first failing check's.
func (s *detailScreen) fixField() (field, why string) {
	if d := s.task.Diagnosis; d.Field != "" {
		return d.Field, d.Title
	}
	for _, r := range s.checks {
		if r.Status == doctor.StatusFail && r.Field != "" {
			return r.Field, r.Message
		}
	}
	return "", ""
}

func (s *detailScreen) canFix() bool {
	field, _ := s.fixField()
	return s.doc != nil && field != ""
}

// fix imports the revision the task ran and ends the program with it, for the wizard.
func (s *detailScreen) fix() tea.Cmd {
	spec, warnings, err := model.ImportTaskDefinition(s.doc)
	revision := deploy.RevisionOf(s.task.TaskDefinitionARN)
	if err != nil {
		s.fixErr = fmt.Sprintf("Cannot open %s in the wizard: %v", revision, err)
		s.m.o.Log.Warn("doctor: import for the wizard", "revision", revision, "error", err)
		return nil
	}
	field, why := s.fixField()
	if r := s.resize; r != nil && field == "task_memory" {
		// The wizard opens with the proposed size chosen; the person can pick another.
		spec.TaskCPU, spec.TaskMemory = strconv.Itoa(r.To.CPU), strconv.Itoa(r.To.Memory)
		why += fmt.Sprintf(": %s → %s, the next valid size, is chosen", r.From, r.To)
	}
	fix := &Fix{Spec: spec, Revision: revision, Field: field, Why: why, Cluster: s.cluster, Service: s.task.Service,
		ImportWarnings: warnings}
	if svc, ok := s.scan.lookup(s.task.Service); ok && s.task.Service != "" {
		fix.ServiceRevision = deploy.RevisionOf(svc.TaskDefinitionARN)
	}
	s.m.outcome.Fix = fix
	return s.m.quit()
}

func (s *detailScreen) key(k tea.KeyPressMsg) tea.Cmd {
	page := max(1, s.m.height-chrome-2)
	switch {
	case key.Matches(k, tui.Keys.Up):
		s.scrollBy(-1)
	case key.Matches(k, tui.Keys.Down):
		s.scrollBy(1)
	case key.Matches(k, tui.Keys.PageUp):
		s.scrollBy(-page)
	case key.Matches(k, tui.Keys.PageDown):
		s.scrollBy(page)
	case key.Matches(k, tui.Keys.Follow):
		if s.following {
			s.stopFollowing()
			return nil
		}
		if !s.canFollow() {
			return nil
		}
		s.following, s.followID, s.followErr, s.stick = true, tui.NewID(), nil, true
		return s.tick()
	case key.Matches(k, tui.Keys.Fix):
		if s.canFix() {
			return s.fix()
		}
	case key.Matches(k, tui.Keys.NextTab) && len(s.task.Containers) > 1:
		s.container = (s.container + 1) % len(s.task.Containers)
		return s.loadLogs()
	case key.Matches(k, tui.Keys.PrevTab) && len(s.task.Containers) > 1:
		s.container = (s.container + len(s.task.Containers) - 1) % len(s.task.Containers)
		return s.loadLogs()
	case key.Matches(k, tui.Keys.Retry):
		switch {
		case s.describeErr != nil:
			return s.describe()
		case s.logErr != nil || s.followErr != nil:
			return s.loadLogs()
		case s.doc != nil && !s.checking:
			// After a fix made elsewhere (a parameter created, a policy attached), the
			// checks run again.
			return s.runChecks()
		}
	}
	return nil
}

// scrollBy moves the document by delta lines; scrolling leaves the end unstuck.
func (s *detailScreen) scrollBy(delta int) {
	w, h := s.m.width, max(1, s.m.height-chrome-1)
	last := max(0, len(s.document(w))-h)
	if s.stick {
		s.offset = last
	}
	s.offset = clamp(s.offset+delta, 0, last)
	s.stick = s.following && s.offset == last
}

var (
	followKey    = tui.Keys.Follow
	recheckKey   = key.NewBinding(key.WithKeys(tui.Keys.Retry.Keys()...), key.WithHelp(tui.Keys.Retry.Help().Key, "check again"))
	unfollowKey  = key.NewBinding(key.WithKeys(tui.Keys.Follow.Keys()...), key.WithHelp(tui.Keys.Follow.Help().Key, "stop following"))
	containerKey = key.NewBinding(key.WithKeys(tui.Keys.NextTab.Keys()...),
		key.WithHelp(tui.Keys.NextTab.Help().Key, "next container"))
)

func (s *detailScreen) help() []key.Binding {
	keys := []key.Binding{scrollKey}
	switch {
	case s.following:
		keys = append(keys, unfollowKey)
	case s.canFollow():
		keys = append(keys, followKey)
	}
	if s.canFix() {
		keys = append(keys, tui.Keys.Fix)
	}
	if len(s.task.Containers) > 1 {
		keys = append(keys, containerKey)
	}
	switch {
	case s.describeErr != nil || s.logErr != nil || s.followErr != nil:
		keys = append(keys, retryKey)
	case s.doc != nil && s.m.o.Checker != nil:
		keys = append(keys, recheckKey)
	}
	return keys
}

func (s *detailScreen) view(w, h int) string {
	st := s.m.styles
	doc := s.document(w)
	rows := max(1, h-1)
	last := max(0, len(doc)-rows)
	offset := clamp(s.offset, 0, last)
	if s.stick {
		offset = last
	}
	shown := doc[offset:min(len(doc), offset+rows)]
	for len(shown) < rows {
		shown = append(shown, "")
	}
	var status string
	switch {
	case s.fixErr != "":
		status = st.Error.Render(cut(s.fixErr, w))
	case s.following:
		status = st.OK.Render(cut("following… new lines show as the container writes them", w))
	case offset+rows < len(doc):
		status = st.Muted.Render(cut(fmt.Sprintf("↓ %d more lines", len(doc)-offset-rows), w))
	}
	return strings.Join(append(shown, status), "\n")
}

// labelWidth is the width of the labels before the values.
const labelWidth = 12

// document is the whole detail, wrapped to w, before it is scrolled.
func (s *detailScreen) document(w int) []string {
	st := s.m.styles
	t := s.task
	now := s.m.now()
	var b []string
	add := func(text string) { b = append(b, strings.Split(text, "\n")...) }
	field := func(label, value string) { add(labeled(label, labelWidth, value, w)) }

	add(st.Title.Render(cut("Task "+t.ID, w)))
	summary := "Ran " + deploy.RevisionOf(t.TaskDefinitionARN)
	if t.Service != "" {
		summary += " · service " + t.Service
	}
	summary += " · stopped " + ago(now, t.StoppedAt)
	if !t.StartedAt.IsZero() && !t.StoppedAt.IsZero() {
		summary += " after running " + duration(t.StoppedAt.Sub(t.StartedAt))
	} else if t.StartedAt.IsZero() {
		summary += ", never started"
	}
	add(st.Subtitle.Render(tui.Wrap(summary, w, 0)))
	if svc, ok := s.scan.lookup(t.Service); ok && t.Service != "" {
		if now := deploy.RevisionOf(svc.TaskDefinitionARN); now != "" && now != deploy.RevisionOf(t.TaskDefinitionARN) {
			add(st.Muted.Render(tui.Wrap("The service runs "+now+" now.", w, 0)))
		}
	}
	add("")
	field("Stop code", orNone(t.StopCode))
	field("Reason", orNone(t.StoppedReason))
	for i, c := range t.Containers {
		label := ""
		if i == 0 {
			label = "Container"
			if len(t.Containers) > 1 {
				label = "Containers"
			}
		}
		text := c.Name
		if c.ExitCode != nil {
			text += fmt.Sprintf(" · exit %d", *c.ExitCode)
		} else {
			text += " · no exit code (it never ran)"
		}
		if c.Reason != "" && c.Reason != t.StoppedReason {
			text += " · " + c.Reason
		}
		if len(t.Containers) > 1 && i == s.container {
			text += " (logs below)"
		}
		field(label, text)
	}
	add("")
	s.diagnosis(field)
	add("")
	s.checksSection(w, add)
	add("")
	s.logsSection(w, add)
	return b
}

// diagnosis is the cause in plain words, the fix and where it is made.
func (s *detailScreen) diagnosis(field func(label, value string)) {
	st := s.m.styles
	d := s.task.Diagnosis
	if d.Cause == model.CauseUnrecognised {
		// Never a guess: what ECS said, whole, and that no known cause matches it.
		title := d.Title
		if title == "" {
			title = "Not a known cause: ecswiz does not recognise this stop"
		}
		field("Cause", st.Warning.Render(title))
		raw := d.Evidence
		if raw == "" {
			raw = s.task.StoppedReason
		}
		field("Raw reason", orNone(raw))
		if d.Fix != "" {
			field("Next", d.Fix)
		}
		if s.canFix() {
			field("", st.Hint.Render(s.fixHint()))
		}
		return
	}
	title := d.Title
	if title == "" {
		title = string(d.Cause)
	}
	style := st.Error
	if !d.Failure {
		style = st.Muted
	}
	field("Cause", style.Render(title))
	if d.Fix != "" {
		field("Fix", d.Fix)
	}
	where := d.Where
	if d.Field != "" {
		where += " (" + d.Field + ")"
	}
	if where != "" {
		field("Where", where)
	}
	if s.proposal != "" {
		field("Proposal", st.Value.Render(s.proposal))
	}
	switch {
	case s.canFix():
		field("", st.Hint.Render(s.fixHint()))
	case s.doc != nil && d.Failure && !s.checking:
		field("", st.Hint.Render("The fix lies outside the task definition."))
	}
}

// fixHint says where "fix in wizard" opens.
func (s *detailScreen) fixHint() string {
	field, _ := s.fixField()
	hint := tui.Keys.Fix.Help().Key + " opens the wizard on " + deploy.RevisionOf(s.task.TaskDefinitionARN) + " at " + field
	switch {
	case s.task.Diagnosis.Field == "":
		return hint + ", which a check below finds wrong."
	case s.resize != nil && field == "task_memory":
		return hint + fmt.Sprintf(", with %s chosen.", s.resize.To)
	}
	return hint + "."
}

// proposeSize reads the size an out-of-memory task should move to from its revision.
func (s *detailScreen) proposeSize() {
	if s.task.Diagnosis.Cause != model.CauseOutOfMemory {
		return
	}
	td, err := doctor.ParseTaskDefinition(s.doc)
	if err != nil {
		return
	}
	p, ok, err := doctor.ProposeSize(td)
	switch {
	case err != nil:
		return
	case !ok:
		s.proposal = fmt.Sprintf("%s is Fargate's largest size: the app must use less memory.", p.From)
		return
	}
	s.resize = &p
	cost := fmt.Sprintf("%s a month per task (%s)", money(p.MonthlyChangeUSD()), model.PriceNote)
	if p.To.CPU == p.From.CPU {
		s.proposal = fmt.Sprintf("task_memory %d → %d MiB with %d CPU: %s", p.From.Memory, p.To.Memory, p.From.CPU, cost)
		return
	}
	s.proposal = fmt.Sprintf("task_cpu %d → %d, task_memory %d → %d MiB: %s", p.From.CPU, p.To.CPU, p.From.Memory, p.To.Memory, cost)
}

// money is a change of cost: "+$3.24", "-$1.10".
func money(usd float64) string {
	if usd < 0 {
		return fmt.Sprintf("-$%.2f", -usd)
	}
	return fmt.Sprintf("+$%.2f", usd)
}

// checksSection is the named checks of the revision the task ran.
func (s *detailScreen) checksSection(w int, add func(string)) {
	st := s.m.styles
	add(st.Label.Bold(true).Render(cut("Checks of "+deploy.RevisionOf(s.task.TaskDefinitionARN), w)))
	switch {
	case s.describing:
		add("  " + s.m.spin() + " reading the task definition…")
		return
	case s.describeErr != nil:
		add(st.Error.Render(tui.Wrap("  Could not read the task definition: "+tui.ErrorLine(s.describeErr), w-2, 2)))
		return
	case s.m.o.Checker == nil:
		add(st.Muted.Render("  The checks are not run here."))
		return
	case s.checking:
		add("  " + s.m.spin() + " checking…")
		return
	}
	for _, r := range s.checks {
		mark, style := "✓", st.OK
		switch r.Status {
		case doctor.StatusFail:
			mark, style = "✗", st.Error
		case doctor.StatusSkip:
			mark, style = "–", st.Muted
		}
		title := r.Title
		if title == "" {
			title = r.Name
		}
		text := title
		if r.Message != "" {
			text += ": " + r.Message
		}
		add("  " + style.Render(mark) + " " + tui.Wrap(text, w-4, 4))
		if r.Hint != "" && r.Status != doctor.StatusOK {
			add(st.Hint.Render("    " + tui.Wrap(r.Hint, w-4, 4)))
		}
	}
	if len(s.checks) == 0 {
		add(st.Muted.Render("  No check ran."))
	}
}

// logsSection is the last lines of the selected container's own stream.
func (s *detailScreen) logsSection(w int, add func(string)) {
	st := s.m.styles
	name := ""
	if len(s.task.Containers) > 0 {
		name = s.task.Containers[s.container].Name
	}
	head := "Logs of " + name
	if s.logStream != "" {
		head += " · " + s.logGroup + " · " + s.logStream
	}
	add(st.Label.Bold(true).Render(tui.Wrap(head, w-2, 2)))
	switch {
	case s.m.o.Logs == nil:
		add(st.Muted.Render("  The logs are not read here."))
		return
	case s.describing:
		add("  " + s.m.spin() + " reading the task definition…")
		return
	case s.doc == nil:
		add(st.Muted.Render("  Without the task definition, the log stream is unknown."))
		return
	case s.logNote != "":
		add(st.Muted.Render("  " + tui.Wrap(s.logNote, w-2, 2)))
		return
	case s.logsLoading:
		add("  " + s.m.spin() + " reading the log…")
		return
	case s.logErr != nil:
		add(st.Error.Render("  " + tui.Wrap("Could not read the log: "+tui.ErrorLine(s.logErr), w-2, 2)))
		return
	}
	if len(s.logLines) == 0 {
		add(st.Muted.Render("  The stream is empty."))
	}
	loc := s.m.now().Location()
	for _, l := range s.logLines {
		stamp := l.Time.In(loc).Format("15:04:05")
		add(st.Muted.Render("  "+stamp) + " " + tui.Wrap(l.Message, max(10, w-11), 11))
	}
	if s.followErr != nil {
		add(st.Error.Render("  " + tui.Wrap("Stopped following: "+tui.ErrorLine(s.followErr), w-2, 2)))
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
