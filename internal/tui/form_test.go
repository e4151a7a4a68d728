package tui

import (
	"errors"
	"fmt"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func send(f *Form, ks ...string) (done bool) {
	for _, k := range ks {
		if cmd := f.Update(tuitest.Press(k)); cmd != nil {
			if _, ok := cmd().(FormDoneMsg); ok {
				done = true
			}
		}
	}
	return done
}

func typeInto(f *Form, text string) {
	for _, r := range text {
		f.Update(tuitest.Press(string(r)))
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
	if env.Value() != "prod" {
		t.Fatalf("typing starts from %q, want the current answer prod", env.Value())
	}
	if view := ansi.Strip(f.View(NewStyles(true))); !strings.Contains(view, "esc returns to the list") {
		t.Errorf("the hint does not say that esc returns to the list:\n%s", view)
	}
	typeInto(f, "-qa")
	if env.Value() != "prod-qa" {
		t.Fatalf("typed value is %q, want prod-qa", env.Value())
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
		Validate: func(string) error { return errors.New("bad " + long) }})
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

func TestPlaceholdersReadAsExamplesAndEmptyAnswersSayWhatTheyMean(t *testing.T) {
	app := &Field{Key: "app_name", Title: "App name", Kind: Text, Placeholder: "backend-booking"}
	container := &Field{Key: "container_name", Title: "Container name", Kind: Text,
		Default: func() string { return "shop (the app name)" }}
	other := &Field{Key: "other", Title: "Other", Kind: Text, Placeholder: "x"}
	f := NewForm(app, container, other)
	f.SetWidth(60)
	view := ansi.Strip(f.View(NewStyles(true)))
	for _, want := range []string{"e.g. backend-booking", "Container name  shop (the app name)", "Other  —"} {
		if !strings.Contains(view, want) {
			t.Errorf("%q is not on screen:\n%s", want, view)
		}
	}
	app.SetPlaceholder("booking")
	if view := ansi.Strip(f.View(NewStyles(true))); !strings.Contains(view, "e.g. booking") {
		t.Errorf("the new placeholder is not drawn:\n%s", view)
	}
}

func TestAnErrorTheStatusSaysIsShownOnce(t *testing.T) {
	msg := "the double quote at column 10 is never closed"
	fl := &Field{Key: "command", Title: "Command", Kind: Text, Status: msg, StatusIsErr: true,
		Validate: func(string) error { return errors.New(msg) }}
	f := NewForm(fl)
	f.Validate()
	if n := strings.Count(ansi.Strip(f.View(NewStyles(true))), "never closed"); n != 1 {
		t.Errorf("the error shows %d times, want once", n)
	}
}

func TestALongAnswerAndLongOptionsFitTheWidth(t *testing.T) {
	image := &Field{Key: "image", Title: "Image", Kind: Text}
	image.SetValue("123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2-with-a-long-tag")
	env := &Field{Key: "environment", Title: "Environment", Kind: Choice, Options: []Option{
		{Value: "dev", Note: strings.Repeat("a long note ", 10)}, {Value: "prod"}}}
	f := NewForm(env, image)
	f.SetWidth(40)
	view := ansi.Strip(f.View(NewStyles(true)))
	for _, l := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(l); w > 40 {
			t.Errorf("a line is %d cells wide in a form 40 wide: %q", w, l)
		}
	}
	if !strings.Contains(view, "…") {
		t.Errorf("the long note is not cut with …:\n%s", view)
	}
	if got := strings.Join(strings.Fields(view), ""); !strings.Contains(got, "1.4.2-with-a-long-tag") {
		t.Errorf("the long answer is not shown whole:\n%s", view)
	}
}

func TestAShortFormKeepsTheFocusedFieldInView(t *testing.T) {
	var opts []Option
	for i := range 12 {
		opts = append(opts, Option{Value: fmt.Sprintf("option-%02d", i)})
	}
	fields := []*Field{{Key: "a", Title: "A", Kind: Text, Hint: "the hint of a"}}
	list := &Field{Key: "list", Title: "List", Kind: Choice, Options: opts, Hint: "the hint of the list"}
	fields = append(fields, list)
	for i := range 6 {
		fields = append(fields, &Field{Key: fmt.Sprintf("f%d", i), Title: fmt.Sprintf("Field %d", i), Kind: Text})
	}
	f := NewForm(fields...)
	f.SetWidth(60)
	for _, tc := range []struct {
		name   string
		height int
		focus  string
		want   []string
		absent []string
	}{
		{"a form that fits keeps its blank lines", 0, "list", []string{"option-06", "the hint of the list", "\n\n"}, nil},
		{"a shorter one drops them, then shows fewer options", 13, "list",
			[]string{"▸ List", "option-00", "option-02", "↓ 9 more", "the hint of the list", "Field 5"}, []string{"\n\n", "option-03"}},
		{"a shorter one still leaves out the focused hint", 12, "list",
			[]string{"▸ List", "option-02", "Field 5"}, []string{"the hint of the list"}},
		{"a very short one scrolls, saying what is out of view", 6, "f5",
			[]string{"▸ Field 5", "more lines above"}, []string{"▸ List"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.FocusKey(tc.focus)
			f.SetHeight(tc.height)
			view := ansi.Strip(strings.TrimSuffix(f.View(NewStyles(true)), "\n"))
			if n := len(strings.Split(view, "\n")); tc.height > 0 && n > tc.height {
				t.Errorf("%d lines in a form %d high:\n%s", n, tc.height, view)
			}
			for _, want := range tc.want {
				if !strings.Contains(view, want) {
					t.Errorf("%q is not on screen:\n%s", want, view)
				}
			}
			for _, absent := range tc.absent {
				if strings.Contains(view, absent) {
					t.Errorf("%q is on screen:\n%s", absent, view)
				}
			}
		})
	}
}

func TestFit(t *testing.T) {
	lines := strings.Split("0 1 2 3 4 5 6 7 8 9", " ")
	st := NewStyles(true)
	for _, tc := range []struct {
		name               string
		start, end, height int
		want               string
	}{
		{"lines that fit are kept", 0, 2, 10, "0 1 2 3 4 5 6 7 8 9"},
		{"the focus at the top", 0, 2, 4, "0 1 2 ↓7"},
		{"the focus in the middle", 5, 6, 4, "↑4 4 5 ↓4"},
		{"the focus at the bottom", 8, 10, 4, "↑7 7 8 9"},
		{"a focus taller than the room shows its start", 3, 9, 4, "↑3 3 4 ↓5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range Fit(lines, tc.start, tc.end, tc.height, st) {
				l = ansi.Strip(l)
				if f := strings.Fields(l); len(f) > 1 {
					l = f[0] + f[1] // "↑ 4 more lines above" → "↑4"
				}
				got = append(got, l)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("Fit = %q, want %q", g, tc.want)
			}
		})
	}
}

func TestWrapBreaksBetweenWordsOnly(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		width      int
		want       string
	}{
		{"hyphenated words stay whole", "pass --region or set demo-shop-dev now", 14, "pass --region\nor set\ndemo-shop-dev\nnow"},
		{"a word wider than a line is cut where the line is", "see arn:aws:iam::123456789012:role/x", 12, "see arn:aws:\niam::1234567\n89012:role/x"},
		{"existing line breaks and indentation stay", "a b\n  c d", 10, "a b\n  c d"},
		{"continuation lines are indented", "one two three", 8, "one two\n  three"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			indent := 0
			if tc.name == "continuation lines are indented" {
				indent = 2
			}
			if got := Wrap(tc.text, tc.width, indent); got != tc.want {
				t.Errorf("Wrap(%q, %d) =\n%s\nwant\n%s", tc.text, tc.width, got, tc.want)
			}
		})
	}
}

func TestWrapEndsWithWideCharactersOnANarrowLine(t *testing.T) {
	if got := Wrap("日本 x", 1, 0); got != "日\n本\nx" {
		t.Errorf("Wrap of wide characters at width 1 = %q", got)
	}
}
