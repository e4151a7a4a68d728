package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecswiz/ecswiz/internal/model"
)

// Finding is one line of `ecswiz doctor --json`: a stopped task and why (Kind
// "stopped-task"), or a check that fails on a revision tasks ran (Kind "check").
type Finding struct {
	Kind           string `json:"kind"`
	Cluster        string `json:"cluster,omitempty"`
	Service        string `json:"service,omitempty"`
	TaskDefinition string `json:"taskDefinition"` // FAMILY:REV

	// A stopped task.
	Task          string      `json:"task,omitempty"`
	StoppedAt     *time.Time  `json:"stoppedAt,omitempty"`
	StopCode      string      `json:"stopCode,omitempty"`
	StoppedReason string      `json:"stoppedReason,omitempty"`
	Container     string      `json:"container,omitempty"`
	ExitCode      *int        `json:"exitCode,omitempty"`
	Cause         model.Cause `json:"cause,omitempty"`
	Title         string      `json:"title,omitempty"`
	Failure       *bool       `json:"failure,omitempty"` // false: nothing to fix in the task (Spot)
	Where         string      `json:"where,omitempty"`

	// A check.
	Check   string `json:"check,omitempty"`
	Status  Status `json:"status,omitempty"`
	Message string `json:"message,omitempty"`

	Fix   string `json:"fix,omitempty"` // a task's fix, or a check's hint
	Field string `json:"field,omitempty"`
}

// Wrong reports whether the finding is something to fix: a task that failed, or a
// failing check.
func (f Finding) Wrong() bool {
	if f.Kind == KindCheck {
		return f.Status == StatusFail
	}
	return f.Failure != nil && *f.Failure
}

// Kinds of findings.
const (
	KindStoppedTask = "stopped-task"
	KindCheck       = "check"
)

// Report scans clusters (every one when cluster is "") for stopped tasks (only
// service's when service is not ""), emits a finding for each that is no ordinary stop,
// then runs the checks on each revision those tasks ran and emits the failing ones.
// Findings come cluster by cluster, the most recent stop first, then the checks by
// revision. A cluster that cannot be read ends the report with its error.
func Report(ctx context.Context, ecs ECS, checker *Checker, cluster, service string, emit func(Finding)) error {
	clusters := []string{cluster}
	if cluster == "" {
		all, err := ecs.Clusters(ctx)
		if err != nil {
			return err
		}
		clusters = clusters[:0]
		for _, c := range all {
			clusters = append(clusters, c.Name)
		}
	}
	var revisions []string // of failed tasks, first seen first
	for _, c := range clusters {
		tasks, err := stoppedTasks(ctx, ecs, c, service)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.Diagnosis.Cause == model.CauseNotAFailure {
				continue
			}
			emit(taskFinding(c, t))
			if rev := RevisionOf(t.TaskDefinitionARN); t.Diagnosis.Failure && !slices.Contains(revisions, rev) {
				revisions = append(revisions, rev)
			}
		}
	}
	for _, rc := range CheckRevisions(ctx, ecs, checker, revisions) {
		if rc.Err != nil {
			return rc.Err
		}
		for _, r := range rc.Results {
			if r.Status == StatusFail {
				emit(Finding{Kind: KindCheck, TaskDefinition: rc.Revision, Check: r.Name, Status: r.Status,
					Title: r.Title, Message: r.Message, Fix: r.Hint, Field: r.Field})
			}
		}
	}
	return nil
}

// stoppedTasks scans a cluster and returns its stopped tasks, the most recent first;
// the first part that fails is the error.
func stoppedTasks(ctx context.Context, ecs ECS, cluster, service string) ([]StoppedTask, error) {
	var tasks []StoppedTask
	var first error
	err := Scan(ctx, ecs, cluster, service, func(ev Event) {
		tasks = append(tasks, ev.Tasks...)
		if ev.Err != nil && first == nil {
			first = ev.Err
		}
	})
	if first != nil {
		return nil, first
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(tasks, newestFirst)
	return tasks, nil
}

func taskFinding(cluster string, t StoppedTask) Finding {
	d := t.Diagnosis
	failure := d.Failure
	f := Finding{
		Kind: KindStoppedTask, Cluster: cluster, Service: t.Service, TaskDefinition: RevisionOf(t.TaskDefinitionARN),
		Task: t.ID, StopCode: t.StopCode, StoppedReason: t.StoppedReason, Container: d.Container,
		Cause: d.Cause, Title: d.Title, Failure: &failure, Where: d.Where, Fix: d.Fix, Field: d.Field,
	}
	if !t.StoppedAt.IsZero() {
		at := t.StoppedAt.UTC()
		f.StoppedAt = &at
	}
	for _, c := range t.Containers {
		if c.Name == d.Container {
			f.ExitCode = c.ExitCode
		}
	}
	return f
}

// RevisionCheck is the checks of one revision.
type RevisionCheck struct {
	Revision string // FAMILY:REV
	Results  []Result
	Err      error // the revision could not be read
}

// CheckRevisions describes each revision and runs the checks on it, a few at once;
// the answers keep the order of revisions.
func CheckRevisions(ctx context.Context, ecs ECS, checker *Checker, revisions []string) []RevisionCheck {
	out := make([]RevisionCheck, len(revisions))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, rev := range revisions {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i].Revision = rev
			doc, err := ecs.DescribeTaskDefinition(ctx, rev)
			if err != nil {
				out[i].Err = fmt.Errorf("read task definition %s: %w", rev, err)
				return
			}
			out[i].Results = checker.Run(ctx, doc)
		})
	}
	wg.Wait()
	return out
}

// RevisionOf is FAMILY:REV of a task definition ARN.
func RevisionOf(taskDefinitionARN string) string {
	return taskDefinitionARN[strings.LastIndex(taskDefinitionARN, "/")+1:]
}
