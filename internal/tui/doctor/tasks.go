package doctorui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// tasksScreen is the stopped tasks of a service (or of the whole cluster) grouped by
// cause: failures first, stops that are no failure last and dimmed.
type tasksScreen struct {
	m                *Model
	ctx              context.Context
	cluster, service string // service "" = every stopped task of the cluster
	scan             *scanState
	owned            bool // the screen runs the scan (opened with --service)

	grouped int // the scan version groups is of
	groups  []doctor.Group
	tasks   []taskRef // every task of the groups, in order (the cursor moves over these)
	list    list      // over tasks
	top     int       // first line drawn
}

// taskRef is a task of a group.
type taskRef struct{ group, task int }

// taskRow is a line of the list: a group's header (task < 0; meta when the header's
// counts go on a line of their own) or one of its tasks.
type taskRow struct {
	group, task int
	meta        bool
}

// newTasksScreen shows the tasks of service from scan; with scan nil it scans the
// service itself.
func newTasksScreen(m *Model, cluster, service string, scan *scanState) *tasksScreen {
	s := &tasksScreen{m: m, cluster: cluster, service: service, scan: scan, grouped: -1}
	if scan == nil {
		s.scan, s.owned = &scanState{cluster: cluster, service: service}, true
	}
	return s
}

func (s *tasksScreen) crumb() string {
	if s.service == "" {
		return "all stopped tasks"
	}
	return s.service
}

func (s *tasksScreen) busy() bool { return s.owned && s.scan.running }

func (s *tasksScreen) start(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	var cmd tea.Cmd
	if s.owned {
		cmd = s.scan.start(ctx, s.m.o.ECS, tui.NewID())
	}
	s.regroup()
	return cmd
}

func (s *tasksScreen) update(msg tea.Msg) tea.Cmd {
	msg2, ok := msg.(scanMsg)
	if !ok {
		return nil
	}
	var cmd tea.Cmd
	if s.owned {
		cmd, _ = s.scan.handle(msg2)
	}
	s.regroup()
	return cmd
}

// regroup groups the tasks again when the scan brought more, keeping the cursor on the
// task it was on.
func (s *tasksScreen) regroup() {
	if s.grouped == s.scan.version {
		return
	}
	s.grouped = s.scan.version
	selected := ""
	if t, ok := s.selected(); ok {
		selected = t.ID
	}
	s.groups = doctor.GroupByCause(s.scan.tasksOf(s.service))
	s.tasks = s.tasks[:0]
	cursor := 0
	for g, group := range s.groups {
		for t, task := range group.Tasks {
			if task.ID == selected {
				cursor = len(s.tasks)
			}
			s.tasks = append(s.tasks, taskRef{group: g, task: t})
		}
	}
	s.list.setLen(len(s.tasks))
	s.list.cursor = clamp(cursor, 0, len(s.tasks)-1)
}

// selected is the task under the cursor.
func (s *tasksScreen) selected() (doctor.StoppedTask, bool) {
	if s.list.cursor < 0 || s.list.cursor >= len(s.tasks) {
		return doctor.StoppedTask{}, false
	}
	r := s.tasks[s.list.cursor]
	return s.groups[r.group].Tasks[r.task], true
}

// layout lays the groups out for a width: the lines, and the line of each task. When a
// header's title and counts do not fit on one line, every header takes two (split).
func (s *tasksScreen) layout(w int, now time.Time) (rows []taskRow, at []int, split bool) {
	for _, group := range s.groups {
		if _, two := groupLines(group, now, w, false); two {
			split = true // every header then takes two lines, so they line up
		}
	}
	for g, group := range s.groups {
		rows = append(rows, taskRow{group: g, task: -1})
		if split {
			rows = append(rows, taskRow{group: g, task: -1, meta: true})
		}
		for t := range group.Tasks {
			at = append(at, len(rows))
			rows = append(rows, taskRow{group: g, task: t})
		}
	}
	return rows, at, split
}

func (s *tasksScreen) key(k tea.KeyPressMsg) tea.Cmd {
	if s.list.navigate(k) {
		return nil
	}
	switch {
	case key.Matches(k, tui.Keys.Retry) && s.owned:
		cmd := s.scan.start(s.ctx, s.m.o.ECS, tui.NewID())
		s.regroup()
		return cmd
	case key.Matches(k, openKey):
		if t, ok := s.selected(); ok {
			return s.m.push(newDetailScreen(s.m, s.cluster, t, s.scan))
		}
	}
	return nil
}

func (s *tasksScreen) help() []key.Binding {
	keys := []key.Binding{moveKey, openKey}
	if s.owned {
		keys = append(keys, refreshKey)
	}
	return keys
}

func (s *tasksScreen) view(w, h int) string {
	st := s.m.styles
	title := "Stopped tasks of " + s.service
	if s.service == "" {
		title = "All stopped tasks of " + s.cluster
	}
	lines := []string{st.Title.Render(cut(title, w)), s.status(w), ""}
	errLines := scanErrorLines(s.m, s.scan, w)
	if len(s.tasks) == 0 {
		switch {
		case s.scan.running:
			lines = append(lines, st.Muted.Render("No stopped task yet…"))
		case len(errLines) == 0:
			who := "this service"
			if s.service == "" {
				who = "this cluster"
			}
			lines = append(lines, tui.Wrap("No task of "+who+" stopped in the last hour or so. ECS shows a stopped task "+
				"for about an hour: if a task failed earlier, run it again and look here while it fails.", w, 0))
		}
		if len(errLines) > 0 {
			lines = append(lines, errLines...)
		}
		return strings.Join(lines, "\n")
	}

	now := s.m.now()
	all, at, split := s.layout(w, now)
	rows := max(2, h-len(lines)-len(errLines)-boolInt(len(errLines) > 0))
	more := len(all) > rows
	if more {
		rows-- // for the line that says what is below
	}
	s.scroll(all, at, rows)
	for i := s.top; i < min(len(all), s.top+rows); i++ {
		r := all[i]
		g := s.groups[r.group]
		style := st.Label
		if len(g.Tasks) > 0 && !g.Tasks[0].Diagnosis.Failure {
			style = st.Muted
		}
		if r.task < 0 {
			head, _ := groupLines(g, now, w, split)
			if r.meta {
				lines = append(lines, st.Muted.Render(head[1]))
				continue
			}
			lines = append(lines, style.Render(head[0]))
			continue
		}
		line := s.taskLine(g.Tasks[r.task], now)
		if at[s.list.cursor] == i {
			lines = append(lines, "  "+st.Cursor.Render("▸ ")+st.Selected.Render(cut(line, w-4)))
			continue
		}
		lines = append(lines, "    "+style.Render(cut(line, w-4)))
	}
	if more {
		below := 0
		for _, row := range at {
			if row >= s.top+rows {
				below++
			}
		}
		note := "↑ more above"
		if below > 0 {
			word := "tasks"
			if below == 1 {
				word = "task"
			}
			note = fmt.Sprintf("↓ %d more %s below", below, word)
		}
		lines = append(lines, st.Muted.Render(cut(note, w)))
	}
	if len(errLines) > 0 {
		lines = append(lines, "")
		lines = append(lines, errLines...)
	}
	return strings.Join(lines, "\n")
}

// scroll keeps the cursor's task, and its group's header when it is the group's first,
// within rows lines.
func (s *tasksScreen) scroll(all []taskRow, at []int, rows int) {
	if len(at) == 0 {
		s.top = 0
		return
	}
	line := at[s.list.cursor]
	first := line
	for first > 0 && all[first-1].task < 0 {
		first-- // the header of its group
	}
	if first < s.top {
		s.top = first
	}
	if line >= s.top+rows {
		s.top = line - rows + 1
	}
	s.top = clamp(s.top, 0, max(0, len(all)-rows))
}

// status says how many tasks stopped, and how far the scan has come.
func (s *tasksScreen) status(w int) string {
	st := s.m.styles
	tasks := s.scan.tasksOf(s.service)
	failed := 0
	for _, t := range tasks {
		if t.Diagnosis.Failure {
			failed++
		}
	}
	line := fmt.Sprintf("%s, %s, grouped by cause", plural(len(tasks), "stopped task", "stopped tasks"), plural(failed, "failure", "failures"))
	if s.scan.running {
		return s.m.spin() + " " + st.Muted.Render(cut(fmt.Sprintf("scanning… %s so far", plural(len(tasks), "task", "tasks")), w-2))
	}
	return st.Subtitle.Render(cut(line, w))
}

// groupLines is a cause's header: its title, then how many tasks, where to fix and the
// newest stop; on one line when they fit in w and split is not asked for, else on two.
func groupLines(g doctor.Group, now time.Time, w int, split bool) (lines [2]string, two bool) {
	mark := "✗"
	d := model.Diagnosis{Cause: g.Cause}
	var newest time.Time
	if len(g.Tasks) > 0 {
		d = g.Tasks[0].Diagnosis
	}
	for _, t := range g.Tasks {
		if t.StoppedAt.After(newest) {
			newest = t.StoppedAt
		}
	}
	switch {
	case g.Cause == model.CauseUnrecognised:
		mark = "?"
	case !d.Failure:
		mark = "–"
	}
	title := d.Title
	if title == "" {
		title = string(g.Cause)
	}
	meta := []string{plural(len(g.Tasks), "task", "tasks")}
	if d.Where != "" && d.Where != "none" {
		meta = append(meta, "fix: "+d.Where)
	}
	meta = append(meta, "newest "+ago(now, newest))
	rest := strings.Join(meta, " · ")
	if one := mark + " " + title + " · " + rest; !split && ansi.StringWidth(one) <= w {
		return [2]string{one}, false
	}
	return [2]string{cut(mark+" "+title, w), cut("  "+rest, w)}, true
}

// taskLine is a task under its cause: short id, revision, its service when the screen
// shows all, and when it stopped.
func (s *tasksScreen) taskLine(t doctor.StoppedTask, now time.Time) string {
	parts := []string{shortID(t.ID), deploy.RevisionOf(t.TaskDefinitionARN)}
	if s.service == "" {
		svc := t.Service
		if svc == "" {
			svc = "no service"
		}
		parts = append(parts, svc)
	}
	parts = append(parts, "stopped "+ago(now, t.StoppedAt))
	return strings.Join(parts, "  ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
