package doctorui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// servicesScreen is a cluster's services with their running/desired counts and recent
// stops, filled in as the scan of the cluster's stopped tasks streams in; its last row
// is every stopped task of the cluster (tasks started outside a service count there).
type servicesScreen struct {
	m    *Model
	ctx  context.Context
	scan *scanState
	list list

	counts  map[string]stops // by service; "" is every task
	counted int              // the scan version counts is of
}

// stops is how many tasks stopped, and how many of them failed.
type stops struct{ stopped, failed int }

func newServicesScreen(m *Model, cluster string) *servicesScreen {
	return &servicesScreen{m: m, scan: &scanState{cluster: cluster}}
}

func (s *servicesScreen) crumb() string { return s.scan.cluster }

func (s *servicesScreen) busy() bool { return s.scan.running }

func (s *servicesScreen) start(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	return s.rescan()
}

func (s *servicesScreen) rescan() tea.Cmd {
	cmd := s.scan.start(s.ctx, s.m.o.ECS, tui.NewID())
	s.recount()
	return cmd
}

func (s *servicesScreen) update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(scanMsg); ok {
		cmd, mine := s.scan.handle(msg)
		if mine {
			s.recount()
			for _, err := range msg.events {
				if err.Err != nil {
					s.m.o.Log.Warn("doctor: scan", "cluster", s.scan.cluster, "error", err.Err)
				}
			}
		}
		return cmd
	}
	return nil
}

// recount counts the stops of each service, and sets the rows: the services, then all.
func (s *servicesScreen) recount() {
	if s.counted == s.scan.version && s.counts != nil {
		return
	}
	s.counts = map[string]stops{}
	for _, t := range s.scan.tasks {
		for _, name := range []string{t.Service, ""} {
			c := s.counts[name]
			c.stopped++
			if t.Diagnosis.Failure {
				c.failed++
			}
			s.counts[name] = c
			if t.Service == "" {
				break
			}
		}
	}
	s.counted = s.scan.version
	s.list.setLen(len(s.scan.services) + 1)
}

func (s *servicesScreen) key(k tea.KeyPressMsg) tea.Cmd {
	if s.list.navigate(k) {
		return nil
	}
	switch {
	case key.Matches(k, tui.Keys.Retry):
		return s.rescan()
	case key.Matches(k, openKey):
		service := ""
		if i := s.list.cursor; i < len(s.scan.services) {
			service = s.scan.services[i].Name
		}
		return s.m.push(newTasksScreen(s.m, s.scan.cluster, service, s.scan))
	}
	return nil
}

func (s *servicesScreen) help() []key.Binding {
	return []key.Binding{moveKey, openKey, refreshKey}
}

func (s *servicesScreen) view(w, h int) string {
	st := s.m.styles
	lines := []string{st.Title.Render(cut("Services of "+s.scan.cluster, w)), s.status(w), ""}

	nameW := len("All stopped tasks")
	for _, svc := range s.scan.services {
		nameW = max(nameW, len(svc.Name))
	}
	nameW = min(nameW, max(16, w-46))
	row := func(cursor, name, tasks, stopped, failed, revision string) string {
		return cursor + pad(cut(name, nameW), nameW) + "  " + padLeft(tasks, 7) + "  " + padLeft(stopped, 7) + "  " +
			padLeft(failed, 6) + "  " + revision
	}
	lines = append(lines, st.Muted.Render(row("  ", "SERVICE", "TASKS", "STOPPED", "FAILED", "REVISION")))

	errLines := s.errorLines(w)
	rows := max(1, h-len(lines)-len(errLines)-1)
	n := len(s.scan.services) + 1
	top := s.list.window(rows)
	count := func(name string) (string, string) {
		c := s.counts[name]
		stopped, failed := fmt.Sprint(c.stopped), fmt.Sprint(c.failed)
		if c.failed > 0 {
			failed = st.Error.Render(failed)
		}
		return stopped, failed
	}
	for i := top; i < min(n, top+rows); i++ {
		cursor := "  "
		if i == s.list.cursor {
			cursor = st.Cursor.Render("▸ ")
		}
		if i == len(s.scan.services) {
			stopped, failed := count("")
			name := "All stopped tasks"
			if i == s.list.cursor {
				name = st.Selected.Render(name)
			}
			lines = append(lines, row(cursor, name, "", stopped, failed, st.Muted.Render("tasks outside a service too")))
			continue
		}
		svc := s.scan.services[i]
		stopped, failed := count(svc.Name)
		tasks := fmt.Sprintf("%d/%d", svc.Running, svc.Desired)
		if svc.Running < svc.Desired {
			tasks = st.Warning.Render(tasks)
		}
		name := svc.Name
		if i == s.list.cursor {
			name = st.Selected.Render(cut(name, nameW))
		}
		lines = append(lines, row(cursor, name, tasks, stopped, failed, deploy.RevisionOf(svc.TaskDefinitionARN)))
	}
	if !s.scan.servicesKnown && s.scan.running {
		lines = append(lines, "  "+st.Muted.Render("listing services…"))
	}
	if len(errLines) > 0 {
		lines = append(lines, "")
		lines = append(lines, errLines...)
	}
	return strings.Join(lines, "\n")
}

// status says how far the scan has come.
func (s *servicesScreen) status(w int) string {
	st := s.m.styles
	n := len(s.scan.tasks)
	if s.scan.running {
		return s.m.spin() + " " + st.Muted.Render(fmt.Sprintf("scanning… %s so far", plural(n, "task", "tasks")))
	}
	all := s.counts[""]
	line := fmt.Sprintf("%s in the last hour or so, %s", plural(n, "stopped task", "stopped tasks"), plural(all.failed, "failure", "failures"))
	switch {
	case len(s.scan.errs) > 0 && n == 0:
		return st.Error.Render(cut("The stopped tasks could not be read (below).", w))
	case len(s.scan.errs) > 0:
		line = fmt.Sprintf("%s read, %s; a part failed (below)", plural(n, "stopped task", "stopped tasks"), plural(all.failed, "failure", "failures"))
	}
	return st.Subtitle.Render(cut(line, w))
}

// errorLines are the parts of the scan that failed, at most three.
func (s *servicesScreen) errorLines(w int) []string {
	return scanErrorLines(s.m, s.scan, w)
}

// scanErrorLines shows a scan's failures (at most three) and how to try again.
func scanErrorLines(m *Model, scan *scanState, w int) []string {
	st := m.styles
	if len(scan.errs) == 0 {
		return nil
	}
	var lines []string
	for i, err := range scan.errs {
		if i == 3 {
			lines = append(lines, st.Error.Render(fmt.Sprintf("  and %d more", len(scan.errs)-3)))
			break
		}
		for _, l := range strings.Split(tui.Wrap("✗ "+tui.ErrorLine(err), w, 2), "\n") {
			lines = append(lines, st.Error.Render(l))
		}
	}
	if !scan.running {
		lines = append(lines, st.Hint.Render(cut(tui.Keys.Retry.Help().Key+" scans again.", w)))
	}
	return lines
}
