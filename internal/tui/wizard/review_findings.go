package wizard

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

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

// reviewFieldSteps is the step (its alt+N number) where each spec variable is answered.
var reviewFieldSteps = map[string]int{
	"app_name": 1, "environment": 1, "container_name": 1, "container_image": 1, "container_port": 1,
	"task_cpu": 2, "task_memory": 2, "cpu_architecture": 2,
	"django_settings_module": 3, "allowed_hosts": 3, "debug_mode": 3, "environment_variables": 3,
	"parameter_store_prefix": 4, "secrets_from_parameter_store": 4,
	"enable_twilio": 5, "s3_bucket_name": 5, "cloudfront_distribution_id": 5,
	"readonly_root_filesystem": 6, "container_user": 6, "enable_linux_parameters": 6,
	"linux_capabilities_drop": 6, "linux_capabilities_add": 6,
	"execution_role_arn": 7, "task_role_arn": 7, "log_group_name": 7, "log_stream_prefix": 7,
	"volumes": 7, "mount_points": 7, "container_command": 7,
	"aws_region": 8,
}

// reviewStepNames are the titles of the steps reviewFieldSteps points to, by number.
var reviewStepNames = map[int]string{
	1: "Application", 2: "Sizing", 3: "Django", 4: "Secrets", 5: "Integrations",
	6: "Hardening", 7: "Runtime", 8: "Review",
}

// reviewFieldOwner is where a finding's field is answered: "alt+2 Sizing"; "" when no step
// asks for it (tags, the size of the whole task definition).
func reviewFieldOwner(field string) string {
	name := field
	if i := strings.IndexAny(name, "[."); i >= 0 {
		name = name[:i]
	}
	n, ok := reviewFieldSteps[name]
	switch {
	case !ok:
		return ""
	case name == "aws_region":
		return tui.Keys.Edit.Help().Key + " in Review"
	}
	return fmt.Sprintf("alt+%d %s", n, reviewStepNames[n])
}

// reviewFindingText is a finding in one line: field, message, hint and the step to fix it in.
func reviewFindingText(f model.Finding) string {
	field := f.Field
	if field == "" {
		field = "task definition"
	}
	line := field + ": " + f.Message
	if f.Hint != "" {
		line += " — " + f.Hint
	}
	if owner := reviewFieldOwner(f.Field); owner != "" {
		line += " (" + owner + ")"
	}
	return line
}

// reviewFindingView draws a finding wrapped to width, its continuation lines indented.
func reviewFindingView(st *tui.Styles, f model.Finding, width int) string {
	mark, style := "✗ ", st.Error
	if f.Severity == model.SeverityWarning {
		mark, style = "! ", st.Warning
	}
	wrapped := wrapWords(reviewFindingText(f), max(20, width-4))
	lines := strings.Split(wrapped, "\n")
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
func reviewErrorPlaces(errs model.Findings) string {
	var places []string
	seen := map[string]bool{}
	for _, f := range errs {
		place := "the spec"
		switch owner := reviewFieldOwner(f.Field); {
		case f.Field == "aws_region":
			place = "aws_region (" + tui.Keys.Edit.Help().Key + " here)"
		case owner != "":
			num, name, _ := strings.Cut(owner, " ")
			place = name + " (" + num + ")"
		}
		if !seen[place] {
			seen[place] = true
			places = append(places, place)
		}
	}
	switch len(places) {
	case 0:
		return ""
	case 1:
		return places[0]
	}
	return strings.Join(places[:len(places)-1], ", ") + " and " + places[len(places)-1]
}

// wrapWords wraps plain text at spaces only, so flags (--region) and names with hyphens
// (awslogs-region) are never split; a word wider than width gets a line of its own.
func wrapWords(text string, width int) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case lipgloss.Width(line)+1+lipgloss.Width(word) > width:
				out = append(out, line)
				line = word
			default:
				line += " " + word
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// stepContext is the context a step's calls run under: the one Init gave, or, should a
// call start before Init (Connected first), one that is never cancelled.
func stepContext(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
