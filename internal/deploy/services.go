package deploy

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecswiz/ecswiz/internal/aws"
)

// ServiceLister lists clusters and their services (*aws.ECS is one).
type ServiceLister interface {
	Clusters(ctx context.Context) ([]aws.Cluster, error)
	Services(ctx context.Context, cluster string) ([]aws.Service, error)
}

// Service is an ECS service running a revision of a family.
type Service struct {
	Cluster, Name string
	Running       string // FAMILY:REV it runs now
}

// ServicesOf lists the services, in every cluster of the account and Region, whose
// current task definition is a revision of family: the ones a new revision could roll
// to. A service of another family (one whose name begins with family's included) is
// not one, nor is a service being deleted (DRAINING, INACTIVE).
func ServicesOf(ctx context.Context, ecs ServiceLister, family string) ([]Service, error) {
	clusters, err := ecs.Clusters(ctx)
	if err != nil {
		return nil, err
	}
	var out []Service
	for _, c := range clusters {
		services, err := ecs.Services(ctx, c.Name)
		if err != nil {
			return nil, err
		}
		for _, svc := range services {
			if svc.Status != "" && svc.Status != "ACTIVE" {
				continue
			}
			if ref, ok := revisionOf(svc.TaskDefinitionARN, family); ok {
				out = append(out, Service{Cluster: c.Name, Name: svc.Name, Running: ref})
			}
		}
	}
	return out, nil
}

// RevisionOf is FAMILY:REV of a task definition ARN (FAMILY:REV stays as it is).
func RevisionOf(taskDefinitionARN string) string {
	return taskDefinitionARN[strings.LastIndex(taskDefinitionARN, "/")+1:]
}

// revisionOf is FAMILY:REV of a task definition ARN (or FAMILY:REV) when it is a
// revision of family.
func revisionOf(taskDefinition, family string) (string, bool) {
	ref := RevisionOf(taskDefinition)
	f, rev, ok := strings.Cut(ref, ":")
	if !ok || f != family || rev == "" {
		return "", false
	}
	if _, err := strconv.Atoi(rev); err != nil {
		return "", false
	}
	return ref, true
}

// UpdateCommand is the AWS CLI line that rolls the service to revision ref (FAMILY:REV).
func (s Service) UpdateCommand(ref string) string {
	return fmt.Sprintf("aws ecs update-service --cluster %s --service %s --task-definition %s", s.Cluster, s.Name, ref)
}
