package wizard

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// reviewRegion is the Region the task logs to, as Build takes it: the spec's
// aws_region, else the session's Region; "" when neither is known (offline).
func reviewRegion(e *env) string {
	if e.spec.AWSRegion != "" {
		return e.spec.AWSRegion
	}
	if e.session != nil {
		return e.session.Region
	}
	return ""
}

// reviewNoRegionHelp says how to give the wizard a Region when it has none.
func reviewNoRegionHelp() string {
	return "No AWS Region for awslogs-region: the spec sets no aws_region and there is no AWS session to take it from. " +
		"Press " + tui.Keys.Edit.Help().Key + " in Review to type aws_region (e.g. eu-west-2), or restart ecswiz with --region or AWS_REGION."
}

// helpAs is binding b with another description, for a step's help line.
func helpAs(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// helpKeys is a help-only binding naming several bindings' keys: "←/→".
func helpKeys(desc string, bs ...key.Binding) key.Binding {
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.Help().Key
	}
	return key.NewBinding(key.WithHelp(strings.Join(names, "/"), desc))
}

// reviewFindingText is a finding in one line: field, message, hint and the step to fix
// it in.
func reviewFindingText(f model.Finding, steps wizardSteps) string {
	field := f.Field
	if field == "" {
		field = "task definition"
	}
	line := field + ": " + f.Message
	if f.Hint != "" {
		line += " — " + f.Hint
	}
	if where := steps.fixedIn(f.Field); where != "" {
		line += " (" + where + ")"
	}
	return line
}

// reviewFindingView draws a finding wrapped to width, its continuation lines indented.
func reviewFindingView(st *tui.Styles, f model.Finding, steps wizardSteps, width int) string {
	mark, style := "✗ ", st.Error
	if f.Severity == model.SeverityWarning {
		mark, style = "! ", st.Warning
	}
	lines := strings.Split(tui.Wrap(reviewFindingText(f, steps), max(20, width-4), 0), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = "  " + style.Render(mark) + l
		} else {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}

// reviewErrorPlaces names the steps holding errors: "Application (alt+1) and Runtime (alt+7)".
func reviewErrorPlaces(errs model.Findings, steps wizardSteps) string {
	var places []string
	seen := map[string]bool{}
	for _, f := range errs {
		place := "the spec"
		if i := steps.owning(f.Field); i >= 0 {
			place = steps[i].Title() + " (" + steps.jumpKey(i) + ")"
			if _, here := steps[i].(*reviewStep); here {
				place = variableOf(f.Field) + " (" + tui.Keys.Edit.Help().Key + " here)"
			}
		}
		if !seen[place] {
			seen[place] = true
			places = append(places, place)
		}
	}
	return joinAnd(places)
}

// reviewArchFindings is a warning when the image is known (from the architectures the
// application step read from ECR) not to run on cpu_architecture: the task would
// register, and its container would fail with "exec format error". It names the step
// that fixes it: Sizing, or Application for an image no Fargate architecture runs.
func reviewArchFindings(e *env, steps wizardSteps) model.Findings {
	p, ok := imageArchMismatch(e, e.spec.CPUArchitecture)
	if !ok {
		return nil
	}
	const fails = `its container would fail with "exec format error"`
	if p.other == "" {
		return model.Findings{{Severity: model.SeverityWarning, Field: "container_image",
			Message: p.runsOn() + ", not on " + p.cpuArch + " (" + p.want + ")",
			Hint:    fails + ": " + p.pickTag()}}
	}
	return model.Findings{{Severity: model.SeverityWarning, Field: "cpu_architecture",
		Message: p.cpuArch + ", but " + p.runsOn(),
		Hint:    fails + ": " + p.pickTag() + " in " + steps.fixedInOr("container_image", "Application") + ", or choose " + p.other}}
}
