package wizard

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// paramsCheck is whether the parameters the task reads exist: the required secrets
// under the prefix and the extra ones. A missing parameter does not block registering
// (it can be created afterwards), but a task started before it exists fails with
// ResourceInitializationError, so Review lists it and Act's confirmation repeats it.
type paramsCheck struct {
	id      int64
	loading bool
	refs    []model.SecretRef // what was checked
	note    string            // why nothing was checked: offline, connecting
	err     error             // the check failed
	missing []model.SecretRef
}

// paramsCheckResult is the answer of Parameter Store: parameter name → exists.
type paramsCheckResult = tui.Result[map[string]bool]

// taskFailsToStart is said by every warning about what stops the task from starting;
// Review ranks those first.
const taskFailsToStart = "the task would fail to start"

// taskStartFailure is what a missing parameter (or one the execution role may not
// read) does to a task.
const taskStartFailure = taskFailsToStart + ": ResourceInitializationError"

// start checks the parameters spec reads; nil when there is no AWS to ask.
func (c *paramsCheck) start(ctx context.Context, e *env) tea.Cmd {
	*c = paramsCheck{}
	cloud := e.cloud()
	switch {
	case e.connecting():
		c.note = "not checked yet: the AWS session is loading"
		return nil
	case cloud == nil:
		c.note = "not checked (offline)"
		return nil
	}
	secrets := model.ContainerSecrets(*e.spec)
	names := make([]string, 0, len(secrets))
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		c.refs = append(c.refs, model.SecretRef{Name: name, ValueFrom: secrets[name]})
		names = append(names, secrets[name])
	}
	c.id, c.loading = tui.NewID(), true
	params := cloud.Parameters
	return tui.Call(ctx, c.id, func(ctx context.Context) (map[string]bool, error) {
		return params.Exist(ctx, names)
	})
}

// done takes the answer to the check started last; false for another one.
func (c *paramsCheck) done(msg paramsCheckResult) bool {
	if msg.ID != c.id || !c.loading {
		return false
	}
	c.loading, c.err = false, msg.Err
	for _, r := range c.refs {
		// A Secrets Manager ARN is not in the answer: it is not checked.
		if exists, checked := msg.Value[r.ValueFrom]; checked && !exists {
			c.missing = append(c.missing, r)
		}
	}
	return true
}

// findings are the missing parameters as warnings, one for the required secrets (on
// the prefix that names them) and one for the extra ones.
func (c *paramsCheck) findings(spec model.Spec) model.Findings {
	var required, extra []string
	for _, r := range c.missing {
		named := r.Name + " (" + r.ValueFrom + ")"
		if _, ok := spec.SecretsFromParameterStore[r.Name]; ok {
			extra = append(extra, named)
		} else {
			required = append(required, named)
		}
	}
	var out model.Findings
	for _, group := range []struct {
		field string
		names []string
	}{{"parameter_store_prefix", required}, {"secrets_from_parameter_store", extra}} {
		if len(group.names) == 0 {
			continue
		}
		verb, them := "do", "them"
		if len(group.names) == 1 {
			verb, them = "does", "it"
		}
		out = append(out, model.Finding{
			Severity: model.SeverityWarning,
			Field:    group.field,
			Message:  joinAnd(group.names) + " " + verb + " not exist",
			Hint:     taskStartFailure + "; create " + them + " first",
		})
	}
	return out
}

// joinAnd joins a list as a sentence does: "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// status is a line on the check when it has no finding to show: running, not done, or
// everything found; "" when parameters are missing (the findings say it).
func (c *paramsCheck) status(e *env) string {
	switch {
	case c.loading:
		return e.spin() + fmt.Sprintf(" Checking that the %d parameters the task reads exist…", len(c.refs))
	case c.note != "":
		return "Parameters the task reads: " + c.note + "."
	case c.err != nil:
		return "Parameters the task reads: not checked: " + tui.ErrorLine(c.err) + " (" + tui.Keys.Retry.Help().Key + " tries again)."
	case c.allFound():
		return fmt.Sprintf("✓ The %d parameters the task reads exist.", len(c.refs))
	}
	return ""
}

// allFound reports a check done that found every parameter.
func (c *paramsCheck) allFound() bool {
	return !c.loading && c.note == "" && c.err == nil && len(c.missing) == 0 && len(c.refs) > 0
}

// missingLines name the missing parameters, one a line: "DJANGO_SECRET_KEY  /p/app/key".
func (c *paramsCheck) missingLines() []string {
	width := 0
	for _, r := range c.missing {
		width = max(width, len(r.Name))
	}
	lines := make([]string, len(c.missing))
	for i, r := range c.missing {
		lines[i] = r.Name + strings.Repeat(" ", width-len(r.Name)+2) + r.ValueFrom
	}
	return lines
}
