package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// deadPID is the PID of a process that has ended (and was reaped).
func deadPID(t *testing.T) int {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary run as a crash child with no number ends at once.
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), crashChildEnv+"=unused", crashFirstEnv+"=not-a-number")
	_ = cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatal("the short-lived child did not run")
	}
	return cmd.ProcessState.Pid()
}

// livePID is the PID of a process that runs as long as the test: go test's own.
func livePID() int { return os.Getppid() }

func pidFile(t *testing.T, path string, content string, age time.Duration) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-age)
	if err := os.Chtimes(path, then, then); err != nil {
		t.Fatal(err)
	}
}

func TestTryLock(t *testing.T) {
	self := strconv.Itoa(os.Getpid()) + "\n"
	for _, tc := range []struct {
		name     string
		existing func(t *testing.T) string // the lock file's content; "" for none
		age      time.Duration
		noLinks  bool
		wantPID  int // of the holder named in ErrLocked; -1 when the lock is taken
		wantFile string
	}{
		{name: "a free lock is taken and names this process",
			wantPID: -1, wantFile: self},
		{name: "a free lock is taken where the file system has no hard links",
			noLinks: true, wantPID: -1, wantFile: self},
		{name: "a lock held by a running process is refused with its PID",
			existing: func(*testing.T) string { return fmt.Sprintf("%d\n", livePID()) },
			wantPID:  livePID(), wantFile: fmt.Sprintf("%d\n", livePID())},
		{name: "a lock whose process is gone is taken over",
			existing: func(t *testing.T) string { return fmt.Sprintf("%d\n", deadPID(t)) },
			wantPID:  -1, wantFile: self},
		{name: "a stale lock is taken over where the file system has no hard links",
			existing: func(t *testing.T) string { return fmt.Sprintf("%d\n", deadPID(t)) },
			noLinks:  true, wantPID: -1, wantFile: self},
		{name: "a new lock that names no process yet is held: its PID is being written",
			existing: func(*testing.T) string { return "" },
			wantPID:  0, wantFile: ""},
		{name: "an old lock that names no process is a leftover and taken over",
			existing: func(*testing.T) string { return "garbage" }, age: time.Hour,
			wantPID: -1, wantFile: self},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.noLinks {
				withoutLinks(t)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "draft.lock")
			if tc.existing != nil {
				pidFile(t, path, tc.existing(t), tc.age)
			}
			l, err := TryLock(path)
			var locked *LockedError
			switch {
			case tc.wantPID < 0 && err != nil:
				t.Fatalf("TryLock: %v, want the lock", err)
			case tc.wantPID >= 0 && !errors.As(err, &locked):
				t.Fatalf("TryLock error = %v, want a LockedError", err)
			case tc.wantPID >= 0:
				if !errors.Is(err, ErrLocked) || locked.PID != tc.wantPID || locked.Path != path {
					t.Errorf("LockedError %+v, want PID %d and the path %s", locked, tc.wantPID, path)
				}
			}
			got, _ := os.ReadFile(path)
			if diff := cmp.Diff(tc.wantFile, string(got)); diff != "" {
				t.Errorf("lock file content (-want +got):\n%s", diff)
			}
			assertOnlyFile(t, dir, "draft.lock")
			if l != nil {
				if err := l.Release(); err != nil {
					t.Fatal(err)
				}
				if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the lock file is still there after Release: %v", err)
				}
			}
		})
	}
}

func TestALockIsHeldUntilReleased(t *testing.T) {
	path := filepath.Join(t.TempDir(), "draft.lock")
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	// This process holds it: a second try in the same process is refused too.
	if _, err := TryLock(path); !errors.Is(err, ErrLocked) {
		t.Errorf("a held lock was taken again: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := TryLock(path)
	if err != nil {
		t.Fatalf("a released lock cannot be taken: %v", err)
	}
	_ = again.Release()
}

func TestReleaseLeavesALockTakenOverByAnother(t *testing.T) {
	path := filepath.Join(t.TempDir(), "draft.lock")
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	theirs := fmt.Sprintf("%d\n", livePID())
	pidFile(t, path, theirs, 0) // ours was taken for stale and taken over
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != theirs {
		t.Errorf("Release removed or changed another process's lock: %q", got)
	}
}

// Between finding a lock stale and removing it, another process may have taken it
// over: the removal must give that fresh lock back.
func TestRemovingAStaleLockGivesBackAFreshOne(t *testing.T) {
	for _, noLinks := range []bool{false, true} {
		t.Run(fmt.Sprintf("hard links %v", !noLinks), func(t *testing.T) {
			if noLinks {
				withoutLinks(t)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "draft.lock")
			fresh := fmt.Sprintf("%d\n", livePID())
			pidFile(t, path, fresh, 0)
			if err := removeStaleLock(path); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(path); string(got) != fresh {
				t.Errorf("the fresh lock was not given back: %q", got)
			}
			assertOnlyFile(t, dir, "draft.lock")
		})
	}
}

func TestWriteRemovesTheTemporaryFilesOfKilledWrites(t *testing.T) {
	dir := t.TempDir()
	dead, live := deadPID(t), livePID()
	files := map[string]bool{ // name → still there after the write
		fmt.Sprintf(".spec.tfvars.tmp-%d-123", dead):  false,
		fmt.Sprintf(".spec.tfvars.tmp-%d-456", live):  true, // a write in progress
		".spec.tfvars.tmp-789":                        true, // not ours to judge
		fmt.Sprintf(".other.tfvars.tmp-%d-123", dead): true, // another file's
		"keep": true,
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(filepath.Join(dir, "spec.tfvars"), []byte("new"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	want := []string{"spec.tfvars"}
	for name, kept := range files {
		if kept {
			want = append(want, name)
		}
	}
	if diff := cmp.Diff(want, listDir(t, dir), cmpSorted); diff != "" {
		t.Errorf("files after the write (-want +got):\n%s", diff)
	}
}

// withoutLinks makes link fail as on a file system without hard links (FAT, some
// network and FUSE file systems) for the test.
func withoutLinks(t *testing.T) {
	t.Helper()
	link = func(oldname, newname string) error {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: errors.ErrUnsupported}
	}
	t.Cleanup(func() { link = os.Link })
}
