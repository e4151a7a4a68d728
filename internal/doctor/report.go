package doctor

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// Finding is one line of `ecswiz doctor --json`: a stopped task and why (Kind
// "stopped-task"), or a check that fails or could not run on a revision tasks ran (Kind
// "check").
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

	Fix      string    `json:"fix,omitempty"` // a task's fix, or a check's hint
	Field    string    `json:"field,omitempty"`
	Proposal *Proposal `json:"proposal,omitempty"` // out of memory: the size to move to
}

// Wrong reports whether the finding is something to fix: a task that failed, or a
// failing check. A check that could not run (skip) is not: nothing was found wrong.
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
// service's when service is not ""), describes and checks each revision the failed tasks
// ran, then emits a finding for each task that is no ordinary stop (the most recent
// first, cluster by cluster; an out-of-memory one with the size to move to) and one for
// each check that fails or could not run (skip: its message says why, its fix how to
// run it), by revision. A revision that cannot be read is a skipped check; a cluster
// that cannot be read ends the report with its error.
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
	var (
		findings  []Finding
		tasks     []StoppedTask
		revisions []string // of failed tasks, first seen first
	)
	found := false // service, in some cluster
	for _, c := range clusters {
		var batches []StoppedTask
		err := ecs.EachStoppedTask(ctx, c, service, func(batch []aws.Task) { batches = append(batches, Classify(batch)...) })
		switch {
		case err != nil && cluster == "" && service != "" && errors.Is(err, aws.KindNotFound):
			continue // the service is in another cluster
		case err != nil:
			return err
		}
		found = true
		slices.SortFunc(batches, newestFirst)
		for _, t := range batches {
			if t.Diagnosis.Cause == model.CauseNotAFailure {
				continue
			}
			findings, tasks = append(findings, taskFinding(c, t)), append(tasks, t)
			if rev := deploy.RevisionOf(t.TaskDefinitionARN); t.Diagnosis.Failure && !slices.Contains(revisions, rev) {
				revisions = append(revisions, rev)
			}
		}
	}
	if !found && service != "" {
		return fmt.Errorf("no cluster has a service %q; check the name and the Region (--region)", service)
	}
	checked := checkRevisions(ctx, ecs, checker, revisions)
	for i, t := range tasks {
		if t.Diagnosis.Cause != model.CauseOutOfMemory {
			continue
		}
		if rc, ok := checked[deploy.RevisionOf(t.TaskDefinitionARN)]; ok && rc.err == nil {
			if p, ok, err := ProposeSize(rc.td); ok && err == nil {
				findings[i].Proposal = &Proposal{CPU: p.To.CPU, Memory: p.To.Memory,
					MonthlyChangeUSD: math.Round(p.MonthlyChangeUSD()*100) / 100, PriceNote: model.PriceNote}
			}
		}
	}
	for _, f := range findings {
		emit(f)
	}
	for _, rev := range revisions {
		rc := checked[rev]
		if rc.err != nil {
			emit(Finding{Kind: KindCheck, TaskDefinition: rev, Check: "task-definition", Status: StatusSkip,
				Title: "The task definition can be read", Message: "could not check: " + rc.err.Error(),
				Fix: "Check that you may call ecs:DescribeTaskDefinition on it, then run doctor again."})
			continue
		}
		for _, r := range rc.results {
			// A check that could not run is said too: silence would read as a pass.
			if r.Status != StatusOK {
				emit(CheckFinding(rev, r))
			}
		}
	}
	return nil
}

// CheckFinding is a check's result as a finding of revision rev (FAMILY:REV).
func CheckFinding(rev string, r Result) Finding {
	return Finding{Kind: KindCheck, TaskDefinition: rev, Check: r.Name, Status: r.Status,
		Title: r.Title, Message: r.Message, Fix: r.Hint, Field: r.Field}
}

func taskFinding(cluster string, t StoppedTask) Finding {
	d := t.Diagnosis
	failure := d.Failure
	f := Finding{
		Kind: KindStoppedTask, Cluster: cluster, Service: t.Service, TaskDefinition: deploy.RevisionOf(t.TaskDefinitionARN),
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

// revisionCheck is a revision, read, and its checks.
type revisionCheck struct {
	td      taskdef.TaskDefinition
	results []Result
	err     error // the revision could not be read
}

// checkRevisions describes each revision and runs the checks on it, a few at once.
func checkRevisions(ctx context.Context, ecs ECS, checker *Checker, revisions []string) map[string]revisionCheck {
	out := make([]revisionCheck, len(revisions))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	for i, rev := range revisions {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			doc, err := ecs.DescribeTaskDefinition(ctx, rev)
			if err == nil {
				out[i].td, err = ParseTaskDefinition(doc)
			}
			if err != nil {
				out[i].err = fmt.Errorf("read task definition %s: %w", rev, err)
				return
			}
			out[i].results = checker.Run(ctx, doc)
		})
	}
	wg.Wait()
	byRevision := make(map[string]revisionCheck, len(revisions))
	for i, rev := range revisions {
		byRevision[rev] = out[i]
	}
	return byRevision
}
