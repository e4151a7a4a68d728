package wizard

import (
	"errors"
	"strings"

	"github.com/ecswiz/ecswiz/internal/model"
)

// fieldError is the first blocking finding model.Validate reports for field (or one of
// its elements, "volumes[1].name") once edit is applied to a copy of spec: the fields
// check answers with the very rules `ecswiz validate` uses. "is required" findings of
// the field count only when required is true.
func fieldError(spec model.Spec, field string, required bool, edit func(s *model.Spec)) error {
	s := spec
	edit(&s)
	for _, f := range model.Validate(s).Errors() {
		if f.Field != field && !strings.HasPrefix(f.Field, field+"[") && !strings.HasPrefix(f.Field, field+".") {
			continue
		}
		if !required && f.Message == "is required" {
			continue
		}
		return findingError(f)
	}
	return nil
}

// findingError is a finding as one line: the message and how to fix it. The field
// comes first when the message has no subject ("is required") and when it names an
// element ("volumes[1].name"), which the field's own title does not say.
func findingError(f model.Finding) error {
	msg := f.Message
	switch {
	case strings.ContainsAny(f.Field, "[."):
		msg = f.Field + ": " + msg
	case strings.HasPrefix(msg, "is "):
		msg = f.Field + " " + msg
	}
	if f.Hint != "" {
		msg += " — " + f.Hint
	}
	return errors.New(msg)
}

// fieldWarning is the first warning Validate reports for field.
func fieldWarning(spec model.Spec, field string) string {
	for _, f := range model.Validate(spec).Warnings() {
		if f.Field == field {
			if f.Hint != "" {
				return f.Message + " — " + f.Hint
			}
			return f.Message
		}
	}
	return ""
}
