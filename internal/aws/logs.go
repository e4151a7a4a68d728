package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// LogsAPI is the part of the CloudWatch Logs client Logs uses.
type LogsAPI interface {
	DescribeLogGroups(context.Context, *cloudwatchlogs.DescribeLogGroupsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	CreateLogGroup(context.Context, *cloudwatchlogs.CreateLogGroupInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
	PutRetentionPolicy(context.Context, *cloudwatchlogs.PutRetentionPolicyInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error)
	GetLogEvents(context.Context, *cloudwatchlogs.GetLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// Logs checks and creates log groups and reads a task's log stream.
type Logs struct{ api LogsAPI }

// NewLogs wraps a CloudWatch Logs client.
func NewLogs(api LogsAPI) *Logs { return &Logs{api: api} }

// LogLine is one log event.
type LogLine struct {
	Time    time.Time
	Message string
}

// GroupExists reports whether a log group of exactly that name exists.
//
// Equivalent to aws logs describe-log-groups --log-group-name-prefix NAME
func (l *Logs) GroupExists(ctx context.Context, name string) (bool, error) {
	in := &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: sdkaws.String(name)}
	for {
		out, err := l.api.DescribeLogGroups(ctx, in)
		if err != nil {
			return false, classify(fmt.Sprintf("look up log group %s", name), err)
		}
		for _, g := range out.LogGroups {
			if sdkaws.ToString(g.LogGroupName) == name {
				return true, nil
			}
		}
		if sdkaws.ToString(out.NextToken) == "" {
			return false, nil
		}
		in.NextToken = out.NextToken
	}
}

// Groups lists the names of the log groups starting with prefix ("" lists every group),
// following every page (AWS returns at most 50 a page), sorted by name.
//
// Equivalent to aws logs describe-log-groups --log-group-name-prefix PREFIX
func (l *Logs) Groups(ctx context.Context, prefix string) ([]string, error) {
	in := &cloudwatchlogs.DescribeLogGroupsInput{}
	if prefix != "" {
		in.LogGroupNamePrefix = sdkaws.String(prefix)
	}
	var names []string
	for {
		out, err := l.api.DescribeLogGroups(ctx, in)
		if err != nil {
			if prefix == "" {
				return nil, classify("list log groups", err)
			}
			return nil, classify(fmt.Sprintf("list log groups under %s", prefix), err)
		}
		for _, g := range out.LogGroups {
			names = append(names, sdkaws.ToString(g.LogGroupName))
		}
		if sdkaws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	slices.Sort(names)
	return names, nil
}

// CreateGroup creates a log group and sets its retention (0 = never expire). A group
// that exists already is fine; its retention is still set.
//
// Equivalent to aws logs create-log-group --log-group-name NAME, then
// aws logs put-retention-policy --log-group-name NAME --retention-in-days DAYS
func (l *Logs) CreateGroup(ctx context.Context, name string, retentionDays int32) error {
	op := fmt.Sprintf("create log group %s", name)
	_, err := l.api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: sdkaws.String(name)})
	if err = classify(op, err); err != nil && KindOf(err) != KindAlreadyExists {
		return err
	}
	if retentionDays <= 0 {
		return nil
	}
	_, err = l.api.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName: sdkaws.String(name), RetentionInDays: sdkaws.Int32(retentionDays),
	})
	return classify(fmt.Sprintf("set retention of log group %s to %d days", name, retentionDays), err)
}

// TaskStream is the awslogs stream of a container of a task: PREFIX/CONTAINER/TASK_ID.
// taskID may be the task's ARN.
func TaskStream(prefix, container, taskID string) string {
	taskID = taskID[strings.LastIndex(taskID, "/")+1:]
	return prefix + "/" + container + "/" + taskID
}

// Tail returns the newest n lines of a stream, oldest first, and a token for Next.
//
// Equivalent to aws logs get-log-events --log-group-name G --log-stream-name S --no-start-from-head --limit N
func (l *Logs) Tail(ctx context.Context, group, stream string, n int) ([]LogLine, string, error) {
	in := &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: sdkaws.String(group), LogStreamName: sdkaws.String(stream),
		StartFromHead: sdkaws.Bool(false),
	}
	if n > 0 {
		in.Limit = sdkaws.Int32(int32(min(n, 10000)))
	}
	out, err := l.api.GetLogEvents(ctx, in)
	if err != nil {
		return nil, "", classify(fmt.Sprintf("read log stream %s in %s", stream, group), err)
	}
	return linesOf(out), sdkaws.ToString(out.NextForwardToken), nil
}

// Next returns the lines written after token (from Tail or a previous Next) and the
// token to poll with next time; no new lines gives the same token back. It is one call,
// so a TUI can issue it as a command on a timer.
//
// Equivalent to aws logs get-log-events --log-group-name G --log-stream-name S --next-token TOKEN --start-from-head
func (l *Logs) Next(ctx context.Context, group, stream, token string) ([]LogLine, string, error) {
	in := &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: sdkaws.String(group), LogStreamName: sdkaws.String(stream),
		StartFromHead: sdkaws.Bool(true),
	}
	if token != "" {
		in.NextToken = sdkaws.String(token)
	}
	out, err := l.api.GetLogEvents(ctx, in)
	if err != nil {
		return nil, token, classify(fmt.Sprintf("read log stream %s in %s", stream, group), err)
	}
	next := sdkaws.ToString(out.NextForwardToken)
	if next == "" {
		next = token
	}
	return linesOf(out), next, nil
}

// Follow calls fn with new lines every poll until ctx ends, starting after token; it
// returns nil when ctx is cancelled and the first error otherwise.
func (l *Logs) Follow(ctx context.Context, group, stream, token string, poll time.Duration, fn func([]LogLine)) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		lines, next, err := l.Next(ctx, group, stream, token)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		token = next
		if len(lines) > 0 {
			fn(lines)
		}
	}
}

func linesOf(out *cloudwatchlogs.GetLogEventsOutput) []LogLine {
	lines := make([]LogLine, 0, len(out.Events))
	for _, e := range out.Events {
		lines = append(lines, LogLine{
			Time:    time.UnixMilli(sdkaws.ToInt64(e.Timestamp)),
			Message: strings.TrimRight(sdkaws.ToString(e.Message), "\n"),
		})
	}
	return lines
}
