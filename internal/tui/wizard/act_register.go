package wizard

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/model/taskdef"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// Registering from the Act step goes through deploy, as `ecswiz register` does: the
// latest revision is read and compared first, nothing is registered when it is the
// same, and a registration whose answer is lost is looked for before it is reported as
// a failure. Then the services running the family are listed, with the
// `aws ecs update-service` line that rolls each to the new revision.

// actRegistration is a registration's outcome and the services that could roll to it.
type actRegistration struct {
	outcome         deploy.Outcome
	td              taskdef.TaskDefinition
	services        []deploy.Service
	servicesLoading bool
	servicesErr     error

	// The diff from the revision the service the wizard was opened to fix runs
	// (env.rollout); none without one.
	rolloutLoading bool
	rolloutDiff    string
	rolloutErr     error
}

// rolloutChanges is the normalised diff from the revision a service runs to the one
// registered; "" when they are the same.
type rolloutChanges struct{ diff string }

// startRegister registers the spec's task definition, diff-first, in a command.
func (s *actStep) startRegister() tea.Cmd {
	if reason := s.registerBlocked(); reason != "" {
		s.note, s.noteErr = "Register is not available: "+reason+".", true
		return nil
	}
	td, err := model.Build(*s.env.spec, s.region)
	if err != nil {
		s.regErr = err
		return nil
	}
	ecs := s.env.cloud().TaskDefs
	s.registering, s.reg, s.regErr, s.registerTD = true, nil, nil, td
	stepLog(s.env).Info("register: reading the latest revision first", "family", td.Family, "region", s.env.session.Region)
	s.panelTop = 0
	s.registerID = tui.NewID()
	return tui.Call(s.ctx, s.registerID, func(ctx context.Context) (deploy.Outcome, error) {
		return deploy.RegisterIfChanged(ctx, ecs, td)
	})
}

func (s *actStep) registered(out deploy.Outcome, err error) tea.Cmd {
	s.registering = false
	log := stepLog(s.env).With("family", s.registerTD.Family)
	if err != nil {
		s.regErr = err
		log.Warn("register failed", "error", tui.ErrorLine(err))
		return nil
	}
	switch {
	case out.Unchanged:
		log.Info("register: unchanged, nothing registered", "revision", out.Registered.Revision)
	case out.Lost != nil:
		log.Info("registered (its answer was lost, then found)", "revision", out.Registered.Revision, "arn", out.Registered.ARN, "lost", tui.ErrorLine(out.Lost))
	default:
		log.Info("registered", "revision", out.Registered.Revision, "arn", out.Registered.ARN)
	}
	s.reg = &actRegistration{outcome: out, td: s.registerTD}
	s.done = append(s.done, actDone{reg: s.reg})
	return tea.Batch(s.findServices(), s.compareRollout(), acted)
}

// compareRollout diffs the registered task definition with the revision the service
// being fixed runs, so the person sees what rolling it would change.
func (s *actStep) compareRollout() tea.Cmd {
	cloud, rollout := s.env.cloud(), s.env.rollout
	if cloud == nil || s.reg == nil || rollout == nil || rollout.Running == "" {
		return nil
	}
	s.reg.rolloutLoading = true
	td, ecs, running, ref := s.reg.td, cloud.TaskDefs, rollout.Running, deploy.Ref(s.reg.outcome.Registered)
	s.rolloutID = tui.NewID()
	return tui.Call(s.ctx, s.rolloutID, func(ctx context.Context) (rolloutChanges, error) {
		cmp, err := deploy.Compare(ctx, ecs, td, ref, running)
		return rolloutChanges{cmp.Diff}, err
	})
}

// rolloutLines are the diff from the revision the service being fixed runs, and the
// line that rolls it; none without such a service.
func (s *actStep) rolloutLines(ref string) []string {
	r, rollout := s.reg, s.env.rollout
	if rollout == nil || rollout.Running == "" {
		return nil
	}
	st := s.env.styles
	head := fmt.Sprintf("%s (cluster %s) runs %s.", rollout.Name, rollout.Cluster, rollout.Running)
	switch {
	case rollout.Running == ref:
		return []string{st.Muted.Render(s.wrap(head+" It already is this task definition.", 0))}
	}
	roll := []string{"Roll " + rollout.Name + " to it:", s.commandView(rollout.UpdateCommand(ref)), ""}
	switch {
	case r.rolloutLoading:
		return append([]string{s.wrap(s.env.spin()+" "+head+" Comparing it with "+ref+"…", 2)}, roll...)
	case r.rolloutErr != nil:
		return append([]string{st.Muted.Render(s.wrap(head+" Could not compare it with "+ref+": "+tui.ErrorLine(r.rolloutErr), 0))}, roll...)
	case r.rolloutDiff == "":
		return append([]string{s.wrap(head+" "+ref+" is the same task definition.", 0)}, roll...)
	}
	lines := []string{s.wrap(head+" What rolling it to "+ref+" changes:", 0)}
	for _, l := range strings.Split(strings.TrimRight(r.rolloutDiff, "\n"), "\n") {
		style := st.Muted
		switch {
		case strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++"):
			style = st.OK
		case strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---"):
			style = st.Error
		}
		lines = append(lines, "  "+style.Render(s.wrap(l, 2)))
	}
	return append(append(lines, ""), roll...)
}

// rollsOut reports whether svc is the service the wizard was opened to fix, whose line
// rolloutLines draws.
func (s *actStep) rollsOut(svc deploy.Service) bool {
	r := s.env.rollout
	return r != nil && r.Running != "" && r.Cluster == svc.Cluster && r.Name == svc.Name
}

// findServices looks for the services running a revision of the family registered.
func (s *actStep) findServices() tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil || s.reg == nil {
		return nil
	}
	s.reg.servicesLoading = true
	family := s.reg.outcome.Registered.Family
	s.servicesID = tui.NewID()
	return tui.Call(s.ctx, s.servicesID, func(ctx context.Context) ([]deploy.Service, error) {
		return deploy.ServicesOf(ctx, cloud.TaskDefs, family)
	})
}

// registrationLines are a registration in the summary printed once the wizard ends.
func registrationLines(r *actRegistration) []string {
	ref := deploy.Ref(r.outcome.Registered)
	line := fmt.Sprintf("Registered %s: %s", ref, r.outcome.Registered.ARN)
	if r.outcome.Unchanged {
		line = fmt.Sprintf("Unchanged: %s is already this task definition (%s).", ref, r.outcome.Registered.ARN)
	}
	lines := []string{line}
	for _, svc := range r.services {
		if svc.Running != ref {
			lines = append(lines, "  roll "+svc.Name+" to it: "+svc.UpdateCommand(ref))
		}
	}
	if !r.servicesLoading && r.servicesErr == nil && len(r.services) == 0 {
		lines = append(lines, "  "+noServiceLine(r.outcome.Registered.Family))
	}
	return lines
}

// noServiceLine says that no service has a revision of family to roll from.
func noServiceLine(family string) string {
	return "No service runs " + family + " yet in this account and Region: there is none to roll."
}

// registerView is the outcome of the last registration, each line fitted to the width.
func (s *actStep) registerView() string {
	st := s.env.styles
	switch {
	case s.registering:
		return s.wrap(s.env.spin()+" Registering "+s.registerTD.Family+": reading the latest revision first…", 2)
	case s.regErr != nil:
		return st.Error.Render(s.wrap("✗ Register failed: "+tui.ErrorLine(s.regErr)+" — press "+tui.Keys.Retry.Help().Key+
			" to try again (the latest revision is read first, so a retry never makes a second one).", 2))
	case s.reg == nil:
		return ""
	}
	r := s.reg
	ref := deploy.Ref(r.outcome.Registered)
	lines := []string{st.OK.Render(s.wrap("✓ Registered "+ref, 2))}
	if r.outcome.Unchanged {
		lines[0] = st.OK.Render(s.wrap("✓ unchanged: "+ref+" is already this task definition; nothing was registered.", 2))
	}
	if r.outcome.Lost != nil {
		lines = append(lines, st.Warning.Render(s.wrap("The answer to the registration was lost ("+tui.ErrorLine(r.outcome.Lost)+"), but "+ref+" now matches the spec: it was registered.", 0)))
	}
	for _, l := range deploy.Outputs(r.outcome.Registered, r.td) {
		lines = append(lines, s.outputView(l))
	}
	lines = append(lines, "")
	lines = append(lines, s.rolloutLines(ref)...)
	var roll, current []string
	for _, svc := range r.services {
		switch {
		case s.rollsOut(svc):
			continue // its line is above, with the diff
		case svc.Running == ref:
			current = append(current, svc.Name+" (cluster "+svc.Cluster+") already runs "+ref+".")
			continue
		}
		roll = append(roll, s.commandView(svc.UpdateCommand(ref)))
	}
	family := r.outcome.Registered.Family
	switch {
	case r.servicesLoading:
		lines = append(lines, s.wrap(s.env.spin()+" Looking for services running "+family+"…", 2))
	case r.servicesErr != nil:
		lines = append(lines, st.Muted.Render(s.wrap("Could not list the services to roll: "+tui.ErrorLine(r.servicesErr), 0)))
	case len(r.services) == 0 && s.env.rollout == nil:
		lines = append(lines, st.Muted.Render(s.wrap(noServiceLine(family), 0)))
	}
	if len(roll) > 0 {
		label := "Roll a service to it:"
		if s.env.rollout != nil {
			label = "Roll another service to it:"
		}
		lines = append(lines, label)
		lines = append(lines, roll...)
	}
	for _, c := range current {
		lines = append(lines, st.Muted.Render(s.wrap(c, 0)))
	}
	return strings.Join(lines, "\n")
}

// outputView draws an output line ("name = value") indented; one wider than the screen
// has its value on the next line, so an ARN is cut as little as can be.
func (s *actStep) outputView(line string) string {
	st := s.env.styles
	const indent = "  "
	name, value, ok := strings.Cut(line, " = ")
	if s.width <= 0 || len(indent+line) <= s.width || !ok {
		return indent + st.Value.Render(s.wrap(line, len(indent)))
	}
	return indent + st.Value.Render(strings.TrimRight(name, " ")+" =") + "\n" +
		"    " + st.Value.Render(s.wrap(value, 4))
}

// commandView draws a shell command to copy, continued with a backslash rather than
// cut when it is wider than the screen.
func (s *actStep) commandView(cmd string) string {
	const indent = "  "
	if s.width <= 0 || len(indent+cmd) <= s.width {
		return indent + cmd
	}
	var lines []string
	line := indent
	for _, word := range strings.Split(cmd, " --") {
		if line == indent {
			line += word
			continue
		}
		word = "--" + word
		if len(line)+1+len(word)+2 > s.width {
			lines = append(lines, line+" \\")
			line = indent + "  " + word
			continue
		}
		line += " " + word
	}
	return strings.Join(append(lines, line), "\n")
}

// confirmView asks before registering: where, and what the task would miss.
func (s *actStep) confirmView() string {
	st := s.env.styles
	session := s.env.session
	family := s.env.spec.Family()
	where := session.Region + " · account " + session.Account
	if session.Demo {
		where += " (the demo account)"
	}
	width := max(20, s.width-6)
	lines := []string{
		st.Title.Render("Register " + family + "?"),
		"",
		st.Label.Render("  family  ") + st.Value.Render(family),
		st.Label.Render("  Region  ") + st.Value.Render(where),
		"",
		st.Muted.Render("The latest revision is read first: nothing is registered when it is the same."),
	}
	if a := s.env.spec.AWSRegion; a != "" && a != session.Region {
		lines = append(lines, st.Warning.Render(tui.Wrap("! aws_region is "+a+": the task will log to "+a+" but is registered in "+session.Region+
			". To align them, restart ecswiz with --region "+a+", or set aws_region to "+session.Region+" (or empty).", width, 2)))
	}
	if missing := s.params.missingLines(); len(missing) > 0 {
		verb := "do"
		if len(missing) == 1 {
			verb = "does"
		}
		where := s.steps.fixedInOr("secrets_from_parameter_store", "in Secrets")
		lines = append(lines, "", st.Warning.Render(fmt.Sprintf("! %s the task reads %s not exist:", plural(len(missing), "parameter"), verb)))
		for _, l := range missing {
			lines = append(lines, "    "+st.Value.Render(l))
		}
		lines = append(lines, st.Muted.Render(tui.Wrap("Without them "+taskStartFailure+". Registering does not need them: "+
			"create them ("+where+") before a service runs this revision.", width, 0)))
	} else if status := s.params.status(s.env); status != "" {
		lines = append(lines, st.Muted.Render(tui.Wrap(status, width, 0)))
	}
	lines = append(lines, s.roleConfirmLines(width)...)
	return strings.Join(append(lines, "", dialogHelp(st, helpAs(tui.Keys.Yes, "register"), helpAs(tui.Keys.No, "cancel"))), "\n")
}

// roleConfirmLines say, in the confirmation, whether the execution role may read the
// secrets: a warning with the fix when it may not, else a line (✓, running, or not
// checked and why); none without a role to check.
func (s *actStep) roleConfirmLines(width int) []string {
	st := s.env.styles
	c := &s.role
	name := model.RoleName(c.role)
	switch {
	case c.role == "":
		return nil
	case c.failed():
		where := s.steps.fixedInOr(fieldExecutionRole, "in Runtime")
		return []string{"",
			st.Warning.Render(tui.Wrap("! The execution role "+name+" "+c.denial()+".", width, 2)),
			st.Muted.Render(tui.Wrap("Without it "+taskStartFailure+" (AccessDenied). Fix: "+c.fix()+" to "+name+
				", or choose another execution role ("+where+").", width, 0)),
		}
	case c.foreign:
		return []string{st.Warning.Render(tui.Wrap("! The execution role "+name+" is in account "+roleAccount(c.role)+
			", not this one: ECS tasks assume roles of their own account, so "+taskFailsToStart+".", width, 2))}
	}
	status := c.status(s.env)
	if status == "" {
		return nil
	}
	style := st.Muted
	if c.ok() {
		style = st.OK
	}
	return []string{style.Render(tui.Wrap(status, width, 0))}
}
