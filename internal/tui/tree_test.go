package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// drawn is the rows of the window as indented text, "/" ending directories and ">"
// marking the cursor.
func drawn(t *Tree) []string {
	var out []string
	for _, r := range t.Window() {
		line := strings.Repeat("  ", r.Depth) + r.Label
		if r.Dir() {
			line += "/"
		}
		if r.Cursor {
			line = ">" + line
		}
		out = append(out, line)
	}
	return out
}

var treeNames = []string{
	"/app/dev/redis/host",
	"/app/dev/app/django-secret-key",
	"/app/dev/database/password",
	"/app/dev/database/host",
	"/app/dev/third-party/twilio/sid",
	"/shared/datadog/api-key",
}

func TestTreeShowsPathSegmentsSorted(t *testing.T) {
	tr := NewTree("/app/dev", treeNames)
	tr.SetHeight(20)
	want := []string{
		">app/",
		"  django-secret-key",
		"database/",
		"  host",
		"  password",
		"redis/",
		"  host",
		"third-party/",
		"  twilio/",
		"    sid",
		"shared/",
		"  datadog/",
		"    api-key",
	}
	if diff := cmp.Diff(want, drawn(tr)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	tr.Move(4)
	row, _ := tr.Cursor()
	if row.Path != "/app/dev/database/password" || row.Item != 2 {
		t.Errorf("cursor row %+v, want database/password, item 2", row)
	}
	tr.Move(-2)
	if row, _ := tr.Cursor(); row.Path != "/app/dev/database" || !row.Dir() {
		t.Errorf("cursor row %+v, want the database directory", row)
	}
}

func TestTreeFilters(t *testing.T) {
	tests := []struct {
		name, filter string
		want         []string
	}{
		{"a segment shows the names under it and their directories", "database", []string{"database/", ">  host", "  password"}},
		{"case does not matter", "HOST", []string{"database/", ">  host", "redis/", "  host"}},
		{"the whole path counts, across segments", "twilio/s", []string{"third-party/", "  twilio/", ">    sid"}},
		{"names outside the root are searched too", "datadog", []string{"shared/", "  datadog/", ">    api-key"}},
		{"nothing matches", "zzz", nil},
		{"an empty filter shows everything", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTree("/app/dev", treeNames)
			tr.SetHeight(20)
			tr.SetFilter(tt.filter)
			got := drawn(tr)
			if tt.filter == "" {
				if len(got) != 13 || tr.Matches() != len(treeNames) {
					t.Errorf("empty filter shows %d rows, %d matches", len(got), tr.Matches())
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows under %q (-want +got):\n%s", tt.filter, diff)
			}
		})
	}
}

func TestTreeNarrowsAndWidensAsOneTypes(t *testing.T) {
	tr := NewTree("/app/dev", treeNames)
	steps := []struct {
		filter  string
		matches int
	}{
		{"h", 4}, {"ho", 2}, {"hos", 2}, {"ho", 2}, {"h", 4}, {"hx", 0}, {"h", 4}, {"", 6},
		{"pass", 1}, {"api", 1}, {"/", 6},
	}
	for _, s := range steps {
		tr.SetFilter(s.filter)
		if tr.Matches() != s.matches {
			t.Errorf("filter %q: %d matches, want %d", s.filter, tr.Matches(), s.matches)
		}
	}
}

func TestTreeKeepsTheCursorOnAMatchingName(t *testing.T) {
	tr := NewTree("/app/dev", treeNames)
	tr.SetHeight(20)
	tr.Move(6) // redis/host
	tr.SetFilter("host")
	if row, _ := tr.Cursor(); row.Path != "/app/dev/redis/host" {
		t.Errorf("cursor on %s, want it to stay on redis/host", row.Path)
	}
	tr.SetFilter("password")
	if row, _ := tr.Cursor(); row.Path != "/app/dev/database/password" {
		t.Errorf("cursor on %s, want the first match", row.Path)
	}
}

func TestTreeWindowFollowsTheCursor(t *testing.T) {
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("/p/n%03d", i)
	}
	tr := NewTree("/p", names)
	tr.SetHeight(10)
	tr.Move(25)
	if got := tr.Window(); len(got) != 10 || !got[9].Cursor || got[9].Label != "n025" {
		t.Errorf("window after moving down: %v", drawn(tr))
	}
	if tr.Above() != 16 || tr.Below() != 74 {
		t.Errorf("above %d below %d, want 16 and 74", tr.Above(), tr.Below())
	}
	tr.Move(-1000)
	if tr.Above() != 0 || !tr.Window()[0].Cursor {
		t.Errorf("window at the top: %v", drawn(tr))
	}
	if !tr.SelectItem(60) || tr.Window()[tr.CursorIndex()-tr.TopIndex()].Label != "n060" {
		t.Errorf("SelectItem(60): %v", drawn(tr))
	}
	tr.SetFilter("n07")
	if tr.SelectItem(60) {
		t.Error("SelectItem of a filtered-out name reported it shown")
	}
}

func TestTreeKeepsTheItemsIndexWhenNamesAreUnsorted(t *testing.T) {
	names := []string{"/p/b", "/p/a", "/p/c/x"}
	tr := NewTree("/p", names)
	tr.SetHeight(10)
	var items []int
	for _, r := range tr.Window() {
		items = append(items, r.Item)
	}
	if diff := cmp.Diff([]int{1, 0, -1, 2}, items); diff != "" {
		t.Errorf("items in row order (-want +got):\n%s", diff)
	}
}

func BenchmarkTreeFilter10000(b *testing.B) {
	names := make([]string, 10_000)
	for i := range names {
		names[i] = fmt.Sprintf("/app/prod/svc-%02d/group-%d/param-%05d", i%16, (i/16)%4, i)
	}
	tr := NewTree("/app/prod", names)
	tr.SetHeight(20)
	b.ReportAllocs()
	for b.Loop() {
		tr.SetFilter("param-01")
		_ = tr.Window()
		tr.SetFilter("")
	}
}
