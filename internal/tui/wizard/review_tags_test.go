package wizard

import (
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTags(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    map[string]string
		wantErr string
	}{
		{name: "an empty line is no tags", text: "  "},
		{name: "pairs separated by commas, spaces dropped", text: " team = platform ,cost-center=42, ",
			want: map[string]string{"team": "platform", "cost-center": "42"}},
		{name: "a value may hold = and be empty", text: "expr=a=b, empty=",
			want: map[string]string{"expr": "a=b", "empty": ""}},
		{name: "a pair without = is refused with the form to use", text: "team=platform, owner",
			wantErr: `"owner" is not key=value: write the tags as key=value pairs separated by commas, e.g. team=platform, cost-center=42`},
		{name: "a key given twice is refused", text: "team=a, team=b",
			wantErr: `the key "team" is given twice`},
		{name: "an empty key is refused", text: "=x", wantErr: `"=x" is not key=value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTags(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if again, _ := parseTags(tagsText(got)); !cmp.Equal(again, got) {
				t.Errorf("tagsText does not read back: %q", tagsText(got))
			}
		})
	}
}

func TestReviewEditsTheTags(t *testing.T) {
	spec := demoSpec()
	spec.Tags = map[string]string{"aws:team": "platform"}
	s, up := startReview(t, spec, nil)
	if view := flat(tuitest.Plain(s.View())); !strings.Contains(view, `tags["aws:team"]: the aws: prefix is reserved for AWS`) ||
		!strings.Contains(view, "(ctrl+e in Review)") {
		t.Fatalf("the tag's error does not say where to fix it:\n%s", tuitest.Plain(s.View()))
	}
	keys(t, up, "ctrl+e")
	if f := s.editForm.Focused(); f == nil || f.Key != "tags" {
		t.Fatalf("the form does not open on the tags, the field in error")
	}
	if got := s.editForm.Field("tags").Value(); got != "aws:team=platform" {
		t.Errorf("the tags field shows %q", got)
	}
	keys(t, up, "enter")
	if s.editForm == nil || !strings.Contains(flat(tuitest.Plain(s.View())), "✗ tags[\"aws:team\"]: the aws: prefix is reserved") {
		t.Fatalf("an invalid tag was accepted:\n%s", tuitest.Plain(s.View()))
	}
	s.editForm.Field("tags").SetValue("")
	typeText(t, up, "team=platform, cost-center=42")
	keys(t, up, "enter")
	if s.editForm != nil {
		t.Fatalf("the form stayed open:\n%s", tuitest.Plain(s.View()))
	}
	want := map[string]string{"team": "platform", "cost-center": "42"}
	if diff := cmp.Diff(want, s.env.spec.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if s.findings.HasErrors() || !strings.Contains(s.texts[tabTFVars], `cost-center = "42"`) {
		t.Errorf("the review did not render the tags typed:\n%s\n%s", tuitest.Plain(s.View()), s.texts[tabTFVars])
	}
}
