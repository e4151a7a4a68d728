package doctor

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ecswiz/ecswiz/internal/aws"
)

// Why a container's log stream cannot be named.
var (
	// ErrNoAWSLogs: the container does not log to CloudWatch Logs with awslogs.
	ErrNoAWSLogs = errors.New("the container does not log with awslogs")
	// ErrNoStreamPrefix: awslogs without awslogs-stream-prefix names streams after the
	// Docker container id, which ECS does not report; on Fargate the prefix is required.
	ErrNoStreamPrefix = errors.New("no awslogs-stream-prefix")
)

// LogStreamOf names the CloudWatch Logs stream a container of a task wrote to, from the
// container's awslogs configuration in the task definition the task ran (doc, as
// ParseTaskDefinition reads it): stream is PREFIX/CONTAINER/TASK_ID, as ECS names it;
// region is the awslogs-region option ("" when not set: the task's own Region). taskID
// may be the task's ARN. container "" means the task's main container (the first
// essential one).
//
// The stream is never guessed: a container without awslogs, or without a stream prefix,
// is an error (ErrNoAWSLogs, ErrNoStreamPrefix), not the first stream of the group, which
// belongs to some other task.
func LogStreamOf(doc []byte, container, taskID string) (group, stream, region string, err error) {
	td, err := ParseTaskDefinition(doc)
	if err != nil {
		return "", "", "", err
	}
	i := mainContainer(td)
	if container != "" {
		i = -1
		var names []string
		for j, cd := range td.ContainerDefinitions {
			names = append(names, cd.Name)
			if cd.Name == container {
				i = j
			}
		}
		if i < 0 {
			return "", "", "", fmt.Errorf("find container %q in task definition %s: it has %s", container, td.Family, strings.Join(quoteAll(names), ", "))
		}
	}
	cd := td.ContainerDefinitions[i]
	if strings.TrimSpace(taskID) == "" {
		return "", "", "", fmt.Errorf("name the log stream of container %q: no task id", cd.Name)
	}
	lc := cd.LogConfiguration
	switch {
	case lc == nil:
		return "", "", "", fmt.Errorf("container %q has no log configuration, so ECS sent its output nowhere: %w", cd.Name, ErrNoAWSLogs)
	case lc.LogDriver != "awslogs":
		return "", "", "", fmt.Errorf("container %q logs with %s, not to CloudWatch Logs: %w", cd.Name, lc.LogDriver, ErrNoAWSLogs)
	}
	group, prefix, region := lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"], lc.Options["awslogs-region"]
	if group == "" {
		return "", "", "", fmt.Errorf("container %q logs with awslogs but names no awslogs-group: %w", cd.Name, ErrNoAWSLogs)
	}
	if prefix == "" {
		return group, "", region, fmt.Errorf("container %q: %w: without it awslogs names the stream after the Docker container id, "+
			"which ECS does not report (on Fargate the prefix is required); set log_stream_prefix", cd.Name, ErrNoStreamPrefix)
	}
	return group, aws.TaskStream(prefix, cd.Name, taskID), region, nil
}
