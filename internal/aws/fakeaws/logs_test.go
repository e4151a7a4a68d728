package fakeaws_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logs "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

func TestLogGroups(t *testing.T) {
	c := start(t)
	for i := range 7 {
		must[*logs.CreateLogGroupOutput](t)(c.logs.CreateLogGroup(ctx(t), &logs.CreateLogGroupInput{LogGroupName: aws.String(fmt.Sprintf("/ecs/app-%d", i))}))
	}
	c.srv.CreateLogGroup("/aws/lambda/x", 0)
	_, err := c.logs.CreateLogGroup(ctx(t), &logs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/app-0")})
	var exists *logstypes.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("want ResourceAlreadyExistsException, got %v", err)
	}
	must[*logs.PutRetentionPolicyOutput](t)(c.logs.PutRetentionPolicy(ctx(t), &logs.PutRetentionPolicyInput{LogGroupName: aws.String("/ecs/app-3"), RetentionInDays: aws.Int32(30)}))
	_, err = c.logs.PutRetentionPolicy(ctx(t), &logs.PutRetentionPolicyInput{LogGroupName: aws.String("/ecs/none"), RetentionInDays: aws.Int32(30)})
	var nf *logstypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
	_, err = c.logs.DescribeLogGroups(ctx(t), &logs.DescribeLogGroupsInput{Limit: aws.Int32(51)})
	wantCode(t, err, "InvalidParameterException")

	var names []string
	p := logs.NewDescribeLogGroupsPaginator(c.logs, &logs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/"), Limit: aws.Int32(3)})
	for p.HasMorePages() {
		for _, g := range must[*logs.DescribeLogGroupsOutput](t)(p.NextPage(ctx(t))).LogGroups {
			names = append(names, *g.LogGroupName)
			if *g.LogGroupName == "/ecs/app-3" && (g.RetentionInDays == nil || *g.RetentionInDays != 30) {
				t.Errorf("retention %v", g.RetentionInDays)
			}
		}
	}
	if len(names) != 7 || names[0] != "/ecs/app-0" {
		t.Errorf("groups %v", names)
	}
}

func TestLogStreamsAndFollowingEvents(t *testing.T) {
	base := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	c := start(t, fakeaws.WithClock(func() time.Time { return base }))
	ev := func(min int, msg string) fakeaws.LogEvent {
		return fakeaws.LogEvent{Timestamp: base.Add(time.Duration(min) * time.Minute), Message: msg}
	}
	c.srv.PutLogEvents("/ecs/web", "ecs/web/aaa", ev(-30, "old 1"), ev(-29, "old 2"))
	c.srv.PutLogEvents("/ecs/web", "ecs/web/bbb", ev(-5, "one"), ev(-4, "two"), ev(-3, "three"))
	c.srv.PutLogEvents("/ecs/web", "other/web/ccc", ev(-10, "x"))

	byTime := must[*logs.DescribeLogStreamsOutput](t)(c.logs.DescribeLogStreams(ctx(t), &logs.DescribeLogStreamsInput{
		LogGroupName: aws.String("/ecs/web"), OrderBy: logstypes.OrderByLastEventTime, Descending: aws.Bool(true)}))
	var order []string
	for _, s := range byTime.LogStreams {
		order = append(order, *s.LogStreamName)
	}
	if diff := cmp.Diff([]string{"ecs/web/bbb", "other/web/ccc", "ecs/web/aaa"}, order); diff != "" {
		t.Errorf("by last event time (-want +got):\n%s", diff)
	}
	if s := byTime.LogStreams[0]; *s.LastEventTimestamp != base.Add(-3*time.Minute).UnixMilli() || *s.FirstEventTimestamp != base.Add(-5*time.Minute).UnixMilli() {
		t.Errorf("timestamps %+v", s)
	}
	prefixed := must[*logs.DescribeLogStreamsOutput](t)(c.logs.DescribeLogStreams(ctx(t), &logs.DescribeLogStreamsInput{
		LogGroupName: aws.String("/ecs/web"), LogStreamNamePrefix: aws.String("ecs/")}))
	if len(prefixed.LogStreams) != 2 {
		t.Errorf("prefix: %d streams", len(prefixed.LogStreams))
	}

	get := func(in *logs.GetLogEventsInput) *logs.GetLogEventsOutput {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String("/ecs/web"), aws.String("ecs/web/bbb")
		return must[*logs.GetLogEventsOutput](t)(c.logs.GetLogEvents(ctx(t), in))
	}
	msgs := func(out *logs.GetLogEventsOutput) []string {
		var m []string
		for _, e := range out.Events {
			m = append(m, *e.Message)
		}
		return m
	}
	// Tail: the last events, newest last.
	tail := get(&logs.GetLogEventsInput{Limit: aws.Int32(2)})
	if diff := cmp.Diff([]string{"two", "three"}, msgs(tail)); diff != "" {
		t.Errorf("tail (-want +got):\n%s", diff)
	}
	back := get(&logs.GetLogEventsInput{Limit: aws.Int32(2), NextToken: tail.NextBackwardToken})
	if diff := cmp.Diff([]string{"one"}, msgs(back)); diff != "" {
		t.Errorf("backward (-want +got):\n%s", diff)
	}
	// Following from the head.
	head := get(&logs.GetLogEventsInput{StartFromHead: aws.Bool(true), Limit: aws.Int32(2)})
	if diff := cmp.Diff([]string{"one", "two"}, msgs(head)); diff != "" {
		t.Errorf("head (-want +got):\n%s", diff)
	}
	next := get(&logs.GetLogEventsInput{StartFromHead: aws.Bool(true), NextToken: head.NextForwardToken})
	if diff := cmp.Diff([]string{"three"}, msgs(next)); diff != "" {
		t.Errorf("next (-want +got):\n%s", diff)
	}
	idle := get(&logs.GetLogEventsInput{StartFromHead: aws.Bool(true), NextToken: next.NextForwardToken})
	if len(idle.Events) != 0 || *idle.NextForwardToken != *next.NextForwardToken {
		t.Errorf("idle poll: %d events, token %s, want the same token %s", len(idle.Events), *idle.NextForwardToken, *next.NextForwardToken)
	}
	must[*logs.PutLogEventsOutput](t)(c.logs.PutLogEvents(ctx(t), &logs.PutLogEventsInput{
		LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("ecs/web/bbb"),
		LogEvents: []logstypes.InputLogEvent{{Timestamp: aws.Int64(base.UnixMilli()), Message: aws.String("four")}}}))
	more := get(&logs.GetLogEventsInput{StartFromHead: aws.Bool(true), NextToken: idle.NextForwardToken})
	if diff := cmp.Diff([]string{"four"}, msgs(more)); diff != "" {
		t.Errorf("after append (-want +got):\n%s", diff)
	}

	_, err := c.logs.GetLogEvents(ctx(t), &logs.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("nope")})
	var nf *logstypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
	_, err = c.logs.PutLogEvents(ctx(t), &logs.PutLogEventsInput{LogGroupName: aws.String("/ecs/none"), LogStreamName: aws.String("s"),
		LogEvents: []logstypes.InputLogEvent{{Timestamp: aws.Int64(1), Message: aws.String("m")}}})
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
}

func TestDescribeLogGroupsPagesAtMostFiftyLikeAWS(t *testing.T) {
	c := start(t)
	for i := range 120 {
		c.srv.CreateLogGroup(fmt.Sprintf("/ecs/page-%03d", i), 0)
	}
	var sizes []int
	var names []string
	in := &logs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/page-")}
	for {
		out := must[*logs.DescribeLogGroupsOutput](t)(c.logs.DescribeLogGroups(ctx(t), in))
		sizes = append(sizes, len(out.LogGroups))
		for _, g := range out.LogGroups {
			names = append(names, *g.LogGroupName)
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if diff := cmp.Diff([]int{50, 50, 20}, sizes); diff != "" {
		t.Errorf("page sizes without a limit (-want +got):\n%s", diff)
	}
	if len(names) != 120 || names[0] != "/ecs/page-000" || names[119] != "/ecs/page-119" {
		t.Errorf("names: %d, first %q, last %q", len(names), names[0], names[len(names)-1])
	}
	_, err := c.logs.DescribeLogGroups(ctx(t), &logs.DescribeLogGroupsInput{Limit: aws.Int32(50)})
	if err != nil {
		t.Errorf("a limit of 50 is refused: %v", err)
	}
}
