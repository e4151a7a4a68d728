// Package draft keeps the wizard's unfinished spec on disk so a person can continue it
// with `ecswiz --resume` after quitting, a crash or a kill -9. A draft is a spec (a
// tfvars file) with one comment line that says where the wizard was. It never holds a
// secret value: the spec has no place for one. One wizard at a time holds the draft
// (Lock); one started meanwhile keeps a draft of its own beside it (Parallel).
package draft

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ecswiz/ecswiz/internal/atomicfile"
	"github.com/ecswiz/ecswiz/internal/model"
)

// FileName is the draft's name in its directory.
const FileName = "draft.tfvars"

// PreviousPrefix begins the name of a draft moved aside by a wizard started afresh, so
// one run never destroys the draft of another; `ecswiz -f` opens it.
const PreviousPrefix = "draft.previous-"

// ParallelPrefix begins the name of the draft of a wizard started while another ecswiz
// holds the usual one (see Lock): draft.pid-4242.tfvars, which `ecswiz -f` opens.
const ParallelPrefix = "draft.pid-"

// LockName is the name of the lock file of the usual draft: it exists while a wizard
// holds the draft, and holds that wizard's PID.
const LockName = "draft.lock"

// stampLayout is the time in the names of earlier drafts kept.
const stampLayout = "20060102-150405"

const marker = "# ecswiz-draft: "

// Draft is the spec so far and the wizard's place in it.
type Draft struct {
	Spec      model.Spec
	Step      int    // the step the wizard was on (0 is the first)
	Completed []int  // the steps completed
	Source    string // the spec file the wizard was opened with, if any
}

type position struct {
	Step      int    `json:"step"`
	Completed []int  `json:"completed"`
	Source    string `json:"source,omitempty"`
}

// Store is the directory drafts are kept in, and the draft's name there.
type Store struct {
	Dir string
	// Name is the draft's file name; "" is FileName, the usual draft that --resume
	// continues. A wizard that cannot have the usual one keeps its own (Parallel).
	Name string
}

// DefaultStore is ecswiz's directory under the user's config directory
// ($XDG_CONFIG_HOME/ecswiz, ~/.config/ecswiz, ~/Library/Application Support/ecswiz).
func DefaultStore() (Store, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return Store{}, fmt.Errorf("find the config directory for drafts: %w", err)
	}
	return Store{Dir: filepath.Join(dir, "ecswiz")}, nil
}

// Path is the draft file's path.
func (s Store) Path() string {
	if s.Name != "" {
		return filepath.Join(s.Dir, s.Name)
	}
	return filepath.Join(s.Dir, FileName)
}

// Parallel is the store of a draft of its own beside the usual one, for the wizard of
// process pid while another holds the usual draft: no two wizards ever write one file,
// and neither's answers are lost. An earlier draft of the same name (its PID reused)
// is never replaced: the name takes a number.
func (s Store) Parallel(pid int) Store {
	for n := 1; ; n++ {
		name := fmt.Sprintf("%s%d.tfvars", ParallelPrefix, pid)
		if n > 1 {
			name = fmt.Sprintf("%s%d-%d.tfvars", ParallelPrefix, pid, n)
		}
		if _, err := os.Lstat(filepath.Join(s.Dir, name)); errors.Is(err, fs.ErrNotExist) {
			return Store{Dir: s.Dir, Name: name}
		}
	}
}

// ResumeCommand is the command line that continues this draft: `ecswiz --resume` for
// the usual one, `ecswiz -f PATH` for one of its own (it opens as a spec file, the steps
// it answers done).
func (s Store) ResumeCommand() string {
	if s.Name == "" || s.Name == FileName {
		return "ecswiz --resume"
	}
	return "ecswiz -f " + s.Path()
}

// ErrInUse is matched (errors.Is) by the error Lock returns when another ecswiz that
// still runs holds the draft; errors.As gives the *InUseError.
var ErrInUse = errors.New("the draft is in use by another ecswiz")

// InUseError says which process holds the draft.
type InUseError struct {
	Draft string // the draft's path
	Lock  string // the lock file's path
	PID   int    // the process holding it; 0 when the lock does not say (yet)
}

func (e *InUseError) Error() string {
	who := "another ecswiz"
	if e.PID > 0 {
		who = fmt.Sprintf("another ecswiz (PID %d)", e.PID)
	}
	return fmt.Sprintf("the draft %s is in use by %s", e.Draft, who)
}

func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// Lock takes the usual draft for this process until Release, so that two wizards never
// save over each other's answers: the error matches ErrInUse when another running ecswiz
// holds it. The lock of a process that is gone (kill -9, a crash) is taken over. The
// directory is created (0700) if need be.
func (s Store) Lock() (*atomicfile.Lock, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock the draft: %w", err)
	}
	path := filepath.Join(s.Dir, LockName)
	l, err := atomicfile.TryLock(path)
	var locked *atomicfile.LockedError
	if errors.As(err, &locked) {
		return nil, &InUseError{Draft: filepath.Join(s.Dir, FileName), Lock: path, PID: locked.PID}
	}
	if err != nil {
		return nil, fmt.Errorf("lock the draft: %w", err)
	}
	return l, nil
}

// Modified is when the draft was last saved; the error is ErrNoDraft when there is none.
func (s Store) Modified() (time.Time, error) {
	info, err := os.Stat(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, ErrNoDraft
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("look for a draft: %w", err)
	}
	return info.ModTime(), nil
}

// KeepPrevious moves the draft aside, before a wizard that did not resume it saves its
// own, to a name stamped with the time it was last saved
// (draft.previous-20261125-231500.tfvars): an earlier draft kept this way is never
// replaced. It returns the new path, or "" when there was no draft to move.
func (s Store) KeepPrevious() (string, error) {
	info, err := os.Stat(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("keep the earlier draft: %w", err)
	}
	stamp := info.ModTime().UTC().Format(stampLayout)
	for n := 1; ; n++ {
		name := PreviousPrefix + stamp + ".tfvars"
		if n > 1 {
			name = fmt.Sprintf("%s%s-%d.tfvars", PreviousPrefix, stamp, n)
		}
		path := filepath.Join(s.Dir, name)
		switch moved, err := moveNoClobber(s.Path(), path); {
		case err != nil:
			return "", fmt.Errorf("keep the earlier draft: %w", err)
		case moved:
			return path, nil
		}
	}
}

// link is os.Link; tests replace it to act as a file system without hard links.
var link = os.Link

// moveNoClobber moves from to to unless to exists (then it reports false). A hard link
// never replaces a file, and the old name goes after. Where the file system has no hard
// links (FAT, some network and FUSE file systems), it looks, then renames: the draft's
// lock keeps other wizards from moving drafts meanwhile.
func moveNoClobber(from, to string) (bool, error) {
	err := link(from, to)
	switch {
	case errors.Is(err, fs.ErrExist):
		return false, nil
	case err == nil:
		return true, os.Remove(from)
	}
	if _, err := os.Lstat(to); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, os.Rename(from, to)
}

// header is a draft's first line, with how to continue it.
func header(command string) string {
	return "# A draft of the ecswiz wizard: continue it with `" + command + "`.\n"
}

// Encode is the draft file's content.
func Encode(d Draft) []byte {
	pos, _ := json.Marshal(position{Step: d.Step, Completed: d.Completed, Source: d.Source})
	var b strings.Builder
	b.WriteString(header(Store{}.ResumeCommand()))
	b.WriteString(marker + string(pos) + "\n\n")
	b.Write(model.FormatTFVars(d.Spec))
	return []byte(b.String())
}

// Save writes the draft atomically with mode 0600 (the directory 0700), replacing the
// previous one. The first line of an encoded draft says how to continue it from this
// store (`ecswiz -f PATH` for a parallel one).
func (s Store) Save(content []byte) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("save the draft: %w", err)
	}
	if usual, own := header(Store{}.ResumeCommand()), header(s.ResumeCommand()); own != usual {
		if rest, ok := bytes.CutPrefix(content, []byte(usual)); ok {
			content = append([]byte(own), rest...)
		}
	}
	if err := atomicfile.Write(s.Path(), content, 0o600, true); err != nil {
		return fmt.Errorf("save the draft: %w", err)
	}
	return nil
}

// ErrNoDraft means there is no draft to resume.
var ErrNoDraft = errors.New("no draft to resume: start the wizard with `ecswiz` (or `ecswiz -f SPEC`)")

// Load reads the draft. A draft that cannot be read is reported with its path and left
// on disk untouched.
func (s Store) Load() (Draft, error) {
	src, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return Draft{}, ErrNoDraft
	}
	if err != nil {
		return Draft{}, fmt.Errorf("read the draft: %w", err)
	}
	spec, err := model.ParseSpec(src, s.Path())
	if err != nil {
		return Draft{}, fmt.Errorf("the draft %s cannot be read (fix or delete it): %w", s.Path(), err)
	}
	d := Draft{Spec: spec}
	for line := range strings.Lines(string(src)) {
		if rest, ok := strings.CutPrefix(line, marker); ok {
			var pos position
			if err := json.Unmarshal([]byte(rest), &pos); err == nil {
				d.Step, d.Completed, d.Source = pos.Step, pos.Completed, pos.Source
			}
			break
		}
	}
	return d, nil
}

// Remove deletes the draft (after the spec was saved, registered or exported).
func (s Store) Remove() error {
	err := os.Remove(s.Path())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the draft: %w", err)
	}
	return nil
}
