package wizard

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/aws"
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
		opts = append(opts, tui.Option{Value: current, Label: roleName(current),
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

// roleName is the last segment of a role ARN.
func roleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

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
		execStatus, isErr = errorLine(s.roles.err)+" — type the ARN, or "+tui.Keys.Retry.Help().Key+" to retry.", true
		taskStatus = "Type the ARN, or leave it empty for none."
	case len(s.roles.list) == 0:
		execStatus = "No role here trusts ecs-tasks.amazonaws.com: create one (e.g. ecsTaskExecutionRole), or type an ARN."
		taskStatus = "Type the ARN, or leave it empty for none."
	}
	exec.Status, exec.StatusIsErr, exec.Busy = execStatus, isErr, s.roles.loading && s.env.cloud() != nil
	task.Status, task.StatusIsWarn = taskStatus, false
	// A bucket the app uses needs credentials only a task role gives it.
	if need := model.TaskRoleNeed(*s.env.spec); need != "" {
		if suggested := suggestRole(s.roles.list, s.env.spec.Family(), false); suggested != "" {
			need += ", e.g. " + roleName(suggested)
		}
		task.Status, task.StatusIsWarn = "⚠ "+need+".", true
	}
}
