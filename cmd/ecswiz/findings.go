package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ecswiz/ecswiz/internal/model"
)

// maxFieldColumn caps the field column so one long path does not push every message
// far to the right; longer paths simply overflow it.
const maxFieldColumn = 28

// writeFindingsText writes a validation report: a header naming the file and the
// counts, then one line per finding, errors first, then warnings:
//
//	dev.tfvars: 1 error, 1 warning
//	  error    task_memory:   9216 is not ... -- hint: ...
//	  warning  allowed_hosts: "*" accepts any Host header -- hint: ...
//
// A file without findings is "dev.tfvars: valid". With strict, warnings fail too, and
// the header does not call such a file valid.
func writeFindingsText(w io.Writer, file string, findings model.Findings, strict bool) error {
	errs := len(findings.Errors())
	warns := len(findings) - errs // anything that does not block counts as a warning
	var counts []string
	if errs > 0 {
		counts = append(counts, plural(errs, "error"))
	}
	if warns > 0 {
		counts = append(counts, plural(warns, "warning"))
	}
	header := strings.Join(counts, ", ")
	switch {
	case errs > 0:
	case len(findings) == 0:
		header = "valid"
	case strict:
		header += " (--strict: warnings fail)"
	default:
		header = "valid, " + header
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: %s\n", printable(file), header)
	ordered := slices.Clone(findings)
	slices.SortStableFunc(ordered, func(x, y model.Finding) int {
		return severityRank(x.Severity) - severityRank(y.Severity)
	})
	width := 0
	for _, f := range ordered {
		width = max(width, min(len(f.Field)+1, maxFieldColumn))
	}
	for _, f := range ordered {
		field := ""
		if f.Field != "" {
			field = f.Field + ":"
		}
		line := fmt.Sprintf("  %-7s  %-*s %s", f.Severity, width, field, f.Message)
		if f.Hint != "" {
			line += " -- hint: " + f.Hint
		}
		b.WriteString(printable(strings.TrimRight(line, " ")))
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// severityRank orders errors before everything else.
func severityRank(s model.Severity) int {
	if s == model.SeverityError {
		return 0
	}
	return 1
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeFindingsJSON writes the findings as a JSON array in validation order, "[]" when
// there are none, so scripts can rely on its shape.
func writeFindingsJSON(w io.Writer, findings model.Findings) error {
	if findings == nil {
		findings = model.Findings{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(findings); err != nil {
		return fmt.Errorf("encode findings: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// refuseInvalidSpec prints the spec's findings on stderr, as render does, and returns a
// silent exit 2 when any of them is an error.
func refuseInvalidSpec(stderr io.Writer, file string, spec model.Spec) error {
	findings := model.Validate(spec)
	if len(findings) > 0 {
		if err := writeFindingsText(stderr, file, findings, false); err != nil {
			return err
		}
	}
	if findings.HasErrors() {
		return silentExit(exitUsage)
	}
	return nil
}
