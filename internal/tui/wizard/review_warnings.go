package wizard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// Review's warnings, beyond model.Validate's: what only AWS or the session knows (a
// missing parameter or log group, an image for another architecture, logs sent to
// another Region). They are listed by consequence, the ones that stop the task from
// starting first.

// warnings are every warning Review lists, the most serious first.
func (s *reviewStep) warnings() model.Findings {
	return byConsequence(append(s.liveWarnings(), s.findings.Warnings()...))
}

// byConsequence sorts warnings, the most serious first; warnings of a rank keep their
// order.
func byConsequence(warns model.Findings) model.Findings {
	slices.SortStableFunc(warns, func(a, b model.Finding) int { return warningRank(a) - warningRank(b) })
	return warns
}

// liveWarnings are the warnings Review adds to model.Validate's, in the order they are
// listed within a rank.
func (s *reviewStep) liveWarnings() model.Findings {
	spec := *s.env.spec
	warns := s.params.findings(spec)
	warns = append(warns, s.role.findings(spec)...)
	warns = append(warns, reviewRoleAccountFindings(s.env)...)
	warns = append(warns, reviewArchFindings(s.env, s.steps)...)
	warns = append(warns, s.logGroup.findings(spec)...)
	return append(warns, reviewRegionFindings(s.env)...)
}

// The ranks of warnings, most serious first.
const (
	rankNoStart = iota // the task would fail to start: a missing parameter or log group, the wrong architecture, a role it cannot use
	rankBreaks         // the task starts, but the app or its logs do not work as meant
	rankAdvice         // style and safety: DEBUG, ALLOWED_HOSTS "*", a moving tag
)

// warningRank is how serious warning f is, by what it does to the task.
func warningRank(f model.Finding) int {
	switch variableOf(f.Field) {
	case "parameter_store_prefix", "secrets_from_parameter_store", "execution_role_arn", "task_role_arn":
		if strings.Contains(f.Hint, taskFailsToStart) {
			return rankNoStart
		}
	case "container_image", "cpu_architecture":
		if strings.Contains(f.Hint, "exec format error") {
			return rankNoStart
		}
	case "log_group_name":
		return rankNoStart
	case "aws_region", "readonly_root_filesystem", "container_port":
		return rankBreaks
	case "allowed_hosts":
		if strings.Contains(f.Message, "400") { // empty: every request is refused
			return rankBreaks
		}
	}
	return rankAdvice
}

// reviewRegionFindings is a warning when aws_region differs from the session's Region:
// the task definition is registered in the session's Region, and its logs go to
// aws_region's log group.
func reviewRegionFindings(e *env) model.Findings {
	spec, session := e.spec.AWSRegion, ""
	if e.session != nil {
		session = e.session.Region
	}
	if spec == "" || session == "" || spec == session {
		return nil
	}
	return model.Findings{{Severity: model.SeverityWarning, Field: "aws_region",
		Message: fmt.Sprintf("is %s, but the AWS session's Region is %s: the task's logs go to the log group in %s, "+
			"while ecswiz registers the task definition and checks its parameters in %s", spec, session, spec, session),
		Hint: fmt.Sprintf("to align them, restart ecswiz with --region %s, or set aws_region to %s (or empty)", spec, session),
	}}
}

// logGroupCheck is whether the log group the task writes to exists. The awslogs driver
// does not create it: a task started before it exists fails with
// ResourceInitializationError.
type logGroupCheck struct {
	id      int64
	loading bool
	name    string // the group checked
	region  string // where
	missing bool
	err     error
}

// logGroupExists is the answer of CloudWatch Logs about a group.
type logGroupExists struct{ exists bool }

// logGroupCheckResult is the answer to a logGroupCheck.
type logGroupCheckResult = tui.Result[logGroupExists]

// start checks the spec's log group; nil when there is nothing to check or no AWS to
// ask, or when the logs go to another Region than the session's (the Region warning
// says so).
func (c *logGroupCheck) start(ctx context.Context, e *env) tea.Cmd {
	*c = logGroupCheck{}
	cloud := e.cloud()
	name := e.spec.LogGroupName
	if cloud == nil || cloud.Logs == nil || e.connecting() || name == "" || reviewRegionFindings(e) != nil {
		return nil
	}
	c.id, c.loading, c.name, c.region = tui.NewID(), true, name, e.session.Region
	logs := cloud.Logs
	return tui.Call(ctx, c.id, func(ctx context.Context) (logGroupExists, error) {
		exists, err := logs.GroupExists(ctx, name)
		return logGroupExists{exists}, err
	})
}

// done takes the answer to the check started last; false for another one.
func (c *logGroupCheck) done(msg logGroupCheckResult) bool {
	if msg.ID != c.id || !c.loading {
		return false
	}
	c.loading, c.err, c.missing = false, msg.Err, msg.Err == nil && !msg.Value.exists
	return true
}

// findings is the missing log group as a warning.
func (c *logGroupCheck) findings(spec model.Spec) model.Findings {
	if !c.missing || c.name != spec.LogGroupName {
		return nil
	}
	return model.Findings{{Severity: model.SeverityWarning, Field: "log_group_name",
		Message: fmt.Sprintf("%s does not exist in %s", c.name, c.region),
		Hint:    taskStartFailure + " (awslogs does not create it); create it first"}}
}

// status is a line when the check failed; "" otherwise.
func (c *logGroupCheck) status() string {
	if c.err == nil {
		return ""
	}
	return "Log group " + c.name + ": not checked: " + tui.ErrorLine(c.err) + " (" + tui.Keys.Retry.Help().Key + " tries again)."
}
