package wizard

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// The registration the Act step makes, diff-first as `ecswiz register` does it: ECS makes
// a new revision on every call, even when nothing changed, so the latest revision is read
// and compared first.
//
// TODO: actDescribedRevision, actRef, actRegister and actMadeAnyway repeat the small part
// of cmd/ecswiz/register.go and diff.go that both need; they belong in a shared package
// (e.g. internal/aws or a new internal/deploy) that the CLI and the wizard call.

// specDocName names the spec's side of a diff.
const specDocName = "spec"

// registerOutcome is what a registration did.
type registerOutcome struct {
	reg       aws.Registered
	unchanged bool  // the latest revision already is this task definition: nothing registered
	lost      error // the answer to RegisterTaskDefinition was lost, but the revision was made
}

// actRegister registers td unless the latest revision of its family already is it.
// When the call fails after ECS may have made the revision (a 5xx, a dropped
// connection, a timeout), it reads the latest revision again before reporting the
// failure, so a retry never makes a second revision.
func actRegister(ctx context.Context, tds taskDefinitions, td taskdef.TaskDefinition, render []byte) (registerOutcome, error) {
	live, err := tds.DescribeTaskDefinition(ctx, td.Family)
	liveRef := td.Family
	var latest aws.Registered
	switch {
	case isNotFound(err):
		live = nil
	case err != nil:
		return registerOutcome{}, err
	default:
		if latest, err = actDescribedRevision(live); err != nil {
			return registerOutcome{}, err
		}
		liveRef = actRef(latest)
	}
	diff, err := model.DiffTaskDefinitions(liveRef, live, specDocName, render)
	if err != nil {
		return registerOutcome{}, err
	}
	if live != nil && diff == "" {
		return registerOutcome{reg: latest, unchanged: true}, nil
	}
	reg, err := tds.Register(ctx, td)
	if err != nil {
		if found, ok := actMadeAnyway(ctx, tds, td.Family, liveRef, render); ok {
			return registerOutcome{reg: found, lost: err}, nil
		}
		return registerOutcome{}, err
	}
	return registerOutcome{reg: reg}, nil
}

// actMadeAnyway reports the latest revision of family when it is newer than the one
// compared with (liveRef) and equals the render: a registration whose answer was lost.
func actMadeAnyway(ctx context.Context, tds taskDefinitions, family, liveRef string, render []byte) (aws.Registered, bool) {
	doc, err := tds.DescribeTaskDefinition(ctx, family)
	if err != nil {
		return aws.Registered{}, false
	}
	latest, err := actDescribedRevision(doc)
	if err != nil || actRef(latest) == liveRef {
		return aws.Registered{}, false
	}
	diff, err := model.DiffTaskDefinitions(actRef(latest), doc, specDocName, render)
	if err != nil || diff != "" {
		return aws.Registered{}, false
	}
	return latest, true
}

// actDescribedRevision reads which revision a describe-task-definition document is.
func actDescribedRevision(doc []byte) (aws.Registered, error) {
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

// actRef is FAMILY:REV.
func actRef(r aws.Registered) string { return r.Family + ":" + strconv.Itoa(int(r.Revision)) }

// familyService is an ECS service running a revision of the family registered.
type familyService struct {
	Cluster, Service string
	Current          string // FAMILY:REV it runs now
}

// actServicesOf lists the services, in every cluster of the account and Region, whose
// task definition is a revision of family.
func actServicesOf(ctx context.Context, tds taskDefinitions, family string) ([]familyService, error) {
	clusters, err := tds.Clusters(ctx)
	if err != nil {
		return nil, err
	}
	var out []familyService
	for _, c := range clusters {
		services, err := tds.Services(ctx, c.Name)
		if err != nil {
			return nil, err
		}
		for _, svc := range services {
			ref := taskDefRefOf(svc.TaskDefinitionARN)
			if f, _, ok := strings.Cut(ref, ":"); ok && f == family {
				out = append(out, familyService{Cluster: c.Name, Service: svc.Name, Current: ref})
			}
		}
	}
	return out, nil
}

// taskDefRefOf is FAMILY:REV of a task definition ARN (or of FAMILY:REV itself).
func taskDefRefOf(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// updateServiceCommand is the AWS CLI line that rolls a service to revision ref.
func updateServiceCommand(svc familyService, ref string) string {
	return fmt.Sprintf("aws ecs update-service --cluster %s --service %s --task-definition %s", svc.Cluster, svc.Service, ref)
}

// outputLines are the module's outputs for a registration, as `ecswiz register` prints them.
func outputLines(reg aws.Registered, containerName string, containerPort int) []string {
	return []string{
		fmt.Sprintf("task_definition_arn      = %q", reg.ARN),
		fmt.Sprintf("task_definition_family   = %q", reg.Family),
		fmt.Sprintf("task_definition_revision = %d", reg.Revision),
		fmt.Sprintf("container_name           = %q", containerName),
		fmt.Sprintf("container_port           = %d", containerPort),
	}
}
