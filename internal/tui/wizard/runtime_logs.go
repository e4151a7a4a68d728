package wizard

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/tui"
)

// logGroupPrefix is where ECS log groups live by convention; the step lists only those,
// so an account with thousands of Lambda groups still answers quickly.
const logGroupPrefix = "/ecs/"

// defaultRetentionDays is how long a log group the step creates keeps its logs, unless
// the person picks another retention in the confirmation.
const defaultRetentionDays = 30

// logGroupState is what the step knows about log groups.
type logGroupState struct {
	listID  int64 // the listing waited for
	loading bool
	loaded  bool
	listErr error
	listed  []string // the groups under logGroupPrefix

	exists       map[string]bool // groups known to exist, or known missing
	checkID      int64
	checking     string // the group whose existence is being checked
	checkErr     error
	checkErrName string

	dialog     *tui.Form // the create confirmation; nil when closed
	dialogName string

	createID      int64
	creating      string // the group being created
	createErr     error
	createErrName string
	created       string // the group created on this visit, and its retention
	createdDays   int32
}

// groupCheck is the answer of GroupExists for name.
type groupCheck struct {
	name   string
	exists bool
}

// groupCreated is the answer of CreateGroup.
type groupCreated struct {
	name string
	days int32
}

// logRegionElsewhere is the Region the logs go to when it is not the session's: the
// spec's aws_region, which awslogs writes to. "" when they agree or one is not known.
// The groups of the session's Region say nothing about it, so none is listed, checked
// or created then.
func (s *runtimeStep) logRegionElsewhere() string {
	region, ses := s.env.spec.AWSRegion, s.env.session
	if region == "" || ses == nil || ses.Cloud == nil || ses.Region == "" || region == ses.Region {
		return ""
	}
	return region
}

// logRegionNote says why the log group is not checked in another Region.
func (s *runtimeStep) logRegionNote() string {
	return "not checked: the logs go to " + s.logRegionElsewhere() + ", ecswiz is connected to " + s.env.session.Region
}

func (s *runtimeStep) loadGroups() tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil || s.logRegionElsewhere() != "" {
		return nil
	}
	s.logs.loading, s.logs.listErr = true, nil
	s.logs.listID = tui.NewID()
	log := s.env.log
	return tui.Call(s.ctx, s.logs.listID, func(ctx context.Context) ([]string, error) {
		groups, err := cloud.Logs.Groups(ctx, logGroupPrefix)
		if err != nil {
			log.Warn("log groups not listed", "prefix", logGroupPrefix, "error", tui.ErrorLine(err))
		} else {
			log.Debug("log groups listed", "prefix", logGroupPrefix, "count", len(groups))
		}
		return groups, err
	})
}

func (s *runtimeStep) groupsLoaded(r tui.Result[[]string]) tea.Cmd {
	if r.ID != s.logs.listID {
		return nil
	}
	s.logs.loading = false
	if r.Err != nil {
		s.logs.listErr = r.Err
		return nil
	}
	s.logs.loaded, s.logs.listed = true, r.Value
	for _, g := range r.Value {
		s.logs.exists[g] = true
	}
	s.rebuildLogOptions()
	return s.maybeCheckGroup()
}

// groupKnown reports whether name is known to exist, and whether that is known at all:
// a group under the listed prefix that the complete listing lacks does not exist.
func (s *runtimeStep) groupKnown(name string) (exists, known bool) {
	if s.logRegionElsewhere() != "" {
		return false, false
	}
	if e, ok := s.logs.exists[name]; ok {
		return e, true
	}
	if s.logs.loaded && strings.HasPrefix(name, logGroupPrefix) {
		return false, true
	}
	return false, false
}

// rebuildLogOptions lists the suggested group first, then the current answer when it is
// not listed, then every listed group.
func (s *runtimeStep) rebuildLogOptions() {
	f := s.form.Field(fieldLogGroup)
	if !s.logs.loaded {
		f.SetOptions(nil)
		f.SetValue(s.currentGroup())
		return
	}
	cur := s.currentGroup()
	def := defaultLogGroup(*s.env.spec)
	var opts []tui.Option
	seen := map[string]bool{}
	add := func(name, note string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		opts = append(opts, tui.Option{Value: name, Note: note})
	}
	add(def, "")
	if !slices.Contains(s.logs.listed, cur) {
		add(cur, "")
	}
	for _, g := range s.logs.listed {
		add(g, "")
	}
	f.SetOptions(opts)
	f.SetValue(cur)
	s.refreshLogNotes()
}

// refreshLogNotes says of the suggested group, and of an answer that is not listed,
// whether it exists.
func (s *runtimeStep) refreshLogNotes() {
	f := s.form.Field(fieldLogGroup)
	def := defaultLogGroup(*s.env.spec)
	for i, o := range f.Options {
		switch {
		case o.Value == def:
			f.Options[i].Note = "suggested · " + s.existenceNote(o.Value)
		case !slices.Contains(s.logs.listed, o.Value):
			f.Options[i].Note = "current · " + s.existenceNote(o.Value)
		}
	}
}

// currentGroup is the log group answered so far: the spec's, else the suggestion.
func (s *runtimeStep) currentGroup() string {
	if f := s.form.Field(fieldLogGroup); f != nil && f.Value() != "" {
		return f.Value()
	}
	if g := s.env.spec.LogGroupName; g != "" {
		return g
	}
	return defaultLogGroup(*s.env.spec)
}

func (s *runtimeStep) existenceNote(name string) string {
	exists, known := s.groupKnown(name)
	switch {
	case s.logRegionElsewhere() != "":
		return s.logRegionNote()
	case !known:
		return "not checked yet"
	case exists:
		return "exists"
	}
	return "does not exist yet"
}

// maybeCheckGroup asks whether the answered log group exists, unless that is known, the
// name is not valid, or the person is still typing it.
func (s *runtimeStep) maybeCheckGroup() tea.Cmd {
	cloud := s.env.cloud()
	f := s.form.Field(fieldLogGroup)
	name := f.Value()
	if cloud == nil || name == "" || s.logs.checking == name || s.logs.checkErrName == name || s.logRegionElsewhere() != "" {
		return nil
	}
	if s.section == sectionFields && s.form.Focused() == f && (s.form.Capturing() || len(f.Options) == 0) {
		return nil // still typing
	}
	if _, known := s.groupKnown(name); known || f.Validate(name) != nil {
		return nil
	}
	s.logs.checking = name
	s.logs.checkID = tui.NewID()
	return tui.Call(s.ctx, s.logs.checkID, func(ctx context.Context) (groupCheck, error) {
		ok, err := cloud.Logs.GroupExists(ctx, name)
		return groupCheck{name: name, exists: ok}, err
	})
}

func (s *runtimeStep) groupChecked(r tui.Result[groupCheck]) {
	if r.ID != s.logs.checkID {
		return
	}
	s.logs.checking = ""
	if r.Err != nil {
		s.logs.checkErr, s.logs.checkErrName = r.Err, r.Value.name
		return
	}
	s.logs.checkErr, s.logs.checkErrName = nil, ""
	s.logs.exists[r.Value.name] = r.Value.exists
}

// canCreateGroup reports whether ctrl+n may create the answered group: online, a valid
// name, and not known to exist.
func (s *runtimeStep) canCreateGroup() bool {
	if s.env.cloud() == nil || s.form == nil || s.logs.creating != "" || s.logRegionElsewhere() != "" {
		return false
	}
	f := s.form.Field(fieldLogGroup)
	name := f.Value()
	if name == "" || f.Validate(name) != nil {
		return false
	}
	exists, known := s.groupKnown(name)
	return known && !exists
}

func (s *runtimeStep) openCreateDialog() {
	var opts []tui.Option
	for _, d := range []int{7, 14, 30, 90, 365, 0} {
		o := tui.Option{Value: strconv.Itoa(d), Label: retentionText(int32(d))}
		switch d {
		case defaultRetentionDays:
			o.Note = "suggested: enough to debug a failed deployment"
		case 0:
			o.Note = "the stored logs (and their bill) grow forever"
		}
		opts = append(opts, o)
	}
	retention := &tui.Field{Key: "retention", Title: "Keep its logs for", Kind: tui.Choice, Options: opts,
		Hint: "CloudWatch Logs deletes older events; stored logs are billed per GB-month."}
	retention.SetValue(strconv.Itoa(defaultRetentionDays))
	s.logs.dialog = tui.NewForm(retention)
	s.logs.dialog.SetWidth(dialogWidth(s.width))
	s.logs.dialog.SetHeight(s.dialogFormHeight())
	s.logs.dialogName = s.form.Field(fieldLogGroup).Value()
}

func retentionText(days int32) string {
	switch days {
	case 0:
		return "never expire"
	case 1:
		return "1 day"
	case 365:
		return "365 days (1 year)"
	}
	return fmt.Sprintf("%d days", days)
}

func (s *runtimeStep) createDialogKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, tui.Keys.Back):
		s.logs.dialog = nil
		return nil
	case key.Matches(k, tui.Keys.Next):
		days, _ := strconv.Atoi(s.logs.dialog.Fields[0].Value())
		name := s.logs.dialogName
		s.logs.dialog = nil
		return s.createGroup(name, int32(days))
	}
	return s.logs.dialog.Update(k)
}

func (s *runtimeStep) createGroup(name string, days int32) tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil {
		return nil
	}
	s.logs.creating, s.logs.createErr, s.logs.createErrName = name, nil, ""
	s.logs.createID = tui.NewID()
	log := s.env.log
	return tui.Call(s.ctx, s.logs.createID, func(ctx context.Context) (groupCreated, error) {
		err := cloud.Logs.CreateGroup(ctx, name, days)
		if err != nil {
			log.Warn("log group not created", "name", name, "retention_days", days, "error", tui.ErrorLine(err))
		} else {
			log.Info("log group created", "name", name, "retention_days", days)
		}
		return groupCreated{name: name, days: days}, err
	})
}

func (s *runtimeStep) groupCreated(r tui.Result[groupCreated]) {
	if r.ID != s.logs.createID {
		return
	}
	s.logs.creating = ""
	if r.Err != nil {
		s.logs.createErr, s.logs.createErrName = r.Err, r.Value.name
		return
	}
	s.logs.exists[r.Value.name] = true
	s.logs.created, s.logs.createdDays = r.Value.name, r.Value.days
	if strings.HasPrefix(r.Value.name, logGroupPrefix) && !slices.Contains(s.logs.listed, r.Value.name) {
		s.logs.listed = append(s.logs.listed, r.Value.name)
		slices.Sort(s.logs.listed)
	}
	if s.logs.loaded {
		s.rebuildLogOptions()
	}
}

func (s *runtimeStep) createDialogView() string {
	st := s.env.styles
	where := "CloudWatch Logs"
	if ses := s.env.session; ses != nil && ses.Region != "" {
		where += " in " + ses.Region
		if ses.Account != "" {
			where += ", account " + ses.Account
		}
	}
	w := dialogWidth(s.width)
	return dialogBox(st, s.width, bodyHeight(s.height, s.head()), []string{
		st.Title.Render(tui.Wrap("Create the log group "+s.logs.dialogName+"?", w, 0)) + "\n" +
			st.Subtitle.Render(tui.Wrap(where+". The tasks' output goes there.", w, 0)) + "\n",
		strings.TrimRight(s.logs.dialog.View(*st), "\n"),
		"\n" + st.Help.Render(tui.Wrap(tui.Keys.Next.Help().Key+" creates it · "+tui.Keys.Back.Help().Key+" cancels", w, 0)),
	}, 1)
}

// refreshLogStatus says what is known of the answered log group, in one line.
func (s *runtimeStep) refreshLogStatus() {
	s.refreshLogNotes()
	f := s.form.Field(fieldLogGroup)
	name := f.Value()
	l := &s.logs
	status, isErr, busy := "", false, false
	switch {
	case s.env.connecting():
		status = "Log groups load once the AWS session is ready; type a name meanwhile."
	case s.env.cloud() == nil:
		status = "Offline: type the log group; it is not checked, so make sure it exists before tasks start."
	case s.logRegionElsewhere() != "":
		status = upperFirst(s.logRegionNote()) + " — make sure the group exists there."
	case l.creating != "" && l.creating == name:
		status, busy = "Creating "+name+"…", true
	case l.createErr != nil && l.createErrName == name:
		status, isErr = tui.ErrorLine(l.createErr)+" — "+tui.Keys.Create.Help().Key+" tries again.", true
	case l.loading:
		status, busy = "Loading the log groups under "+logGroupPrefix+"…", true
	case l.listErr != nil && len(f.Options) == 0:
		status, isErr = tui.ErrorLine(l.listErr)+" — type the name, or "+tui.Keys.Retry.Help().Key+" to retry.", true
	case name == "":
	case l.checking == name:
		status, busy = "Checking that "+name+" exists…", true
	case l.checkErr != nil && l.checkErrName == name:
		status, isErr = tui.ErrorLine(l.checkErr)+" — "+tui.Keys.Retry.Help().Key+" checks again.", true
	default:
		exists, known := s.groupKnown(name)
		switch {
		case !known:
		case exists && l.created == name:
			status = "✓ Created " + name + "; logs " + keptText(l.createdDays) + "."
		case exists:
			status = "✓ " + name + " exists."
		default:
			status, isErr = fmt.Sprintf("✗ %s is missing (tasks cannot start) — %s creates it, logs kept %d days.",
				name, tui.Keys.Create.Help().Key, defaultRetentionDays), true
		}
	}
	f.Status, f.StatusIsErr, f.Busy = status, isErr, busy
}

func keptText(days int32) string {
	if days == 0 {
		return "never expire"
	}
	return "kept " + retentionText(days)
}

// upperFirst is text with its first letter in upper case.
func upperFirst(text string) string {
	if text == "" {
		return ""
	}
	return strings.ToUpper(text[:1]) + text[1:]
}
