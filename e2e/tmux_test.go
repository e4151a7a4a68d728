// Package e2e drives the real ecswiz binary in tmux, as a person at a terminal would:
// it types with send-keys and reads the screen with capture-pane.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// binary is the ecswiz built once for every test of the package.
var binary string

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "ecswiz-e2e-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "ecswiz")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "../cmd/ecswiz")...)
	if out, err := build.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("build ecswiz: %v\n%s", err, out)
	}
	return m.Run(), nil
}

var sessionSeq atomic.Int64

// terminal is one tmux session running a command in a pane of a fixed size.
type terminal struct {
	t    *testing.T
	name string
	sock string
}

// newTerminal starts command (a shell line) in a detached tmux session of width x height.
// The test is skipped when tmux is missing, except under CI, where it fails.
func newTerminal(t *testing.T, width, height int, env []string, command string) *terminal {
	t.Helper()
	trackBinary(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; the end-to-end tests need it")
		}
		t.Skip("tmux is not installed")
	}
	term := &terminal{
		t:    t,
		name: fmt.Sprintf("ecswiz-e2e-%d-%d", os.Getpid(), sessionSeq.Add(1)),
		sock: filepath.Join(t.TempDir(), "tmux.sock"),
	}
	// The command runs through env so the session sees exactly these variables; the
	// pane stays open after it exits (remain-on-exit) so its last screen can be read.
	args := []string{"new-session", "-d", "-s", term.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	args = append(args, "env", "-i")
	args = append(args, env...)
	args = append(args, "sh", "-c", command+"; echo; echo \"[exit $?]\"; sleep 120")
	term.tmux(args...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", term.sock, "kill-server").Run() })
	return term
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	// No tmux command may hang the test run.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tmux", append([]string{"-S", term.sock}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// screen is the pane's text now.
func (term *terminal) screen() string { return term.tmux("capture-pane", "-p", "-t", term.name) }

// waitFor waits up to 15 s for text to show on the screen and returns the screen.
func (term *terminal) waitFor(text string) string {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := term.screen()
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("%q did not show within 15 s; the screen is:\n%s", text, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// send types keys with tmux send-keys: key names ("Enter", "Escape", "C-c", "Tab",
// "Down", "M-3") or literal text with -l.
func (term *terminal) send(keys ...string) {
	term.t.Helper()
	term.tmux(append([]string{"send-keys", "-t", term.name}, keys...)...)
}

// typeText types text literally.
func (term *terminal) typeText(text string) {
	term.t.Helper()
	term.tmux("send-keys", "-t", term.name, "-l", text)
}

// resize changes the window size.
func (term *terminal) resize(width, height int) {
	term.t.Helper()
	term.tmux("resize-window", "-t", term.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height))
}

// pid is the process id of the pane's command (the sh running ecswiz).
func (term *terminal) panePID() string {
	return strings.TrimSpace(term.tmux("display-message", "-p", "-t", term.name, "#{pane_pid}"))
}

// tracked makes the tests' cached results depend on the sources of the binary: see
// trackSources. It runs in a test (go test logs the files looked at only from m.Run on).
var tracked sync.Once

// trackBinary is what every test of the binary calls first; see tracked.
func trackBinary(t *testing.T) {
	t.Helper()
	tracked.Do(func() {
		if err := trackSources(".."); err != nil {
			t.Fatal(err)
		}
	})
}

// trackSources reads the metadata of every Go source of the module (and go.mod, go.sum).
// The binary is built in a subprocess, which go test's result cache does not see; the
// files a test looks at are part of the cache key, so a change to any source runs these
// tests again instead of reusing a result of the old binary.
func trackSources(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "bin"):
			return filepath.SkipDir
		case d.IsDir():
			return nil
		case strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum":
			_, err := os.Stat(path)
			return err
		}
		return nil
	})
}
