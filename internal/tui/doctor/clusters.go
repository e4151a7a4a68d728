package doctorui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// clustersScreen is the live list of the account's clusters, each with the number of
// tasks it stopped lately (counted per cluster, concurrently, filling in as they come).
type clustersScreen struct {
	m   *Model
	ctx context.Context

	loadID   int64
	loading  bool
	err      error
	clusters []aws.Cluster
	counts   map[string]stopCount
	list     list
}

// stopCount is a cluster's count of stopped tasks: pending until done.
type stopCount struct {
	done bool
	n    int
	err  error
}

// clusterCount is the answer of one count.
type clusterCount struct {
	cluster string
	n       int
}

func newClustersScreen(m *Model) *clustersScreen { return &clustersScreen{m: m} }

// countsInFlight is how many clusters' stopped tasks are counted at once.
const countsInFlight = 8

func (s *clustersScreen) crumb() string { return "" }

func (s *clustersScreen) busy() bool {
	if s.loading {
		return true
	}
	for _, c := range s.counts {
		if !c.done {
			return true
		}
	}
	return false
}

func (s *clustersScreen) start(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	return s.load()
}

// load lists the clusters again (a retry or a refresh); the counts follow.
func (s *clustersScreen) load() tea.Cmd {
	s.loadID = tui.NewID()
	s.loading, s.err = true, nil
	ecs := s.m.o.ECS
	return tui.Call(s.ctx, s.loadID, ecs.Clusters)
}

func (s *clustersScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.Result[[]aws.Cluster]:
		if msg.ID != s.loadID {
			return nil
		}
		s.loading = false
		if msg.Err != nil {
			s.err = msg.Err
			s.m.o.Log.Warn("doctor: list clusters", "error", msg.Err)
			return nil
		}
		s.clusters = msg.Value
		s.list.setLen(len(s.clusters))
		s.counts = make(map[string]stopCount, len(s.clusters))
		cmds := make([]tea.Cmd, 0, len(s.clusters))
		ecs := s.m.o.ECS
		// A few clusters are counted at once, so an account with many does not meet
		// ListTasks' throttle (20 a second sustained).
		slots := make(chan struct{}, countsInFlight)
		for _, c := range s.clusters {
			name := c.Name
			s.counts[name] = stopCount{}
			cmds = append(cmds, tui.Call(s.ctx, s.loadID, func(ctx context.Context) (clusterCount, error) {
				select {
				case slots <- struct{}{}:
					defer func() { <-slots }()
				case <-ctx.Done():
					return clusterCount{cluster: name}, ctx.Err()
				}
				n, err := ecs.CountStoppedTasks(ctx, name)
				return clusterCount{cluster: name, n: n}, err
			}))
		}
		return tea.Batch(cmds...)
	case tui.Result[clusterCount]:
		if msg.ID != s.loadID {
			return nil
		}
		if msg.Err != nil {
			s.m.o.Log.Warn("doctor: count stopped tasks", "cluster", msg.Value.cluster, "error", msg.Err)
		}
		s.counts[msg.Value.cluster] = stopCount{done: true, n: msg.Value.n, err: msg.Err}
	}
	return nil
}

func (s *clustersScreen) key(k tea.KeyPressMsg) tea.Cmd {
	if s.list.navigate(k) {
		return nil
	}
	switch {
	case key.Matches(k, tui.Keys.Retry):
		return s.load()
	case key.Matches(k, openKey):
		if s.err != nil || len(s.clusters) == 0 {
			return nil
		}
		return s.m.push(newServicesScreen(s.m, s.clusters[s.list.cursor].Name))
	}
	return nil
}

func (s *clustersScreen) help() []key.Binding {
	switch {
	case s.loading:
		return nil
	case s.err != nil:
		return []key.Binding{retryKey}
	case len(s.clusters) == 0:
		return []key.Binding{refreshKey}
	}
	return []key.Binding{moveKey, openKey, refreshKey}
}

func (s *clustersScreen) view(w, h int) string {
	st := s.m.styles
	lines := []string{st.Title.Render("Clusters"),
		st.Subtitle.Render(cut("Pick the cluster whose tasks stopped. ECS shows stopped tasks for about an hour.", w)), ""}
	switch {
	case s.loading && s.clusters == nil:
		return strings.Join(append(lines, s.m.spin()+" listing clusters…"), "\n")
	case s.err != nil:
		lines = append(lines, st.Error.Render(tui.Wrap("Could not list the clusters: "+tui.ErrorLine(s.err), w, 0)),
			"", st.Hint.Render(tui.Keys.Retry.Help().Key+" tries again."))
		return strings.Join(lines, "\n")
	case len(s.clusters) == 0:
		lines = append(lines, tui.Wrap("No clusters in this account and Region. Tasks run in a cluster: check the "+
			"Region (--region) and the profile (--profile), or create one.", w, 0))
		return strings.Join(lines, "\n")
	}

	nameW := len("CLUSTER")
	for _, c := range s.clusters {
		nameW = max(nameW, len(c.Name))
	}
	nameW = min(nameW, max(12, w-50))
	row := func(cursor, name, status, running, services, stopped string) string {
		return cursor + pad(cut(name, nameW), nameW) + "  " + pad(status, 8) + "  " + padLeft(running, 7) + "  " +
			padLeft(services, 8) + "  " + stopped
	}
	lines = append(lines, st.Muted.Render(row("  ", "CLUSTER", "STATUS", "RUNNING", "SERVICES", "STOPPED (~1 h)")))
	rows := h - len(lines) - 2 // the selected cluster's line below
	top := s.list.window(rows)
	for i := top; i < min(len(s.clusters), top+rows); i++ {
		c := s.clusters[i]
		count := s.counts[c.Name]
		stopped := s.m.spin()
		switch {
		case count.err != nil:
			stopped = st.Error.Render("✗ " + aws.KindOf(count.err).String())
		case count.done && count.n > 0:
			stopped = st.Warning.Render(strconv.Itoa(count.n))
		case count.done:
			stopped = "0"
		}
		cursor, name := "  ", c.Name
		if i == s.list.cursor {
			cursor, name = st.Cursor.Render("▸ "), st.Selected.Render(cut(c.Name, nameW))
		}
		lines = append(lines, row(cursor, name, c.Status, fmt.Sprint(c.RunningTasks), fmt.Sprint(c.ActiveServices), stopped))
	}
	lines = append(lines, "")
	sel := s.clusters[s.list.cursor]
	if count := s.counts[sel.Name]; count.err != nil {
		lines = append(lines, st.Error.Render(tui.Wrap("Counting the stopped tasks of "+sel.Name+": "+tui.ErrorLine(count.err), w, 0)))
	} else if s.loading {
		lines = append(lines, s.m.spin()+" refreshing…")
	}
	return strings.Join(lines, "\n")
}
