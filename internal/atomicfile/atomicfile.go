// Package atomicfile writes files so that a reader, or a crash, sees either the old
// content or the new one, never a part of it.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrExists is matched (errors.Is) by the error Write returns when the file exists and
// overwriting it was not allowed.
var ErrExists = errors.New("file already exists")

type existsError struct{ path string }

func (e *existsError) Error() string {
	return fmt.Sprintf("%s already exists; pass --force to replace it", e.path)
}

func (e *existsError) Is(target error) bool { return target == ErrExists }

// ErrIsDir is matched by the error Write returns when path is a directory: a file name
// is needed. It is refused before the existence check, so nobody is asked whether to
// replace a directory.
var ErrIsDir = errors.New("is a directory")

type isDirError struct{ path string }

func (e *isDirError) Error() string {
	return fmt.Sprintf("%s is a directory: give a file name", e.path)
}

func (e *isDirError) Is(target error) bool { return target == ErrIsDir }

// ErrNoDir is matched by the error Write returns when the directory path goes in does
// not exist (or is not a directory).
var ErrNoDir = errors.New("no such directory")

type noDirError struct {
	path, dir string
	notDir    bool // dir exists but is a file
}

func (e *noDirError) Error() string {
	if e.notDir {
		return fmt.Sprintf("cannot write %s: %s is not a directory", e.path, e.dir)
	}
	return fmt.Sprintf("cannot write %s: the directory %s does not exist; create it first or give another path", e.path, e.dir)
}

func (e *noDirError) Is(target error) bool { return target == ErrNoDir }

// checkPath refuses a path that cannot name a file: a directory (or a name ending in a
// separator), or one whose directory is missing. A failure to look (permission) is left
// to the write itself, which reports it.
func checkPath(path string) error {
	if strings.HasSuffix(path, string(filepath.Separator)) || strings.HasSuffix(path, "/") {
		return &isDirError{path}
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return &isDirError{path}
	}
	dir := filepath.Dir(path)
	switch info, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return &noDirError{path: path, dir: dir}
	case err == nil && !info.IsDir():
		return &noDirError{path: path, dir: dir, notDir: true}
	case errors.Is(err, syscall.ENOTDIR):
		// A file stands where a directory of the path should be.
		return &noDirError{path: path, dir: dir, notDir: true}
	}
	return nil
}

// Write replaces path with data: it writes a temporary file in the same directory,
// syncs it and renames it over path, so path never holds partial content and nothing
// is left behind on error. A process killed in the middle (kill -9) cannot remove its
// temporary file: the next write of the same path does, once that process is gone.
// The file gets perm exactly (the umask does not apply), also when it replaces a
// file of another mode: the rename puts a new file in its place, which keeps neither
// the old one's owner nor its ACLs, and what ecswiz writes holds a spec's values.
// Unless overwrite is true, an existing path is left alone and the error matches
// ErrExists; the check and the write are one step, so a file created meanwhile is not
// clobbered either. A path that is a directory is refused first (ErrIsDir), as is one
// whose directory does not exist (ErrNoDir).
func Write(path string, data []byte, perm os.FileMode, overwrite bool) (err error) {
	if err := checkPath(path); err != nil {
		return err
	}
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return &existsError{path}
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStaleTemps(dir, base)
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			// Name the directory, not the temporary file the person never asked for.
			return fmt.Errorf("write %s: directory %s: %w", path, filepath.Dir(path), pathErr.Err)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()

	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: set mode: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}

	if overwrite {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	} else if err := linkNoClobber(tmpName, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// linkNoClobber puts tmp at path only if path does not exist. A hard link fails
// atomically when the name is taken; where links are not supported (some network
// and FUSE file systems) it falls back to a check and a rename.
func linkNoClobber(tmp, path string) error {
	err := link(tmp, path)
	switch {
	case err == nil:
		_ = os.Remove(tmp)
		return nil
	case errors.Is(err, fs.ErrExist):
		return &existsError{path}
	}
	if _, err := os.Lstat(path); err == nil {
		return &existsError{path}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// syncDir makes the rename durable. It is best effort: some systems (Windows) cannot
// open or sync a directory, and the data itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// tempPrefix begins the names of the temporary files of writes to base; the writer's
// PID follows, so a leftover can be told from a write in progress.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// removeStaleTemps removes the temporary files that writes of base in dir left when
// their process was killed before it could (.NAME.tmp-PID-RANDOM, PID gone). It is best
// effort: a file it cannot remove, or whose writer may still run, stays.
func removeStaleTemps(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(base)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processRunning(pid) {
			continue
		}
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
}
