package wizard

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// A step without a form is read out in accessible mode. Most are read as their screen
// is drawn; Secrets and Review, whose screens are made for moving around in (a tree
// to pick from, tabs to scroll), are read as a plain summary instead, without their
// keys.

// reading is what the accessible mode says for step s, which has no form.
func (a *accessible) reading(s step) string {
	switch s := s.(type) {
	case *secretsStep:
		return a.secretsReading()
	case *reviewStep:
		return s.accessibleReading()
	}
	return plainView(s.View())
}

// secretsReading says which secrets the container reads and whether each exists: the
// required ones under the prefix, then the extra ones. Parameter Store is asked once,
// for metadata only.
func (a *accessible) secretsReading() string {
	e := a.m.env
	spec := *e.spec
	required := model.RequiredSecrets(spec)
	extra := make([]model.SecretRef, 0, len(spec.SecretsFromParameterStore))
	for _, name := range slices.Sorted(maps.Keys(spec.SecretsFromParameterStore)) {
		extra = append(extra, model.SecretRef{Name: name, ValueFrom: spec.SecretsFromParameterStore[name]})
	}

	var found map[string]bool
	unchecked := ""
	switch cloud := e.cloud(); {
	case cloud == nil:
		unchecked = "not checked: there is no AWS session (offline)"
	default:
		var names []string
		for _, r := range append(slices.Clone(required), extra...) {
			names = append(names, r.ValueFrom)
		}
		var err error
		if found, err = cloud.Parameters.Exist(a.ctx, names); err != nil {
			unchecked = "not checked: " + tui.ErrorLine(err)
		}
	}
	status := func(r model.SecretRef) string {
		exists, checked := found[r.ValueFrom]
		switch {
		case unchecked != "":
			return "not checked"
		case !checked:
			return "not checked (not a Parameter Store name)"
		case exists:
			return "found"
		}
		return "missing"
	}

	prefix := spec.ParameterPrefix()
	lines := []string{"The container reads these secrets from Parameter Store as it starts. ecswiz reads names, never values."}
	if unchecked != "" {
		lines = append(lines, "Whether they exist is "+strings.TrimSuffix(unchecked, ".")+".")
	}
	lines = append(lines, fmt.Sprintf("Required secrets, under the prefix %s (parameter_store_prefix):", prefix))
	missing := 0
	for _, r := range required {
		st := status(r)
		if st == "missing" {
			missing++
		}
		lines = append(lines, fmt.Sprintf("  %s, from %s: %s.", r.Name, r.ValueFrom, st))
	}
	switch {
	case unchecked != "":
	case missing == 0:
		lines = append(lines, fmt.Sprintf("All %d required secrets exist.", len(required)))
	default:
		lines = append(lines, fmt.Sprintf("%d of the %d required secrets are missing: without them %s. Create them before a service runs this task definition.",
			missing, len(required), taskStartFailure))
	}
	if len(extra) == 0 {
		lines = append(lines, "Extra secrets (secrets_from_parameter_store): none.")
	} else {
		lines = append(lines, "Extra secrets (secrets_from_parameter_store):")
		for _, r := range extra {
			lines = append(lines, fmt.Sprintf("  %s, from %s: %s.", r.Name, r.ValueFrom, status(r)))
		}
	}
	lines = append(lines,
		"Exposing extra parameters and creating missing ones need the full-screen wizard (ecswiz without --accessible). "+
			"To see the parameters under the prefix, run: "+ecswizCommand(e, "params "+prefix))
	return strings.Join(lines, "\n")
}

// accessibleReading is the review said as text: the validation summary, the parameter
// check and what registering would change. The findings are listed before the menu
// that follows, and the renders are a command away.
func (s *reviewStep) accessibleReading() string {
	errs, warns := s.findings.Errors(), s.findings.Warnings()
	var lines []string
	switch {
	case len(errs) > 0:
		lines = append(lines, plural(len(errs), "error")+" block registering and exporting: the findings are listed before the menu.")
	case len(warns) > 0:
		lines = append(lines, fmt.Sprintf("The spec is valid, with %s: listed before the menu; they do not block.", plural(len(warns), "warning")))
	default:
		lines = append(lines, "The spec is valid: ready to register or export.")
	}
	for _, f := range byConsequence(s.liveWarnings()) {
		lines = append(lines, "Warning: "+reviewFindingText(f, nil)+".")
	}
	if status := s.params.status(s.env); status != "" {
		lines = append(lines, strings.TrimPrefix(status, "✓ "))
	}
	if status := s.logGroup.status(); status != "" {
		lines = append(lines, status)
	}

	d := s.diff
	switch {
	case d.note != "":
		lines = append(lines, "Diff: "+d.note)
	case d.err != nil:
		lines = append(lines, "Diff: not read: "+tui.ErrorLine(d.err))
	case d.loading:
		lines = append(lines, "Diff: still reading the latest revision of "+d.family+".")
	case d.cmp.NewFamily():
		lines = append(lines, "Diff: "+d.family+" is a new family: registering makes its first revision.")
	case d.cmp.Unchanged():
		lines = append(lines, "Diff: unchanged: "+d.cmp.LiveRef+" is already this task definition; registering would make no new revision.")
	default:
		added, removed := diffCounts(d.cmp.Diff)
		lines = append(lines, fmt.Sprintf("Diff: from %s, the latest revision, %s added and %s removed.",
			d.cmp.LiveRef, plural(added, "line"), plural(removed, "line")))
	}
	lines = append(lines, "To read the task definition or the diff, save the spec, then run: "+
		ecswizCommand(s.env, "render -f FILE")+", or "+ecswizCommand(s.env, "diff -f FILE")+".")
	return strings.Join(lines, "\n")
}

// ecswizCommand is an ecswiz command line for the session: on the demo account with --demo.
func ecswizCommand(e *env, args string) string {
	if e.session != nil && e.session.Demo {
		return "ecswiz --demo " + args
	}
	return "ecswiz " + args
}

// diffCounts counts the lines a unified diff adds and removes.
func diffCounts(diff string) (added, removed int) {
	for _, l := range strings.Split(diff, "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		case strings.HasPrefix(l, "+"):
			added++
		case strings.HasPrefix(l, "-"):
			removed++
		}
	}
	return added, removed
}
