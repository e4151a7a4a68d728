// Package draft keeps the wizard's unfinished spec on disk so a person can continue it
// with `ecswiz --resume` after quitting, a crash or a kill -9. A draft is a spec (a
// tfvars file) with one comment line that says where the wizard was. It never holds a
// secret value: the spec has no place for one.
package draft

import (
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

// Store is the directory drafts are kept in.
type Store struct{ Dir string }

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
func (s Store) Path() string { return filepath.Join(s.Dir, FileName) }

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
	stamp := info.ModTime().UTC().Format("20060102-150405")
	for n := 1; ; n++ {
		name := PreviousPrefix + stamp + ".tfvars"
		if n > 1 {
			name = fmt.Sprintf("%s%s-%d.tfvars", PreviousPrefix, stamp, n)
		}
		path := filepath.Join(s.Dir, name)
		// A hard link never replaces an existing file; the draft's own name goes after.
		if err := os.Link(s.Path(), path); errors.Is(err, fs.ErrExist) {
			continue
		} else if err != nil {
			return "", fmt.Errorf("keep the earlier draft: %w", err)
		}
		if err := os.Remove(s.Path()); err != nil {
			return "", fmt.Errorf("keep the earlier draft: %w", err)
		}
		return path, nil
	}
}

// Encode is the draft file's content.
func Encode(d Draft) []byte {
	pos, _ := json.Marshal(position{Step: d.Step, Completed: d.Completed, Source: d.Source})
	var b strings.Builder
	b.WriteString("# A draft of the ecswiz wizard: continue it with `ecswiz --resume`.\n")
	b.WriteString(marker + string(pos) + "\n\n")
	b.Write(model.FormatTFVars(d.Spec))
	return []byte(b.String())
}

// Save writes the draft atomically with mode 0600 (the directory 0700), replacing the
// previous one.
func (s Store) Save(content []byte) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("save the draft: %w", err)
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
