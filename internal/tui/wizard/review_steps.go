package wizard

import (
	"strings"

	"github.com/ecswiz/ecswiz/internal/tui"
)

// Review and Act say where a finding is fixed ("alt+2 Sizing"): the step that answers
// the field, found in the wizard's own list of steps, so the names and numbers follow
// the steps as they are.

// fieldOwner is a step that answers some spec variables: Owns reports whether field
// (a variable name: "task_memory") is one of them. Every step of the wizard is one;
// each variable is answered by exactly one step.
type fieldOwner interface {
	Owns(field string) bool
}

// stepsUser is a step that names other steps.
type stepsUser interface {
	useSteps(steps wizardSteps)
}

// shareSteps gives the steps that name other steps (Review, Act) the wizard's steps, in
// order. The root calls it once it has built them.
func shareSteps(steps []step) {
	for _, s := range steps {
		if u, ok := s.(stepsUser); ok {
			u.useSteps(steps)
		}
	}
}

// wizardSteps is the wizard's steps in order; nil when a step is shown on its own.
type wizardSteps []step

// variableOf is the variable a finding's field is about: "volumes[1].name" is volumes.
func variableOf(field string) string {
	if i := strings.IndexAny(field, "[."); i >= 0 {
		return field[:i]
	}
	return field
}

// owning is the position of the step answering field; -1 when no step does (the size
// of the whole task definition).
func (ws wizardSteps) owning(field string) int {
	name := variableOf(field)
	if name == "" {
		return -1
	}
	for i, s := range ws {
		if o, ok := s.(fieldOwner); ok && o.Owns(name) {
			return i
		}
	}
	return -1
}

// jumpKey is the key that goes to step i: "alt+3".
func (ws wizardSteps) jumpKey(i int) string {
	if ks := tui.Keys.Jump.Keys(); i < len(ks) {
		return ks[i]
	}
	return ""
}

// jump names step i with its key: "alt+3 Django".
func (ws wizardSteps) jump(i int) string {
	return strings.TrimSpace(ws.jumpKey(i) + " " + ws[i].Title())
}

// fixedIn says where field is answered: "alt+2 Sizing", or "ctrl+e in Review" for what
// Review itself asks; "" when no step does.
func (ws wizardSteps) fixedIn(field string) string {
	i := ws.owning(field)
	if i < 0 {
		return ""
	}
	if _, ok := ws[i].(*reviewStep); ok {
		return tui.Keys.Edit.Help().Key + " in Review"
	}
	return ws.jump(i)
}

// fixedInOr is fixedIn, or otherwise when no step is known to answer field.
func (ws wizardSteps) fixedInOr(field, otherwise string) string {
	if where := ws.fixedIn(field); where != "" {
		return where
	}
	return otherwise
}

// review is "alt+8 Review", where the findings are listed; "Review" when the steps are
// not known.
func (ws wizardSteps) review() string {
	for i, s := range ws {
		if _, ok := s.(*reviewStep); ok {
			return ws.jump(i)
		}
	}
	return "Review"
}
