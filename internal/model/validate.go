package model

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits from the ECS API (aws-rules.md).
const (
	maxTaskDefinitionBytes = 64 * 1024
	maxImageLength         = 255
	nearTaskDefinitionSize = 56 * 1024 // warn from here on
	maxTags                = 50
	maxParameterLevels     = 15
	maxParameterNameLength = 1011
)

var (
	namePattern          = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`) // family, container, volume
	roleARNPattern       = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
	logGroupPattern      = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)
	regionPattern        = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`)
	pythonModulePattern  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
	envIdentPattern      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	s3BucketPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	cloudFrontIDPattern  = regexp.MustCompile(`^[A-Z0-9]{10,16}$`)
	parameterNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)
	ssmARNPattern        = regexp.MustCompile(`^arn:aws(-[a-z]+)*:ssm:[a-z0-9-]+:\d{12}:parameter(/.*)$`)
	secretsARNPattern    = regexp.MustCompile(`^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@!-]+(:[^:]*:[^:]*:[^:]*)?$`) // ! in the secrets AWS services manage: "rds!db-…"
	userPartPattern      = `([0-9]+|[A-Za-z_][A-Za-z0-9_.-]*\$?)`
	userPattern          = regexp.MustCompile(`^` + userPartPattern + `(:` + userPartPattern + `)?$`)
	efsIDPattern         = regexp.MustCompile(`^fs-[0-9a-f]{8}([0-9a-f]{9})?$`)
	accessPointPattern   = regexp.MustCompile(`^fsap-[0-9a-f]{8}([0-9a-f]{9})?$`)

	// Docker's reference grammar (distribution/reference), without IPv6 hosts. The
	// first component is a registry only with a dot, a port or as localhost; else it is
	// part of the (lower-case) repository path. ECS takes sha256 digests only.
	imageLabel     = `[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?`
	imageRegistry  = `(?:localhost(?::[0-9]+)?|` + imageLabel + `(?:(?:\.` + imageLabel + `)+(?::[0-9]+)?|:[0-9]+))`
	imageComponent = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
	imagePattern   = regexp.MustCompile(`^(?:` + imageRegistry + `/)?` + imageComponent + `(?:/` + imageComponent + `)*` +
		`(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`)
	imageRegistryPrefix = regexp.MustCompile(`^` + imageRegistry + `/`)
)

// fargateCapabilitiesAdd is all ECS lets a Fargate task add.
var fargateCapabilitiesAdd = []string{"SYS_PTRACE"}

// kernelCapabilities are the values ECS accepts in linuxParameters.capabilities.
var kernelCapabilities = []string{
	"ALL", "AUDIT_CONTROL", "AUDIT_WRITE", "BLOCK_SUSPEND", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH",
	"FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN",
	"MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "SETFCAP",
	"SETGID", "SETPCAP", "SETUID", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE",
	"SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG",
	"WAKE_ALARM",
}

// IsProduction reports whether an environment name means production.
func IsProduction(environment string) bool {
	env := strings.ToLower(environment)
	for _, name := range []string{"prod", "production", "prd", "live"} {
		if env == name || strings.HasPrefix(env, name+"-") || strings.HasPrefix(env, name+"_") {
			return true
		}
	}
	return false
}

// Validate checks a spec against the module's rules and the AWS rules for Fargate and
// returns every finding at once, in the order of the spec's variables.
func Validate(s Spec) Findings {
	v := &validation{}
	v.required(s)
	v.names(s)
	v.image(s)
	v.port(s)
	v.sizing(s)
	v.roles(s)
	v.logging(s)
	v.parameterPrefix(s)
	v.django(s)
	v.integrations(s)
	v.environment(s)
	v.secrets(s)
	v.user(s)
	v.command(s)
	v.volumes(s)
	v.linuxParameters(s)
	v.tags(s)
	v.size(s)
	// Checks group by topic; people read findings in the order of the file.
	slices.SortStableFunc(v.findings, func(a, b Finding) int {
		return variableIndex(a.Field) - variableIndex(b.Field)
	})
	return v.findings
}

// variableIndex is the position of the variable a field path starts with.
func variableIndex(field string) int {
	name := field
	if i := strings.IndexAny(field, "[."); i >= 0 {
		name = field[:i]
	}
	return slices.IndexFunc(variables, func(v Variable) bool { return v.Name == name })
}

type validation struct{ findings Findings }

func (v *validation) add(sev Severity, field, hint, format string, args ...any) {
	v.findings = append(v.findings, Finding{Severity: sev, Field: field, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (v *validation) errorf(field, hint, format string, args ...any) {
	v.add(SeverityError, field, hint, format, args...)
}

func (v *validation) warnf(field, hint, format string, args ...any) {
	v.add(SeverityWarning, field, hint, format, args...)
}

func (v *validation) required(s Spec) {
	for _, r := range []struct{ name, value, hint string }{
		{"app_name", s.AppName, `e.g. app_name = "backend-booking"`},
		{"environment", s.Environment, `e.g. environment = "dev"`},
		{"container_name", s.ContainerName, "usually the app name"},
		{"container_image", s.ContainerImage, `e.g. ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG`},
		{"execution_role_arn", s.ExecutionRoleARN, "Fargate needs it for awslogs, ECR images and secrets: arn:aws:iam::ACCOUNT:role/NAME"},
		{"log_group_name", s.LogGroupName, `e.g. log_group_name = "/ecs/APP-ENV"`},
	} {
		if r.value == "" {
			v.errorf(r.name, r.hint, "is required")
		}
	}
}

func (v *validation) names(s Spec) {
	for _, p := range []struct{ field, value string }{{"app_name", s.AppName}, {"environment", s.Environment}} {
		if p.value != "" && !namePattern.MatchString(p.value) {
			v.errorf(p.field, "use letters, digits, - and _ only", "%q cannot be part of the family %q", p.value, s.Family())
		}
	}
	if s.AppName != "" && s.Environment != "" && len(s.Family()) > 255 {
		v.errorf("app_name", "shorten app_name or environment", "family %q is %d characters; ECS allows 255", s.Family(), len(s.Family()))
	}
	if s.ContainerName != "" && !namePattern.MatchString(s.ContainerName) {
		v.errorf("container_name", "use 1-255 letters, digits, - and _", "%q is not a valid container name", s.ContainerName)
	}
}

func (v *validation) image(s Spec) {
	img := s.ContainerImage
	if img == "" {
		return
	}
	if len(img) > maxImageLength {
		v.errorf("container_image", "shorten the reference", "is %d characters; ECS allows %d", len(img), maxImageLength)
		return
	}
	m := imagePattern.FindStringSubmatch(img)
	if m == nil {
		hint := "write REGISTRY/REPOSITORY:TAG or REPOSITORY@sha256:DIGEST"
		switch {
		case strings.ContainsAny(img, " \t"):
			hint = "remove the spaces"
		case hasUpperInPath(img):
			hint = "repository names must be lowercase"
		case strings.Contains(img, "@") && !strings.Contains(img, "@sha256:"):
			hint = "a digest is @sha256: followed by 64 lower-case hex digits"
		case strings.HasPrefix(img, "http://") || strings.HasPrefix(img, "https://"):
			hint = "drop the scheme: an image reference is REGISTRY/REPOSITORY:TAG"
		}
		v.errorf("container_image", hint, "%q is not a valid image reference", img)
		return
	}
	tag, digest := m[1], m[2]
	if IsProduction(s.Environment) && digest == "" && (tag == "" || tag == "latest") {
		v.warnf("container_image", "pin a version tag or a digest so a revision always runs the same image",
			"%q uses a moving tag in %s", img, s.Environment)
	}
}

// hasUpperInPath reports whether the repository part (after the registry) has capitals.
func hasUpperInPath(img string) bool {
	path := imageRegistryPrefix.ReplaceAllString(img, "")
	path, _, _ = strings.Cut(path, "@")
	if i := strings.LastIndex(path, ":"); i >= 0 {
		path = path[:i]
	}
	return strings.ToLower(path) != path
}

func (v *validation) port(s Spec) {
	if s.ContainerPort < 1 || s.ContainerPort > 65535 {
		v.errorf("container_port", "use a port from 1 to 65535; Django apps usually listen on 8000",
			"%d is not a TCP port", s.ContainerPort)
		return
	}
	if s.ContainerPort < 1024 && isNonRootUser(s.ContainerUser) {
		v.warnf("container_port", "listen on a port above 1023 (e.g. 8000); Fargate cannot add NET_BIND_SERVICE",
			"port %d is privileged and container_user %q is not root; whether it binds depends on the runtime", s.ContainerPort, s.ContainerUser)
	}
}

func isNonRootUser(user string) bool { return user != "" && !IsRootUser(user) }

// IsRootUser reports whether a container_user value runs as root: "root" or uid 0,
// with any group ("root:app", "0:0"). An empty user is the image's, not known here.
func IsRootUser(user string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return name == "root" || name == "0"
}

func (v *validation) sizing(s Spec) {
	if s.CPUArchitecture != ArchX86_64 && s.CPUArchitecture != ArchARM64 {
		hint := "use X86_64 or ARM64"
		if arch, ok := NormalizeArchitecture(s.CPUArchitecture); ok {
			hint = fmt.Sprintf("write %q", arch)
		}
		v.errorf("cpu_architecture", hint, "%q is not a Fargate CPU architecture", s.CPUArchitecture)
	}
	cpu, cpuCanonical, err := ParseCPU(s.TaskCPU)
	mem, memCanonical, memErr := ParseMemory(s.TaskMemory)
	cpus := joinInts(FargateCPUs())
	cpuValid := false
	if err != nil {
		v.errorf("task_cpu", "use one of "+cpus, "%q is not a CPU value", s.TaskCPU)
	} else if !slices.Contains(FargateCPUs(), cpu) {
		v.errorf("task_cpu", "use one of "+cpus, "%d is not a Fargate CPU size (Invalid 'cpu' setting for task)", cpu)
	} else {
		cpuValid = true
	}
	if cpuValid && !cpuCanonical {
		v.errorf("task_cpu", fmt.Sprintf(`write task_cpu = "%d"`, cpu),
			"%q must be written as CPU units: the module refuses it, and AWS would store %d, so Terraform would show a change forever", s.TaskCPU, cpu)
	}
	if memErr != nil {
		v.errorf("task_memory", "give memory in MiB, e.g. \"2048\"", "%q is not a memory value", s.TaskMemory)
		return
	}
	if !memCanonical {
		v.errorf("task_memory", fmt.Sprintf(`write task_memory = "%d"`, mem),
			"%q must be written in MiB: the module refuses it, and AWS would store %d, so Terraform would show a change forever", s.TaskMemory, mem)
	}
	if !cpuValid || IsValidSize(cpu, mem) {
		return
	}
	valid := ValidMemories(cpu)
	hint := fmt.Sprintf("with task_cpu %d use %s; nearest: %d", cpu, describeMemories(cpu, valid), NearestMemory(cpu, mem))
	v.errorf("task_memory", hint, "%d MiB is not a Fargate size for %d CPU (No Fargate configuration exists for given values)", mem, cpu)
}

func describeMemories(cpu int, mems []int) string {
	if len(mems) <= 4 {
		return joinInts(mems)
	}
	step := mems[1] - mems[0]
	return fmt.Sprintf("%d to %d in steps of %d", mems[0], mems[len(mems)-1], step)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

func (v *validation) roles(s Spec) {
	for _, r := range []struct{ field, arn string }{{"execution_role_arn", s.ExecutionRoleARN}, {"task_role_arn", s.TaskRoleARN}} {
		if r.arn == "" || roleARNPattern.MatchString(r.arn) {
			continue
		}
		hint := "give the role's ARN: arn:aws:iam::ACCOUNT:role/NAME"
		if !strings.HasPrefix(r.arn, "arn:") {
			hint = fmt.Sprintf("give the role's ARN, e.g. arn:aws:iam::ACCOUNT:role/%s", r.arn)
		}
		v.errorf(r.field, hint, "%q is not an IAM role ARN", r.arn)
	}
}

func (v *validation) logging(s Spec) {
	if s.LogGroupName != "" && !logGroupPattern.MatchString(s.LogGroupName) {
		v.errorf("log_group_name", "use letters, digits and . - _ / #, at most 512", "%q is not a valid log group name", s.LogGroupName)
	}
	switch {
	case s.LogStreamPrefix == "":
		v.errorf("log_stream_prefix", `e.g. log_stream_prefix = "ecs"`, "awslogs on Fargate needs a stream prefix")
	case strings.ContainsAny(s.LogStreamPrefix, ":*"):
		v.errorf("log_stream_prefix", "remove : and *", "%q cannot start a log stream name", s.LogStreamPrefix)
	}
	if s.AWSRegion != "" && !regionPattern.MatchString(s.AWSRegion) {
		v.errorf("aws_region", "e.g. eu-west-2", "%q is not an AWS Region code", s.AWSRegion)
	}
}

func (v *validation) parameterPrefix(s Spec) {
	p := s.ParameterStorePrefix
	if p == "" {
		// The derived prefix /APP/ENV is valid by the name rules, but SSM reserves aws
		// and ssm as the start of names people create.
		if isReservedParameterName(s.ParameterPrefix()) {
			v.errorf("app_name", "choose another app_name, or set parameter_store_prefix",
				"the secrets' prefix %q starts with aws or ssm, which SSM reserves", s.ParameterPrefix())
		}
		return
	}
	switch {
	case !strings.HasPrefix(p, "/"):
		v.errorf("parameter_store_prefix", prefixFix("/"+p), "%q must start with /", p)
	case strings.HasSuffix(p, "/") && p != "/":
		v.errorf("parameter_store_prefix", prefixFix(strings.TrimRight(p, "/")), "%q must not end with /", p)
	default:
		if msg, hint := prefixProblem(p); msg != "" {
			v.errorf("parameter_store_prefix", hint, "%s", msg)
		}
	}
}

// prefixRule is how a parameter prefix is written, for a hint with no valid rewrite.
const prefixRule = "start it with /, with levels of letters, digits and _ . - between the /, e.g. /shared/dev"

// prefixProblem is what is wrong with a parameter prefix that starts with / and does
// not end with one, and how to fix it; "" when it is valid.
func prefixProblem(p string) (msg, hint string) {
	if isReservedParameterName(p) {
		return fmt.Sprintf("%q starts with aws or ssm, which SSM reserves", p), "choose another first level"
	}
	if m, h := checkParameterName(p + "/app/django-secret-key"); m != "" {
		return fmt.Sprintf("%q cannot prefix a parameter name: %s", p, m), h
	}
	return "", ""
}

// prefixFix is the hint for a prefix whose slashes are wrong: the corrected prefix
// when it is valid, else the rule ("no slash" would become "/no slash", itself refused).
func prefixFix(fixed string) string {
	if strings.HasPrefix(fixed, "/") && fixed != "/" {
		if msg, _ := prefixProblem(fixed); msg == "" {
			return fmt.Sprintf("write %q", fixed)
		}
	}
	return prefixRule
}

// isReservedParameterName: SSM refuses to create names starting with aws or ssm (any
// case). Reading them is fine: /aws/reference/secretsmanager/... is how a task reads a
// Secrets Manager secret through Parameter Store.
func isReservedParameterName(name string) bool {
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	return strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm")
}

// checkParameterName returns what is wrong with an SSM parameter name, or "".
func checkParameterName(name string) (msg, hint string) {
	switch {
	case name == "":
		return "it is empty", "give the parameter name, e.g. /app/env/key"
	case len(name) > maxParameterNameLength:
		return fmt.Sprintf("it is %d characters; SSM allows %d", len(name), maxParameterNameLength), "shorten the name"
	case !parameterNamePattern.MatchString(name):
		return "it may only hold letters, digits and _ . - /", "remove the other characters"
	case strings.Contains(name, "/") && !strings.HasPrefix(name, "/"):
		hint := fmt.Sprintf("write %q", "/"+name)
		if msg, _ := checkParameterName("/" + name); msg != "" {
			hint = "start it with /" // the name has another problem, said once this is fixed
		}
		return "a name with levels must start with /", hint
	case strings.Contains(name, "//") || strings.HasSuffix(name, "/"):
		return "it has an empty level", "remove the doubled or trailing /"
	case strings.Count(name, "/") > maxParameterLevels:
		return fmt.Sprintf("it has %d levels; SSM allows %d", strings.Count(name, "/"), maxParameterLevels), "use fewer levels"
	}
	return "", ""
}

func (v *validation) django(s Spec) {
	if !pythonModulePattern.MatchString(s.DjangoSettingsModule) {
		v.errorf("django_settings_module", `a dotted Python module path, e.g. "config.settings.production"`,
			"%q is not a Python module path", s.DjangoSettingsModule)
	}
	if strings.TrimSpace(s.AllowedHosts) == "" {
		v.warnf("allowed_hosts", `list the host names, e.g. "api.example.com"`, "is empty: with DEBUG off Django answers every request with 400")
	} else if s.AllowedHosts == "*" && IsProduction(s.Environment) {
		v.warnf("allowed_hosts", `list the host names, e.g. "api.example.com"`, `"*" accepts any Host header in %s`, s.Environment)
	}
	if s.DebugMode && IsProduction(s.Environment) {
		v.warnf("debug_mode", "set debug_mode = false", debugInProduction, s.Environment)
	}
}

// debugInProduction is the warning about DEBUG on in a production environment.
const debugInProduction = "DEBUG is on in %s: error pages show settings and source"

// DebugOn reports whether a DEBUG value turns Django's DEBUG on as settings commonly
// read it (django-environ, distutils' strtobool): 1, true, yes, on, y, t, any case.
func DebugOn(value string) bool {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "1", "true", "t", "yes", "y", "on":
		return true
	}
	return false
}

func (v *validation) integrations(s Spec) {
	if b := s.S3BucketName; b != "" && (!s3BucketPattern.MatchString(b) || strings.Contains(b, "..")) {
		v.errorf("s3_bucket_name", "3-63 lowercase letters, digits, . and -, starting and ending with a letter or digit",
			"%q is not a valid S3 bucket name", b)
	}
	if id := s.CloudFrontDistributionID; id != "" && !cloudFrontIDPattern.MatchString(id) {
		v.warnf("cloudfront_distribution_id", "copy the ID from the CloudFront console, e.g. E1234567890ABC",
			"%q does not look like a CloudFront distribution ID", id)
	}
}

func (v *validation) environment(s Spec) {
	auto := AutomaticEnvironment(s)
	for _, name := range slices.Sorted(maps.Keys(s.EnvironmentVariables)) {
		field := fmt.Sprintf("environment_variables[%q]", name)
		if !v.envName(field, name) {
			continue
		}
		if name == "DEBUG" && IsProduction(s.Environment) && DebugOn(s.EnvironmentVariables[name]) {
			// The container reads this one, not debug_mode: the same warning as debug_mode = true.
			v.warnf(field, fmt.Sprintf("remove it: it overrides the DEBUG that ecswiz sets from debug_mode (%q)", auto[name]),
				debugInProduction, s.Environment)
			continue
		}
		if value, ok := auto[name]; ok {
			hint := "remove it to keep the value ecswiz sets the same in every task definition"
			if variable, _ := AutomaticEnvironmentSource(name); variable != "" {
				hint = fmt.Sprintf("remove it and set %s instead, which ecswiz derives %s from", variable, name)
			}
			v.warnf(field, hint, "overrides the %s that ecswiz sets (%q)", name, value)
		}
	}
	secrets := ContainerSecrets(s)
	for _, name := range slices.Sorted(maps.Keys(ContainerEnvironment(s))) {
		if _, ok := secrets[name]; !ok {
			continue
		}
		field := fmt.Sprintf("environment_variables[%q]", name)
		hint := "remove it from one of environment_variables and secrets_from_parameter_store"
		if _, ok := s.EnvironmentVariables[name]; !ok {
			field = fmt.Sprintf("secrets_from_parameter_store[%q]", name)
			hint = fmt.Sprintf("remove it from secrets_from_parameter_store: ecswiz sets %s as an environment variable", name)
		} else if _, ok := s.SecretsFromParameterStore[name]; !ok {
			hint = fmt.Sprintf("remove it from environment_variables: %s is a required secret, read from %s", name, secrets[name])
		}
		v.errorf(field, hint, "%s is both an environment variable and a secret; ECS refuses that", name)
	}
}

// envName checks an environment or secret name; false when it is unusable.
func (v *validation) envName(field, name string) bool {
	switch {
	case strings.TrimSpace(name) == "":
		v.errorf(field, "give the variable a name", "an environment name may not be blank")
		return false
	case strings.ContainsAny(name, "= \t\n"):
		v.errorf(field, "use letters, digits and _", "%q may not contain =, spaces or line breaks", name)
		return false
	case !envIdentPattern.MatchString(name):
		v.warnf(field, "use letters, digits and _, not starting with a digit", "%q is not a shell-safe name; os.environ reads it, shells cannot", name)
	}
	return true
}

func (v *validation) secrets(s Spec) {
	required := map[string]bool{}
	for _, r := range RequiredSecrets(s) {
		required[r.Name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(s.SecretsFromParameterStore)) {
		field := fmt.Sprintf("secrets_from_parameter_store[%q]", name)
		if !v.envName(field, name) {
			continue
		}
		if required[name] {
			v.warnf(field, "remove it to use the parameter under parameter_store_prefix",
				"overrides the required secret %s", name)
		}
		if msg, hint := checkValueFrom(s.SecretsFromParameterStore[name]); msg != "" {
			v.errorf(field, hint, "%s", msg)
		}
	}
}

// IsSecretsManagerARN reports whether a secret's source (valueFrom) is the ARN of a
// Secrets Manager secret rather than an SSM parameter's name or ARN: Parameter Store
// cannot say whether it exists. It does not check the ARN is well formed; Validate does.
func IsSecretsManagerARN(from string) bool {
	parts := strings.SplitN(from, ":", 4)
	return len(parts) == 4 && parts[0] == "arn" && parts[2] == "secretsmanager"
}

// CheckSecretSource says what is wrong with a secret's source (its valueFrom), with how
// to fix it; "" when nothing is. It is the rule Validate applies to the values of
// secrets_from_parameter_store, for a source checked before it is in a spec.
func CheckSecretSource(from string) (msg, hint string) { return checkValueFrom(from) }

// checkValueFrom checks a secret's source: an SSM parameter name, an SSM parameter ARN
// or a Secrets Manager secret ARN.
func checkValueFrom(from string) (msg, hint string) {
	switch {
	case IsSecretsManagerARN(from):
		if !secretsARNPattern.MatchString(from) {
			return fmt.Sprintf("%q is not a Secrets Manager ARN", from),
				"arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, optionally :JSON-KEY:VERSION-STAGE:VERSION-ID"
		}
	case strings.HasPrefix(from, "arn:"):
		m := ssmARNPattern.FindStringSubmatch(from)
		if m == nil {
			return fmt.Sprintf("%q is not an SSM parameter ARN", from), "arn:aws:ssm:REGION:ACCOUNT:parameter/NAME"
		}
		name := m[2] // starts with the / after "parameter"
		if strings.HasPrefix(name, "//") {
			return fmt.Sprintf("%q repeats the / after parameter", from),
				"an ARN names the parameter without its leading /: ...:parameter/" + strings.TrimLeft(name, "/")
		}
		if msg, hint := checkParameterName(name); msg != "" {
			return fmt.Sprintf("%q names an invalid parameter: %s", from, msg), hint
		}
	default:
		if msg, hint := checkParameterName(from); msg != "" {
			return fmt.Sprintf("%q is not a valid parameter name: %s", from, msg), hint
		}
	}
	return "", ""
}

func (v *validation) user(s Spec) {
	if s.ContainerUser != "" && !userPattern.MatchString(s.ContainerUser) {
		v.errorf("container_user", "use user, user:group, uid, uid:gid, user:gid or uid:group, e.g. 1000:1000",
			"%q is not a user", s.ContainerUser)
	}
}

func (v *validation) command(s Spec) {
	if len(s.ContainerCommand) > 0 && strings.TrimSpace(s.ContainerCommand[0]) == "" {
		v.errorf("container_command[0]", `e.g. ["gunicorn", "config.wsgi:application"]`, "the program to run may not be blank")
	}
}

func (v *validation) volumes(s Spec) {
	declared := map[string]bool{}
	for i, vol := range s.Volumes {
		field := fmt.Sprintf("volumes[%d]", i)
		switch {
		case !namePattern.MatchString(vol.Name):
			v.errorf(field+".name", "use 1-255 letters, digits, - and _", "%q is not a valid volume name", vol.Name)
		case declared[vol.Name]:
			v.errorf(field+".name", "give each volume its own name", "volume %q is declared twice", vol.Name)
		}
		declared[vol.Name] = true
		if vol.EFS != nil {
			v.efs(field+".efs_volume_configuration", *vol.EFS)
		}
	}

	mounted := map[string]bool{}
	paths := map[string]bool{}
	for i, mp := range s.MountPoints {
		field := fmt.Sprintf("mount_points[%d]", i)
		switch {
		case declared[mp.SourceVolume]:
		case strings.TrimSpace(mp.SourceVolume) == "":
			// No example to give: volumes = [{ name = "" }] would be refused in turn.
			hint := "declare a volume in volumes first, then name it here"
			if len(declared) > 0 {
				hint = "name one of the declared volumes: " + strings.Join(slices.Sorted(maps.Keys(declared)), ", ")
			}
			v.errorf(field+".sourceVolume", hint, "no volume is named")
		default:
			hint := "declare it in volumes, e.g. volumes = [{ name = \"" + mp.SourceVolume + "\" }]"
			if len(declared) > 0 {
				hint = "declared volumes: " + strings.Join(slices.Sorted(maps.Keys(declared)), ", ")
			}
			v.errorf(field+".sourceVolume", hint, "volume %q is not declared in volumes", mp.SourceVolume)
		}
		mounted[mp.SourceVolume] = true
		switch {
		case !strings.HasPrefix(mp.ContainerPath, "/"):
			v.errorf(field+".containerPath", "give an absolute path, e.g. /tmp", "%q is not an absolute path", mp.ContainerPath)
		case paths[mp.ContainerPath]:
			v.errorf(field+".containerPath", "mount each path once", "%q is mounted twice", mp.ContainerPath)
		}
		paths[mp.ContainerPath] = true
	}
	for i, vol := range s.Volumes {
		if vol.Name != "" && !mounted[vol.Name] {
			v.warnf(fmt.Sprintf("volumes[%d]", i), "mount it in mount_points or remove it", "volume %q is never mounted", vol.Name)
		}
	}

	if s.ReadonlyRootFilesystem && !hasWritableTmp(s) {
		v.warnf("readonly_root_filesystem",
			`add volumes = [{ name = "tmp" }] and mount_points = [{ sourceVolume = "tmp", containerPath = "/tmp" }]`,
			"the root is read-only and /tmp is not a writable mount: Django and gunicorn need /tmp (ECS Exec also breaks)")
	}
}

func hasWritableTmp(s Spec) bool {
	for _, mp := range s.MountPoints {
		if mp.ContainerPath == "/tmp" && !mp.ReadOnly {
			return true
		}
	}
	return false
}

func (v *validation) efs(field string, e EFSVolume) {
	if !efsIDPattern.MatchString(e.FileSystemID) {
		v.errorf(field+".file_system_id", "e.g. fs-0123456789abcdef0", "%q is not an EFS file system ID", e.FileSystemID)
	}
	enabledOrDisabled := func(name, value string) {
		if value != "" && value != "ENABLED" && value != "DISABLED" {
			v.errorf(field+"."+name, `use "ENABLED" or "DISABLED"`, "%q is not ENABLED or DISABLED", value)
		}
	}
	enabledOrDisabled("transit_encryption", e.TransitEncryption)
	if e.TransitEncryptionPort != 0 && (e.TransitEncryptionPort < 1 || e.TransitEncryptionPort > 65535) {
		v.errorf(field+".transit_encryption_port", "use a port from 1 to 65535, or leave it unset", "%d is not a TCP port", e.TransitEncryptionPort)
	}
	a := e.AuthorizationConfig
	if a == nil {
		return
	}
	enabledOrDisabled("authorization_config.iam", a.IAM)
	if a.AccessPointID != "" && !accessPointPattern.MatchString(a.AccessPointID) {
		v.errorf(field+".authorization_config.access_point_id", "e.g. fsap-0123456789abcdef0", "%q is not an EFS access point ID", a.AccessPointID)
	}
	if (a.AccessPointID != "" || a.IAM == "ENABLED") && e.TransitEncryption != "ENABLED" {
		v.errorf(field+".transit_encryption", `set transit_encryption = "ENABLED"`, "an access point or IAM authorization needs transit encryption")
	}
	if a.AccessPointID != "" && e.RootDirectory != "" && e.RootDirectory != "/" {
		v.errorf(field+".root_directory", "remove root_directory; the access point sets the directory", "a root directory cannot be combined with an access point")
	}
}

func (v *validation) linuxParameters(s Spec) {
	if !s.EnableLinuxParameters && (len(s.LinuxCapabilitiesAdd) > 0 || len(s.LinuxCapabilitiesDrop) > 0) {
		field := "linux_capabilities_drop"
		if len(s.LinuxCapabilitiesAdd) > 0 {
			field = "linux_capabilities_add"
		}
		v.errorf(field, "set enable_linux_parameters = true, or remove the capabilities",
			"capabilities are ignored unless enable_linux_parameters is true")
	}
	check := func(field string, caps []string, adding bool) {
		for i, c := range caps {
			f := fmt.Sprintf("%s[%d]", field, i)
			name := strings.TrimPrefix(c, "CAP_")
			switch {
			case !slices.Contains(kernelCapabilities, name):
				v.errorf(f, "e.g. ALL, NET_RAW, SYS_PTRACE", "%q is not a Linux capability ECS knows", c)
			case adding && !slices.Contains(fargateCapabilitiesAdd, name):
				hint := "remove it; Fargate only lets a task add SYS_PTRACE"
				if name == "NET_BIND_SERVICE" {
					hint = "remove it and listen on a port above 1023 (e.g. 8000); a non-root user cannot be granted it on Fargate"
				}
				v.errorf(f, hint, "ECS refuses to add %s on Fargate", name)
			case name != c:
				v.errorf(f, fmt.Sprintf("write %q", name), "%q: ECS names capabilities without the CAP_ prefix", c)
			}
		}
	}
	check("linux_capabilities_drop", s.LinuxCapabilitiesDrop, false)
	check("linux_capabilities_add", s.LinuxCapabilitiesAdd, true)
}

func (v *validation) tags(s Spec) {
	if len(s.Tags) > maxTags {
		v.errorf("tags", "remove some tags", "%d tags; a task definition may have %d", len(s.Tags), maxTags)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Tags)) {
		field := fmt.Sprintf("tags[%q]", k)
		switch {
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.errorf(field, "choose a key without the aws: prefix", "the aws: prefix is reserved for AWS")
		case !isTagText(k, 1, 128):
			v.errorf(field, "1-128 letters, digits, spaces and _ . : / = + - @", "%q is not a valid tag key", k)
		}
		if !isTagText(s.Tags[k], 0, 256) {
			v.errorf(field, "at most 256 letters, digits, spaces and _ . : / = + - @", "%q is not a valid tag value", s.Tags[k])
		}
	}
}

// isTagText applies the tagging rules: letters, digits, spaces and _ . : / = + - @,
// between min and max characters. (A regexp with Unicode classes costs milliseconds
// to compile at start-up.)
func isTagText(s string, min, max int) bool {
	n := utf8.RuneCountInString(s)
	if n < min || n > max {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Zs, r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}

// size measures the rendered document against the 64 KiB limit of the ECS API.
func (v *validation) size(s Spec) {
	td, err := Build(s, "us-east-1") // the region's length barely matters
	if err != nil {
		return
	}
	compact, err := json.Marshal(td) // the API counts the request, not our indented render
	if err != nil {
		return
	}
	n := len(compact)
	switch {
	case n > maxTaskDefinitionBytes:
		v.errorf("environment_variables", "move large values to Parameter Store and reference them as secrets",
			"the task definition is %d bytes; ECS accepts at most %d", n, maxTaskDefinitionBytes)
	case n > nearTaskDefinitionSize:
		v.warnf("environment_variables", "move large values to Parameter Store and reference them as secrets",
			"the task definition is %d bytes, close to the %d-byte limit", n, maxTaskDefinitionBytes)
	}
}
