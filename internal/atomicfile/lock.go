package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrLocked is matched (errors.Is) by the error TryLock returns when another running
// process holds the lock; errors.As gives the *LockedError with its PID.
var ErrLocked = errors.New("locked by another process")

// LockedError says which process holds a lock.
type LockedError struct {
	Path string // the lock file
	PID  int    // the process holding it; 0 when the file does not say (yet)
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("%s is held by another process", e.Path)
	}
	return fmt.Sprintf("%s is held by process %d", e.Path, e.PID)
}

func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Lock is a lock file this process holds: a file that exists only while the lock is
// held, with the holder's PID in it.
type Lock struct {
	path    string
	content string
}

// unnamedLockAge is how old a lock file that names no process must be before it is
// taken for a leftover: younger, its creator may be about to write its PID (only on file
// systems without hard links, where creating and writing are two steps).
const unnamedLockAge = 10 * time.Second

// TryLock takes the lock file path, or says who holds it: the error matches ErrLocked
// when a running process does. A lock whose process is gone (killed with kill -9,
// crashed, its machine restarted) is stale and taken over, so a lock never outlives
// its holder for long. It never waits.
func TryLock(path string) (*Lock, error) {
	l := &Lock{path: path, content: strconv.Itoa(os.Getpid()) + "\n"}
	for range 10 {
		err := l.create()
		if !errors.Is(err, fs.ErrExist) {
			if err != nil {
				return nil, fmt.Errorf("take the lock %s: %w", path, err)
			}
			return l, nil
		}
		holder, stale := inspectLock(path)
		if !stale {
			return nil, &LockedError{Path: path, PID: holder}
		}
		if err := removeStaleLock(path); err != nil {
			return nil, fmt.Errorf("take over the stale lock %s: %w", path, err)
		}
	}
	// Others keep taking it as we try: one of them holds it.
	holder, _ := inspectLock(path)
	return nil, &LockedError{Path: path, PID: holder}
}

// create makes the lock file with the PID already in it: a hard link of a complete
// temporary file never replaces a lock that exists, and no one sees it empty. Where
// links are not supported, O_EXCL creates it, and the PID is written after.
func (l *Lock) create() error {
	dir, base := filepath.Split(l.path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	_, werr := tmp.WriteString(l.content)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return werr
	}
	err = link(tmpName, l.path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr = f.WriteString(l.content)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(l.path)
	}
	return werr
}

// link is os.Link; tests replace it to act as a file system without hard links.
var link = os.Link

// inspectLock reads the lock file at path: the PID of its holder, and whether it is
// stale (that process is gone). A lock that vanished meanwhile is stale: try again.
func inspectLock(path string) (pid int, stale bool) {
	content, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, true
	}
	if err != nil {
		return 0, false // unreadable: assume it is held, and say so
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(content)))
	if err != nil || pid <= 0 {
		info, serr := os.Stat(path)
		return 0, serr == nil && time.Since(info.ModTime()) > unnamedLockAge
	}
	return pid, pid != os.Getpid() && !processRunning(pid)
}

// removeStaleLock removes the stale lock at path without removing a fresh one another
// process took meanwhile: it renames the lock to a name of its own first, looks at what
// it moved, and puts a live holder's lock back.
func removeStaleLock(path string) error {
	aside := fmt.Sprintf("%s.stale-%d", path, os.Getpid())
	if err := os.Rename(path, aside); errors.Is(err, fs.ErrNotExist) {
		return nil // someone else removed it: try again
	} else if err != nil {
		return err
	}
	if _, stale := inspectLock(aside); stale {
		return os.Remove(aside)
	}
	// Another process took the lock between our look and the rename: give it back,
	// unless a third one holds it already.
	if err := linkNoClobber(aside, path); err != nil && !errors.Is(err, ErrExists) {
		return err
	}
	_ = os.Remove(aside)
	return nil
}

// Path is the lock file's path.
func (l *Lock) Path() string { return l.path }

// Release gives the lock up: it removes the lock file if it is still this lock's (a
// lock taken over as stale by another process is theirs now).
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	content, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("release the lock %s: %w", l.path, err)
	}
	if string(content) != l.content {
		return nil
	}
	if err := os.Remove(l.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("release the lock %s: %w", l.path, err)
	}
	return nil
}
