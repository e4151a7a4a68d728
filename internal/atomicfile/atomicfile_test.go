package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name      string
		existing  *string // content already at the path; nil for none
		overwrite bool
		perm      os.FileMode
		wantErr   error
		want      string // content at the path afterwards
	}{
		{
			name: "a new file is written with the mode asked for",
			perm: 0o600, want: "new",
		},
		{
			name: "a new file may also be written when overwriting is allowed",
			perm: 0o644, overwrite: true, want: "new",
		},
		{
			name: "an existing file is refused without overwrite and left as it was",
			perm: 0o600, existing: ptr("old"), wantErr: ErrExists, want: "old",
		},
		{
			// The existing file has mode 0644: a replaced file is a new file, with the
			// mode asked for (see Write).
			name: "an existing file is replaced with overwrite and gets the mode asked for, not its old one",
			perm: 0o600, existing: ptr("old"), overwrite: true, want: "new",
		},
		{
			name: "an existing empty file still counts as existing",
			perm: 0o600, existing: ptr(""), wantErr: ErrExists, want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "spec.tfvars")
			if tt.existing != nil {
				if err := os.WriteFile(path, []byte(*tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}

			err := Write(path, []byte("new"), tt.perm, tt.overwrite)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Write error = %v, want %v", err, tt.wantErr)
			}
			got, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("content mismatch (-want +got):\n%s", diff)
			}
			if err == nil && runtime.GOOS != "windows" {
				info, serr := os.Stat(path)
				if serr != nil {
					t.Fatal(serr)
				}
				if info.Mode().Perm() != tt.perm {
					t.Errorf("mode = %v, want %v", info.Mode().Perm(), tt.perm)
				}
			}
			assertOnlyFile(t, dir, "spec.tfvars")
		})
	}
}

func TestWriteSaysHowToReplaceAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "td.json")
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Write(path, []byte("new"), 0o600, false)
	if err == nil {
		t.Fatal("Write succeeded over an existing file")
	}
	want := path + " already exists; pass --force to replace it"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("message mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteLeavesNothingBehindOnError(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path to write
	}{
		{
			name: "the directory does not exist",
			setup: func(t *testing.T, dir string) string {
				return filepath.Join(dir, "missing", "spec.tfvars")
			},
		},
		{
			name: "the path is a directory that cannot be replaced",
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "spec.tfvars")
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(path, "keep"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			before := listDir(t, dir)
			if err := Write(path, []byte("new"), 0o600, true); err == nil {
				t.Fatal("Write succeeded, want an error")
			} else if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the path", err)
			}
			if diff := cmp.Diff(before, listDir(t, dir)); diff != "" {
				t.Errorf("directory changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestWriteRefusesAPathThatCannotNameAFile(t *testing.T) {
	tests := []struct {
		name      string
		path      func(dir string) string
		overwrite bool
		wantErr   error
		want      string // the message, with DIR for the test's directory
	}{
		{
			name: "a directory is refused before anyone is asked to replace it",
			path: func(dir string) string { return dir }, wantErr: ErrIsDir,
			want: "DIR is a directory: give a file name",
		},
		{
			name: "a directory is refused even when replacing is allowed",
			path: func(dir string) string { return dir }, overwrite: true, wantErr: ErrIsDir,
			want: "DIR is a directory: give a file name",
		},
		{
			name: "a name ending in a separator is a directory",
			path: func(dir string) string { return filepath.Join(dir, "out") + string(filepath.Separator) }, wantErr: ErrIsDir,
			want: "DIR/out/ is a directory: give a file name",
		},
		{
			name: "a missing directory is named",
			path: func(dir string) string { return filepath.Join(dir, "missing", "td.json") }, wantErr: ErrNoDir,
			want: "cannot write DIR/missing/td.json: the directory DIR/missing does not exist; create it first or give another path",
		},
		{
			name: "a file where the directory should be is named",
			path: func(dir string) string { return filepath.Join(dir, "keep", "td.json") }, wantErr: ErrNoDir,
			want: "cannot write DIR/keep/td.json: DIR/keep is not a directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "keep"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			err := Write(tt.path(dir), []byte("new"), 0o600, tt.overwrite)
			if !errors.Is(err, tt.wantErr) || errors.Is(err, ErrExists) {
				t.Fatalf("Write error = %v, want %v", err, tt.wantErr)
			}
			if got := strings.ReplaceAll(err.Error(), dir, "DIR"); got != filepath.FromSlash(tt.want) {
				t.Errorf("message %q, want %q", got, tt.want)
			}
			assertOnlyFile(t, dir, "keep")
		})
	}
}

func TestWriteToARelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := Write("spec.tfvars", []byte("new"), 0o600, false); err != nil {
		t.Fatalf("Write: %v", err)
	}
	assertOnlyFile(t, dir, "spec.tfvars")
}

func assertOnlyFile(t *testing.T, dir, name string) {
	t.Helper()
	if diff := cmp.Diff([]string{name}, listDir(t, dir)); diff != "" {
		t.Errorf("files in directory mismatch (-want +got):\n%s", diff)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func ptr(s string) *string { return &s }

// A file that appears after Write's first check must survive too.
func TestLinkNoClobberRefusesAFileCreatedMeanwhile(t *testing.T) {
	dir := t.TempDir()
	tmp, path := filepath.Join(dir, ".tmp"), filepath.Join(dir, "td.json")
	for name, content := range map[string]string{tmp: "new", path: "theirs"} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := linkNoClobber(tmp, path); !errors.Is(err, ErrExists) {
		t.Fatalf("linkNoClobber error = %v, want ErrExists", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("theirs", string(got)); diff != "" {
		t.Errorf("content mismatch (-want +got):\n%s", diff)
	}
}
