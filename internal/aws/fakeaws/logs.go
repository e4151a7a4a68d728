package fakeaws

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// LogEvent is a line of a log stream.
type LogEvent struct {
	Timestamp time.Time
	Message   string
}

type logEvent struct {
	ts, ingested int64 // ms
	msg          string
}

type logStream struct {
	name    string
	created time.Time
	events  []logEvent // in the order put
}

type logGroup struct {
	name      string
	created   time.Time
	retention int
	streams   map[string]*logStream
}

type logsState struct {
	groups map[string]*logGroup
}

func (st *logsState) init() { st.groups = map[string]*logGroup{} }

func init() {
	registerJSON(ServiceLogs, map[string]jsonHandler{
		"DescribeLogGroups":  (*Server).logsDescribeLogGroups,
		"CreateLogGroup":     (*Server).logsCreateLogGroup,
		"DeleteLogGroup":     (*Server).logsDeleteLogGroup,
		"PutRetentionPolicy": (*Server).logsPutRetentionPolicy,
		"DescribeLogStreams": (*Server).logsDescribeLogStreams,
		"CreateLogStream":    (*Server).logsCreateLogStream,
		"GetLogEvents":       (*Server).logsGetLogEvents,
		"PutLogEvents":       (*Server).logsPutLogEvents,
	})
}

// CreateLogGroup creates a log group (no-op when it exists); retentionDays 0 = never expire.
func (s *Server) CreateLogGroup(name string, retentionDays int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groupLocked(name).retention = retentionDays
}

func (s *Server) groupLocked(name string) *logGroup {
	g, ok := s.logs.groups[name]
	if !ok {
		g = &logGroup{name: name, created: s.now(), streams: map[string]*logStream{}}
		s.logs.groups[name] = g
	}
	return g
}

// PutLogEvents appends events to a stream, creating the group and stream when missing.
func (s *Server) PutLogEvents(group, stream string, events ...LogEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groupLocked(group)
	created := s.now()
	for _, e := range events {
		if e.Timestamp.Before(created) {
			created = e.Timestamp
		}
	}
	st := s.streamLocked(g, stream, created)
	for _, e := range events {
		// Seeded lines were ingested about a second after they were logged.
		st.events = append(st.events, logEvent{ts: millis(e.Timestamp), ingested: millis(e.Timestamp) + 1000, msg: e.Message})
	}
}

func (s *Server) streamLocked(g *logGroup, name string, created time.Time) *logStream {
	st, ok := g.streams[name]
	if !ok {
		st = &logStream{name: name, created: created}
		g.streams[name] = st
	}
	return st
}

func (s *Server) logGroupARN(name string) string { return s.arnPrefix("logs") + "log-group:" + name }

var logGroupRE = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)

func groupMissing() *apiError {
	return errorf("ResourceNotFoundException", "The specified log group does not exist.")
}

func (s *Server) groupFor(name string) (*logGroup, error) {
	if strings.HasPrefix(name, "arn:") { // logGroupIdentifier may be an ARN
		_, name, _ = strings.Cut(name, ":log-group:")
		name = strings.TrimSuffix(name, ":*")
	}
	g, ok := s.logs.groups[name]
	if !ok {
		return nil, groupMissing()
	}
	return g, nil
}

func (s *Server) logsDescribeLogGroups(r *request) (any, error) {
	var in struct {
		LogGroupNamePrefix  string `json:"logGroupNamePrefix"`
		LogGroupNamePattern string `json:"logGroupNamePattern"`
		Limit               *int   `json:"limit"`
		NextToken           string `json:"nextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "limit", in.Limit, 50); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, errorf("InvalidParameterException", "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var groups []any
	for _, n := range slices.Sorted(maps.Keys(s.logs.groups)) {
		if !strings.HasPrefix(n, in.LogGroupNamePrefix) || (in.LogGroupNamePattern != "" && !strings.Contains(strings.ToLower(n), strings.ToLower(in.LogGroupNamePattern))) {
			continue
		}
		g := s.logs.groups[n]
		gj := map[string]any{
			"logGroupName": n, "creationTime": millis(g.created), "metricFilterCount": 0,
			"arn": s.logGroupARN(n) + ":*", "logGroupArn": s.logGroupARN(n), "storedBytes": 0,
			"logGroupClass": "STANDARD",
		}
		if g.retention > 0 {
			gj["retentionInDays"] = g.retention
		}
		groups = append(groups, gj)
	}
	page, next, ok := pageOf(groups, in.NextToken, ptrInt(in.Limit, 50))
	if !ok {
		return nil, errorf("InvalidParameterException", "The specified nextToken is invalid.")
	}
	return map[string]any{"logGroups": nonNil(page), "nextToken": optional(next)}, nil
}

func (s *Server) logsCreateLogGroup(r *request) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if !logGroupRE.MatchString(in.LogGroupName) {
		return nil, validationErr("InvalidParameterException", in.LogGroupName, "logGroupName", "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.logs.groups[in.LogGroupName]; ok {
		return nil, errorf("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	s.groupLocked(in.LogGroupName)
	return struct{}{}, nil
}

func (s *Server) logsDeleteLogGroup(r *request) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.logs.groups[in.LogGroupName]; !ok {
		return nil, groupMissing()
	}
	delete(s.logs.groups, in.LogGroupName)
	return struct{}{}, nil
}

var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (s *Server) logsPutRetentionPolicy(r *request) (any, error) {
	var in struct {
		LogGroupName    string `json:"logGroupName"`
		RetentionInDays int    `json:"retentionInDays"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if !slices.Contains(retentionDays, in.RetentionInDays) {
		return nil, validationErr("InvalidParameterException", strconv.Itoa(in.RetentionInDays), "retentionInDays",
			"Member must satisfy enum value set: "+fmt.Sprint(retentionDays))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupFor(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	g.retention = in.RetentionInDays
	return struct{}{}, nil
}

func (s *Server) logsCreateLogStream(r *request) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupFor(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if _, ok := g.streams[in.LogStreamName]; ok {
		return nil, errorf("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	s.streamLocked(g, in.LogStreamName, s.now())
	return struct{}{}, nil
}

func (st *logStream) bounds() (first, last, ingested int64) {
	for i, e := range st.events {
		if i == 0 || e.ts < first {
			first = e.ts
		}
		last = max(last, e.ts)
		ingested = max(ingested, e.ingested)
	}
	return first, last, ingested
}

func (s *Server) logsDescribeLogStreams(r *request) (any, error) {
	var in struct {
		LogGroupName        string `json:"logGroupName"`
		LogGroupIdentifier  string `json:"logGroupIdentifier"`
		LogStreamNamePrefix string `json:"logStreamNamePrefix"`
		OrderBy             string `json:"orderBy"`
		Descending          bool   `json:"descending"`
		Limit               *int   `json:"limit"`
		NextToken           string `json:"nextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "limit", in.Limit, 50); err != nil {
		return nil, err
	}
	if in.OrderBy == "LastEventTime" && in.LogStreamNamePrefix != "" {
		return nil, errorf("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	if in.OrderBy != "" && in.OrderBy != "LogStreamName" && in.OrderBy != "LastEventTime" {
		return nil, validationErr("InvalidParameterException", in.OrderBy, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	name := in.LogGroupName
	if name == "" {
		name = in.LogGroupIdentifier
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupFor(name)
	if err != nil {
		return nil, err
	}
	type row struct {
		st                     *logStream
		first, last, ingestion int64
	}
	var rows []row
	for _, st := range g.streams {
		if strings.HasPrefix(st.name, in.LogStreamNamePrefix) {
			f, l, ing := st.bounds()
			rows = append(rows, row{st, f, l, ing})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if in.OrderBy == "LastEventTime" && rows[i].last != rows[j].last {
			return rows[i].last < rows[j].last
		}
		return rows[i].st.name < rows[j].st.name
	})
	if in.Descending {
		slices.Reverse(rows)
	}
	var streams []any
	for _, rw := range rows {
		sj := map[string]any{
			"logStreamName": rw.st.name, "creationTime": millis(rw.st.created),
			"arn":         s.logGroupARN(g.name) + ":log-stream:" + rw.st.name,
			"storedBytes": 0, "uploadSequenceToken": fakeDigits(rw.st.name, strconv.Itoa(len(rw.st.events))),
		}
		if len(rw.st.events) > 0 {
			sj["firstEventTimestamp"], sj["lastEventTimestamp"], sj["lastIngestionTime"] = rw.first, rw.last, rw.ingestion
		}
		streams = append(streams, sj)
	}
	page, next, ok := pageOf(streams, in.NextToken, ptrInt(in.Limit, 50))
	if !ok {
		return nil, errorf("InvalidParameterException", "The specified nextToken is invalid.")
	}
	return map[string]any{"logStreams": nonNil(page), "nextToken": optional(next)}, nil
}

// GetLogEvents tokens name a position in the stream: f/N reads forward from event N,
// b/N reads backward from before event N, like AWS's (which are f/ or b/ and 56 digits).
func logToken(dir byte, n int) string { return fmt.Sprintf("%c/%056d", dir, n) }

func parseLogToken(tok string) (byte, int, bool) {
	if len(tok) < 3 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' {
		return 0, 0, false
	}
	n, err := strconv.Atoi(tok[2:])
	if err != nil || n < 0 {
		return 0, 0, false
	}
	return tok[0], n, true
}

func (s *Server) logsGetLogEvents(r *request) (any, error) {
	var in struct {
		LogGroupName       string `json:"logGroupName"`
		LogGroupIdentifier string `json:"logGroupIdentifier"`
		LogStreamName      string `json:"logStreamName"`
		StartTime          *int64 `json:"startTime"`
		EndTime            *int64 `json:"endTime"`
		NextToken          string `json:"nextToken"`
		Limit              *int   `json:"limit"`
		StartFromHead      bool   `json:"startFromHead"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "limit", in.Limit, 10000); err != nil {
		return nil, err
	}
	limit := ptrInt(in.Limit, 10000)
	name := in.LogGroupName
	if name == "" {
		name = in.LogGroupIdentifier
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupFor(name)
	if err != nil {
		return nil, err
	}
	st, ok := g.streams[in.LogStreamName]
	if !ok {
		return nil, errorf("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	// The events in the time window, as indexes into the stream.
	var idx []int
	for i, e := range st.events {
		if (in.StartTime == nil || e.ts >= *in.StartTime) && (in.EndTime == nil || e.ts < *in.EndTime) {
			idx = append(idx, i)
		}
	}
	// pos converts a stream position into a position in idx.
	pos := func(n int) int { return sort.SearchInts(idx, n) }
	var from, to int // range within idx
	switch {
	case in.NextToken != "":
		dir, n, ok := parseLogToken(in.NextToken)
		if !ok || n > len(st.events) {
			return nil, errorf("InvalidParameterException", "The specified nextToken is invalid.")
		}
		p := pos(n)
		if dir == 'f' {
			from, to = p, min(p+limit, len(idx))
		} else {
			from, to = max(0, p-limit), p
		}
	case in.StartFromHead:
		from, to = 0, min(limit, len(idx))
	default:
		from, to = max(0, len(idx)-limit), len(idx)
	}
	events := []any{}
	for _, i := range idx[from:to] {
		e := st.events[i]
		events = append(events, map[string]any{"timestamp": e.ts, "message": e.msg, "ingestionTime": e.ingested})
	}
	// The forward token continues after the last event returned, the backward one before
	// the first; when nothing is returned both stay where the token pointed (so a follower
	// polling an idle stream gets its own token back).
	var fwd, back int
	switch {
	case to > from:
		fwd, back = idx[to-1]+1, idx[from]
	case in.NextToken != "":
		_, n, _ := parseLogToken(in.NextToken)
		fwd, back = n, n
	default:
		fwd = len(st.events)
		if in.StartFromHead {
			fwd = 0
		}
		back = fwd
	}
	return map[string]any{"events": events, "nextForwardToken": logToken('f', fwd), "nextBackwardToken": logToken('b', back)}, nil
}

func (s *Server) logsPutLogEvents(r *request) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		LogEvents     []struct {
			Timestamp int64  `json:"timestamp"`
			Message   string `json:"message"`
		} `json:"logEvents"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if len(in.LogEvents) == 0 || len(in.LogEvents) > 10000 {
		return nil, validationErr("InvalidParameterException", strconv.Itoa(len(in.LogEvents)), "logEvents", "Member must have length between 1 and 10000")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupFor(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	st, ok := g.streams[in.LogStreamName]
	if !ok {
		return nil, errorf("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	now := millis(s.now())
	for _, e := range in.LogEvents {
		st.events = append(st.events, logEvent{ts: e.Timestamp, ingested: now, msg: e.Message})
	}
	return map[string]any{"nextSequenceToken": fakeDigits(st.name, strconv.Itoa(len(st.events)))}, nil
}
