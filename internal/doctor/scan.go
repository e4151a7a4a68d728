package doctor

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// ECS is the part of ECS the troubleshooter reads (*aws.ECS is one).
type ECS interface {
	Clusters(ctx context.Context) ([]aws.Cluster, error)
	Services(ctx context.Context, cluster string) ([]aws.Service, error)
	CountStoppedTasks(ctx context.Context, cluster string) (int, error)
	EachStoppedTask(ctx context.Context, cluster, service string, fn func([]aws.Task)) error
	DescribeTaskDefinition(ctx context.Context, ref string) ([]byte, error)
}

// StoppedTask is a stopped task and why it stopped.
type StoppedTask struct {
	aws.Task
	Service   string // the service it belonged to; "" for a task started on its own
	Diagnosis model.Diagnosis
}

// Group is the stopped tasks of one cause and diagnosis title (a cause's variants, such
// as which permission the execution role lacks, have fixes of their own), most recently
// stopped first.
type Group struct {
	Cause model.Cause
	Title string
	Tasks []StoppedTask
}

// Event is a part of a scan as it arrives.
type Event struct {
	Services []aws.Service // the cluster's services (once, when listed)
	Tasks    []StoppedTask // a batch of stopped tasks, classified
	Err      error         // a part that failed; the scan goes on with the rest
}

// Scan reads a cluster's services and its stopped tasks (only service's when service is
// not ""), calling emit, never concurrently, as each part arrives. The services and the
// tasks are read at once; a part that fails is emitted as an Event with Err and the rest
// goes on. The error returned joins every part's.
func Scan(ctx context.Context, ecs ECS, cluster, service string, emit func(Event)) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	send := func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Err != nil {
			errs = append(errs, ev.Err)
		}
		emit(ev)
	}
	wg.Go(func() {
		services, err := ecs.Services(ctx, cluster)
		if err != nil {
			send(Event{Err: err})
			return
		}
		send(Event{Services: services})
	})
	wg.Go(func() {
		err := ecs.EachStoppedTask(ctx, cluster, service, func(batch []aws.Task) {
			send(Event{Tasks: Classify(batch)})
		})
		if err != nil {
			send(Event{Err: err})
		}
	})
	wg.Wait()
	return errors.Join(errs...)
}

// Classify diagnoses each task and names the service it belonged to.
func Classify(tasks []aws.Task) []StoppedTask {
	out := make([]StoppedTask, len(tasks))
	for i, t := range tasks {
		st := model.StoppedTask{StopCode: t.StopCode, StoppedReason: t.StoppedReason}
		for _, c := range t.Containers {
			st.Containers = append(st.Containers, model.StoppedContainer{Name: c.Name, Reason: c.Reason, ExitCode: c.ExitCode})
		}
		service, ok := strings.CutPrefix(t.Group, "service:")
		if !ok {
			service = "" // a task started on its own: its group is "family:NAME"
		}
		out[i] = StoppedTask{Task: t, Service: service, Diagnosis: model.Diagnose(st)}
	}
	return out
}

// GroupByCause groups tasks by cause and title: failures first, then the groups with
// more tasks, then the one that stopped a task last; within a group the most recent stop
// first.
func GroupByCause(tasks []StoppedTask) []Group {
	type key struct {
		cause model.Cause
		title string
	}
	index := map[key]int{}
	var groups []Group
	for _, t := range tasks {
		k := key{t.Diagnosis.Cause, t.Diagnosis.Title}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, Group{Cause: k.cause, Title: k.title})
		}
		groups[i].Tasks = append(groups[i].Tasks, t)
	}
	for _, g := range groups {
		slices.SortFunc(g.Tasks, newestFirst)
	}
	slices.SortFunc(groups, func(a, b Group) int {
		if fa, fb := a.Tasks[0].Diagnosis.Failure, b.Tasks[0].Diagnosis.Failure; fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		if len(a.Tasks) != len(b.Tasks) {
			return len(b.Tasks) - len(a.Tasks)
		}
		if c := newestFirst(a.Tasks[0], b.Tasks[0]); c != 0 {
			return c
		}
		if c := strings.Compare(string(a.Cause), string(b.Cause)); c != 0 {
			return c
		}
		return strings.Compare(a.Title, b.Title)
	})
	return groups
}

// newestFirst orders tasks by stop time, the most recent first, then by id.
func newestFirst(a, b StoppedTask) int {
	if c := b.StoppedAt.Compare(a.StoppedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
