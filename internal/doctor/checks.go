// Package doctor finds why tasks stopped and checks the task definition they ran: the
// troubleshooter's logic, shared by `ecswiz doctor` (screens and --json) and `ecswiz
// register`'s preflight.
package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// Status is a check's outcome.
type Status string

// Check outcomes.
const (
	StatusOK   Status = "ok"
	StatusFail Status = "fail"
	StatusSkip Status = "skip" // could not check; Hint says why
)

// Names of the checks, in the order they run and are shown.
const (
	CheckSizing      = "sizing"
	CheckImage       = "image"
	CheckSecrets     = "secrets"
	CheckRole        = "execution-role"
	CheckLogGroup    = "log-group"
	CheckWritableTmp = "writable-tmp"
	CheckPortUser    = "port-user"
	CheckSpec        = "spec"
)

// Result is one named check's outcome.
type Result struct {
	Name    string `json:"check"`
	Title   string `json:"title"` // what is checked: "Sizing is a valid Fargate pair"
	Status  Status `json:"status"`
	Message string `json:"message"`         // what was found
	Hint    string `json:"hint,omitempty"`  // the fix (fail) or why it could not be checked (skip)
	Field   string `json:"field,omitempty"` // the spec variable that owns the fix
}

// Checker runs the named checks against AWS. A nil client skips the checks that need it.
type Checker struct {
	Parameters interface {
		Exist(ctx context.Context, names []string) (map[string]bool, error)
		Keys(ctx context.Context, names []string) (map[string]string, error)
	}
	Images interface {
		ImageExists(ctx context.Context, imageRef string) (aws.ImageCheck, error)
		Architectures(ctx context.Context, repo string, imageIDs []string) (map[string][]string, error)
	}
	Logs interface {
		GroupExists(ctx context.Context, name string) (bool, error)
	}
	Roles interface {
		CanReadParameters(ctx context.Context, roleARN string, parameterARNs, kmsKeyARNs []string) (aws.CheckResult, error)
	}
	// Region and Account of the session: where names without an ARN live. Without an
	// Account, a registered revision's own (from its ARN) is used.
	Region, Account string
}

// check is one named check: run sees the parsed task definition and the raw document.
type check struct {
	name, title string
	run         func(c *Checker, ctx context.Context, in *input) Result
}

// checks are the named checks in the order they are shown.
var checks = []check{
	{CheckSizing, "Sizing is a valid Fargate pair", (*Checker).sizing},
	{CheckImage, "The image exists in ECR and runs on the task's CPU architecture", (*Checker).image},
	{CheckSecrets, "Every secret's parameter exists", (*Checker).secrets},
	{CheckRole, "The execution role may read and decrypt the secrets", (*Checker).executionRole},
	{CheckLogGroup, "The log group exists", (*Checker).logGroup},
	{CheckWritableTmp, "A read-only root file system has a writable /tmp", (*Checker).writableTmp},
	{CheckPortUser, "Port and user agree", (*Checker).portUser},
	{CheckSpec, "The task definition validates as a spec", (*Checker).spec},
}

// input is what every check reads: the document and its task definition, parsed once.
type input struct {
	doc []byte
	td  taskdef.TaskDefinition
}

// Run runs every check on a task definition document as DescribeTaskDefinition returns
// it, concurrently, and returns the results in the order of the names above.
//
// The document may also be the bare task definition or a RegisterTaskDefinition request.
// No check reads a secret's value: parameters are looked up with GetParameters without
// decryption, and the role's access is simulated.
func (c *Checker) Run(ctx context.Context, doc []byte) []Result {
	if acct := registeredAccount(doc); c.Account == "" && acct != "" {
		// A registered revision names its account: no need to ask STS.
		withAccount := *c
		withAccount.Account = acct
		c = &withAccount
	}
	results := make([]Result, len(checks))
	td, parseErr := ParseTaskDefinition(doc)
	in := &input{doc: doc, td: td}
	var wg sync.WaitGroup
	for i, ch := range checks {
		switch {
		case parseErr != nil && ch.name != CheckSpec:
			// The spec check fails with why, and where in the document.
			results[i] = skip("", "See the "+CheckSpec+" check.", "could not check: %v", parseErr)
		default:
			wg.Go(func() { results[i] = ch.run(c, ctx, in) })
		}
	}
	wg.Wait()
	for i, ch := range checks {
		results[i].Name, results[i].Title = ch.name, ch.title
	}
	return results
}

// registeredAccount is the account in a described document's taskDefinitionArn; "" for
// a document that has none (a RegisterTaskDefinition request).
func registeredAccount(doc []byte) string {
	var described struct {
		TaskDefinition struct {
			ARN string `json:"taskDefinitionArn"`
		} `json:"taskDefinition"`
		ARN string `json:"taskDefinitionArn"`
	}
	if json.Unmarshal(doc, &described) != nil {
		return ""
	}
	return arnAccount(described.TaskDefinition.ARN + described.ARN)
}

// ParseTaskDefinition reads a task definition from the output of `aws ecs
// describe-task-definition` ({"taskDefinition": {...}, "tags": [...]}), the bare task
// definition, or a RegisterTaskDefinition request. A container that does not say whether
// it is essential is, as ECS reads it; the tags beside a described task definition
// become its Tags.
func ParseTaskDefinition(doc []byte) (taskdef.TaskDefinition, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return taskdef.TaskDefinition{}, fmt.Errorf("read the task definition: %w", err)
	}
	body := doc
	var tags []taskdef.Tag
	if raw, ok := top["taskDefinition"]; ok {
		body = raw
		if t, ok := top["tags"]; ok {
			if err := json.Unmarshal(t, &tags); err != nil {
				return taskdef.TaskDefinition{}, fmt.Errorf("read the task definition's tags: %w", err)
			}
		}
	}
	var td taskdef.TaskDefinition
	if err := json.Unmarshal(body, &td); err != nil {
		return taskdef.TaskDefinition{}, fmt.Errorf("read the task definition: %w", err)
	}
	var essential struct {
		ContainerDefinitions []struct {
			Essential *bool `json:"essential"`
		} `json:"containerDefinitions"`
	}
	if err := json.Unmarshal(body, &essential); err != nil {
		return taskdef.TaskDefinition{}, fmt.Errorf("read the task definition: %w", err)
	}
	for i, c := range essential.ContainerDefinitions {
		if c.Essential == nil {
			td.ContainerDefinitions[i].Essential = true
		}
	}
	if len(tags) > 0 {
		td.Tags = tags
	}
	if len(td.ContainerDefinitions) == 0 {
		return td, errors.New("read the task definition: it has no containerDefinitions")
	}
	return td, nil
}

// mainContainer is the index of the container the task is about: the first essential
// one, else the first.
func mainContainer(td taskdef.TaskDefinition) int {
	for i, c := range td.ContainerDefinitions {
		if c.Essential {
			return i
		}
	}
	return 0
}

// ok, fail and skip build results; Name and Title are set by Run. A hint reads as a
// sentence wherever its words come from (an AWS error's hint, a validation finding).
func ok(field, format string, args ...any) Result {
	return Result{Status: StatusOK, Field: field, Message: fmt.Sprintf(format, args...)}
}

func fail(field, hint, format string, args ...any) Result {
	return Result{Status: StatusFail, Field: field, Hint: sentence(hint), Message: fmt.Sprintf(format, args...)}
}

func skip(field, hint, format string, args ...any) Result {
	return Result{Status: StatusSkip, Field: field, Hint: sentence(hint), Message: fmt.Sprintf(format, args...)}
}

// lowerFirst begins s with a small letter, to follow other words.
func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// sentence begins s with a capital letter and ends it with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// offline is the result of a check whose client is missing.
func offline(field string) Result {
	return skip(field, "Run with AWS credentials (or --demo) to check it.", "not checked (offline)")
}

// couldNotCheck is a skip for a call that failed: the classified reason in one line
// ("could not check: access denied (ssm:GetParameters)") and what to do about it, which
// names the permission when one is missing.
func couldNotCheck(field string, err error) Result {
	reason, hint := errorReason(err)
	return skip(field, hint, "could not check: %s", reason)
}

// errorReason is why a call failed, in one line, and what to do about it (never "").
func errorReason(err error) (reason, hint string) {
	const again = "The check was cancelled before it ended: run it again."
	var ae *aws.Error
	switch {
	case errors.As(err, &ae):
		// The summary without what was being done: the check's title says that.
		reason, hint = ae.Reason(), ae.Hint()
		if ae.Kind == aws.KindCancelled {
			hint = again
		}
	case errors.Is(err, context.Canceled):
		return "cancelled", again
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out", "AWS did not answer in time: try again."
	default:
		reason = err.Error()
	}
	if hint == "" {
		hint = "Try again; if it fails again, check the AWS connection and the Region."
	}
	return reason, hint
}

// cancelled is a skip for a check that did not start because ctx is done.
func cancelled(ctx context.Context, field string) (Result, bool) {
	if ctx.Err() == nil {
		return Result{}, false
	}
	return couldNotCheck(field, ctx.Err()), true
}

// isNil is true for a nil interface and for one holding a nil pointer, which a caller
// gets by assigning a nil *aws.Parameters.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// listed joins up to n items and says how many more there are.
func listed(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// ---- sizing ----------------------------------------------------------------------------

func (c *Checker) sizing(_ context.Context, in *input) Result {
	td := in.td
	cpus := joinInts(model.FargateCPUs())
	if strings.TrimSpace(td.CPU) == "" || strings.TrimSpace(td.Memory) == "" {
		return fail("task_cpu", "Set task_cpu and task_memory, e.g. 512 and 1024.",
			"the task has no cpu or memory: Fargate needs both at task level")
	}
	cpu, _, err := model.ParseCPU(td.CPU)
	if err != nil {
		return fail("task_cpu", "Use one of "+cpus+".", "cpu %q is not a number", td.CPU)
	}
	mem, _, err := model.ParseMemory(td.Memory)
	if err != nil {
		return fail("task_memory", "Give memory in MiB, e.g. 2048.", "memory %q is not a number", td.Memory)
	}
	valid := model.ValidMemories(cpu)
	if valid == nil {
		return fail("task_cpu", "Use one of "+cpus+"; the nearest is "+strconv.Itoa(model.NearestCPU(cpu))+".",
			"%d CPU is not a Fargate size (Invalid 'cpu' setting for task)", cpu)
	}
	if !model.IsValidSize(cpu, mem) {
		return fail("task_memory",
			fmt.Sprintf("With %d CPU use %s MiB; the nearest is %d.", cpu, describeMemories(valid), model.NearestMemory(cpu, mem)),
			"%d MiB is not a Fargate size for %d CPU (No Fargate configuration exists for given values)", mem, cpu)
	}
	return ok("task_cpu", "%s is a valid Fargate size", model.Size{CPU: cpu, Memory: mem})
}

func describeMemories(mems []int) string {
	if len(mems) <= 4 {
		return joinInts(mems)
	}
	return fmt.Sprintf("%d to %d in steps of %d", mems[0], mems[len(mems)-1], mems[1]-mems[0])
}

// ---- image -----------------------------------------------------------------------------

// imageOutcome is what was found about one container's image.
type imageOutcome struct {
	container, image string
	status           Status
	note             string // what was found, or why it was not checked
	err              error
	archMismatch     bool
}

func (c *Checker) image(ctx context.Context, in *input) Result {
	const field = "container_image"
	if isNil(c.Images) {
		return offline(field)
	}
	if r, done := cancelled(ctx, field); done {
		return r
	}
	td := in.td
	var platform string
	if td.RuntimePlatform != nil {
		platform = td.RuntimePlatform.CPUArchitecture
	}
	fargateArch := model.ArchX86_64 // ECS's default
	if platform != "" {
		fargateArch = platform
		if a, ok := model.NormalizeArchitecture(platform); ok {
			fargateArch = a
		}
	}
	want := model.ImageArchitecture(fargateArch)

	main := mainContainer(td)
	outcomes := make([]imageOutcome, len(td.ContainerDefinitions))
	var wg sync.WaitGroup
	for i, cd := range td.ContainerDefinitions {
		wg.Go(func() { outcomes[i] = c.checkImage(ctx, cd.Name, cd.Image, fargateArch, want) })
	}
	wg.Wait()

	var failed, errs, unchecked []imageOutcome
	for i, o := range outcomes {
		switch {
		case o.status == StatusFail:
			failed = append(failed, o)
		case o.err != nil:
			errs = append(errs, o)
		case o.status == StatusSkip && i == main:
			unchecked = append([]imageOutcome{o}, unchecked...)
		case o.status == StatusSkip:
			unchecked = append(unchecked, o)
		}
	}
	if len(failed) > 0 {
		f := failed[0]
		r := fail(field, "Push the image, or point container_image at a tag that exists.", "%s", f.note)
		if f.archMismatch {
			r.Field = "cpu_architecture"
			other := model.ArchARM64
			if fargateArch == model.ArchARM64 {
				other = model.ArchX86_64
			}
			r.Hint = fmt.Sprintf("Push a linux/%s (or multi-platform) image, or set cpu_architecture = %q if the app runs there.", want, other)
		}
		if len(outcomes) > 1 {
			r.Message = fmt.Sprintf("container %q: %s", f.container, f.note)
		}
		if len(failed) > 1 {
			r.Message += fmt.Sprintf(" (and %d more containers)", len(failed)-1)
		}
		return r
	}
	if len(errs) > 0 {
		return couldNotCheck(field, errs[0].err)
	}
	if len(unchecked) > 0 && unchecked[0].container == td.ContainerDefinitions[main].Name {
		return skip(field, "Check it yourself, e.g. with docker manifest inspect "+unchecked[0].image+".",
			"could not check: %s (%s)", unchecked[0].note, unchecked[0].image)
	}
	msg := outcomes[main].note
	if len(outcomes) > 1 {
		msg = fmt.Sprintf("%d images checked: %s", len(outcomes)-len(unchecked), msg)
		for _, u := range unchecked {
			msg += fmt.Sprintf("; container %q not checked (%s)", u.container, u.note)
		}
	}
	return ok(field, "%s", msg)
}

// checkImage checks that one image exists and, where its index says, that it runs on want.
func (c *Checker) checkImage(ctx context.Context, container, ref, fargateArch, want string) imageOutcome {
	o := imageOutcome{container: container, image: ref}
	found, err := c.Images.ImageExists(ctx, ref)
	switch {
	case err != nil:
		o.status, o.err = StatusSkip, err
		return o
	case !found.Checked:
		o.status, o.note = StatusSkip, found.Reason
		return o
	case !found.Exists:
		o.status, o.note = StatusFail, fmt.Sprintf("%s does not exist: %s", ref, found.Reason)
		return o
	}
	o.status = StatusOK
	img, _ := aws.ParseECRImage(ref)
	if want == "" {
		o.note = fmt.Sprintf("%s exists; the task's CPU architecture %q is not known", ref, fargateArch)
		return o
	}
	if c.Account != "" && img.Account != c.Account {
		o.note = fmt.Sprintf("%s exists; its architecture is not known (an image of account %s)", ref, img.Account)
		return o
	}
	id := img.Tag
	if img.Digest != "" {
		id = img.Digest
	}
	archs, err := c.Images.Architectures(ctx, img.Repository, []string{id})
	if err != nil {
		o.status, o.err = StatusSkip, err
		return o
	}
	got, known := archs[id]
	switch {
	case !known || len(got) == 0:
		o.note = fmt.Sprintf("%s exists; architecture not known (a single-platform image names it only in its config)", ref)
	case slices.Contains(got, want):
		o.note = fmt.Sprintf("%s exists and runs on linux/%s", ref, want)
	default:
		o.status, o.archMismatch = StatusFail, true
		o.note = fmt.Sprintf("%s is built for %s only; the task runs on %s (linux/%s)", ref, strings.Join(got, ", "), fargateArch, want)
	}
	return o
}

// ---- secrets ---------------------------------------------------------------------------

// secretRef is one container secret.
type secretRef struct {
	container, env, from string
}

func secretsOf(td taskdef.TaskDefinition) []secretRef {
	var out []secretRef
	for _, cd := range td.ContainerDefinitions {
		for _, s := range cd.Secrets {
			out = append(out, secretRef{container: cd.Name, env: s.Name, from: s.ValueFrom})
		}
	}
	return out
}

// secretKind sorts a secret's source: an SSM parameter (name or ARN) in the session's
// Region, an SSM parameter elsewhere, a Secrets Manager secret, or something else.
type secretKind int

const (
	parameterHere secretKind = iota
	parameterElsewhere
	secretsManager
	otherSource
)

// ssmARNRegion is the Region of an SSM parameter ARN; ok is false for anything else.
func ssmARNRegion(from string) (region string, ok bool) {
	parts := strings.SplitN(from, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "ssm" || !strings.HasPrefix(parts[5], "parameter/") {
		return "", false
	}
	return parts[3], true
}

func (c *Checker) kindOf(from string) secretKind {
	switch {
	case model.IsSecretsManagerARN(from):
		return secretsManager
	case strings.HasPrefix(from, "arn:"):
		region, isSSM := ssmARNRegion(from)
		switch {
		case !isSSM:
			return otherSource
		case c.Region != "" && region != c.Region:
			return parameterElsewhere
		}
	}
	return parameterHere
}

func (c *Checker) secrets(ctx context.Context, in *input) Result {
	const field = "secrets_from_parameter_store"
	refs := secretsOf(in.td)
	if len(refs) == 0 {
		return ok("parameter_store_prefix", "the task has no secrets")
	}
	var names, notes []string
	var asm, elsewhere, other int
	for _, r := range refs {
		switch c.kindOf(r.from) {
		case parameterHere:
			names = append(names, r.from)
		case parameterElsewhere:
			elsewhere++
		case secretsManager:
			asm++
		default:
			other++
		}
	}
	if asm > 0 {
		notes = append(notes, fmt.Sprintf("%d Secrets Manager %s not checked here", asm, plural(asm, "secret", "secrets")))
	}
	if elsewhere > 0 {
		notes = append(notes, fmt.Sprintf("%d %s in another Region not checked", elsewhere, plural(elsewhere, "parameter", "parameters")))
	}
	if other > 0 {
		notes = append(notes, fmt.Sprintf("%d %s neither a parameter nor a secret", other, plural(other, "source is", "sources are")))
	}
	note := ""
	if len(notes) > 0 {
		note = " (" + strings.Join(notes, "; ") + ")"
	}
	if len(names) == 0 {
		return skip(field, "Only Parameter Store parameters in this Region can be checked.",
			"no Parameter Store parameter to check%s", note)
	}
	if isNil(c.Parameters) {
		return offline(field)
	}
	if r, done := cancelled(ctx, field); done {
		return r
	}
	exist, err := c.Parameters.Exist(ctx, names)
	if err != nil {
		reason, hint := errorReason(err)
		if errors.Is(err, aws.KindAccessDenied) {
			hint = "Checking needs ssm:GetParameters on the parameters (values are not decrypted): " + hint
		}
		return skip(field, hint, "could not check: %s", reason)
	}
	var missing, missingEnvs []string
	multi := len(in.td.ContainerDefinitions) > 1
	seen := map[string]bool{}
	for _, r := range refs {
		if found, checked := exist[r.from]; !checked || found {
			continue
		}
		missingEnvs = append(missingEnvs, r.env)
		label := fmt.Sprintf("%s (%s)", r.env, r.from)
		if multi {
			label = fmt.Sprintf("%s/%s (%s)", r.container, r.env, r.from)
		}
		if !seen[label] {
			seen[label] = true
			missing = append(missing, label)
		}
	}
	checked := len(slices.Compact(slices.Sorted(slices.Values(names))))
	if len(missing) > 0 {
		return fail(model.MissingSecretsField(missingEnvs),
			"Create the missing parameters (ecswiz can create them as SecureStrings), or point the secrets at parameters that exist.",
			"%d of %d %s missing: %s%s", len(missing), checked, plural(checked, "parameter", "parameters"), listed(missing, 5), note)
	}
	return ok("parameter_store_prefix", "%d %s exist%s", checked, plural(checked, "parameter", "parameters"), note)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ---- execution role --------------------------------------------------------------------

// partition is the ARN partition of a Region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// ParameterARN is the ARN of a parameter named name (with or without its leading /) in
// region and account, as IAM policies name it.
func ParameterARN(region, account, name string) string {
	return fmt.Sprintf("arn:%s:ssm:%s:%s:parameter/%s", partition(region), region, account, strings.TrimPrefix(name, "/"))
}

func (c *Checker) executionRole(ctx context.Context, in *input) Result {
	const field = "execution_role_arn"
	refs := secretsOf(in.td)
	if len(refs) == 0 {
		return ok(field, "no secrets to read")
	}
	role := in.td.ExecutionRoleArn
	if role == "" {
		return fail(field, "Set execution_role_arn to a role that ECS tasks may assume, with ssm:GetParameters on the parameters.",
			"the task has %d %s but no execution role: ECS reads secrets with it", len(refs), plural(len(refs), "secret", "secrets"))
	}
	if account := arnAccount(role); account != "" && c.Account != "" && account != c.Account {
		return fail(field,
			fmt.Sprintf("Set execution_role_arn to a role of account %s, unless the cross-account setup is intended and known to work.", c.Account),
			"the execution role %s is in account %s, not this one (%s): ECS tasks assume roles of their own account, "+
				"so unless cross-account is intended it will not work", role, account, c.Account)
	}
	if isNil(c.Roles) {
		return offline(field)
	}
	var arns, keyRefs []string
	var asm, keysElsewhere int
	for _, r := range refs {
		switch {
		case model.IsSecretsManagerARN(r.from):
			asm++
		case strings.HasPrefix(r.from, "arn:"):
			region, isSSM := ssmARNRegion(r.from)
			if !isSSM {
				continue
			}
			arns = append(arns, r.from)
			// Parameter Store describes the parameters of the session's account and Region only.
			if region == c.Region && arnAccount(r.from) == c.Account && c.Account != "" {
				keyRefs = append(keyRefs, r.from)
			} else {
				keysElsewhere++
			}
		default:
			if c.Region == "" || c.Account == "" {
				return skip(field, "The session's account and Region are needed to name the parameters: check the AWS connection.",
					"could not check: the session's account is not known")
			}
			arns = append(arns, ParameterARN(c.Region, c.Account, r.from))
			keyRefs = append(keyRefs, r.from)
		}
	}
	slices.Sort(arns)
	arns = slices.Compact(arns)
	slices.Sort(keyRefs)
	keyRefs = slices.Compact(keyRefs)
	asmNote := ""
	if asm > 0 {
		asmNote = fmt.Sprintf("; %d Secrets Manager %s not simulated (needs secretsmanager:GetSecretValue)", asm, plural(asm, "secret", "secrets"))
	}
	if len(arns) == 0 {
		return skip(field, "Check that the role's policy allows secretsmanager:GetSecretValue on the secrets.",
			"the task's secrets are all in Secrets Manager, whose access is not simulated")
	}
	if r, done := cancelled(ctx, field); done {
		return r
	}
	keys := c.parameterKeys(ctx, keyRefs)
	if r, done := cancelled(ctx, field); done {
		return r
	}
	if keysElsewhere > 0 {
		keys.notSimulated += fmt.Sprintf("; kms:Decrypt not simulated for %d %s of another account or Region", keysElsewhere,
			plural(keysElsewhere, "parameter", "parameters"))
	}
	res, err := c.Roles.CanReadParameters(ctx, role, arns, keys.arns)
	if err != nil {
		return couldNotCheck(field, err)
	}
	switch {
	case res.Status == aws.CheckOK && keys.unread != "":
		// Half a check is not a pass: a customer key the role may not use stops the task
		// as surely as a parameter it may not read.
		return skip(field, keys.hint, "could not check kms:Decrypt: could not read the parameters' keys (%s); "+
			"%s may read the %d %s (ssm:GetParameters, simulated)%s%s", keys.unread,
			model.RoleName(role), len(arns), plural(len(arns), "parameter", "parameters"), keys.notSimulated, asmNote)
	case res.Status == aws.CheckOK:
		return ok(field, "%s may read the %d %s (ssm:GetParameters, simulated)%s%s%s",
			model.RoleName(role), len(arns), plural(len(arns), "parameter", "parameters"), keys.note, keys.notSimulated, asmNote)
	case res.Status == aws.CheckFail:
		return roleDenied(field, role, arns, keys, res.Denied, asmNote)
	}
	reason := res.Reason
	if _, after, found := strings.Cut(reason, " for role "+role+": "); found {
		reason = after // the check's title says what was being done
	}
	switch res.Kind {
	case aws.KindNotFound:
		return fail(field, "Create the role, or set execution_role_arn to one that exists.",
			"the execution role %s does not exist", role)
	case aws.KindThrottled:
		return skip(field, "AWS is limiting the request rate: wait a few seconds and try again.", "could not check: %s", reason)
	}
	// The way on depends on why: a permission to ask for, or a call to make again.
	hint := "Simulating needs iam:SimulatePrincipalPolicy on the role: ask for the permission, or check"
	if res.Kind != aws.KindAccessDenied {
		hint = "Try again; meanwhile, check"
		if h := (&aws.Error{Kind: res.Kind}).Hint(); h != "" {
			hint = h + "; meanwhile, check"
		}
	}
	return skip(field, hint+" yourself that its policy allows ssm:GetParameters on the parameters (and kms:Decrypt on their customer keys).",
		"could not check: %s", reason)
}

// keysFound is what is known of the KMS keys that encrypt a task's parameters: the
// customer keys' ARNs, whose kms:Decrypt the role needs, and a note on the rest.
type keysFound struct {
	arns         []string
	note         string // what decrypting needs, to follow a message: " and decrypt them (...)", "; ..."
	notSimulated string // why kms:Decrypt was not simulated for some, "; ..." to follow a message
	// The keys could not be read (the call failed), so kms:Decrypt was not simulated at
	// all: why, in a line, and the way on.
	unread, hint string
}

// parameterKeys reads the KMS keys of the parameters refs (names or ARNs of the session's
// account and Region). The AWS managed key needs no grant: the role may decrypt with it
// by way of ssm:GetParameters.
func (c *Checker) parameterKeys(ctx context.Context, refs []string) keysFound {
	if len(refs) == 0 {
		return keysFound{}
	}
	if isNil(c.Parameters) {
		return keysFound{notSimulated: "; kms:Decrypt not simulated: the parameters' keys could not be read (offline)"}
	}
	byRef, err := c.Parameters.Keys(ctx, refs)
	if err != nil {
		reason, hint := errorReason(err)
		if errors.Is(err, aws.KindAccessDenied) {
			hint = "Checking kms:Decrypt needs the parameters' keys, read with ssm:DescribeParameters (no value is read): " + hint
		}
		return keysFound{unread: reason, hint: hint}
	}
	arns, managed := CustomerKeyARNs(byRef, c.Region, c.Account)
	switch {
	case len(arns) > 0:
		return keysFound{arns: arns, note: fmt.Sprintf(" and decrypt them (kms:Decrypt on %d customer %s, simulated; the %s own %s not)",
			len(arns), plural(len(arns), "key", "keys"), plural(len(arns), "key's", "keys'"), plural(len(arns), "policy is", "policies are"))}
	case managed > 0:
		return keysFound{note: "; the SecureStrings use the AWS managed key (" + aws.DefaultParameterKey + "), which needs no kms:Decrypt grant"}
	}
	return keysFound{note: "; no SecureString with a customer key: no kms:Decrypt needed"}
}

// CustomerKeyARNs are the ARNs of the customer KMS keys among keys (parameter → key id,
// as Parameters.Keys reads them), sorted, each once: those the execution role needs
// kms:Decrypt on. managed counts the parameters on the AWS managed key, which needs no
// grant (the role decrypts with it by way of ssm:GetParameters).
func CustomerKeyARNs(keys map[string]string, region, account string) (arns []string, managed int) {
	for _, key := range keys {
		if key == aws.DefaultParameterKey || strings.HasSuffix(key, ":"+aws.DefaultParameterKey) {
			managed++
			continue
		}
		arns = append(arns, kmsKeyARN(region, account, key))
	}
	slices.Sort(arns)
	return slices.Compact(arns), managed
}

// kmsKeyARN is the ARN IAM policies name a KMS key by, from the key id Parameter Store
// reports (a key id, an alias, or already an ARN) in region and account.
func kmsKeyARN(region, account, keyID string) string {
	switch {
	case strings.HasPrefix(keyID, "arn:"):
		return keyID
	case strings.HasPrefix(keyID, "alias/"):
		return fmt.Sprintf("arn:%s:kms:%s:%s:%s", partition(region), region, account, keyID)
	}
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", partition(region), region, account, keyID)
}

// roleDenied is the failure of a role that may not read or decrypt some parameters.
func roleDenied(field, role string, arns []string, keys keysFound, denials []aws.Denial, asmNote string) Result {
	var params, keyARNs []string
	var explicitParams, explicitKeys bool
	for _, d := range denials {
		explicit := d.Decision == "explicitDeny"
		if d.Action == "kms:Decrypt" {
			keyARNs = append(keyARNs, d.Resource)
			explicitKeys = explicitKeys || explicit
			continue
		}
		name := d.Resource
		if _, after, found := strings.Cut(name, ":parameter/"); found {
			name = "/" + after
		}
		if d.Action != "ssm:GetParameters" {
			name = d.Action + " on " + name
		}
		params = append(params, name)
		explicitParams = explicitParams || explicit
	}
	why := func(explicit bool) string {
		if explicit {
			return "a policy denies it explicitly"
		}
		return "no policy of the role allows it"
	}
	var problems, hints []string
	if len(params) > 0 {
		problems = append(problems, fmt.Sprintf("%s may not read %d of %d %s with ssm:GetParameters (%s): %s", model.RoleName(role),
			len(params), len(arns), plural(len(arns), "parameter", "parameters"), why(explicitParams), listed(params, 3)))
		hints = append(hints, fmt.Sprintf("allow ssm:GetParameters on %s in %s's policy, or use a role that has it", parameterPattern(arns), model.RoleName(role)))
	}
	if len(keyARNs) > 0 {
		problems = append(problems, fmt.Sprintf("%s may not decrypt with kms:Decrypt on %d of %d customer %s (%s): %s", model.RoleName(role),
			len(keyARNs), len(keys.arns), plural(len(keys.arns), "key", "keys"), why(explicitKeys), listed(keyARNs, 3)))
		hints = append(hints, fmt.Sprintf("allow kms:Decrypt on %s in %s's policy (and let the key's policy allow the role)", listed(keyARNs, 3), model.RoleName(role)))
	}
	notSimulated := keys.notSimulated
	if keys.unread != "" {
		notSimulated = "; kms:Decrypt not checked: could not read the parameters' keys (" + keys.unread + ")" + notSimulated
		hints = append(hints, "to check kms:Decrypt too: "+strings.TrimSuffix(lowerFirst(keys.hint), "."))
	}
	return fail(field, strings.Join(hints, "; "), "%s%s%s", strings.Join(problems, "; "), notSimulated, asmNote)
}

// arnAccount is the account of an ARN ("" when it names none).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// parameterPattern is the resource a policy statement would name for arns: their
// common path with /* when they share more than the account, else the ARNs themselves.
func parameterPattern(arns []string) string {
	if len(arns) == 1 {
		return arns[0]
	}
	common := arns[0]
	for _, a := range arns[1:] {
		for !strings.HasPrefix(a, common) {
			common = common[:len(common)-1]
		}
	}
	if i := strings.LastIndex(common, "/"); i > strings.Index(common, ":parameter/") && strings.Contains(common, ":parameter/") {
		return common[:i+1] + "*"
	}
	return listed(arns, 3)
}

// ---- log group -------------------------------------------------------------------------

func (c *Checker) logGroup(ctx context.Context, in *input) Result {
	const field = "log_group_name"
	type target struct{ container, group, region string }
	var targets []target
	var notes []string
	createGroup := false
	for _, cd := range in.td.ContainerDefinitions {
		lc := cd.LogConfiguration
		if lc == nil || lc.LogDriver != "awslogs" {
			continue
		}
		group := lc.Options["awslogs-group"]
		if group == "" {
			return fail(field, `Set log_group_name, e.g. "/ecs/`+in.td.Family+`".`,
				"container %q logs with awslogs but names no awslogs-group", cd.Name)
		}
		if lc.Options["awslogs-create-group"] == "true" {
			createGroup = true
			notes = append(notes, fmt.Sprintf("%s is created when the task starts (awslogs-create-group; the execution role needs logs:CreateLogGroup)", group))
			continue
		}
		targets = append(targets, target{cd.Name, group, lc.Options["awslogs-region"]})
	}
	if len(targets) == 0 {
		if createGroup {
			return ok(field, "%s", strings.Join(notes, "; "))
		}
		return ok(field, "no container logs with awslogs: nothing to check")
	}
	if isNil(c.Logs) {
		return offline(field)
	}
	if r, done := cancelled(ctx, field); done {
		return r
	}
	var missing, found, elsewhere []string
	otherRegion, missingRegion := "", c.Region
	var firstErr error
	seen := map[string]bool{}
	for _, t := range targets {
		if seen[t.group+"\x00"+t.region] {
			continue
		}
		seen[t.group+"\x00"+t.region] = true
		if t.region != "" && c.Region != "" && t.region != c.Region {
			// The Logs client talks to the session's Region only.
			elsewhere = append(elsewhere, fmt.Sprintf("%s in %s", t.group, t.region))
			otherRegion = t.region
			continue
		}
		exists, err := c.Logs.GroupExists(ctx, t.group)
		switch {
		case err != nil:
			if firstErr == nil {
				firstErr = err
			}
		case exists:
			found = append(found, t.group)
		default:
			missing = append(missing, t.group)
			if missingRegion == "" {
				missingRegion = t.region
			}
		}
	}
	if len(missing) > 0 {
		create := "aws logs create-log-group --log-group-name " + missing[0]
		if missingRegion != "" {
			create += " --region " + missingRegion
		}
		return fail(field,
			fmt.Sprintf("Create it (%s), or point log_group_name at a group that exists.", create),
			"log group %s does not exist: tasks stop with \"failed to validate logger args\"", listed(missing, 3))
	}
	if firstErr != nil {
		return couldNotCheck(field, firstErr)
	}
	if len(found) == 0 {
		return skip(field, "Run ecswiz with --region "+otherRegion+" to check it.",
			"could not check: log group %s is in another Region than this session's (%s)", listed(elsewhere, 3), c.Region)
	}
	msg := fmt.Sprintf("log group %s exists", listed(found, 3))
	if len(found) > 1 {
		msg = fmt.Sprintf("log groups %s exist", listed(found, 3))
	}
	if len(elsewhere) > 0 {
		notes = append(notes, fmt.Sprintf("%s not checked (another Region)", listed(elsewhere, 3)))
	}
	if len(notes) > 0 {
		msg += "; " + strings.Join(notes, "; ")
	}
	return ok(field, "%s", msg)
}

// ---- writable /tmp ---------------------------------------------------------------------

const tmpFix = `Add volumes = [{ name = "tmp" }] and mount_points = [{ sourceVolume = "tmp", containerPath = "/tmp" }].`

func (c *Checker) writableTmp(_ context.Context, in *input) Result {
	const field = "readonly_root_filesystem"
	volumes := map[string]bool{}
	for _, v := range in.td.Volumes {
		volumes[v.Name] = true
	}
	var readOnly []string
	for _, cd := range in.td.ContainerDefinitions {
		if !cd.ReadonlyRootFilesystem {
			continue
		}
		readOnly = append(readOnly, cd.Name)
		problem := "no volume is mounted at /tmp"
		for _, mp := range cd.MountPoints {
			if path := strings.TrimRight(mp.ContainerPath, "/"); path != "/tmp" {
				continue
			}
			switch {
			case mp.ReadOnly:
				problem = fmt.Sprintf("volume %q is mounted at /tmp read-only", mp.SourceVolume)
				continue
			case !volumes[mp.SourceVolume]:
				problem = fmt.Sprintf("/tmp mounts volume %q, which the task does not declare", mp.SourceVolume)
				continue
			}
			problem = ""
			break
		}
		if problem != "" {
			return fail(field, tmpFix,
				"container %q has a read-only root file system and %s: Django and gunicorn need a writable /tmp", cd.Name, problem)
		}
	}
	if len(readOnly) == 0 {
		return ok(field, "the root file system is writable")
	}
	return ok(field, "the root file system is read-only and /tmp is a writable volume (%s)", strings.Join(readOnly, ", "))
}

// ---- port and user ---------------------------------------------------------------------

func (c *Checker) portUser(_ context.Context, in *input) Result {
	const field = "container_port"
	var notes []string
	for _, cd := range in.td.ContainerDefinitions {
		low := 0
		for _, pm := range cd.PortMappings {
			if pm.ContainerPort > 0 && pm.ContainerPort < 1024 && (low == 0 || pm.ContainerPort < low) {
				low = pm.ContainerPort
			}
		}
		switch {
		case low == 0:
		case cd.User != "" && !model.IsRootUser(cd.User):
			return fail(field, "Listen on a port above 1023 (e.g. 8000), or run as root: Fargate cannot add NET_BIND_SERVICE.",
				"container %q listens on port %d as user %q: a non-root user cannot bind a port below 1024 on Fargate", cd.Name, low, cd.User)
		case cd.User == "":
			notes = append(notes, fmt.Sprintf("container %q listens on port %d as the image's user: it binds only if that is root", cd.Name, low))
		}
	}
	if len(notes) > 0 {
		return ok(field, "%s", strings.Join(notes, "; "))
	}
	return ok(field, "no non-root user listens on a port below 1024")
}

// ---- spec ------------------------------------------------------------------------------

func (c *Checker) spec(_ context.Context, in *input) Result {
	spec, warnings, err := model.ImportTaskDefinition(in.doc)
	if err != nil {
		return fail("", "Export the task definition again with aws ecs describe-task-definition.", "cannot read the task definition: %v", err)
	}
	findings := model.Validate(spec)
	errs, warns := findings.Errors(), findings.Warnings()

	// A revision not made by ecswiz may hold what a spec has no place for: those parts
	// are not validated, which is not a failure of the revision.
	var extraContainers []string
	unrepresented := 0
	for _, w := range warnings {
		switch {
		case w.Container != "":
			extraContainers = append(extraContainers, w.Container)
		case w.Dropped:
			unrepresented++
		}
	}
	var notes []string
	if len(extraContainers) > 0 {
		notes = append(notes, fmt.Sprintf("validated container %q only; %s %s not part of a spec", spec.ContainerName,
			listed(quoteAll(extraContainers), 3), plural(len(extraContainers), "is", "are")))
	}
	if unrepresented > 0 {
		notes = append(notes, fmt.Sprintf("%d %s a spec does not represent, not validated", unrepresented, plural(unrepresented, "setting", "settings")))
	}
	note := ""
	if len(notes) > 0 {
		note = " (" + strings.Join(notes, "; ") + ")"
	}

	if len(errs) > 0 {
		var listedErrs []string
		for _, f := range errs {
			listedErrs = append(listedErrs, f.Field+": "+f.Message)
		}
		hint := errs[0].Hint
		if hint == "" {
			hint = fmt.Sprintf("Correct %s in the spec (fix in wizard) and register a new revision.", errs[0].Field)
		}
		return fail(errs[0].Field, hint, "%d %s: %s%s", len(errs), plural(len(errs), "error", "errors"), listed(listedErrs, 3), note)
	}
	if len(warns) > 0 {
		return ok(warns[0].Field, "valid, with %d %s%s", len(warns), plural(len(warns), "warning", "warnings"), note)
	}
	return ok("", "valid%s", note)
}

func quoteAll(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = strconv.Quote(s)
	}
	return out
}
