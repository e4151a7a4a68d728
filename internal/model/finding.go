package model

// Severity says whether a finding blocks registering and exporting.
type Severity string

const (
	SeverityError   Severity = "error"   // blocks register and export
	SeverityWarning Severity = "warning" // shown, does not block
)

// Finding is one problem validation found in a spec.
type Finding struct {
	Severity Severity `json:"severity"`
	Field    string   `json:"field"` // variable path, e.g. task_memory or volumes[1].name
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"` // how to fix it
}

// Findings is the result of Validate, in the order of the spec's variables.
type Findings []Finding

// Errors returns the findings that block.
func (fs Findings) Errors() Findings { return fs.bySeverity(SeverityError) }

// Warnings returns the findings that do not block.
func (fs Findings) Warnings() Findings { return fs.bySeverity(SeverityWarning) }

// HasErrors reports whether any finding blocks.
func (fs Findings) HasErrors() bool { return len(fs.Errors()) > 0 }

func (fs Findings) bySeverity(s Severity) Findings {
	var out Findings
	for _, f := range fs {
		if f.Severity == s {
			out = append(out, f)
		}
	}
	return out
}
