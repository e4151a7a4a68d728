package draft

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/model"
)

// partialSpec is a spec half answered, as a draft usually holds it.
func partialSpec() model.Spec {
	s := model.NewSpec()
	s.AppName, s.Environment = "booking", "staging"
	s.TaskCPU, s.TaskMemory = "1024", "2048"
	s.EnvironmentVariables = map[string]string{"FEATURE_X": "on"}
	s.SecretsFromParameterStore = map[string]string{"SENTRY_DSN": "/booking/staging/sentry-dsn"}
	return s
}

func TestADraftLoadsAsItWasSaved(t *testing.T) {
	for _, tc := range []struct {
		name  string
		draft Draft
	}{
		{"a fresh draft on the first step", Draft{Spec: model.NewSpec()}},
		{"a draft half way with its completed steps", Draft{Spec: partialSpec(), Step: 3, Completed: []int{0, 1, 2}}},
		{"a draft opened from a spec file keeps the file", Draft{Spec: partialSpec(), Step: 8, Completed: []int{0, 1, 2, 3, 4, 5, 6, 7}, Source: "/work/dev.tfvars"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := Store{Dir: filepath.Join(t.TempDir(), "ecswiz")}
			if err := store.Save(Encode(tc.draft)); err != nil {
				t.Fatal(err)
			}
			got, err := store.Load()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.draft, got, cmpSpec); diff != "" {
				t.Errorf("loaded draft differs (-saved +loaded):\n%s", diff)
			}
		})
	}
}

// cmpSpec compares specs by what a spec file holds: nil and empty collections are the same.
var cmpSpec = cmp.Transformer("spec", func(s model.Spec) string { return string(model.FormatTFVars(s)) })

func TestADraftIsASpecFileTerraformCanRead(t *testing.T) {
	content := Encode(Draft{Spec: partialSpec(), Step: 2, Completed: []int{0, 1}})
	spec, err := model.ParseSpec(content, "draft.tfvars")
	if err != nil {
		t.Fatalf("a draft is not a valid spec file: %v\n%s", err, content)
	}
	if spec.AppName != "booking" || spec.TaskMemory != "2048" {
		t.Errorf("spec read back wrong: %+v", spec)
	}
	if !strings.HasPrefix(string(content), "# ") {
		t.Errorf("a draft starts with its comment lines, got:\n%s", content)
	}
}

func TestADraftIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "ecswiz")
	store := Store{Dir: dir}
	if err := store.Save(Encode(Draft{Spec: partialSpec()})); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want os.FileMode
	}{{dir, 0o700}, {store.Path(), 0o600}} {
		info, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != tc.want {
			t.Errorf("%s has mode %o, want %o", tc.path, got, tc.want)
		}
	}
}

func TestNoDraftIsErrNoDraft(t *testing.T) {
	store := Store{Dir: t.TempDir()}
	if _, err := store.Load(); !errors.Is(err, ErrNoDraft) {
		t.Errorf("Load without a draft: got %v, want ErrNoDraft", err)
	}
	if _, err := store.Modified(); !errors.Is(err, ErrNoDraft) {
		t.Errorf("Modified without a draft: got %v, want ErrNoDraft", err)
	}
	if err := store.Remove(); err != nil {
		t.Errorf("Remove without a draft: %v", err)
	}
}

func TestACorruptDraftIsReportedWithItsPathAndLeftOnDisk(t *testing.T) {
	store := Store{Dir: t.TempDir()}
	corrupt := []byte("# ecswiz-draft: {\"step\": 2}\napp_name = \"booking\nenvironment = \n")
	if err := os.WriteFile(store.Path(), corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Load()
	if err == nil {
		t.Fatal("a corrupt draft loaded without an error")
	}
	if errors.Is(err, ErrNoDraft) {
		t.Errorf("a corrupt draft is not 'no draft': %v", err)
	}
	if !strings.Contains(err.Error(), store.Path()) {
		t.Errorf("the error does not name the draft's path %s: %v", store.Path(), err)
	}
	left, rerr := os.ReadFile(store.Path())
	if rerr != nil || string(left) != string(corrupt) {
		t.Errorf("the corrupt draft was not left untouched (err %v):\n%s", rerr, left)
	}
}

func TestAnUnreadablePositionLineStillLoadsTheSpec(t *testing.T) {
	store := Store{Dir: t.TempDir()}
	content := strings.Replace(string(Encode(Draft{Spec: partialSpec(), Step: 4})), `"step":4`, `"step":"four"`, 1)
	if err := os.WriteFile(store.Path(), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d.Step != 0 || d.Spec.AppName != "booking" {
		t.Errorf("got step %d, app %q; want the spec on the first step", d.Step, d.Spec.AppName)
	}
}

func TestKeepPreviousMovesTheDraftAsideOnce(t *testing.T) {
	store := Store{Dir: t.TempDir()}
	if moved, err := store.KeepPrevious(); moved != "" || err != nil {
		t.Fatalf("with no draft: moved %v, err %v; want nothing to do", moved, err)
	}
	old := Encode(Draft{Spec: partialSpec(), Step: 5})
	if err := store.Save(old); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Modified(); err != nil {
		t.Fatalf("Modified with a draft: %v", err)
	}
	moved, err := store.KeepPrevious()
	if moved == "" || err != nil {
		t.Fatalf("moved %v, err %v; want the draft moved", moved, err)
	}
	if _, err := store.Load(); !errors.Is(err, ErrNoDraft) {
		t.Errorf("after KeepPrevious the draft is still there: %v", err)
	}
	kept, err := os.ReadFile(moved)
	if err != nil || string(kept) != string(old) {
		t.Errorf("the earlier draft was not kept as %s (err %v)", moved, err)
	}
	if !strings.HasPrefix(filepath.Base(moved), PreviousPrefix) {
		t.Errorf("kept as %s, want a name beginning %s", moved, PreviousPrefix)
	}
	// The kept draft is a spec file: `ecswiz -f` opens it.
	if _, err := model.ParseSpec(kept, moved); err != nil {
		t.Errorf("the kept draft is not a spec file: %v", err)
	}
	// A second draft moved aside in the same second never replaces the first.
	if err := store.Save([]byte("# second\n")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(store.Path(), time.Time{}, mustModTime(t, moved)); err != nil {
		t.Fatal(err)
	}
	second, err := store.KeepPrevious()
	if err != nil || second == moved {
		t.Fatalf("the second draft went to %s (err %v), over the first", second, err)
	}
	if again, _ := os.ReadFile(moved); string(again) != string(old) {
		t.Errorf("the first kept draft changed")
	}
}

func mustModTime(t *testing.T, path string) time.Time {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.ModTime()
}
