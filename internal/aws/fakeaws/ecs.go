package fakeaws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Service seeds an ECS service (AddService).
type Service struct {
	Cluster        string
	Name           string
	TaskDefinition string // family:revision or ARN
	DesiredCount   int
	RunningCount   int
	PendingCount   int
	// CapacityProvider "FARGATE_SPOT" gives a capacity provider strategy; else launch type FARGATE.
	CapacityProvider string
	TargetGroupARN   string
	ContainerName    string
	ContainerPort    int
	CreatedAt        time.Time
	Deployments      []Deployment // default: one PRIMARY deployment of TaskDefinition
	Events           []ServiceEvent
}

// Deployment is a service deployment.
type Deployment struct {
	ID                 string // default ecs-svc/NNN
	Status             string // PRIMARY, ACTIVE
	TaskDefinition     string // family:revision or ARN
	DesiredCount       int
	RunningCount       int
	PendingCount       int
	FailedTasks        int
	RolloutState       string // COMPLETED, IN_PROGRESS, FAILED
	RolloutStateReason string
	CreatedAt          time.Time
}

// ServiceEvent is a line of a service's event log.
type ServiceEvent struct {
	At      time.Time
	Message string
}

// Task seeds an ECS task (AddTask).
type Task struct {
	Cluster          string
	ID               string // 32 hex characters
	TaskDefinition   string // family:revision or ARN
	Group            string // "service:NAME" or "family:FAMILY"
	StartedBy        string
	LastStatus       string // RUNNING, STOPPED, ...
	DesiredStatus    string
	StopCode         string
	StoppedReason    string
	CPU, Memory      string // default: the task definition's
	CapacityProvider string // FARGATE (default) or FARGATE_SPOT
	CreatedAt        time.Time
	StartedAt        time.Time
	StoppingAt       time.Time
	StoppedAt        time.Time
	Containers       []TaskContainer
}

// TaskContainer is a container of a task.
type TaskContainer struct {
	Name         string
	Image        string
	ImageDigest  string
	LastStatus   string
	ExitCode     *int
	Reason       string
	HealthStatus string
}

type taskDef struct {
	family   string
	revision int
	status   string
	doc      map[string]any // never mutated after it is stored (copy on write)
	tags     []tagJSON
}

type tagJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type ecsCluster struct {
	name     string
	services map[string]*Service
	order    []string // service names in creation order
	tasks    map[string]*Task
}

type ecsState struct {
	families map[string][]*taskDef // revision r at index r-1
	clusters map[string]*ecsCluster
}

func (st *ecsState) init() {
	st.families = map[string][]*taskDef{}
	st.clusters = map[string]*ecsCluster{}
}

func init() {
	registerJSON(ServiceECS, map[string]jsonHandler{
		"RegisterTaskDefinition":     (*Server).ecsRegisterTaskDefinition,
		"DescribeTaskDefinition":     (*Server).ecsDescribeTaskDefinition,
		"DeregisterTaskDefinition":   (*Server).ecsDeregisterTaskDefinition,
		"ListTaskDefinitionFamilies": (*Server).ecsListTaskDefinitionFamilies,
		"ListTaskDefinitions":        (*Server).ecsListTaskDefinitions,
		"ListClusters":               (*Server).ecsListClusters,
		"DescribeClusters":           (*Server).ecsDescribeClusters,
		"ListServices":               (*Server).ecsListServices,
		"DescribeServices":           (*Server).ecsDescribeServices,
		"ListTasks":                  (*Server).ecsListTasks,
		"DescribeTasks":              (*Server).ecsDescribeTasks,
	})
}

func (s *Server) arnPrefix(service string) string {
	return "arn:aws:" + service + ":" + s.opts.region + ":" + s.opts.account + ":"
}

func (s *Server) taskDefARN(family string, rev int) string {
	return s.arnPrefix("ecs") + "task-definition/" + family + ":" + strconv.Itoa(rev)
}

func (s *Server) clusterARN(name string) string { return s.arnPrefix("ecs") + "cluster/" + name }

func (s *Server) serviceARN(cluster, name string) string {
	return s.arnPrefix("ecs") + "service/" + cluster + "/" + name
}

func (s *Server) taskARN(cluster, id string) string {
	return s.arnPrefix("ecs") + "task/" + cluster + "/" + id
}

// lastSegment returns what follows the last "/" of an ARN, or the string itself.
func lastSegment(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		return ref[i+1:]
	}
	return ref
}

func clusterName(ref string) string {
	if ref == "" {
		return "default"
	}
	return lastSegment(ref)
}

var familyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// RegisterTaskDefinition registers a task definition from the JSON of a
// RegisterTaskDefinition request (the shape `aws ecs register-task-definition
// --cli-input-json` takes), as seeding. It returns the new revision's ARN.
func (s *Server) RegisterTaskDefinition(requestJSON string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	td, err := s.registerLocked([]byte(requestJSON), s.now())
	if err != nil {
		return "", err
	}
	return td.doc["taskDefinitionArn"].(string), nil
}

// DeregisterTaskDefinition marks family:revision INACTIVE, as seeding.
func (s *Server) DeregisterTaskDefinition(familyRevision string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	td, err := s.findTaskDef(familyRevision)
	if err != nil {
		return err
	}
	s.deregisterLocked(td)
	return nil
}

func (s *Server) deregisterLocked(td *taskDef) {
	doc := maps.Clone(td.doc)
	doc["status"] = "INACTIVE"
	doc["deregisteredAt"] = epoch(s.now())
	td.doc, td.status = doc, "INACTIVE"
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, errorf("SerializationException", "cannot decode request: %v", err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

func clientErr(format string, args ...any) *apiError {
	return errorf("ClientException", format, args...)
}

func (s *Server) registerLocked(body []byte, now time.Time) (*taskDef, error) {
	if len(body) > 64*1024 {
		return nil, clientErr("Actual length: '%d'. Max allowed length is '65536' bytes.", len(body))
	}
	doc, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	var tags []tagJSON
	if raw, ok := doc["tags"]; ok {
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &tags); err != nil {
			return nil, clientErr("tags are not valid: %v", err)
		}
		if len(tags) > 50 {
			return nil, errorf("InvalidParameterException", "Invalid number of tags: more than 50.")
		}
		delete(doc, "tags")
	}
	family, _ := doc["family"].(string)
	if family == "" {
		return nil, clientErr("Family should not be null or empty.")
	}
	if !familyRE.MatchString(family) {
		return nil, clientErr("Family contains invalid characters or is too long: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	containers, _ := doc["containerDefinitions"].([]any)
	if len(containers) == 0 {
		return nil, clientErr("Container list cannot be empty.")
	}
	if len(containers) > 10 {
		return nil, clientErr("Too many containers: a task definition can have at most 10.")
	}
	networkMode, _ := doc["networkMode"].(string)
	fargate := false
	if rc, ok := doc["requiresCompatibilities"].([]any); ok {
		fargate = slices.Contains(rc, any("FARGATE"))
	}
	if fargate {
		if err := checkFargate(doc, networkMode); err != nil {
			return nil, err
		}
	}
	names := map[string]bool{}
	attrs := map[string]bool{}
	for i, c := range containers {
		cd, ok := c.(map[string]any)
		if !ok {
			return nil, clientErr("containerDefinitions[%d] is not an object.", i)
		}
		cd = maps.Clone(cd)
		containers[i] = cd
		name, _ := cd["name"].(string)
		if name == "" {
			return nil, clientErr("Container.name should not be null or empty.")
		}
		if !familyRE.MatchString(name) {
			return nil, clientErr("Container.name contains invalid characters.")
		}
		if names[name] {
			return nil, clientErr("Container names must be unique: %s.", name)
		}
		names[name] = true
		if img, _ := cd["image"].(string); img == "" {
			return nil, clientErr("Container.image should not be null or empty.")
		} else if strings.Contains(img, ".dkr.ecr.") {
			attrs["com.amazonaws.ecs.capability.ecr-auth"] = true
			if doc["executionRoleArn"] != nil {
				attrs["ecs.capability.execution-role-ecr-pull"] = true
			}
		}
		if err := containerDefaults(cd, networkMode, fargate, attrs); err != nil {
			return nil, err
		}
	}
	doc["containerDefinitions"] = containers
	if networkMode == "awsvpc" {
		attrs["ecs.capability.task-eni"] = true
		attrs["com.amazonaws.ecs.capability.docker-remote-api.1.18"] = true
	}
	if doc["taskRoleArn"] != nil {
		attrs["com.amazonaws.ecs.capability.task-iam-role"] = true
	}
	var req []any
	for _, a := range slices.Sorted(maps.Keys(attrs)) {
		req = append(req, map[string]any{"name": a})
	}
	if req == nil {
		req = []any{}
	}
	compat := []any{"EC2"}
	if networkMode == "awsvpc" && doc["cpu"] != nil && doc["memory"] != nil {
		compat = append(compat, "FARGATE")
	}
	for _, k := range []string{"volumes", "placementConstraints"} {
		if _, ok := doc[k]; !ok {
			doc[k] = []any{}
		}
	}
	revs := s.ecs.families[family]
	rev := len(revs) + 1
	doc["taskDefinitionArn"] = s.taskDefARN(family, rev)
	doc["revision"] = rev
	doc["status"] = "ACTIVE"
	doc["requiresAttributes"] = req
	doc["compatibilities"] = compat
	doc["registeredAt"] = epoch(now)
	doc["registeredBy"] = s.opts.callerARN
	td := &taskDef{family: family, revision: rev, status: "ACTIVE", doc: doc, tags: tags}
	s.ecs.families[family] = append(revs, td)
	return td, nil
}

// fargateMemoryValid reports whether cpu units and memory MiB are a Linux Fargate size.
func fargateMemoryValid(cpu, mem int) bool {
	in := func(lo, hi, step int) bool { return mem >= lo && mem <= hi && (mem-lo)%step == 0 }
	switch cpu {
	case 256:
		return mem == 512 || mem == 1024 || mem == 2048
	case 512:
		return in(1024, 4096, 1024)
	case 1024:
		return in(2048, 8192, 1024)
	case 2048:
		return in(4096, 16384, 1024)
	case 4096:
		return in(8192, 30720, 1024)
	case 8192:
		return in(16384, 61440, 4096)
	case 16384:
		return in(32768, 122880, 8192)
	}
	return false
}

// units parses "1024", "1 vCPU" / "2GB" style sizes into CPU units or MiB.
func units(v any) (int, bool) {
	s := strings.TrimSpace(fmt.Sprint(v))
	l := strings.ToLower(s)
	for _, suf := range []string{"vcpu", "gb"} {
		if strings.HasSuffix(l, suf) {
			f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(l, suf)), 64)
			return int(f * 1024), err == nil
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func checkFargate(doc map[string]any, networkMode string) error {
	if networkMode != "awsvpc" {
		return clientErr("Fargate only supports network mode 'awsvpc'.")
	}
	if doc["cpu"] == nil {
		return clientErr("Fargate requires that 'cpu' be defined at the task level.")
	}
	if doc["memory"] == nil {
		return clientErr("Fargate requires that 'memory' be defined at the task level.")
	}
	cpu, ok1 := units(doc["cpu"])
	mem, ok2 := units(doc["memory"])
	if !ok1 {
		return clientErr("Invalid 'cpu' setting for task.")
	}
	if !ok2 || !fargateMemoryValid(cpu, mem) {
		return clientErr("No Fargate configuration exists for given values: %d CPU, %d memory. See the Amazon ECS documentation for the valid values.", cpu, mem)
	}
	doc["cpu"] = strconv.Itoa(cpu)
	doc["memory"] = strconv.Itoa(mem)
	return nil
}

func containerDefaults(cd map[string]any, networkMode string, fargate bool, attrs map[string]bool) error {
	if _, ok := cd["cpu"]; !ok {
		cd["cpu"] = 0
	}
	if _, ok := cd["essential"]; !ok {
		cd["essential"] = true
	}
	for _, k := range []string{"portMappings", "environment", "mountPoints", "volumesFrom", "systemControls"} {
		if _, ok := cd[k]; !ok {
			cd[k] = []any{}
		}
	}
	pms, _ := cd["portMappings"].([]any)
	for i, p := range pms {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		pm = maps.Clone(pm)
		pms[i] = pm
		if _, ok := pm["protocol"]; !ok {
			pm["protocol"] = "tcp"
		}
		cp := fmt.Sprint(pm["containerPort"])
		hp, has := pm["hostPort"]
		if (networkMode == "awsvpc" || networkMode == "host") && has && fmt.Sprint(hp) != cp {
			return clientErr("When networkMode=%s, the host ports and container ports in port mappings must match.", networkMode)
		}
		if !has && (networkMode == "awsvpc" || networkMode == "host") {
			pm["hostPort"] = pm["containerPort"]
		}
	}
	if secrets, ok := cd["secrets"].([]any); ok {
		for _, sc := range secrets {
			m, _ := sc.(map[string]any)
			vf, _ := m["valueFrom"].(string)
			if strings.HasPrefix(vf, "arn:aws:secretsmanager:") {
				attrs["ecs.capability.secrets.asm.environment-variables"] = true
			} else {
				attrs["ecs.capability.secrets.ssm.environment-variables"] = true
			}
		}
	}
	if lc, ok := cd["logConfiguration"].(map[string]any); ok && lc["logDriver"] == "awslogs" {
		attrs["com.amazonaws.ecs.capability.logging-driver.awslogs"] = true
		attrs["ecs.capability.execution-role-awslogs"] = true
		attrs["com.amazonaws.ecs.capability.docker-remote-api.1.19"] = true
	}
	if fargate {
		if lp, ok := cd["linuxParameters"].(map[string]any); ok {
			if caps, ok := lp["capabilities"].(map[string]any); ok {
				add, _ := caps["add"].([]any)
				for _, c := range add {
					if c != "SYS_PTRACE" {
						return clientErr("Fargate only supports SYS_PTRACE in linuxParameters.capabilities.add; %v is not supported.", c)
					}
				}
			}
		}
	}
	return nil
}

// findTaskDef resolves family (latest ACTIVE), family:rev or an ARN.
func (s *Server) findTaskDef(ref string) (*taskDef, error) {
	notFound := clientErr("Unable to describe task definition.")
	if strings.HasPrefix(ref, "arn:") {
		_, after, ok := strings.Cut(ref, ":task-definition/")
		if !ok {
			return nil, notFound
		}
		ref = after
	}
	family, revStr, hasRev := strings.Cut(ref, ":")
	revs := s.ecs.families[family]
	if !hasRev {
		for i := len(revs) - 1; i >= 0; i-- {
			if revs[i].status == "ACTIVE" {
				return revs[i], nil
			}
		}
		return nil, notFound
	}
	rev, err := strconv.Atoi(revStr)
	if err != nil || rev < 1 || rev > len(revs) {
		return nil, notFound
	}
	return revs[rev-1], nil
}

func (s *Server) ecsRegisterTaskDefinition(r *request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	td, err := s.registerLocked(r.body, s.now())
	if err != nil {
		return nil, err
	}
	out := map[string]any{"taskDefinition": td.doc}
	if len(td.tags) > 0 {
		out["tags"] = td.tags
	}
	return out, nil
}

func (s *Server) ecsDescribeTaskDefinition(r *request) (any, error) {
	var in struct {
		TaskDefinition string   `json:"taskDefinition"`
		Include        []string `json:"include"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	td, err := s.findTaskDef(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"taskDefinition": td.doc}
	if slices.Contains(in.Include, "TAGS") {
		tags := td.tags
		if tags == nil {
			tags = []tagJSON{}
		}
		out["tags"] = tags
	}
	return out, nil
}

func (s *Server) ecsDeregisterTaskDefinition(r *request) (any, error) {
	var in struct {
		TaskDefinition string `json:"taskDefinition"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !strings.Contains(strings.TrimPrefix(in.TaskDefinition, "arn:"), ":") {
		return nil, clientErr("Revision must be specified: %s", in.TaskDefinition)
	}
	td, err := s.findTaskDef(in.TaskDefinition)
	if err != nil {
		return nil, clientErr("The specified task definition does not exist.")
	}
	if td.status == "ACTIVE" {
		s.deregisterLocked(td)
	}
	return map[string]any{"taskDefinition": td.doc}, nil
}

func checkStatus(status string) (string, error) {
	switch status {
	case "":
		return "ACTIVE", nil
	case "ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS", "ALL":
		return status, nil
	}
	return "", errorf("InvalidParameterException", "Invalid status: %s", status)
}

func (s *Server) ecsListTaskDefinitionFamilies(r *request) (any, error) {
	var in struct {
		FamilyPrefix string `json:"familyPrefix"`
		Status       string `json:"status"`
		MaxResults   *int   `json:"maxResults"`
		NextToken    string `json:"nextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 100); err != nil {
		return nil, err
	}
	status, err := checkStatus(in.Status)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var fams []string
	for _, f := range slices.Sorted(maps.Keys(s.ecs.families)) {
		if !strings.HasPrefix(f, in.FamilyPrefix) {
			continue
		}
		active := slices.ContainsFunc(s.ecs.families[f], func(td *taskDef) bool { return td.status == "ACTIVE" })
		if status == "ALL" || (status == "ACTIVE" && active) || (status == "INACTIVE" && !active) {
			fams = append(fams, f)
		}
	}
	page, next, ok := pageOf(fams, in.NextToken, ptrInt(in.MaxResults, 100))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid nextToken.")
	}
	return map[string]any{"families": nonNil(page), "nextToken": optional(next)}, nil
}

func (s *Server) ecsListTaskDefinitions(r *request) (any, error) {
	var in struct {
		FamilyPrefix string `json:"familyPrefix"`
		Status       string `json:"status"`
		Sort         string `json:"sort"`
		MaxResults   *int   `json:"maxResults"`
		NextToken    string `json:"nextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 100); err != nil {
		return nil, err
	}
	status, err := checkStatus(in.Status)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var arns []string
	for _, f := range slices.Sorted(maps.Keys(s.ecs.families)) {
		if in.FamilyPrefix != "" && f != in.FamilyPrefix { // familyPrefix is an exact family
			continue
		}
		for _, td := range s.ecs.families[f] {
			if status == "ALL" || td.status == status {
				arns = append(arns, s.taskDefARN(f, td.revision))
			}
		}
	}
	if in.Sort == "DESC" {
		slices.Reverse(arns)
	}
	page, next, ok := pageOf(arns, in.NextToken, ptrInt(in.MaxResults, 100))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid nextToken.")
	}
	return map[string]any{"taskDefinitionArns": nonNil(page), "nextToken": optional(next)}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// optional returns nil for "", so map-built responses omit an empty token.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AddCluster creates a cluster (no-op when it exists).
func (s *Server) AddCluster(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clusterLocked(name)
}

func (s *Server) clusterLocked(name string) *ecsCluster {
	c, ok := s.ecs.clusters[name]
	if !ok {
		c = &ecsCluster{name: name, services: map[string]*Service{}, tasks: map[string]*Task{}}
		s.ecs.clusters[name] = c
	}
	return c
}

// AddService creates or replaces a service (and its cluster).
func (s *Server) AddService(svc Service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clusterLocked(svc.Cluster)
	if svc.CreatedAt.IsZero() {
		svc.CreatedAt = s.now()
	}
	if _, ok := c.services[svc.Name]; !ok {
		c.order = append(c.order, svc.Name)
	}
	c.services[svc.Name] = &svc
}

// AddTask creates or replaces a task (and its cluster). It returns the task ARN.
func (s *Server) AddTask(t Task) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clusterLocked(t.Cluster)
	if t.ID == "" {
		t.ID = fakeHex(32, "task", t.Cluster, strconv.Itoa(len(c.tasks)), s.now().String())
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	if t.DesiredStatus == "" {
		t.DesiredStatus = "RUNNING"
		if t.LastStatus == "STOPPED" {
			t.DesiredStatus = "STOPPED"
		}
	}
	if t.LastStatus == "" {
		t.LastStatus = t.DesiredStatus
	}
	c.tasks[t.ID] = &t
	return s.taskARN(t.Cluster, t.ID)
}

func (s *Server) ecsListClusters(r *request) (any, error) {
	var in struct {
		MaxResults *int   `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 100); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var arns []string
	for _, n := range slices.Sorted(maps.Keys(s.ecs.clusters)) {
		arns = append(arns, s.clusterARN(n))
	}
	page, next, ok := pageOf(arns, in.NextToken, ptrInt(in.MaxResults, 100))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid nextToken.")
	}
	return map[string]any{"clusterArns": nonNil(page), "nextToken": optional(next)}, nil
}

type failureJSON struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

func (s *Server) ecsDescribeClusters(r *request) (any, error) {
	var in struct {
		Clusters []string `json:"clusters"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Clusters) > 100 {
		return nil, errorf("InvalidParameterException", "Clusters cannot have more than 100 elements")
	}
	if len(in.Clusters) == 0 {
		in.Clusters = []string{"default"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clusters, failures := []any{}, []failureJSON{}
	for _, ref := range in.Clusters {
		name := clusterName(ref)
		c, ok := s.ecs.clusters[name]
		if !ok {
			failures = append(failures, failureJSON{Arn: s.clusterARN(name), Reason: "MISSING"})
			continue
		}
		running, pending, active := 0, 0, 0
		for _, t := range c.tasks {
			switch t.LastStatus {
			case "RUNNING":
				running++
			case "PENDING", "PROVISIONING", "ACTIVATING":
				pending++
			}
		}
		active = len(c.services)
		clusters = append(clusters, map[string]any{
			"clusterArn": s.clusterARN(name), "clusterName": name, "status": "ACTIVE",
			"registeredContainerInstancesCount": 0, "runningTasksCount": running,
			"pendingTasksCount": pending, "activeServicesCount": active,
			"statistics": []any{}, "tags": []any{}, "settings": []any{map[string]any{"name": "containerInsights", "value": "disabled"}},
			"capacityProviders":               []any{"FARGATE", "FARGATE_SPOT"},
			"defaultCapacityProviderStrategy": []any{},
		})
	}
	return map[string]any{"clusters": clusters, "failures": failures}, nil
}

func (s *Server) clusterFor(ref string) (*ecsCluster, error) {
	c, ok := s.ecs.clusters[clusterName(ref)]
	if !ok {
		return nil, errorf("ClusterNotFoundException", "Cluster not found.")
	}
	return c, nil
}

func (s *Server) ecsListServices(r *request) (any, error) {
	var in struct {
		Cluster    string `json:"cluster"`
		MaxResults *int   `json:"maxResults"`
		NextToken  string `json:"nextToken"`
		LaunchType string `json:"launchType"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 100); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clusterFor(in.Cluster)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, n := range c.order {
		arns = append(arns, s.serviceARN(c.name, n))
	}
	page, next, ok := pageOf(arns, in.NextToken, ptrInt(in.MaxResults, 10))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid nextToken.")
	}
	return map[string]any{"serviceArns": nonNil(page), "nextToken": optional(next)}, nil
}

func (s *Server) resolveTaskDefARN(ref string) string {
	if strings.HasPrefix(ref, "arn:") || ref == "" {
		return ref
	}
	family, rev, ok := strings.Cut(ref, ":")
	if !ok {
		if td, err := s.findTaskDef(ref); err == nil {
			return s.taskDefARN(family, td.revision)
		}
		return s.arnPrefix("ecs") + "task-definition/" + ref
	}
	n, _ := strconv.Atoi(rev)
	return s.taskDefARN(family, n)
}

func (s *Server) serviceJSON(c *ecsCluster, svc *Service) map[string]any {
	deps := svc.Deployments
	if len(deps) == 0 {
		deps = []Deployment{{Status: "PRIMARY", TaskDefinition: svc.TaskDefinition, DesiredCount: svc.DesiredCount,
			RunningCount: svc.RunningCount, PendingCount: svc.PendingCount, RolloutState: "COMPLETED",
			RolloutStateReason: "ECS deployment ecs-svc/" + fakeDigits(svc.Name) + " completed.", CreatedAt: svc.CreatedAt}}
	}
	var depJSON []any
	for i, d := range deps {
		id := d.ID
		if id == "" {
			id = "ecs-svc/" + fakeDigits(svc.Name, strconv.Itoa(i))
		}
		created := d.CreatedAt
		if created.IsZero() {
			created = svc.CreatedAt
		}
		dj := map[string]any{
			"id": id, "status": d.Status, "taskDefinition": s.resolveTaskDefARN(d.TaskDefinition),
			"desiredCount": d.DesiredCount, "pendingCount": d.PendingCount, "runningCount": d.RunningCount,
			"failedTasks": d.FailedTasks, "createdAt": epoch(created), "updatedAt": epoch(created),
			"platformVersion": "1.4.0", "platformFamily": "Linux", "rolloutState": d.RolloutState,
			"rolloutStateReason": d.RolloutStateReason,
		}
		s.addCapacity(dj, svc.CapacityProvider)
		depJSON = append(depJSON, dj)
	}
	var events []any
	for i, e := range svc.Events {
		events = append(events, map[string]any{"id": fakeHex(36, svc.Name, strconv.Itoa(i)), "createdAt": epoch(e.At), "message": e.Message})
	}
	lbs := []any{}
	if svc.TargetGroupARN != "" {
		lbs = append(lbs, map[string]any{"targetGroupArn": svc.TargetGroupARN, "containerName": svc.ContainerName, "containerPort": svc.ContainerPort})
	}
	out := map[string]any{
		"serviceArn": s.serviceARN(c.name, svc.Name), "serviceName": svc.Name, "clusterArn": s.clusterARN(c.name),
		"loadBalancers": lbs, "serviceRegistries": []any{}, "status": "ACTIVE",
		"desiredCount": svc.DesiredCount, "runningCount": svc.RunningCount, "pendingCount": svc.PendingCount,
		"platformVersion": "LATEST", "platformFamily": "Linux",
		"taskDefinition": s.resolveTaskDefARN(svc.TaskDefinition),
		"deploymentConfiguration": map[string]any{
			"deploymentCircuitBreaker": map[string]any{"enable": true, "rollback": true},
			"maximumPercent":           200, "minimumHealthyPercent": 100,
		},
		"deployments": nonNil(depJSON), "events": nonNil(events), "createdAt": epoch(svc.CreatedAt),
		"placementConstraints": []any{}, "placementStrategy": []any{},
		"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets":        []any{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"},
			"securityGroups": []any{"sg-0123456789abcdef0"}, "assignPublicIp": "DISABLED",
		}},
		"schedulingStrategy": "REPLICA", "deploymentController": map[string]any{"type": "ECS"},
		"createdBy": "arn:aws:iam::" + s.opts.account + ":role/admin", "enableECSManagedTags": true,
		"propagateTags": "NONE", "enableExecuteCommand": false,
	}
	if svc.TargetGroupARN != "" {
		out["healthCheckGracePeriodSeconds"] = 60
		out["roleArn"] = "arn:aws:iam::" + s.opts.account + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
	}
	s.addCapacity(out, svc.CapacityProvider)
	return out
}

func (s *Server) addCapacity(m map[string]any, provider string) {
	if provider != "" && provider != "FARGATE" {
		m["capacityProviderStrategy"] = []any{map[string]any{"capacityProvider": provider, "weight": 1, "base": 0}}
		return
	}
	m["launchType"] = "FARGATE"
}

func fakeDigits(parts ...string) string {
	h := fakeHex(16, parts...)
	n, _ := strconv.ParseUint(h, 16, 64)
	return strconv.FormatUint(n%1e19, 10)
}

func (s *Server) ecsDescribeServices(r *request) (any, error) {
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Services) == 0 {
		return nil, errorf("InvalidParameterException", "Services cannot be empty.")
	}
	if len(in.Services) > 10 {
		return nil, errorf("InvalidParameterException", "Services cannot have more than 10 elements")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clusterFor(in.Cluster)
	if err != nil {
		return nil, err
	}
	services, failures := []any{}, []failureJSON{}
	for _, ref := range in.Services {
		name := lastSegment(ref)
		svc, ok := c.services[name]
		if !ok {
			failures = append(failures, failureJSON{Arn: s.serviceARN(c.name, name), Reason: "MISSING"})
			continue
		}
		services = append(services, s.serviceJSON(c, svc))
	}
	return map[string]any{"services": services, "failures": failures}, nil
}

func taskFamily(ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		_, ref, _ = strings.Cut(ref, ":task-definition/")
	}
	f, _, _ := strings.Cut(ref, ":")
	return f
}

func (s *Server) ecsListTasks(r *request) (any, error) {
	var in struct {
		Cluster       string `json:"cluster"`
		ServiceName   string `json:"serviceName"`
		Family        string `json:"family"`
		StartedBy     string `json:"startedBy"`
		DesiredStatus string `json:"desiredStatus"`
		LaunchType    string `json:"launchType"`
		MaxResults    *int   `json:"maxResults"`
		NextToken     string `json:"nextToken"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if err := checkMax("InvalidParameterException", "maxResults", in.MaxResults, 100); err != nil {
		return nil, err
	}
	desired := in.DesiredStatus
	switch desired {
	case "":
		desired = "RUNNING"
	case "RUNNING", "PENDING", "STOPPED":
	default:
		return nil, validationErr("InvalidParameterException", desired, "desiredStatus", "Member must satisfy enum value set: [PENDING, STOPPED, RUNNING]")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clusterFor(in.Cluster)
	if err != nil {
		return nil, err
	}
	svcName := lastSegment(in.ServiceName)
	if in.ServiceName != "" {
		if _, ok := c.services[svcName]; !ok {
			return nil, errorf("ServiceNotFoundException", "Service not found.")
		}
	}
	var tasks []*Task
	for _, t := range c.tasks {
		if t.DesiredStatus != desired && !(desired == "RUNNING" && t.DesiredStatus == "PENDING") {
			continue
		}
		if in.ServiceName != "" && t.Group != "service:"+svcName {
			continue
		}
		if in.Family != "" && taskFamily(t.TaskDefinition) != in.Family {
			continue
		}
		if in.StartedBy != "" && t.StartedBy != in.StartedBy {
			continue
		}
		tasks = append(tasks, t)
	}
	// Most recent first, the way the console shows them; stable for paging.
	sort.Slice(tasks, func(i, j int) bool {
		if !tasks[i].CreatedAt.Equal(tasks[j].CreatedAt) {
			return tasks[i].CreatedAt.After(tasks[j].CreatedAt)
		}
		return tasks[i].ID < tasks[j].ID
	})
	var arns []string
	for _, t := range tasks {
		arns = append(arns, s.taskARN(c.name, t.ID))
	}
	page, next, ok := pageOf(arns, in.NextToken, ptrInt(in.MaxResults, 100))
	if !ok {
		return nil, errorf("InvalidParameterException", "Invalid nextToken.")
	}
	return map[string]any{"taskArns": nonNil(page), "nextToken": optional(next)}, nil
}

func (s *Server) taskJSON(c *ecsCluster, t *Task) map[string]any {
	arn := s.taskARN(c.name, t.ID)
	cpu, mem := t.CPU, t.Memory
	if td, err := s.findTaskDef(t.TaskDefinition); err == nil {
		if cpu == "" {
			cpu, _ = td.doc["cpu"].(string)
		}
		if mem == "" {
			mem, _ = td.doc["memory"].(string)
		}
	}
	var containers []any
	for i, ct := range t.Containers {
		cj := map[string]any{
			"containerArn": s.arnPrefix("ecs") + "container/" + c.name + "/" + t.ID + "/" + fakeHex(36, t.ID, ct.Name),
			"taskArn":      arn, "name": ct.Name, "image": ct.Image, "lastStatus": ct.LastStatus,
			"networkBindings": []any{}, "networkInterfaces": []any{map[string]any{
				"attachmentId": fakeHex(36, t.ID, "eni"), "privateIpv4Address": fmt.Sprintf("10.0.%d.%d", 1+i, 10+len(t.ID)%200),
			}},
			"healthStatus": "UNKNOWN", "cpu": "0",
		}
		if ct.HealthStatus != "" {
			cj["healthStatus"] = ct.HealthStatus
		}
		if ct.ImageDigest != "" {
			cj["imageDigest"] = ct.ImageDigest
			cj["runtimeId"] = t.ID + "-" + fakeDigits(t.ID, ct.Name)[:10]
		}
		if ct.ExitCode != nil {
			cj["exitCode"] = *ct.ExitCode
		}
		if ct.Reason != "" {
			cj["reason"] = ct.Reason
		}
		containers = append(containers, cj)
	}
	out := map[string]any{
		"taskArn": arn, "clusterArn": s.clusterARN(c.name), "taskDefinitionArn": s.resolveTaskDefARN(t.TaskDefinition),
		"lastStatus": t.LastStatus, "desiredStatus": t.DesiredStatus, "group": t.Group,
		"cpu": cpu, "memory": mem, "containers": nonNil(containers), "createdAt": epoch(t.CreatedAt),
		"availabilityZone": s.opts.region + "a", "platformVersion": "1.4.0", "platformFamily": "Linux",
		"version": 3, "attributes": []any{map[string]any{"name": "ecs.cpu-architecture", "value": "x86_64"}},
		"attachments": []any{map[string]any{"id": fakeHex(36, t.ID, "att"), "type": "ElasticNetworkInterface", "status": "ATTACHED"}},
		"overrides":   map[string]any{"containerOverrides": []any{}, "inferenceAcceleratorOverrides": []any{}},
		"tags":        []any{}, "enableExecuteCommand": false,
		"ephemeralStorage": map[string]any{"sizeInGiB": 20},
	}
	if t.StartedBy != "" {
		out["startedBy"] = t.StartedBy
	}
	if t.CapacityProvider != "" {
		out["capacityProviderName"] = t.CapacityProvider
	} else {
		out["capacityProviderName"] = "FARGATE"
		out["launchType"] = "FARGATE"
	}
	if t.CapacityProvider == "FARGATE_SPOT" {
		out["launchType"] = "FARGATE"
	}
	for k, v := range map[string]time.Time{"startedAt": t.StartedAt, "stoppingAt": t.StoppingAt, "stoppedAt": t.StoppedAt,
		"executionStoppedAt": t.StoppedAt} {
		if !v.IsZero() {
			out[k] = epoch(v)
		}
	}
	if !t.StartedAt.IsZero() {
		out["pullStartedAt"] = epoch(t.CreatedAt.Add(5 * time.Second))
		out["pullStoppedAt"] = epoch(t.CreatedAt.Add(20 * time.Second))
		out["connectivity"] = "CONNECTED"
		out["connectivityAt"] = epoch(t.CreatedAt.Add(3 * time.Second))
	}
	if t.StopCode != "" {
		out["stopCode"] = t.StopCode
	}
	if t.StoppedReason != "" {
		out["stoppedReason"] = t.StoppedReason
	}
	return out
}

func (s *Server) ecsDescribeTasks(r *request) (any, error) {
	var in struct {
		Cluster string   `json:"cluster"`
		Tasks   []string `json:"tasks"`
	}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 {
		return nil, errorf("InvalidParameterException", "Tasks cannot be empty.")
	}
	if len(in.Tasks) > 100 {
		return nil, errorf("InvalidParameterException", "Tasks cannot have more than 100 elements")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.clusterFor(in.Cluster)
	if err != nil {
		return nil, err
	}
	tasks, failures := []any{}, []failureJSON{}
	for _, ref := range in.Tasks {
		id := lastSegment(ref)
		t, ok := c.tasks[id]
		if !ok {
			failures = append(failures, failureJSON{Arn: s.taskARN(c.name, id), Reason: "MISSING"})
			continue
		}
		tasks = append(tasks, s.taskJSON(c, t))
	}
	return map[string]any{"tasks": tasks, "failures": failures}, nil
}

// SeedServices adds n services bench-svc-NNNN to cluster, each running a registered
// "bench" task definition. It returns the service names.
func (s *Server) SeedServices(cluster string, n int) []string {
	s.mu.Lock()
	if _, err := s.findTaskDef("bench"); err != nil {
		_, _ = s.registerLocked([]byte(benchTaskDef), s.now())
	}
	s.mu.Unlock()
	names := make([]string, 0, n)
	for i := range n {
		name := fmt.Sprintf("bench-svc-%04d", i)
		s.AddService(Service{Cluster: cluster, Name: name, TaskDefinition: "bench:1", DesiredCount: 1, RunningCount: 1})
		names = append(names, name)
	}
	return names
}

// SeedCluster adds cluster with services services (SeedServices), each with perService
// stopped tasks (SeedStoppedTasks): the troubleshooter's benchmark cluster.
func (s *Server) SeedCluster(cluster string, services, perService int) {
	s.AddCluster(cluster)
	for _, name := range s.SeedServices(cluster, services) {
		s.SeedStoppedTasks(cluster, name, perService)
	}
}

// SeedStoppedTasks adds n STOPPED tasks of service to cluster (service:NAME group), cycling
// through the stop reasons of the demo causes, stopped over the last hour. It returns their ids.
func (s *Server) SeedStoppedTasks(cluster, service string, n int) []string {
	now := s.now()
	ids := make([]string, 0, n)
	causes := demoCauseTemplates()
	for i := range n {
		c := causes[i%len(causes)]
		id := fakeHex(32, "bench-task", cluster, service, strconv.Itoa(i))
		stopped := now.Add(-time.Duration(i%3600) * time.Second)
		exit := c.exitCode
		s.AddTask(Task{Cluster: cluster, ID: id, TaskDefinition: "bench:1", Group: "service:" + service,
			StartedBy: "ecs-svc/" + fakeDigits(service), LastStatus: "STOPPED", DesiredStatus: "STOPPED",
			StopCode: c.stopCode, StoppedReason: c.stoppedReason, CreatedAt: stopped.Add(-2 * time.Minute),
			StoppedAt: stopped, StoppingAt: stopped.Add(-10 * time.Second),
			Containers: []TaskContainer{{Name: "app", Image: "public.ecr.aws/docker/library/python:3.12-slim",
				LastStatus: "STOPPED", ExitCode: exit, Reason: c.containerReason}}})
		ids = append(ids, id)
	}
	return ids
}

const benchTaskDef = `{
  "family": "bench",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [{"name": "app", "image": "public.ecr.aws/docker/library/python:3.12-slim"}]
}`
