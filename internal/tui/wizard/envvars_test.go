package wizard

import (
	"fmt"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
)

func TestWithEnvLeavesTheSpecsMapAlone(t *testing.T) {
	spec := demoSpec()
	spec.EnvironmentVariables = map[string]string{"A": "1"}
	got := withEnv(spec, "A", "B", "2")
	if diff := cmp.Diff(map[string]string{"B": "2"}, got.EnvironmentVariables); diff != "" {
		t.Errorf("renamed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"A": "1"}, spec.EnvironmentVariables); diff != "" {
		t.Errorf("the original map changed (-want +got):\n%s", diff)
	}
}

func TestEnvEditorEscCancelsAnEntryWithoutSavingIt(t *testing.T) {
	spec := demoSpec()
	spec.EnvironmentVariables = map[string]string{"SENTRY_ENVIRONMENT": "dev"}
	s, e, h := startDjango(t, spec)
	toList(t, h)
	keys(t, h.update, "ctrl+e")
	typeText(t, h.update, "-typo")
	if !s.Capturing() {
		t.Fatal("Capturing() is false while editing: the wizard would go back a step on esc")
	}
	keys(t, h.update, "esc")
	if got := e.spec.EnvironmentVariables["SENTRY_ENVIRONMENT"]; got != "dev" {
		t.Errorf("the cancelled edit was saved: %q", got)
	}
	if s.Capturing() || !s.vars.focused {
		t.Error("esc did not return to the list")
	}
	if h.done {
		t.Error("esc finished the step")
	}
}

func TestEnvEditorKeepsAnOverrideFromTheSpecEditable(t *testing.T) {
	spec := demoSpec()
	spec.EnvironmentVariables = map[string]string{"DEBUG": "1"}
	s, e, h := startDjango(t, spec)
	toList(t, h)
	if view := tuitest.Plain(s.View()); !strings.Contains(view, `overrides the DEBUG that ecswiz sets ("false")`) {
		t.Errorf("the model's warning about the override is not shown:\n%s", view)
	}
	keys(t, h.update, "ctrl+e", "backspace")
	typeText(t, h.update, "0")
	keys(t, h.update, "enter")
	if got := e.spec.EnvironmentVariables["DEBUG"]; got != "0" {
		t.Errorf("DEBUG = %q, want the edited 0: an existing entry may keep its name", got)
	}
}

func TestEnvEditorScrollsALongList(t *testing.T) {
	spec := demoSpec()
	spec.EnvironmentVariables = map[string]string{}
	for i := range 10 {
		spec.EnvironmentVariables[fmt.Sprintf("VAR_%02d", i)] = "x"
	}
	s, _, h := startDjango(t, spec)
	toList(t, h)
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "↓ 4 more") || strings.Contains(view, "VAR_06") {
		t.Errorf("want 6 rows and ↓ 4 more:\n%s", view)
	}
	for range 9 {
		keys(t, h.update, "down")
	}
	view := tuitest.Plain(s.View())
	if !strings.Contains(view, "▸ VAR_09 = x") || !strings.Contains(view, "↑ 4 more") {
		t.Errorf("the cursor's row is not shown at the end:\n%s", view)
	}
	keys(t, h.update, "ctrl+d", "y")
	if view := tuitest.Plain(s.View()); !strings.Contains(view, "▸ VAR_08 = x") {
		t.Errorf("after deleting the last row the cursor is not on the new last one:\n%s", view)
	}
}

func TestEnvEditorRefusesOnlyWhatTheModelRefuses(t *testing.T) {
	spec := demoSpec()
	spec.S3BucketName = "media"
	for name := range model.AutomaticEnvironment(spec) {
		e := newTestEnv(spec, nil)
		ed := newEnvEditor(e)
		ed.open("", "")
		if err := ed.checkName(name); err != nil {
			t.Errorf("%s: %v, want it accepted (the model only warns)", name, err)
		}
		if status := ed.entry.Field(fieldEnvName).Status; status != "" {
			t.Errorf("%s: a warning shows before the name is typed: %q", name, status)
		}
	}
}

func TestEnvEditorKeepsTheCursorInRangeInUpdateNotView(t *testing.T) {
	spec := demoSpec()
	spec.EnvironmentVariables = map[string]string{"A": "1", "B": "2"}
	e := newTestEnv(spec, nil)
	ed := newEnvEditor(e)
	ed.focused, ed.cursor = true, 5 // the list shrank under it
	_ = ed.View(*e.styles)
	if ed.cursor != 5 {
		t.Errorf("View moved the cursor to %d", ed.cursor)
	}
	ed.Update(tuitest.Press("ctrl+e"))
	if !ed.editing || ed.original != "B" {
		t.Errorf("ctrl+e edits %q, want the last row B", ed.original)
	}
}
