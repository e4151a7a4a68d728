package wizard

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// roleState is what the step knows about the roles ECS tasks may assume.
type roleState struct {
	id      int64
	loading bool
	loaded  bool
	err     error
	list    []aws.Role
}

func (s *runtimeStep) loadRoles() tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil {
		return nil
	}
	s.roles.loading, s.roles.err = true, nil
	s.roles.id = tui.NewID()
	return tui.Call(s.ctx, s.roles.id, cloud.Roles.TaskRoles)
}

func (s *runtimeStep) rolesLoaded(r tui.Result[[]aws.Role]) {
	if r.ID != s.roles.id {
		return
	}
	s.roles.loading = false
	if r.Err != nil {
		s.roles.err = r.Err
		return
	}
	s.roles.loaded, s.roles.list = true, r.Value
	s.rebuildRoleOptions()
}

// rebuildRoleOptions lists the roles for both fields. The execution role preselects
// the answer, else the role named after the family; the task role starts at "none"
// unless answered, since granting an app permissions is a choice to make knowingly.
func (s *runtimeStep) rebuildRoleOptions() {
	if !s.roles.loaded || len(s.roles.list) == 0 {
		return
	}
	family := s.env.spec.Family()
	exec := s.form.Field(fieldExecutionRole)
	task := s.form.Field(fieldTaskRole)
	execCur, taskCur := exec.Value(), task.Value()

	suggestedExec := suggestRole(s.roles.list, family, true)
	suggestedTask := suggestRole(s.roles.list, family, false)
	execOpts := s.roleOptions(execCur, suggestedExec)
	taskOpts := append([]tui.Option{{Value: "", Label: "none", Note: "the app calls no AWS API itself"}},
		s.roleOptions(taskCur, suggestedTask)...)
	exec.SetOptions(execOpts)
	task.SetOptions(taskOpts)
	if execCur == "" {
		execCur = suggestedExec
	}
	exec.SetValue(execCur)
	task.SetValue(taskCur)
}

// roleOptions is an option per role, with the current answer first when it is not one
// of them (an ARN typed earlier, or a role ECS tasks cannot assume).
func (s *runtimeStep) roleOptions(current, suggested string) []tui.Option {
	var opts []tui.Option
	known := false
	for _, r := range s.roles.list {
		known = known || r.ARN == current
	}
	if current != "" && !known {
		opts = append(opts, tui.Option{Value: current, Label: model.RoleName(current),
			Note: "current · not among the roles ECS tasks may assume here"})
	}
	for _, r := range s.roles.list {
		note := r.Description
		if r.ARN == suggested {
			note = "suggested · " + note
		}
		label := r.Name
		opts = append(opts, tui.Option{Value: r.ARN, Label: label,
			// The note fits on the field's one-line summary too ("  Execution role  NAME  NOTE").
			Note: ansi.Truncate(strings.TrimSuffix(note, " · "), max(20, s.width-(18+len(label)+2)), "…")})
	}
	return opts
}

// maybeCheckRole checks whether the execution role shown may read the secrets, unless
// that check is running or done; a newer one cancels the one running. A role being
// typed is checked once the person leaves the field, not at every key; one chosen in
// the list at once.
func (s *runtimeStep) maybeCheckRole() tea.Cmd {
	if s.form == nil {
		return nil
	}
	exec := s.form.Field(fieldExecutionRole)
	if s.section == sectionFields && s.form.Focused() == exec && !listShown(s.form, exec) {
		return nil
	}
	role := exec.Value()
	if s.roleCheck.current(s.env, role) {
		return nil
	}
	return s.roleCheck.start(s.ctx, s.env, role)
}

// suggestRole is the ARN of the role named after the family for an execution role
// (…-execution) or a task role (the other). Without one, an execution role falls back
// on AWS's usual ecsTaskExecutionRole, then on any whose name says execution that is not
// another family's of the same app (whose policy names that family's secrets).
func suggestRole(roles []aws.Role, family string, execution bool) string {
	isExec := func(r aws.Role) bool { return strings.Contains(strings.ToLower(r.Name), "execution") }
	for _, r := range roles {
		if strings.HasPrefix(r.Name, family) && isExec(r) == execution {
			return r.ARN
		}
	}
	if !execution {
		return ""
	}
	for _, r := range roles {
		if r.Name == "ecsTaskExecutionRole" {
			return r.ARN
		}
	}
	app, _, _ := strings.Cut(family, "-")
	for _, r := range roles {
		if isExec(r) && !strings.HasPrefix(r.Name, app) {
			return r.ARN
		}
	}
	return ""
}

func (s *runtimeStep) refreshRoleStatus() {
	exec := s.form.Field(fieldExecutionRole)
	task := s.form.Field(fieldTaskRole)
	execStatus, taskStatus, isErr := "", "", false
	switch {
	case s.env.connecting():
		execStatus = "Roles load once the AWS session is ready; type an ARN meanwhile (arn:aws:iam::ACCOUNT:role/NAME)."
		taskStatus = "Type the ARN, or leave it empty for none."
	case s.env.cloud() == nil:
		execStatus = "Offline: type the role's ARN, arn:aws:iam::ACCOUNT:role/NAME."
		taskStatus = "Offline: type the ARN, or leave it empty for none."
	case s.roles.loading:
		execStatus = "Loading the roles ECS tasks may assume…"
	case s.roles.err != nil:
		execStatus, isErr = tui.ErrorLine(s.roles.err)+" — type the ARN, or "+tui.Keys.Retry.Help().Key+" to retry.", true
		taskStatus = "Type the ARN, or leave it empty for none."
	case len(s.roles.list) == 0:
		execStatus = "No role here trusts ecs-tasks.amazonaws.com: create one (e.g. ecsTaskExecutionRole), or type an ARN."
		taskStatus = "Type the ARN, or leave it empty for none."
	}
	// Under the execution role, once the roles are known: whether it may read the secrets.
	isWarn, checking := false, false
	if check, warn := s.roleCheck.line(s.env); check != "" && s.env.cloud() != nil && !s.roles.loading &&
		s.roleCheck.current(s.env, exec.Value()) { // not about a role typed since
		switch {
		case execStatus == "":
			execStatus, isWarn, checking = check, warn, s.roleCheck.loading
		default: // the roles' status first, then the check's, each wrapped
			width := max(20, s.width-4)
			execStatus = tui.Wrap(execStatus, width, 4) + "\n    " + tui.Wrap(check, width, 4)
		}
	}
	exec.Status, exec.StatusIsErr, exec.StatusIsWarn = execStatus, isErr, isWarn
	exec.Busy = (s.roles.loading && s.env.cloud() != nil) || checking
	task.Status, task.StatusIsWarn = taskStatus, false
	// A bucket the app uses needs credentials only a task role gives it.
	if need := model.TaskRoleNeed(*s.env.spec); need != "" {
		if suggested := suggestRole(s.roles.list, s.env.spec.Family(), false); suggested != "" {
			need += ", e.g. " + model.RoleName(suggested)
		}
		task.Status, task.StatusIsWarn = "⚠ "+need+".", true
	}
}

// When a task starts, ECS reads its secrets with the execution role: a role that may
// not call ssm:GetParameters on them (or kms:Decrypt on their key) stops the task with
// ResourceInitializationError (AccessDenied), although the task definition registers.
// Runtime, Review and Act ask IAM's policy simulator whether the role may; no secret
// is ever read. When the simulation is not possible, they say so: never a guess.

// roleCheck is whether the execution role may read the parameters the task reads.
type roleCheck struct {
	id      int64
	cancel  context.CancelFunc // cancels the check running, when a newer one starts
	key     string             // what was asked: a plan's key
	loading bool

	role    string   // the role checked
	names   []string // the parameters checked, by name
	skipped int      // Secrets Manager secrets, which the check does not cover
	prefix  string   // the parameter prefix, for the fix
	note    string   // why nothing was asked ("" when it was)
	idle    bool     // nothing was asked for want of a session (offline, connecting): the steps say so already
	foreign bool     // the role is in another account than the session's (Review warns)

	err    error // the call failed (network, credentials): retry
	result aws.CheckResult
	// The parameters' keys could not be read, so kms:Decrypt was not simulated: retry.
	keysErr error
	asked   bool // an answer came
}

// roleAnswer is IAM's answer, and why the parameters' keys could not be read when
// they could not: ssm:GetParameters is simulated all the same.
type roleAnswer struct {
	aws.CheckResult
	keysErr error
}

// roleCheckResult is the answer to a roleCheck.
type roleCheckResult = tui.Result[roleAnswer]

// roleCheckPlan is what a check of role would ask.
type roleCheckPlan struct {
	role    string   // "" when there is nothing to check: no role, or not an ARN yet
	arns    []string // the parameters' ARNs
	names   []string // their names, in the same order
	skipped int
	note    string
	idle    bool
	foreign bool
	where   string // the session's Region and account
}

func (p roleCheckPlan) key() string {
	if p.role == "" {
		return ""
	}
	return strings.Join([]string{p.role, p.where, p.note, strings.Join(p.arns, ",")}, "|")
}

// planRoleCheck is the check of role (an execution role ARN) for the spec's secrets in
// the session's Region and account.
func planRoleCheck(e *env, role string) roleCheckPlan {
	role = strings.TrimSpace(role)
	if role == "" || fieldError(*e.spec, fieldExecutionRole, true, func(x *model.Spec) { x.ExecutionRoleARN = role }) != nil {
		return roleCheckPlan{} // the field says what is wrong
	}
	p := roleCheckPlan{role: role}
	cloud := e.cloud()
	switch {
	case e.connecting():
		p.note, p.idle = "not checked yet: the AWS session is loading", true
		return p
	case cloud == nil || cloud.Roles == nil:
		p.note, p.idle = "not checked (offline)", true
		return p
	}
	region, account := e.session.Region, e.session.Account
	p.where = region + " " + account
	if region == "" || account == "" {
		p.note = "not checked: the session's Region or account is not known"
		return p
	}
	if a := roleAccount(role); a != account {
		p.note = fmt.Sprintf("not checked: the role is in account %s, not in the session's account %s, and ECS tasks assume roles of their own account", a, account)
		p.foreign = true
		return p
	}
	secrets := model.ContainerSecrets(*e.spec)
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		from := secrets[name]
		if model.IsSecretsManagerARN(from) {
			p.skipped++
			continue
		}
		arn := from
		if !strings.HasPrefix(from, "arn:") {
			arn = doctor.ParameterARN(region, account, from)
		}
		if seen[arn] {
			continue
		}
		seen[arn] = true
		p.arns = append(p.arns, arn)
		p.names = append(p.names, parameterName(arn))
	}
	if len(p.arns) == 0 {
		if p.skipped == 0 {
			return roleCheckPlan{} // no secret: nothing to read
		}
		p.note = "not checked: every secret is in Secrets Manager, which this check does not cover"
	}
	return p
}

// roleAccount is the account of a role ARN: arn:aws:iam::ACCOUNT:role/NAME.
func roleAccount(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != "iam" {
		return ""
	}
	return parts[4]
}

// parameterName is the name in a parameter ARN (arn:…:parameter/NAME is /NAME); other
// ARNs (a KMS key) as they are.
func parameterName(arn string) string {
	if _, name, ok := strings.Cut(arn, ":parameter"); ok && strings.HasPrefix(arn, "arn:") {
		return name
	}
	return arn
}

// current reports whether the check (running or done) is the one role would make now.
func (c *roleCheck) current(e *env, role string) bool {
	return planRoleCheck(e, role).key() == c.key
}

// reset forgets the check, cancelling it when it runs.
func (c *roleCheck) reset() {
	if c.cancel != nil {
		c.cancel()
	}
	*c = roleCheck{}
}

// start checks role for the spec's secrets; nil when there is nothing to ask (the plan
// says why).
func (c *roleCheck) start(ctx context.Context, e *env, role string) tea.Cmd {
	p := planRoleCheck(e, role)
	c.reset()
	*c = roleCheck{key: p.key(), role: p.role, names: p.names, skipped: p.skipped,
		prefix: e.spec.ParameterPrefix(), note: p.note, idle: p.idle, foreign: p.foreign}
	if p.role == "" || p.note != "" {
		return nil
	}
	roles, params := e.cloud().Roles, e.cloud().Parameters
	region, account := e.session.Region, e.session.Account
	callCtx, cancel := context.WithCancel(ctx)
	c.id, c.loading, c.cancel = tui.NewID(), true, cancel
	arns := p.arns
	return tui.Call(callCtx, c.id, func(ctx context.Context) (roleAnswer, error) {
		// kms:Decrypt is simulated on the parameters' customer keys, as the troubleshooter
		// does. Keys that cannot be read leave it out: ssm:GetParameters is still checked,
		// and the answer says kms:Decrypt was not.
		var a roleAnswer
		var keyARNs []string
		if params != nil {
			keys, err := params.Keys(ctx, arns)
			if err == nil {
				keyARNs, _ = doctor.CustomerKeyARNs(keys, region, account)
			}
			a.keysErr = err
		}
		res, err := roles.CanReadParameters(ctx, role, arns, keyARNs)
		a.CheckResult = res
		return a, err
	})
}

// done takes the answer to the check started last, and logs it; false for another one.
func (c *roleCheck) done(e *env, msg roleCheckResult) bool {
	if msg.ID != c.id || !c.loading {
		return false
	}
	c.loading, c.asked, c.err, c.result, c.keysErr = false, true, msg.Err, msg.Value.CheckResult, msg.Value.keysErr
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	log := stepLog(e).With("role", model.RoleName(c.role), "parameters", len(c.names))
	switch {
	case c.err != nil:
		log.Warn("execution role check failed", "error", tui.ErrorLine(c.err))
	case c.keysErr != nil && c.result.Status != aws.CheckUnknown:
		log.Warn("execution role check without kms:Decrypt: the parameters' keys could not be read",
			"outcome", c.result.Status, "error", tui.ErrorLine(c.keysErr))
	case c.result.Status == aws.CheckFail:
		log.Info("execution role check", "outcome", "denied", "denied", len(c.result.Denied))
	case c.result.Status == aws.CheckOK:
		log.Info("execution role check", "outcome", "may read")
	default:
		log.Info("execution role check", "outcome", "not checked", "reason", c.reason())
	}
	return true
}

// stepLog is the steps' logger; one that discards when none was given.
func stepLog(e *env) *slog.Logger {
	if e.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.log
}

// retryable reports a check asked that gave no answer, or half of one: the call
// failed, IAM could not simulate (throttled, not allowed), or the parameters' keys
// could not be read for kms:Decrypt.
func (c *roleCheck) retryable() bool {
	return c.asked && (c.err != nil || c.result.Status == aws.CheckUnknown || c.keysErr != nil)
}

// failed reports a check that found the role may not read a parameter.
func (c *roleCheck) failed() bool {
	return c.asked && c.err == nil && c.result.Status == aws.CheckFail
}

// reason is why the simulation was not possible, without the call's framing
// ("simulate ssm:GetParameters for role ARN: ").
func (c *roleCheck) reason() string {
	r := c.result.Reason
	if i := strings.LastIndex(r, c.role+": "); c.role != "" && i >= 0 {
		r = r[i+len(c.role)+2:]
	}
	switch {
	case r == "":
		r = "IAM gave no answer"
	case strings.HasPrefix(r, aws.KindNotFound.String()):
		r = "no such role in account " + roleAccount(c.role)
	case strings.HasPrefix(r, aws.KindAccessDenied.String()):
		r += ": your identity may not simulate the role's policies"
	}
	return r
}

// parameters is "the 6 parameters" the check covers.
func (c *roleCheck) parameters() string {
	if len(c.names) == 1 {
		return "the parameter " + c.names[0]
	}
	return fmt.Sprintf("the %d parameters", len(c.names))
}

// line is the outcome in a line, for under the execution role: running, ✓, ✗ with the
// fix, or "not checked: why"; "" when there is nothing to say. warn is set for ✗.
func (c *roleCheck) line(e *env) (text string, warn bool) {
	switch {
	case c.role == "":
		return "", false
	case c.note != "":
		return c.note + ".", false
	case c.loading:
		return "Checking that the role may read " + c.parameters() + " the task reads (IAM policy simulation)…", false
	case c.err != nil:
		return "not checked: " + tui.ErrorLine(c.err) + " (" + tui.Keys.Retry.Help().Key + " tries again).", false
	case !c.asked:
		return "", false
	case c.result.Status == aws.CheckOK:
		return "✓ may read " + c.parameters() + " the task reads" + c.skippedNote() + c.keysNote(), false
	case c.result.Status == aws.CheckFail:
		return "✗ " + c.denial() + " — fix: " + c.fix() + c.keysNote(), true
	}
	return "not checked: " + c.reason() + ".", false
}

// keysNote ends a line: "." when kms:Decrypt was simulated or not needed, else why it
// could not be (the parameters' keys could not be read) and the way on.
func (c *roleCheck) keysNote() string {
	if c.keysErr == nil {
		return "."
	}
	return "; kms:Decrypt not checked, as the parameters' keys could not be read: " + strings.TrimSuffix(tui.ReasonLine(c.keysErr), ".") +
		" (" + tui.Keys.Retry.Help().Key + " tries again)."
}

// skippedNote says the Secrets Manager secrets were not checked.
func (c *roleCheck) skippedNote() string {
	if c.skipped == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s from Secrets Manager not checked)", plural(c.skipped, "secret"))
}

// denial says what the role may not read and why: "may not read any of the 6
// parameters (denied by default: no policy allows ssm:GetParameters)".
func (c *roleCheck) denial() string {
	var params, keys []string
	explicit := map[string]bool{}
	for _, d := range c.result.Denied {
		explicit[d.Action] = explicit[d.Action] || d.Decision == "explicitDeny"
		if d.Action == "ssm:GetParameters" {
			params = append(params, parameterName(d.Resource))
		} else {
			keys = append(keys, d.Resource)
		}
	}
	why := func(action string) string {
		if explicit[action] {
			return "denied by an explicit Deny of " + action
		}
		return "denied by default: no policy allows " + action
	}
	var parts []string
	switch n := len(params); {
	case n == 0:
	case n == len(c.names) && n > 1:
		parts = append(parts, fmt.Sprintf("may not read any of the %d parameters (%s)", n, why("ssm:GetParameters")))
	case n == 1:
		parts = append(parts, fmt.Sprintf("may not read %s (%s)", params[0], why("ssm:GetParameters")))
	default:
		parts = append(parts, fmt.Sprintf("may not read %s and %d more of the %d parameters (%s)", params[0], n-1, len(c.names), why("ssm:GetParameters")))
	}
	if len(keys) > 0 {
		parts = append(parts, fmt.Sprintf("may not decrypt them with the customer key %s (%s)", joinAnd(keys), why("kms:Decrypt")))
	}
	return strings.Join(parts, "; ")
}

// fix says what to change: a policy allowing ssm:GetParameters on the parameters
// denied (the prefix's /* for those under it) and kms:Decrypt on the customer keys
// denied.
func (c *roleCheck) fix() string {
	var scopes, keys []string
	explicit := false
	for _, d := range c.result.Denied {
		explicit = explicit || d.Decision == "explicitDeny"
		if d.Action != "ssm:GetParameters" {
			if !slices.Contains(keys, d.Resource) {
				keys = append(keys, d.Resource)
			}
			continue
		}
		scope := parameterName(d.Resource)
		if p := strings.TrimSuffix(c.prefix, "/"); p != "" && strings.HasPrefix(scope, p+"/") {
			scope = p + "/*"
		}
		if !slices.Contains(scopes, scope) {
			scopes = append(scopes, scope)
		}
	}
	if len(scopes) > 3 {
		scopes = append(scopes[:2], fmt.Sprintf("%d other parameters", len(scopes)-2))
	}
	var grants []string
	if len(scopes) > 0 {
		grants = append(grants, "ssm:GetParameters on "+joinAnd(scopes))
	}
	if len(keys) > 0 {
		grants = append(grants, "kms:Decrypt on "+joinAnd(keys))
	}
	if explicit {
		return "remove the Deny of " + joinAnd(grants) + " from the role's policies"
	}
	if len(keys) == 0 {
		// A customer key the parameters may use later needs the grant too.
		return "attach a policy allowing " + joinAnd(grants) + " and kms:Decrypt"
	}
	return "attach a policy allowing " + joinAnd(grants)
}

// findings is the denial as a warning on execution_role_arn: the task would not start.
func (c *roleCheck) findings(spec model.Spec) model.Findings {
	if !c.failed() || c.role != spec.ExecutionRoleARN {
		return nil
	}
	return model.Findings{{Severity: model.SeverityWarning, Field: fieldExecutionRole,
		Message: model.RoleName(c.role) + " " + c.denial(),
		Hint:    taskStartFailure + " (AccessDenied); fix: " + c.fix() + " to " + model.RoleName(c.role) + ", or choose another execution role"}}
}

// status is the check in a line for Review and Act when it has no finding to show:
// running, ✓, or not checked; "" when the role may not read (the finding says it) or
// when there is no role.
func (c *roleCheck) status(e *env) string {
	if c.failed() || c.foreign || c.idle {
		return ""
	}
	text, _ := c.line(e)
	if text == "" {
		return ""
	}
	if c.loading {
		return e.spin() + " Checking that " + model.RoleName(c.role) + ", the execution role, may read " + c.parameters() + " the task reads…"
	}
	return "Execution role " + model.RoleName(c.role) + ": " + text
}

// ok reports a check that found the role may read every parameter, kms:Decrypt
// included.
func (c *roleCheck) ok() bool {
	return c.asked && c.err == nil && c.result.Status == aws.CheckOK && c.note == "" && c.keysErr == nil
}

// reviewRoleAccountFindings warn about a role in another account than the session's:
// ECS tasks assume roles of their own account, so the task would fail to start.
func reviewRoleAccountFindings(e *env) model.Findings {
	if e.session == nil || e.session.Account == "" {
		return nil
	}
	account := e.session.Account
	var out model.Findings
	for _, r := range []struct{ field, arn, use string }{
		{fieldExecutionRole, e.spec.ExecutionRoleARN, "ECS could not use it to pull the image, write the logs and read the secrets"},
		{fieldTaskRole, e.spec.TaskRoleARN, "the app could not take its credentials"},
	} {
		a := roleAccount(r.arn)
		if a == "" || a == account || fieldError(*e.spec, r.field, false, func(*model.Spec) {}) != nil {
			continue
		}
		out = append(out, model.Finding{Severity: model.SeverityWarning, Field: r.field,
			Message: fmt.Sprintf("%s is in account %s, not in the session's account %s", model.RoleName(r.arn), a, account),
			Hint: fmt.Sprintf("ECS tasks assume roles of their own account (%s): %s; choose a role of account %s",
				r.use, taskFailsToStart, account)})
	}
	return out
}
