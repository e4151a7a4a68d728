package draft

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	for _, tc := range []struct {
		name string
		link func(oldname, newname string) error
	}{
		{"with hard links", os.Link},
		{"on a file system without hard links", func(oldname, newname string) error {
			return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: errors.ErrUnsupported}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			link = tc.link
			t.Cleanup(func() { link = os.Link })
			testKeepPrevious(t)
		})
	}
}

func testKeepPrevious(t *testing.T) {
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
	if got, _ := os.ReadFile(second); string(got) != "# second\n" {
		t.Errorf("the second kept draft holds %q", got)
	}
	if _, err := store.Modified(); !errors.Is(err, ErrNoDraft) {
		t.Errorf("after the second KeepPrevious the draft is still there: %v", err)
	}
}

// endedPID is the PID of a process that has ended: this test binary, run for no test.
func endedPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.Pid()
}

func TestOneWizardAtATimeHoldsTheDraft(t *testing.T) {
	store := Store{Dir: filepath.Join(t.TempDir(), "ecswiz")}
	held, err := store.Lock()
	if err != nil {
		t.Fatalf("the first wizard cannot lock the draft: %v", err)
	}
	if got := fileMode(t, store.Dir); got != 0o700 {
		t.Errorf("the draft's directory has mode %o, want 700", got)
	}

	_, err = Store{Dir: store.Dir}.Lock()
	var inUse *InUseError
	if !errors.Is(err, ErrInUse) || !errors.As(err, &inUse) {
		t.Fatalf("a second lock: %v, want ErrInUse", err)
	}
	want := fmt.Sprintf("the draft %s is in use by another ecswiz (PID %d)", store.Path(), os.Getpid())
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
	if inUse.PID != os.Getpid() || inUse.Lock != filepath.Join(store.Dir, LockName) {
		t.Errorf("InUseError %+v", inUse)
	}

	if err := held.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := store.Lock()
	if err != nil {
		t.Fatalf("the draft cannot be locked once released: %v", err)
	}
	_ = again.Release()
}

func TestTheLockOfAKilledWizardIsTakenOver(t *testing.T) {
	store := Store{Dir: t.TempDir()}
	lock := filepath.Join(store.Dir, LockName)
	if err := os.WriteFile(lock, []byte(strconv.Itoa(endedPID(t))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := store.Lock()
	if err != nil {
		t.Fatalf("the lock of a process that is gone was not taken over: %v", err)
	}
	if got, _ := os.ReadFile(lock); string(got) != strconv.Itoa(os.Getpid())+"\n" {
		t.Errorf("the lock holds %q, want this process's PID", got)
	}
	_ = l.Release()
}

func TestAParallelDraftIsItsOwn(t *testing.T) {
	usual := Store{Dir: t.TempDir()}
	if err := usual.Save(Encode(Draft{Spec: partialSpec(), Step: 2})); err != nil {
		t.Fatal(err)
	}
	parallel := usual.Parallel(4242)
	if want := filepath.Join(usual.Dir, "draft.pid-4242.tfvars"); parallel.Path() != want {
		t.Errorf("Path %s, want %s", parallel.Path(), want)
	}
	if _, err := parallel.Modified(); !errors.Is(err, ErrNoDraft) {
		t.Errorf("a new parallel store has a draft: %v", err)
	}
	spec := partialSpec()
	spec.AppName = "other"
	if err := parallel.Save(Encode(Draft{Spec: spec, Step: 1})); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		store   Store
		app     string
		command string
	}{
		{usual, "booking", "ecswiz --resume"},
		{parallel, "other", "ecswiz -f " + parallel.Path()},
	} {
		d, err := tc.store.Load()
		if err != nil || d.Spec.AppName != tc.app {
			t.Errorf("%s holds app %q (err %v), want %q", tc.store.Path(), d.Spec.AppName, err, tc.app)
		}
		if got := tc.store.ResumeCommand(); got != tc.command {
			t.Errorf("ResumeCommand %q, want %q", got, tc.command)
		}
	}
	if got := fileMode(t, parallel.Path()); got != 0o600 {
		t.Errorf("the parallel draft has mode %o, want 600", got)
	}
	// `ecswiz -f` opens it: it is a spec file, and says so.
	src, _ := os.ReadFile(parallel.Path())
	if want := "# A draft of the ecswiz wizard: continue it with `ecswiz -f " + parallel.Path() + "`.\n"; !strings.HasPrefix(string(src), want) {
		t.Errorf("the parallel draft begins\n%s\nwant\n%s", src, want)
	}
	if _, err := model.ParseSpec(src, parallel.Path()); err != nil {
		t.Errorf("the parallel draft is not a spec file: %v", err)
	}
	// The PID used again later never replaces it.
	if again := usual.Parallel(4242); again.Path() != filepath.Join(usual.Dir, "draft.pid-4242-2.tfvars") {
		t.Errorf("a second parallel draft of PID 4242 goes to %s", again.Path())
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func mustModTime(t *testing.T, path string) time.Time {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.ModTime()
}
