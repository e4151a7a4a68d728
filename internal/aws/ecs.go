package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"golang.org/x/sync/errgroup"

	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// ECSAPI is the part of the ECS client ECS uses.
type ECSAPI interface {
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	ListTaskDefinitionFamilies(context.Context, *ecs.ListTaskDefinitionFamiliesInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionFamiliesOutput, error)
	ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error)
	DescribeClusters(context.Context, *ecs.DescribeClustersInput, ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error)
	ListServices(context.Context, *ecs.ListServicesInput, ...func(*ecs.Options)) (*ecs.ListServicesOutput, error)
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	ListTasks(context.Context, *ecs.ListTasksInput, ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(context.Context, *ecs.DescribeTasksInput, ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
}

// ECS registers and reads task definitions and reads clusters, services and tasks.
type ECS struct {
	api ECSAPI
	// Concurrency bounds the Describe* batches in flight.
	Concurrency int
}

// NewECS wraps an ECS client.
func NewECS(api ECSAPI) *ECS { return &ECS{api: api, Concurrency: 8} }

// Registered is a newly registered task definition revision.
type Registered struct {
	ARN      string
	Family   string
	Revision int32
}

// Register registers td (its tags included) as a new revision. ECS makes a new revision
// every time, even when nothing changed, so the call is repeated only after throttling:
// after any other failure the revision may exist, and the caller must look before it
// tries again.
//
// Equivalent to aws ecs register-task-definition --cli-input-json file://td.json
func (e *ECS) Register(ctx context.Context, td taskdef.TaskDefinition) (Registered, error) {
	op := fmt.Sprintf("register task definition %q", td.Family)
	in, err := registerInput(td)
	if err != nil {
		return Registered{}, &Error{Kind: KindOther, Op: op, Err: err}
	}
	// RegisterTaskDefinition is not idempotent (it takes no client token), so the SDK's
	// retryer may not repeat it on its own: it would repeat a call that timed out, met a
	// 5xx or lost its connection, after ECS may have made the revision, and make a second
	// one. Only a throttled call, refused before any work, is asked again;
	// deploy.Register looks for the revision after any other failure.
	out, err := e.api.RegisterTaskDefinition(ctx, in, func(o *ecs.Options) { o.Retryer = retryOnlyThrottling(o.Retryer) })
	if err != nil {
		return Registered{}, classify(op, err)
	}
	r := out.TaskDefinition
	return Registered{ARN: sdkaws.ToString(r.TaskDefinitionArn), Family: sdkaws.ToString(r.Family), Revision: r.Revision}, nil
}

// registerInput converts the document ecswiz renders into the SDK's request. The SDK's
// field names are the API's in PascalCase and encoding/json matches names without
// regard to case, so the render decodes straight into the request; enums are strings
// and numbers fit the SDK's int32s either way.
func registerInput(td taskdef.TaskDefinition) (*ecs.RegisterTaskDefinitionInput, error) {
	doc, err := json.Marshal(td)
	if err != nil {
		return nil, err
	}
	var in ecs.RegisterTaskDefinitionInput
	if err := json.Unmarshal(doc, &in); err != nil {
		return nil, fmt.Errorf("convert the task definition for the ECS API: %w", err)
	}
	return &in, nil
}

// DescribeTaskDefinition returns a task definition as `aws ecs describe-task-definition
// --include TAGS` prints it: {"taskDefinition": {...}, "tags": [{"key", "value"}]}, with
// the API's camelCase names and no nulls. ref is a family (its latest ACTIVE revision),
// family:revision or an ARN; a missing one is an error of KindNotFound.
//
// Equivalent to aws ecs describe-task-definition --task-definition REF --include TAGS
func (e *ECS) DescribeTaskDefinition(ctx context.Context, ref string) ([]byte, error) {
	op := fmt.Sprintf("describe task definition %q", ref)
	out, err := e.api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: sdkaws.String(ref),
		Include:        []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		return nil, classify(op, err)
	}
	doc, err := describeDocument(out.TaskDefinition, out.Tags)
	if err != nil {
		return nil, &Error{Kind: KindOther, Op: op, Err: err}
	}
	return doc, nil
}

// describeDocument writes the SDK's structs with the API's own names. encoding/json
// writes them with the Go names (PascalCase) and nulls for every unset pointer; the
// names are the API's with the first letter upper-cased, except inside map-valued
// fields, whose keys are data (log options, docker labels) and are kept as they are.
func describeDocument(td *ecstypes.TaskDefinition, tags []ecstypes.Tag) ([]byte, error) {
	if tags == nil {
		tags = []ecstypes.Tag{}
	}
	raw, err := json.Marshal(struct {
		TaskDefinition *ecstypes.TaskDefinition
		Tags           []ecstypes.Tag
	}{td, tags})
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.MarshalIndent(apiNames(v, false), "", "  ")
}

// enumFields are the SDK fields of a non-pointer string type (enums): encoding/json
// writes "" for them when AWS sent nothing, where a pointer field would be null.
var enumFields = func() map[string]bool {
	fields := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for f := range t.Fields() {
			if !f.IsExported() {
				continue
			}
			if f.Type.Kind() == reflect.String {
				fields[f.Name] = true
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[ecstypes.TaskDefinition]())
	return fields
}()

// mapValuedFields are the SDK fields of type map[string]string in ECS task
// definitions: their keys are data.
var mapValuedFields = map[string]bool{"Options": true, "DockerLabels": true, "DriverOpts": true, "Labels": true}

func apiNames(v any, keepKeys bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, child := range v {
			if child == nil || (!keepKeys && enumFields[k] && child == "") {
				continue
			}
			name := k
			if !keepKeys {
				name = lowerFirst(k)
			}
			out[name] = apiNames(child, !keepKeys && mapValuedFields[k])
		}
		return out
	case []any:
		out := make([]any, 0, len(v))
		for _, child := range v {
			if child != nil {
				out = append(out, apiNames(child, false))
			}
		}
		return out
	}
	return v
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// Families lists the ACTIVE task definition families whose names begin with prefix.
//
// Equivalent to aws ecs list-task-definition-families --family-prefix PREFIX --status ACTIVE
func (e *ECS) Families(ctx context.Context, prefix string) ([]string, error) {
	in := &ecs.ListTaskDefinitionFamiliesInput{Status: ecstypes.TaskDefinitionFamilyStatusActive}
	if prefix != "" {
		in.FamilyPrefix = sdkaws.String(prefix)
	}
	var families []string
	for {
		out, err := e.api.ListTaskDefinitionFamilies(ctx, in)
		if err != nil {
			return nil, classify(fmt.Sprintf("list task definition families beginning with %q", prefix), err)
		}
		families = append(families, out.Families...)
		if sdkaws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	slices.Sort(families)
	return slices.Compact(families), nil
}

// Cluster is an ECS cluster.
type Cluster struct {
	Name, ARN, Status string
	RunningTasks      int32
	PendingTasks      int32
	ActiveServices    int32
}

// Clusters lists the clusters of the account and Region, sorted by name.
//
// Equivalent to aws ecs list-clusters, then aws ecs describe-clusters --clusters ARN...
func (e *ECS) Clusters(ctx context.Context) ([]Cluster, error) {
	const op = "list clusters"
	var arns []string
	in := &ecs.ListClustersInput{}
	for {
		out, err := e.api.ListClusters(ctx, in)
		if err != nil {
			return nil, classify(op, err)
		}
		arns = append(arns, out.ClusterArns...)
		if sdkaws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	var (
		mu       sync.Mutex
		clusters []Cluster
	)
	err := e.batches(ctx, arns, 100, func(ctx context.Context, batch []string) error {
		out, err := e.api.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: batch})
		if err != nil {
			return classify("describe clusters", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, c := range out.Clusters {
			clusters = append(clusters, Cluster{
				Name: sdkaws.ToString(c.ClusterName), ARN: sdkaws.ToString(c.ClusterArn), Status: sdkaws.ToString(c.Status),
				RunningTasks: c.RunningTasksCount, PendingTasks: c.PendingTasksCount, ActiveServices: c.ActiveServicesCount,
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(clusters, func(i, j int) bool { return clusters[i].Name < clusters[j].Name })
	return clusters, nil
}

// Service is an ECS service and its task counts.
type Service struct {
	Name, ARN, Status string
	TaskDefinitionARN string
	LaunchType        string
	Running           int32
	Desired           int32
	Pending           int32
}

// Services lists the services of a cluster, sorted by name.
//
// Equivalent to aws ecs list-services --cluster C, then aws ecs describe-services --cluster C --services ARN... (10 at a time)
func (e *ECS) Services(ctx context.Context, cluster string) ([]Service, error) {
	op := fmt.Sprintf("list services in cluster %q", cluster)
	var arns []string
	in := &ecs.ListServicesInput{Cluster: sdkaws.String(cluster), MaxResults: sdkaws.Int32(100)}
	for {
		out, err := e.api.ListServices(ctx, in)
		if err != nil {
			return nil, classify(op, err)
		}
		arns = append(arns, out.ServiceArns...)
		if sdkaws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	var (
		mu       sync.Mutex
		services []Service
	)
	err := e.batches(ctx, arns, 10, func(ctx context.Context, batch []string) error {
		out, err := e.api.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: sdkaws.String(cluster), Services: batch})
		if err != nil {
			return classify(fmt.Sprintf("describe services in cluster %q", cluster), err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, s := range out.Services {
			services = append(services, Service{
				Name: sdkaws.ToString(s.ServiceName), ARN: sdkaws.ToString(s.ServiceArn), Status: sdkaws.ToString(s.Status),
				TaskDefinitionARN: sdkaws.ToString(s.TaskDefinition), LaunchType: string(s.LaunchType),
				Running: s.RunningCount, Desired: s.DesiredCount, Pending: s.PendingCount,
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	return services, nil
}

// Task is a task as the troubleshooter needs it.
type Task struct {
	ID, ARN           string
	TaskDefinitionARN string
	LastStatus        string
	DesiredStatus     string
	StopCode          string // TaskFailedToStart, EssentialContainerExited, ... (an open set)
	StoppedReason     string
	Group             string // "service:NAME" for a service's tasks
	StartedAt         time.Time
	StoppedAt         time.Time
	Containers        []TaskContainer
}

// TaskContainer is one container of a task.
type TaskContainer struct {
	Name       string
	Image      string
	LastStatus string
	ExitCode   *int // nil when the container never ran or is still running
	Reason     string
}

// StoppedTasks returns the stopped tasks of a service (all of the cluster's when service
// is ""), most recently stopped first. ECS keeps stopped tasks visible for about an hour.
//
// Equivalent to aws ecs list-tasks --cluster C --service-name S --desired-status STOPPED,
// then aws ecs describe-tasks --cluster C --tasks ARN... (100 at a time)
func (e *ECS) StoppedTasks(ctx context.Context, cluster, service string) ([]Task, error) {
	var tasks []Task
	err := e.EachStoppedTask(ctx, cluster, service, func(batch []Task) { tasks = append(tasks, batch...) })
	if err != nil {
		return nil, err
	}
	sort.Slice(tasks, func(i, j int) bool {
		if !tasks[i].StoppedAt.Equal(tasks[j].StoppedAt) {
			return tasks[i].StoppedAt.After(tasks[j].StoppedAt)
		}
		return tasks[i].ID < tasks[j].ID
	})
	return tasks, nil
}

// EachStoppedTask calls fn with the stopped tasks of a service (all of the cluster's when
// service is "") a page at a time, as they arrive: each page of ListTasks is described
// while the next is listed, so the first tasks show after two round trips. fn is never
// called concurrently; batches come in no particular order.
//
// Equivalent to aws ecs list-tasks --cluster C --service-name S --desired-status STOPPED,
// then aws ecs describe-tasks --cluster C --tasks ARN... for each page of 100
func (e *ECS) EachStoppedTask(ctx context.Context, cluster, service string, fn func([]Task)) error {
	op := fmt.Sprintf("list stopped tasks in cluster %q", cluster)
	if service != "" {
		op = fmt.Sprintf("list stopped tasks of service %q in cluster %q", service, cluster)
	}
	in := stoppedTasksInput(cluster, service)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(e.Concurrency, 1) + 1) // the lister holds one slot
	var mu sync.Mutex
	g.Go(func() error {
		for {
			out, err := e.api.ListTasks(gctx, in)
			if err != nil {
				return classify(op, err)
			}
			if len(out.TaskArns) > 0 {
				page := out.TaskArns
				g.Go(func() error {
					described, err := e.api.DescribeTasks(gctx, &ecs.DescribeTasksInput{Cluster: sdkaws.String(cluster), Tasks: page})
					if err != nil {
						return classify(fmt.Sprintf("describe tasks in cluster %q", cluster), err)
					}
					// Failures (MISSING) are tasks ECS has forgotten since listing them.
					batch := make([]Task, 0, len(described.Tasks))
					for _, t := range described.Tasks {
						batch = append(batch, taskFromSDK(t))
					}
					mu.Lock()
					defer mu.Unlock()
					fn(batch)
					return nil
				})
			}
			if sdkaws.ToString(out.NextToken) == "" {
				return nil
			}
			in.NextToken = out.NextToken
		}
	})
	return g.Wait()
}

// CountStoppedTasks counts the stopped tasks ECS still shows in a cluster (those of the
// last hour or so), without describing them.
//
// Equivalent to aws ecs list-tasks --cluster C --desired-status STOPPED
func (e *ECS) CountStoppedTasks(ctx context.Context, cluster string) (int, error) {
	in := stoppedTasksInput(cluster, "")
	n := 0
	for {
		out, err := e.api.ListTasks(ctx, in)
		if err != nil {
			return 0, classify(fmt.Sprintf("list stopped tasks in cluster %q", cluster), err)
		}
		n += len(out.TaskArns)
		if sdkaws.ToString(out.NextToken) == "" {
			return n, nil
		}
		in.NextToken = out.NextToken
	}
}

func stoppedTasksInput(cluster, service string) *ecs.ListTasksInput {
	in := &ecs.ListTasksInput{
		Cluster:       sdkaws.String(cluster),
		DesiredStatus: ecstypes.DesiredStatusStopped,
		MaxResults:    sdkaws.Int32(100),
	}
	if service != "" {
		in.ServiceName = sdkaws.String(service)
	}
	return in
}

func taskFromSDK(t ecstypes.Task) Task {
	arn := sdkaws.ToString(t.TaskArn)
	task := Task{
		ID:                arn[strings.LastIndex(arn, "/")+1:],
		ARN:               arn,
		TaskDefinitionARN: sdkaws.ToString(t.TaskDefinitionArn),
		LastStatus:        sdkaws.ToString(t.LastStatus),
		DesiredStatus:     sdkaws.ToString(t.DesiredStatus),
		StopCode:          string(t.StopCode),
		StoppedReason:     sdkaws.ToString(t.StoppedReason),
		Group:             sdkaws.ToString(t.Group),
		StartedAt:         sdkaws.ToTime(t.StartedAt),
		StoppedAt:         sdkaws.ToTime(t.StoppedAt),
	}
	for _, c := range t.Containers {
		tc := TaskContainer{
			Name: sdkaws.ToString(c.Name), Image: sdkaws.ToString(c.Image),
			LastStatus: sdkaws.ToString(c.LastStatus), Reason: sdkaws.ToString(c.Reason),
		}
		if c.ExitCode != nil {
			code := int(*c.ExitCode)
			tc.ExitCode = &code
		}
		task.Containers = append(task.Containers, tc)
	}
	return task
}

// batches runs fn over items in chunks of size, concurrently within e.Concurrency; the
// first error cancels the rest.
func (e *ECS) batches(ctx context.Context, items []string, size int, fn func(context.Context, []string) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(e.Concurrency, 1))
	for batch := range slices.Chunk(items, size) {
		g.Go(func() error { return fn(gctx, batch) })
	}
	return g.Wait()
}
