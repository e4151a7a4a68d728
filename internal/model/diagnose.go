package model

import (
	"fmt"
	"regexp"
	"strings"
)

// Why a task stopped: aws-rules.md's "Why tasks stop" table as code. Diagnose matches a
// stopped task's stop code, stopped reason, and each container's reason and exit code
// against the table's rows; text no row matches is "unrecognised", with the raw reason
// kept, never a guess.

// Cause is a row of the table, by a short stable name (used in JSON and tests).
type Cause string

// The causes, in the table's order, then the two that are no row of it.
const (
	CauseImageNotFound         Cause = "image-not-found"
	CausePlatformMismatch      Cause = "platform-mismatch"
	CauseNetwork               Cause = "no-route-to-registry"
	CauseDockerHubRateLimit    Cause = "docker-hub-rate-limit"
	CauseExecutionRoleDenied   Cause = "execution-role-denied"
	CauseParameterNotFound     Cause = "parameter-not-found"
	CauseSecretsManagerJSONKey Cause = "secrets-manager-json-key"
	CauseLogGroupMissing       Cause = "log-group-missing"
	CauseOutOfMemory           Cause = "out-of-memory"
	CauseStopTimeout           Cause = "killed-after-stop-timeout"
	CauseAppCrashed            Cause = "app-crashed"
	CauseHealthChecks          Cause = "elb-health-checks"
	CauseSpotInterruption      Cause = "spot-interruption"
	CauseRuntimeFailure        Cause = "runtime-failure"

	CauseNotAFailure  Cause = "not-a-failure" // stopped by a person, a deployment or scaling, exit 0
	CauseUnrecognised Cause = "unrecognised"  // no row matches: the raw reason is shown
)

// StoppedTask is what ECS says about a stopped task.
type StoppedTask struct {
	StopCode      string // an open set: TaskFailedToStart, EssentialContainerExited, ...
	StoppedReason string
	Containers    []StoppedContainer
}

// StoppedContainer is one container of a stopped task.
type StoppedContainer struct {
	Name     string
	Reason   string
	ExitCode *int // nil when the container never ran
}

// Diagnosis is why a task stopped, in plain words, and the fix.
type Diagnosis struct {
	Cause     Cause
	Title     string // the cause in plain words: "The image or its tag does not exist"
	Fix       string // what to do, one or two sentences
	Where     string // the table's "where to fix" column: image, sizing, network, roles, secrets, logging, command, logs, load balancer, none, retry
	Field     string // the spec variable that owns the fix ("" when the fix is outside the task definition)
	Failure   bool   // false for CauseNotAFailure and CauseSpotInterruption: nothing to fix in the task
	Container string // the container whose reason or exit code matched; "" for the task's own reason
	Evidence  string // the raw text the row matched (stopped reason or container reason)
}

// Stop codes ECS sets (the set is open: an unknown one is matched on the texts alone).
const (
	StopCodeTaskFailedToStart         = "TaskFailedToStart"
	StopCodeEssentialContainerExited  = "EssentialContainerExited"
	StopCodeUserInitiated             = "UserInitiated"
	StopCodeServiceSchedulerInitiated = "ServiceSchedulerInitiated"
	StopCodeSpotInterruption          = "SpotInterruption"
	StopCodeTerminationNotice         = "TerminationNotice"
)

// Exit codes of a process ended by a signal (128 + the signal's number).
const (
	exitSIGKILL = 137
	exitSIGTERM = 143
)

// causeTemplates hold each cause's words; Diagnose fills in Container and Evidence and,
// where the reason says more (which permission, which service), a sharper title and fix.
var causeTemplates = []Diagnosis{
	{Cause: CauseImageNotFound, Failure: true, Where: "image", Field: "container_image",
		Title: "The image or its tag does not exist",
		Fix:   "Push the image with that tag, or point container_image at a tag that exists (ecswiz lists the repository's tags)."},
	{Cause: CausePlatformMismatch, Failure: true, Where: "sizing", Field: "cpu_architecture",
		Title: "The image is built for another CPU architecture than the task's",
		Fix:   "Set cpu_architecture to the image's architecture, or rebuild the image for the task's (docker buildx build --platform linux/amd64 or linux/arm64, or a multi-arch image)."},
	{Cause: CauseNetwork, Failure: true, Where: "network",
		Title: "The task could not reach ECR or the AWS APIs it needs from its subnets",
		Fix:   "Give the task's subnets a route out: a NAT gateway, a public IP in a public subnet, or VPC endpoints (ecr.api, ecr.dkr, the S3 gateway, logs, ssm, secretsmanager), with security groups that allow outbound 443. This is outside the task definition."},
	{Cause: CauseDockerHubRateLimit, Failure: true, Where: "image", Field: "container_image",
		Title: "Docker Hub refused the pull: its rate limit for anonymous pulls was reached",
		Fix:   "Copy the image to ECR (or an ECR pull-through cache) and point container_image there, or pull with Docker Hub credentials (repositoryCredentials)."},
	{Cause: CauseExecutionRoleDenied, Failure: true, Where: "roles", Field: "execution_role_arn",
		Title: "The execution role may not read the task's secrets",
		Fix:   "Give the execution role ssm:GetParameters on the parameters (and kms:Decrypt for a customer key); AmazonECSTaskExecutionRolePolicy has neither."},
	{Cause: CauseParameterNotFound, Failure: true, Where: "secrets", Field: "secrets_from_parameter_store",
		Title: "A parameter the task's secrets name does not exist",
		Fix:   "Create the missing parameters (SecureString for secrets), or correct parameter_store_prefix or the names in secrets_from_parameter_store. Secrets resolve when a task starts, not when it is registered."},
	{Cause: CauseSecretsManagerJSONKey, Failure: true, Where: "secrets", Field: "secrets_from_parameter_store",
		Title: "A Secrets Manager secret lacks the JSON key the task asks for",
		Fix:   "Add the key to the secret, or correct the key in the secret's ARN (ARN:json-key:version-stage:version-id) in secrets_from_parameter_store."},
	{Cause: CauseLogGroupMissing, Failure: true, Where: "logging", Field: "log_group_name",
		Title: "The log group does not exist",
		Fix:   "Create the log group named by log_group_name (awslogs does not create it unless awslogs-create-group is set and the execution role has logs:CreateLogGroup), or correct log_group_name."},
	{Cause: CauseOutOfMemory, Failure: true, Where: "sizing", Field: "task_memory",
		Title: "The container ran out of memory and was killed",
		Fix:   "Raise task_memory to the next valid size for the task's CPU (or the next CPU row at the top), or find in the logs what used the memory."},
	{Cause: CauseStopTimeout, Failure: true, Where: "command", Field: "container_command",
		Title: "The container ignored SIGTERM and was killed when the stop timeout ran out",
		Fix:   "Make the main process handle SIGTERM: run it as PID 1 in exec form (container_command [\"gunicorn\", ...], not a shell wrapper that does not pass signals on), so it stops within the stop timeout (30 s by default)."},
	{Cause: CauseAppCrashed, Failure: true, Where: "logs",
		Title: "The application exited with an error",
		Fix:   "Read the container's logs for the error (a traceback, a refused database connection, a missing setting) and fix the application or its configuration."},
	{Cause: CauseHealthChecks, Failure: true, Where: "load balancer",
		Title: "The load balancer's health checks failed, so ECS replaced the task",
		Fix:   "Check the ALB target group's health check (path, port, matcher codes, grace period) against what the app answers; the logs show the health check requests. The fix lives in the target group and the service, outside the task definition."},
	{Cause: CauseSpotInterruption, Failure: false, Where: "none",
		Title: "Fargate Spot took the capacity back",
		Fix:   "Nothing to fix in the task: the service starts a replacement. Run part of the service on FARGATE (the capacity provider strategy) if interruptions hurt."},
	{Cause: CauseRuntimeFailure, Failure: true, Where: "retry",
		Title: "The container runtime failed to start the container, usually a transient failure",
		Fix:   "Run the task again: this failure is usually transient. If it repeats, look at the image's size and how long the container takes to start, and at the reason's details."},
	{Cause: CauseNotAFailure, Failure: false, Where: "none",
		Title: "Stopped on purpose: by a person, a deployment or scaling",
		Fix:   "Nothing to fix: the containers exited cleanly."},
	{Cause: CauseUnrecognised, Failure: true, Where: "logs",
		Title: "Not a known cause: ecswiz does not recognise this stop",
		Fix:   "Read the stopped reason and the container's logs; ecswiz does not guess a cause it does not know."},
}

func template(c Cause) Diagnosis {
	for _, d := range causeTemplates {
		if d.Cause == c {
			return d
		}
	}
	panic("model: no template for cause " + string(c))
}

// source is a text Diagnose matches: a container's reason or the task's stopped reason.
type source struct {
	container string
	text      string
	lower     string
}

// textRule is a row matched on a reason's text; diagnose may sharpen the template.
type textRule struct {
	cause    Cause
	match    func(lower string) bool
	diagnose func(d Diagnosis, text, lower string) Diagnosis
}

// textRules are in order: the more specific wording first, since one reason may fit
// several rows (a platform mismatch and a Docker Hub limit are also pull errors; an
// access denied and a missing parameter are both "unable to pull secrets").
var textRules = []textRule{
	{cause: CausePlatformMismatch, match: func(l string) bool {
		return containsAny(l, "descriptor matching platform", "descriptor for platform",
			"no matching manifest for", "no match for platform", "exec format error")
	}},
	{cause: CauseDockerHubRateLimit, match: func(l string) bool {
		return strings.Contains(l, "toomanyrequests") ||
			isPull(l) && containsAny(l, "429 too many requests", "pull rate limit")
	}},
	{cause: CauseExecutionRoleDenied, match: func(l string) bool {
		return isStartup(l) && containsAny(l, "accessdenied", "not authorized to perform",
			"access to kms is not allowed", "you are not allowed to access", "no basic auth credentials",
			"403 forbidden", "401 unauthorized")
	}, diagnose: sharpenAccessDenied},
	{cause: CauseLogGroupMissing, match: func(l string) bool {
		return strings.Contains(l, "log group does not exist")
	}},
	{cause: CauseParameterNotFound, match: func(l string) bool {
		return isSecrets(l) && (containsAny(l, "invalid parameters", "parameternotfound") ||
			containsAny(l, "from asm", "secrets manager") && containsAny(l, "resourcenotfoundexception", "can't find the specified secret"))
	}, diagnose: func(d Diagnosis, text, _ string) Diagnosis {
		if names := ParseMissingParameters(text); len(names) > 0 {
			d.Field = MissingSecretsField(names)
		}
		return d
	}},
	{cause: CauseSecretsManagerJSONKey, match: func(l string) bool {
		return strings.Contains(l, "did not contain json key")
	}},
	{cause: CauseNetwork, match: func(l string) bool {
		return isStartup(l) && containsAny(l, "i/o timeout", "context canceled", "context deadline exceeded",
			"request canceled", "requestcanceled", "client.timeout exceeded", "tls handshake timeout",
			"no such host", "connection refused", "network is unreachable", "connection reset by peer",
			"check your task network configuration")
	}},
	{cause: CauseImageNotFound, match: func(l string) bool {
		return isPull(l) && containsAny(l, "not found", "manifest unknown", "does not exist", "name unknown")
	}},
	{cause: CauseRuntimeFailure, match: func(l string) bool {
		return containsAny(l, "cannotstartcontainererror", "containerruntimetimeouterror", "dockertimeouterror")
	}, diagnose: func(d Diagnosis, _, l string) Diagnosis {
		if isExecFailure(l) {
			d.Where, d.Field = "command", "container_command"
			d.Title = "The container's command or entrypoint could not be run"
			d.Fix = "Fix container_command (or the image's entrypoint) so it names an executable that exists in the image and may be run; the reason names it."
		}
		return d
	}},
	{cause: CauseOutOfMemory, match: func(l string) bool {
		return containsAny(l, "outofmemoryerror", "killed due to memory usage")
	}},
}

// isExecFailure reports a runtime failure to run the container's command or entrypoint
// (runc's `exec: "gunicorn": executable file not found in $PATH`, or the file missing or
// not executable): a fault of the task definition or the image that retrying will not fix.
func isExecFailure(l string) bool {
	if strings.Contains(l, "executable file not found") {
		return true
	}
	_, after, found := strings.Cut(l, `exec: "`)
	return found && containsAny(after, "no such file or directory", "permission denied", "not a directory")
}

// isPull reports an image pull failure.
func isPull(l string) bool {
	return containsAny(l, "cannotpullcontainererror", "cannotpullecrcontainererror", "ecr registry auth", "pull image manifest", "ref pull")
}

// isSecrets reports a failure to resolve the task's secrets.
func isSecrets(l string) bool {
	return containsAny(l, "unable to pull secrets", "unable to retrieve secret", "execution resource retrieval failed",
		"fetching secret data")
}

// isLogger reports a failure to set up the awslogs driver.
func isLogger(l string) bool {
	return containsAny(l, "logger", "logging driver", "log stream", "cloudwatch log")
}

// isStartup reports a failure to fetch what a task needs before its containers run: the
// image, the secrets, the log stream. Only there do access denied and timeouts mean the
// execution role or the network.
func isStartup(l string) bool { return isPull(l) || isSecrets(l) || isLogger(l) }

// sharpenAccessDenied says which permission the execution role lacks, from the service
// the reason names.
func sharpenAccessDenied(d Diagnosis, _, l string) Diagnosis {
	switch {
	case containsAny(l, "kms:", "access to kms", "arn:aws:kms", "customer master key"):
		d.Title = "The execution role may not decrypt the secrets (kms:Decrypt)"
		d.Fix = "Give the execution role kms:Decrypt on the customer key that encrypts the parameters or secrets (and allow it in the key's policy); ssm:GetParameters alone is not enough for a customer key."
	case isLogger(l) && !isSecrets(l):
		d.Title = "The execution role may not write the task's logs"
		d.Fix = "Give the execution role logs:CreateLogStream and logs:PutLogEvents on the log group; AmazonECSTaskExecutionRolePolicy has them."
	case isPull(l) || containsAny(l, "ecr:", "no basic auth credentials"):
		d.Title = "The execution role may not pull the image"
		d.Fix = "Give the execution role ecr:GetAuthorizationToken (on *), ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (AmazonECSTaskExecutionRolePolicy has them), and check the repository's policy; a task pulling from ECR needs execution_role_arn. For another private registry, give the container repositoryCredentials."
	case containsAny(l, "from asm", "secretsmanager"):
		d.Title = "The execution role may not read the Secrets Manager secret"
		d.Fix = "Give the execution role secretsmanager:GetSecretValue on the secret (and kms:Decrypt for a customer key); AmazonECSTaskExecutionRolePolicy has neither."
	}
	return d
}

// MissingSecretsField is the spec variable that owns the fix for missing secrets, given
// each missing one by its environment name (DATABASE_USER) or by its parameter's name or
// ARN (/shop/prod/database/username): parameter_store_prefix when any of them is one of
// the secrets the module always adds (Twilio's included), since those are named from the
// prefix; else secrets_from_parameter_store, which names the others.
func MissingSecretsField(missing []string) string {
	for _, m := range missing {
		for _, r := range requiredSecretPaths {
			if m == r.Name || strings.HasSuffix(m, r.ValueFrom) {
				return "parameter_store_prefix"
			}
		}
		for _, r := range twilioSecretPaths {
			if m == r.Name || strings.HasSuffix(m, r.ValueFrom) {
				return "parameter_store_prefix"
			}
		}
	}
	return "secrets_from_parameter_store"
}

// ParseMissingParameters returns the parameter names a "ResourceInitializationError:
// unable to pull secrets ..." reason lists as missing, as ECS lists them (names or ARNs),
// in order. ECS words them "invalid parameters: /a, /b" (or "/a,/b"); nil when the reason
// lists none.
func ParseMissingParameters(reason string) []string {
	// Matched on the reason itself: an index into its lowercase form may not be one into
	// the reason, as lowercasing changes the byte length of some characters ("Ⱥ").
	loc := invalidParameters.FindStringIndex(reason)
	if loc == nil {
		return nil
	}
	var names []string
	for part := range strings.SplitSeq(reason[loc[1]:], ",") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		names = append(names, fields[0])
		if len(fields) > 1 { // prose after the list
			break
		}
	}
	return names
}

var invalidParameters = regexp.MustCompile(`(?i)invalid parameters:`)

// Diagnose classifies a stopped task.
func Diagnose(t StoppedTask) Diagnosis {
	var sources []source
	for _, c := range t.Containers {
		if c.Reason != "" {
			sources = append(sources, source{container: c.Name, text: c.Reason, lower: strings.ToLower(c.Reason)})
		}
	}
	if t.StoppedReason != "" {
		sources = append(sources, source{text: t.StoppedReason, lower: strings.ToLower(t.StoppedReason)})
	}
	for _, r := range textRules {
		for _, s := range sources {
			if !r.match(s.lower) {
				continue
			}
			d := template(r.cause)
			if r.diagnose != nil {
				d = r.diagnose(d, s.text, s.lower)
			}
			d.Container, d.Evidence = s.container, s.text
			return d
		}
	}

	reason := strings.ToLower(t.StoppedReason)
	code := strings.ToLower(t.StopCode)
	if strings.Contains(reason, "failed elb health checks") {
		return withEvidence(template(CauseHealthChecks), "", t.StoppedReason)
	}
	if code == strings.ToLower(StopCodeSpotInterruption) || code == strings.ToLower(StopCodeTerminationNotice) ||
		strings.Contains(reason, "spot task was interrupted") {
		return withEvidence(template(CauseSpotInterruption), "", orStopCode(t))
	}

	essentialExited := code == strings.ToLower(StopCodeEssentialContainerExited) ||
		strings.Contains(reason, "essential container in task exited")
	if essentialExited {
		// An essential container exited by itself and ECS stopped the others (which may
		// then exit 137 or 143): the one with another non-zero code is the one that failed.
		if c, ok := firstExit(t, func(n int) bool { return n != 0 && n != exitSIGKILL && n != exitSIGTERM }); ok {
			return exitDiagnosis(CauseAppCrashed, t, c)
		}
	}
	if c, ok := firstExit(t, func(n int) bool { return n == exitSIGKILL }); ok {
		return exitDiagnosis(CauseStopTimeout, t, c)
	}
	if essentialExited {
		if c, ok := firstExit(t, func(n int) bool { return n != 0 }); ok {
			return exitDiagnosis(CauseAppCrashed, t, c)
		}
	}

	if (code == strings.ToLower(StopCodeUserInitiated) || code == strings.ToLower(StopCodeServiceSchedulerInitiated)) &&
		cleanStop(t) {
		return withEvidence(template(CauseNotAFailure), "", orStopCode(t))
	}
	return unrecognised(t)
}

// firstExit is the first container whose exit code is known and satisfies ok.
func firstExit(t StoppedTask, ok func(int) bool) (StoppedContainer, bool) {
	for _, c := range t.Containers {
		if c.ExitCode != nil && ok(*c.ExitCode) {
			return c, true
		}
	}
	return StoppedContainer{}, false
}

func exitDiagnosis(cause Cause, t StoppedTask, c StoppedContainer) Diagnosis {
	exited := fmt.Sprintf("%s exited with code %d", orUnnamed(c.Name), *c.ExitCode)
	return withEvidence(template(cause), c.Name, joinNonEmpty("; ", t.StoppedReason, exited))
}

// cleanStop reports a stop with no sign of failure: no container reason, no failure
// words in the stopped reason, and each container exited 0, or 143 (ended by the SIGTERM
// the stop sends), or never ran.
func cleanStop(t StoppedTask) bool {
	if containsAny(strings.ToLower(t.StoppedReason), "error", "fail", "exception", "denied", "unable",
		"timeout", "timed out", "killed", "unhealthy", "outofmemory") {
		return false
	}
	for _, c := range t.Containers {
		if c.Reason != "" || c.ExitCode != nil && *c.ExitCode != 0 && *c.ExitCode != exitSIGTERM {
			return false
		}
	}
	return true
}

// unrecognised keeps the raw reasons and names the first container that failed.
func unrecognised(t StoppedTask) Diagnosis {
	evidence := []string{t.StoppedReason}
	container := ""
	for _, c := range t.Containers {
		failed := c.Reason != "" || c.ExitCode != nil && *c.ExitCode != 0
		if failed && container == "" {
			container = c.Name
		}
		if c.Reason != "" && c.Reason != t.StoppedReason {
			evidence = append(evidence, orUnnamed(c.Name)+": "+c.Reason)
		}
	}
	text := joinNonEmpty("; ", evidence...)
	if text == "" {
		text = orStopCode(t)
	}
	return withEvidence(template(CauseUnrecognised), container, text)
}

func withEvidence(d Diagnosis, container, evidence string) Diagnosis {
	d.Container, d.Evidence = container, evidence
	return d
}

// orStopCode is the stopped reason, or the stop code when ECS gave no reason.
func orStopCode(t StoppedTask) string {
	switch {
	case t.StoppedReason != "":
		return t.StoppedReason
	case t.StopCode != "":
		return "stop code " + t.StopCode
	}
	return "(ECS gave no reason)"
}

func orUnnamed(name string) string {
	if name == "" {
		return "a container"
	}
	return name
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// SizeProposal is a bigger task size for a task that ran out of memory, with what it
// costs: From and To priced at list prices (always show PriceNote with them).
type SizeProposal struct {
	From, To         Size
	Arch             string // X86_64 or ARM64, as priced
	FromCost, ToCost Estimate
}

// MonthlyChangeUSD is how much more a task costs a month at To than at From.
func (p SizeProposal) MonthlyChangeUSD() float64 { return p.ToCost.MonthlyUSD - p.FromCost.MonthlyUSD }

// ProposeMoreMemory proposes the size for a task of cpu/memory that ran out of memory:
// the next valid memory for the CPU, or the next CPU row when the memory is the row's
// top, with the monthly cost of each on arch ("" or unknown: X86_64). ok is false at the
// very top of the table, and for a size that is not one.
func ProposeMoreMemory(cpu, memory int, arch string) (SizeProposal, bool) {
	if cpu <= 0 || memory <= 0 {
		return SizeProposal{}, false
	}
	next, ok := NextSizeUp(cpu, memory)
	if !ok {
		return SizeProposal{}, false
	}
	a, known := NormalizeArchitecture(arch)
	if !known {
		a = ArchX86_64
	}
	from := Size{CPU: cpu, Memory: memory}
	return SizeProposal{From: from, To: next, Arch: a, FromCost: EstimateCost(from, a), ToCost: EstimateCost(next, a)}, true
}
