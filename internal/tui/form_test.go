package tui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+t":
		return tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

func send(f *Form, ks ...string) (done bool) {
	for _, k := range ks {
		if cmd := f.Update(keyPress(k)); cmd != nil {
			if _, ok := cmd().(FormDoneMsg); ok {
				done = true
			}
		}
	}
	return done
}

func typeInto(f *Form, text string) {
	for _, r := range text {
		f.Update(keyPress(string(r)))
	}
}

func TestFormRefusesToMoveOnFromAFieldThatDoesNotValidate(t *testing.T) {
	name := &Field{Key: "app_name", Title: "App", Kind: Text, Validate: func(v string) error {
		if v == "" {
			return errors.New("is required")
		}
		return nil
	}}
	port := &Field{Key: "port", Title: "Port", Kind: Text}
	f := NewForm(name, port)
	if send(f, "enter") || f.Focused() != name || name.Err() == nil {
		t.Fatalf("Enter on an empty required field moved on (focus %q, err %v)", f.Focused().Key, name.Err())
	}
	typeInto(f, "shop")
	if name.Err() != nil {
		t.Errorf("typing did not clear the error: %v", name.Err())
	}
	send(f, "enter")
	if f.Focused() != port {
		t.Fatalf("Enter on a valid field did not move to the next one")
	}
	if !send(f, "enter") {
		t.Fatalf("Enter on the last field did not finish the form")
	}
}

func TestChoiceMovesItsCursorAndTypesItsOwnValue(t *testing.T) {
	var got []string
	env := &Field{Key: "environment", Kind: Choice, Other: true,
		Options: []Option{{Value: "dev"}, {Value: "staging"}, {Value: "prod"}},
		OnSet:   func(v string) { got = append(got, v) }}
	f := NewForm(env)
	send(f, "down", "down", "down")
	if env.Value() != "prod" {
		t.Fatalf("cursor at %q after three downs, want prod (the last)", env.Value())
	}
	send(f, "ctrl+t")
	if !f.Capturing() {
		t.Fatalf("typing one's own value should capture Esc")
	}
	typeInto(f, "qa")
	if env.Value() != "qa" {
		t.Fatalf("typed value is %q, want qa", env.Value())
	}
	send(f, "esc")
	if f.Capturing() || env.Value() != "prod" {
		t.Fatalf("Esc should leave typing and return to the list (value %q)", env.Value())
	}
	if !send(f, "enter") {
		t.Fatal("Enter on the only field did not finish")
	}
	if len(got) == 0 || got[len(got)-1] != "prod" {
		t.Errorf("OnSet calls %q, want the last to be prod", got)
	}
}

func TestChoiceWithoutOptionsIsTyped(t *testing.T) {
	img := &Field{Key: "image", Kind: Choice, Other: true}
	f := NewForm(img)
	typeInto(f, "nginx:1.27")
	if img.Value() != "nginx:1.27" {
		t.Fatalf("value %q, want the typed reference", img.Value())
	}
	img.SetOptions([]Option{{Value: "a"}, {Value: "b"}})
	if img.Value() != "nginx:1.27" {
		t.Errorf("loading options lost the typed value: %q", img.Value())
	}
}

func TestToggleAnswersWithSpaceAndYesNo(t *testing.T) {
	ro := &Field{Key: "readonly", Kind: Toggle}
	f := NewForm(ro)
	send(f, "space")
	if !ro.On() {
		t.Fatal("space did not turn the toggle on")
	}
	send(f, "n")
	if ro.On() {
		t.Fatal("n did not turn the toggle off")
	}
	send(f, "y")
	if !ro.On() {
		t.Fatal("y did not turn the toggle on")
	}
}

func TestHiddenFieldsAreSkippedAndNotValidated(t *testing.T) {
	show := false
	a := &Field{Key: "a", Kind: Text}
	hidden := &Field{Key: "b", Kind: Text, Visible: func() bool { return show },
		Validate: func(string) error { return errors.New("never valid") }}
	c := &Field{Key: "c", Kind: Text}
	f := NewForm(a, hidden, c)
	send(f, "tab")
	if f.Focused() != c {
		t.Fatalf("tab landed on %q, want c (b is hidden)", f.Focused().Key)
	}
	if !send(f, "enter") {
		t.Fatal("a hidden field blocked the form")
	}
}

func TestMaskedFieldNeverShowsItsValue(t *testing.T) {
	secret := &Field{Key: "value", Kind: Text, Masked: true}
	other := &Field{Key: "other", Kind: Text}
	f := NewForm(secret, other)
	typeInto(f, "hunter2")
	view := ansi.Strip(f.View(NewStyles(true)))
	send(f, "tab")
	view += ansi.Strip(f.View(NewStyles(true)))
	if secret.Value() != "hunter2" {
		t.Fatalf("value %q", secret.Value())
	}
	for _, s := range []string{"hunter2", "hunter"} {
		if strings.Contains(view, s) {
			t.Fatalf("the masked value shows on screen:\n%s", view)
		}
	}
}

func TestWrap(t *testing.T) {
	cases := []struct {
		name, text    string
		width, indent int
		want          string
	}{
		{"a line that fits is kept", "short line", 20, 4, "short line"},
		{"words move to the next line, indented", "one two three four", 9, 2, "one two\n  three\n  four"},
		{"a word longer than a line is cut", "abcdefghij kl", 4, 0, "abcd\nefgh\nij\nkl"},
		{"line breaks are kept and indented", "a\nb", 10, 3, "a\n   b"},
		{"no width leaves the text alone", "one two three", 0, 4, "one two three"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Wrap(tc.text, tc.width, tc.indent); got != tc.want {
				t.Fatalf("Wrap(%q, %d, %d) = %q, want %q", tc.text, tc.width, tc.indent, got, tc.want)
			}
		})
	}
}

func TestFieldStatusAndErrorWrapToTheFormsWidth(t *testing.T) {
	long := strings.Repeat("word ", 30)
	f := NewForm(&Field{Key: "a", Title: "A", Kind: Text, Status: long,
		Validate: func(string) error { return errors.New(long) }})
	f.SetWidth(40)
	f.Validate()
	view := ansi.Strip(f.View(NewStyles(true)))
	for _, line := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(strings.TrimRight(line, " ")); w > 40 {
			t.Errorf("a line is %d cells wide in a form 40 wide: %q", w, line)
		}
	}
	if !strings.Contains(view, "\n    word") || !strings.Contains(view, "\n      word") {
		t.Errorf("the status and error lines do not line up under their first lines:\n%s", view)
	}
}

func TestABusyFieldsStatusStartsWithTheSpinner(t *testing.T) {
	fl := &Field{Key: "a", Title: "A", Kind: Text, Status: "Loading…", Busy: true}
	f := NewForm(fl)
	frames := 0
	f.Spin = func() string { frames++; return "⠙" }
	if view := ansi.Strip(f.View(NewStyles(true))); !strings.Contains(view, "⠙ Loading…") || frames != 1 {
		t.Fatalf("the spinner is not drawn before the status (asked %d times):\n%s", frames, view)
	}
	fl.Busy = false
	if view := ansi.Strip(f.View(NewStyles(true))); strings.Contains(view, "⠙") || frames != 1 {
		t.Fatalf("the spinner is drawn for a field that waits for nothing:\n%s", view)
	}
}
