// Package deploy registers a task definition only when it changed. ECS makes a new
// revision on every RegisterTaskDefinition call, even when nothing changed, so the
// latest revision of the family is read and compared (normalised, as `ecswiz diff`
// does) first. A registration whose answer is lost is looked for before it is reported
// as a failure, so running it again never makes a second revision. `ecswiz register`,
// `ecswiz diff` and the wizard's Act and Review steps all go through here.
package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// Describer reads a registered task definition (*aws.ECS is one).
type Describer interface {
	DescribeTaskDefinition(ctx context.Context, ref string) ([]byte, error)
}

// TaskDefinitions reads and registers task definitions (*aws.ECS is one).
type TaskDefinitions interface {
	Describer
	Register(ctx context.Context, td taskdef.TaskDefinition) (aws.Registered, error)
}

// Comparison is a task definition beside the registered revision it would replace.
type Comparison struct {
	TaskDefinition taskdef.TaskDefinition
	Render         []byte // model.RenderJSON of TaskDefinition

	// Latest is the registered revision compared with; zero when the family has none.
	Latest aws.Registered
	// LiveRef names it: FAMILY:REV, or the family alone when nothing is registered.
	LiveRef string
	// Live is its describe-task-definition document; nil when nothing is registered.
	Live []byte
	// Diff is the normalised unified diff from Live to Render; "" when they are the same.
	Diff string

	specName string // the render's side of the diff
	latest   bool   // compared with the latest ACTIVE revision of the family
}

// NewFamily reports whether nothing is registered in the family yet.
func (c Comparison) NewFamily() bool { return c.Live == nil }

// Unchanged reports whether the registered revision already is this task definition.
func (c Comparison) Unchanged() bool { return c.Live != nil && c.Diff == "" }

// Compare renders td and diffs it with the revision against names: FAMILY,
// FAMILY:REV or an ARN; "" is td's family, that is its latest ACTIVE revision. A
// family with no revision is not an error: everything is new. specName names td's
// side of the diff ("dev.tfvars").
func Compare(ctx context.Context, ecs Describer, td taskdef.TaskDefinition, specName, against string) (Comparison, error) {
	if against == "" {
		against = td.Family
	}
	c := Comparison{
		TaskDefinition: td,
		Render:         model.RenderJSON(td),
		LiveRef:        td.Family,
		specName:       specName,
		latest:         against == td.Family,
	}
	live, err := ecs.DescribeTaskDefinition(ctx, against)
	switch {
	case errors.Is(err, aws.KindNotFound) && c.latest:
		// The family has no revision yet.
	case err != nil:
		return Comparison{}, err
	default:
		if c.Latest, err = Revision(live); err != nil {
			return Comparison{}, err
		}
		c.Live, c.LiveRef = live, Ref(c.Latest)
	}
	c.Diff, err = model.DiffTaskDefinitions(c.LiveRef, c.Live, specName, c.Render)
	return c, err
}

// Outcome is what a registration did.
type Outcome struct {
	Registered aws.Registered // the revision made, or the latest one when Unchanged
	Unchanged  bool           // the latest revision already was the task definition: nothing registered
	// Lost is the error RegisterTaskDefinition answered, when the revision was made
	// anyway (a server error or a dropped connection after ECS did the work).
	Lost error
}

// ErrNotLatest is matched by Register's error for a comparison made with another
// revision than the family's latest.
var ErrNotLatest = errors.New("the comparison is not with the latest revision of the family")

// ErrMaybeRegistered is matched by Register's error when the registration failed after
// ECS may have done the work (no answer in time, a dropped connection, a server error,
// the caller cancelled) and the look that followed could not tell whether it had: the
// revision may exist. The next attempt compares with the latest revision first, so it
// finds such a revision instead of making a second one.
var ErrMaybeRegistered = errors.New("ECS may have made the revision before its answer was lost")

// maybeRegistered is a registration error that is also ErrMaybeRegistered; its message
// is the registration's.
type maybeRegistered struct{ err error }

func (e *maybeRegistered) Error() string   { return e.err.Error() }
func (e *maybeRegistered) Unwrap() []error { return []error{e.err, ErrMaybeRegistered} }

// Register registers c's task definition unless the latest revision already is it
// (force registers anyway). c must be a Compare with the family's latest revision.
// When the call fails after ECS may have made the revision, the latest revision is read
// again: one newer than c's that matches the render was registered, and is reported
// as such with the lost answer in Outcome.Lost. When that cannot be read either, the
// error is also ErrMaybeRegistered.
func Register(ctx context.Context, ecs TaskDefinitions, c Comparison, force bool) (Outcome, error) {
	if !c.latest {
		return Outcome{}, fmt.Errorf("register %s: %w", c.TaskDefinition.Family, ErrNotLatest)
	}
	if c.Unchanged() && !force {
		return Outcome{Registered: c.Latest, Unchanged: true}, nil
	}
	reg, err := ecs.Register(ctx, c.TaskDefinition)
	if err == nil {
		return Outcome{Registered: reg}, nil
	}
	if refusedBeforeWork(err) {
		return Outcome{}, err
	}
	// The adapter repeats only a throttled call: after any other failure the revision
	// may exist. Look before reporting a failure.
	found, ok, lookErr := madeAnyway(ctx, ecs, c)
	switch {
	case ok:
		return Outcome{Registered: found, Lost: err}, nil
	case lookErr != nil:
		return Outcome{}, &maybeRegistered{err}
	}
	return Outcome{}, err
}

// refusedBeforeWork reports whether AWS refused the registration without doing it:
// denied, throttled, without credentials, or answered with a client error (a 4xx other
// than a timeout: the request was read and judged). Anything else may have come after
// the revision was made.
func refusedBeforeWork(err error) bool {
	for _, k := range []aws.Kind{aws.KindAccessDenied, aws.KindThrottled, aws.KindNoCredentials,
		aws.KindExpiredCredentials, aws.KindInvalidCredentials, aws.KindNoRegion} {
		if errors.Is(err, k) {
			return true
		}
	}
	var ae *aws.Error
	var status interface{ HTTPStatusCode() int }
	if !errors.As(err, &ae) || !errors.As(err, &status) {
		return false
	}
	code := status.HTTPStatusCode()
	return code >= 400 && code < 500 && code != http.StatusRequestTimeout && !strings.Contains(ae.Code, "Timeout")
}

// RegisterIfChanged compares td with the latest revision of its family and registers
// it only when they differ: Compare, then Register.
func RegisterIfChanged(ctx context.Context, ecs TaskDefinitions, td taskdef.TaskDefinition) (Outcome, error) {
	c, err := Compare(ctx, ecs, td, "spec", "")
	if err != nil {
		return Outcome{}, err
	}
	return Register(ctx, ecs, c, false)
}

// madeAnyway reports the latest revision of the family when it is newer than the one
// c compared with and equals c's render: a registration whose answer was lost. err is
// why the latest revision could not be read.
func madeAnyway(ctx context.Context, ecs Describer, c Comparison) (found aws.Registered, ok bool, err error) {
	doc, err := ecs.DescribeTaskDefinition(ctx, c.TaskDefinition.Family)
	switch {
	case errors.Is(err, aws.KindNotFound):
		return aws.Registered{}, false, nil // nothing registered in the family
	case err != nil:
		return aws.Registered{}, false, err
	}
	latest, err := Revision(doc)
	if err != nil {
		return aws.Registered{}, false, err
	}
	if Ref(latest) == c.LiveRef {
		return aws.Registered{}, false, nil
	}
	diff, err := model.DiffTaskDefinitions(Ref(latest), doc, c.specName, c.Render)
	if err != nil || diff != "" {
		return aws.Registered{}, false, err
	}
	return latest, true, nil
}

// Revision reads which revision a describe-task-definition document is.
func Revision(doc []byte) (aws.Registered, error) {
	var out struct {
		TaskDefinition struct {
			ARN      string `json:"taskDefinitionArn"`
			Family   string `json:"family"`
			Revision int32  `json:"revision"`
		} `json:"taskDefinition"`
	}
	if err := json.Unmarshal(doc, &out); err != nil {
		return aws.Registered{}, fmt.Errorf("read the registered task definition: %w", err)
	}
	td := out.TaskDefinition
	return aws.Registered{ARN: td.ARN, Family: td.Family, Revision: td.Revision}, nil
}

// Ref is FAMILY:REV.
func Ref(r aws.Registered) string { return r.Family + ":" + strconv.Itoa(int(r.Revision)) }

// Outputs are the module's outputs for a registration of td, one per line, as
// `ecswiz register` prints them.
func Outputs(reg aws.Registered, td taskdef.TaskDefinition) []string {
	var name string
	var port int
	if len(td.ContainerDefinitions) > 0 {
		c := td.ContainerDefinitions[0]
		name = c.Name
		if len(c.PortMappings) > 0 {
			port = c.PortMappings[0].ContainerPort
		}
	}
	return []string{
		fmt.Sprintf("task_definition_arn      = %q", reg.ARN),
		fmt.Sprintf("task_definition_family   = %q", reg.Family),
		fmt.Sprintf("task_definition_revision = %d", reg.Revision),
		fmt.Sprintf("container_name           = %q", name),
		fmt.Sprintf("container_port           = %d", port),
	}
}
