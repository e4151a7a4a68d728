package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/ecswiz/ecswiz/internal/draft"
	"github.com/ecswiz/ecswiz/internal/model"
)

// wizardRun runs ecswiz in-process as the wizard sees it: stdin, whether it is a
// terminal, the environment and a config directory of its own.
type wizardRun struct {
	stdin    string
	terminal bool
	env      map[string]string
}

func (w wizardRun) run(t *testing.T, args ...string) result {
	t.Helper()
	env := map[string]string{configDirEnv: filepath.Join(t.TempDir(), "config")}
	for k, v := range w.env {
		env[k] = v
	}
	home := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, deps{
		stdin:      strings.NewReader(w.stdin),
		stdout:     &stdout,
		stderr:     &stderr,
		isTerminal: func() bool { return w.terminal },
		getenv:     func(k string) string { return env[k] },
		homeDir:    func() (string, error) { return home, nil },
	})
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

func TestTheWizardRefusesWithoutATerminal(t *testing.T) {
	for _, args := range [][]string{{}, {"--demo"}, {"-f", basicDev}, {"--resume"}} {
		got := wizardRun{}.run(t, args...)
		want := "ecswiz: the wizard needs a terminal; without one, use `ecswiz validate`, `ecswiz render`, `ecswiz export` or `ecswiz register` with a spec file (see `ecswiz --help`)\n"
		if got.code != exitUsage || got.stderr != want || got.stdout != "" {
			t.Errorf("ecswiz %q without a terminal: exit %d, stderr %q, stdout %q; want exit 2 and the one line", args, got.code, got.stderr, got.stdout)
		}
	}
}

func TestTheWizardsBadUsage(t *testing.T) {
	badSpec := writeSpec(t, "dev.tfvars", "task_memroy = \"2048\"\n")
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		parts []string
	}{
		{"--resume without a draft says how to start", []string{"--resume"}, nil,
			[]string{"no draft to resume: start the wizard with `ecswiz` (or `ecswiz -f SPEC`)"}},
		{"-f and --resume are exclusive", []string{"-f", basicDev, "--resume"}, nil,
			[]string{"[file resume]", "were all set"}},
		{"-f of a missing file names it", []string{"-f", "missing.tfvars"}, nil,
			[]string{"read spec missing.tfvars: no such file or directory"}},
		{"-f of a bad spec gives the problem", []string{"-f", badSpec}, nil,
			[]string{"task_memroy: unknown variable; did you mean task_memory?"}},
		{"a bad demo latency is named", []string{"--demo"}, map[string]string{demoLatencyEnv: "soon"},
			[]string{demoLatencyEnv + `="soon": want a duration`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := wizardRun{terminal: true, env: tc.env}.run(t, tc.args...)
			if got.code != exitUsage {
				t.Errorf("exit %d, want 2; stderr %q", got.code, got.stderr)
			}
			if lines := strings.Count(got.stderr, "\n"); lines != 1 {
				t.Errorf("stderr has %d lines, want 1: %q", lines, got.stderr)
			}
			for _, p := range tc.parts {
				if !strings.Contains(got.stderr, p) {
					t.Errorf("stderr lacks %q: %q", p, got.stderr)
				}
			}
		})
	}
}

func TestACorruptDraftIsNamedAndKept(t *testing.T) {
	dir := t.TempDir()
	corrupt := []byte("app_name = \n")
	if err := os.WriteFile(filepath.Join(dir, draft.FileName), corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	got := wizardRun{terminal: true, env: map[string]string{configDirEnv: dir}}.run(t, "--resume")
	if got.code != exitUsage || !strings.Contains(got.stderr, filepath.Join(dir, draft.FileName)) {
		t.Errorf("exit %d, stderr %q; want 2 and the draft's path", got.code, got.stderr)
	}
	if left, _ := os.ReadFile(filepath.Join(dir, draft.FileName)); !bytes.Equal(left, corrupt) {
		t.Errorf("the corrupt draft was changed")
	}
}

// appFor is an app as a command line with these wizard flags and environment sees it.
func appFor(t *testing.T, env map[string]string) *app {
	t.Helper()
	a := &app{deps: deps{
		stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		getenv:  func(k string) string { return env[k] },
		homeDir: func() (string, error) { return t.TempDir(), nil },
	}}
	a.log = slog.New(slog.DiscardHandler)
	return a
}

func TestTheWizardStartsFromTheSpecFileOrTheDraft(t *testing.T) {
	dir := t.TempDir()
	store := draft.Store{Dir: dir}
	env := map[string]string{configDirEnv: dir}

	t.Run("-f prefills the answers and is where save writes", func(t *testing.T) {
		opts, err := appFor(t, env).wizardOptions(wizardFlags{file: basicDev})
		if err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(basicDev)
		if opts.Spec.AppName != "backend-booking" || opts.SpecPath != abs || opts.Step != 0 {
			t.Errorf("app %q, path %q, step %d", opts.Spec.AppName, opts.SpecPath, opts.Step)
		}
		if !opts.PreviousDraft.IsZero() {
			t.Errorf("no draft exists, yet one is said to be replaced")
		}
		if opts.Connect == nil || opts.Demo == nil || opts.Drafts == nil || opts.Drafts.Dir != dir {
			t.Errorf("session or drafts not wired: %+v", opts)
		}
	})

	spec := model.NewSpec()
	spec.AppName = "resumed"
	if err := store.Save(draft.Encode(draft.Draft{Spec: spec, Step: 4, Completed: []int{0, 1, 2, 3}, Source: "/x/dev.tfvars"})); err != nil {
		t.Fatal(err)
	}

	t.Run("--resume opens the draft at its step", func(t *testing.T) {
		opts, err := appFor(t, env).wizardOptions(wizardFlags{resume: true})
		if err != nil {
			t.Fatal(err)
		}
		if opts.Spec.AppName != "resumed" || opts.Step != 4 || len(opts.Completed) != 4 || opts.SpecPath != "/x/dev.tfvars" {
			t.Errorf("app %q, step %d, completed %v, path %q", opts.Spec.AppName, opts.Step, opts.Completed, opts.SpecPath)
		}
		if !opts.PreviousDraft.IsZero() {
			t.Errorf("the resumed draft is treated as one to keep aside")
		}
	})
	t.Run("starting afresh knows of the draft it would replace", func(t *testing.T) {
		for _, f := range []wizardFlags{{}, {file: basicDev}} {
			opts, err := appFor(t, env).wizardOptions(f)
			if err != nil {
				t.Fatal(err)
			}
			if opts.PreviousDraft.IsZero() || time.Since(opts.PreviousDraft) > time.Minute {
				t.Errorf("%+v: PreviousDraft = %v, want the draft's time", f, opts.PreviousDraft)
			}
		}
	})
	t.Run("in demo mode the demo is not offered again", func(t *testing.T) {
		demoEnv := map[string]string{configDirEnv: dir, demoEnv: "1"}
		opts, err := appFor(t, demoEnv).wizardOptions(wizardFlags{})
		if err != nil {
			t.Fatal(err)
		}
		if opts.Demo != nil {
			t.Errorf("the demo is offered in demo mode")
		}
	})
}

func TestTheDemoLatencyDelaysTheDemoSession(t *testing.T) {
	a := appFor(t, map[string]string{configDirEnv: t.TempDir(), demoEnv: "1", demoLatencyEnv: "150ms"})
	opts, err := a.wizardOptions(wizardFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, c := range a.cleanups {
			_ = c()
		}
	}()
	start := time.Now()
	s, err := opts.Connect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("the demo session loaded in %v, under the latency", took)
	}
	if !s.Demo || s.Account == "" {
		t.Errorf("session: %+v", s)
	}
}

func TestAccessibleModeAsksPlainQuestions(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"--accessible", []string{"--demo", "--accessible"}, nil},
		{"ACCESSIBLE=1", []string{"--demo"}, map[string]string{"ACCESSIBLE": "1"}},
		{"TERM=dumb", []string{"--demo"}, map[string]string{"TERM": "dumb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// No terminal is needed: the questions are lines. No answers: it stops at the
			// first question and says how to go on.
			got := wizardRun{env: tc.env}.run(t, tc.args...)
			if got.code != exitFailure {
				t.Errorf("exit %d, want 1; stderr %q", got.code, got.stderr)
			}
			for _, want := range []string{"one question at a time", "demo account", "Step 1 of 9"} {
				if !strings.Contains(got.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, got.stdout)
				}
			}
			if want := "ecswiz: the input ended before the wizard finished; continue with `ecswiz --resume --accessible`\n"; got.stderr != want {
				t.Errorf("stderr %q, want %q", got.stderr, want)
			}
			if strings.Contains(got.stdout, "\x1b[") {
				t.Errorf("escape sequences in accessible output: %q", got.stdout)
			}
		})
	}
}

func TestTheWizardLogsToTheLogFile(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "ecswiz.log")
	got := wizardRun{}.run(t, "--demo", "--accessible", "--log-file", logFile)
	if got.code != exitFailure {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"wizard: accessible mode", "AWS clients ready", "accessible wizard ended"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}

func TestTheFlagHelpExplainsDraftsAndAccessibleMode(t *testing.T) {
	got := cli{}.run(t, "--help")
	for _, want := range []string{"--resume", draft.PreviousPrefix, "ECSWIZ_CONFIG_DIR", "--accessible", "ACCESSIBLE=1", "does not register"} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, got.stdout)
		}
	}
}

func TestTheColourProfileDoesNotWaitForTmux(t *testing.T) {
	term := []string{"TTY_FORCE=1", "TERM=xterm-256color"}
	tmux := append(slices.Clone(term), "TMUX=/tmp/tmux-0/default,1,0")
	for _, tc := range []struct {
		name        string
		env         []string
		want        colorprofile.Profile
		wantUpgrade bool
	}{
		{"outside tmux, the terminal's profile", term, colorprofile.ANSI256, false},
		{"in tmux, the terminal's profile now and tmux asked after", tmux, colorprofile.ANSI256, true},
		{"in tmux with NO_COLOR, no colours and nothing to ask", append(slices.Clone(tmux), "NO_COLOR=1"), colorprofile.ASCII, false},
		{"in tmux with COLORTERM=truecolor, nothing to ask", append(slices.Clone(tmux), "COLORTERM=truecolor"), colorprofile.TrueColor, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, upgrade := quickColorProfile(os.Stdout, tc.env)
			if got != tc.want || (upgrade != nil) != tc.wantUpgrade {
				t.Errorf("profile %v, upgrade %v; want %v, %v", got, upgrade != nil, tc.want, tc.wantUpgrade)
			}
		})
	}
}

func TestAWizardHoldsItsDraftWhileItRuns(t *testing.T) {
	dir := t.TempDir()
	opts, err := appFor(t, map[string]string{configDirEnv: dir}).wizardOptions(wizardFlags{})
	if err != nil {
		t.Fatal(err)
	}
	a := appFor(t, nil)
	release, err := a.holdDraft(&opts, false)
	if err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, draft.LockName)
	if got, _ := os.ReadFile(lock); string(got) != strconv.Itoa(os.Getpid())+"\n" {
		t.Errorf("the lock holds %q, want this process's PID", got)
	}
	if opts.Drafts.Path() != filepath.Join(dir, draft.FileName) || opts.Note != "" {
		t.Errorf("a free draft was not kept: path %s, note %q", opts.Drafts.Path(), opts.Note)
	}
	release()
	if _, err := os.Stat(lock); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the lock is still there once the wizard ended: %v", err)
	}
}

// heldDraft is a config directory whose draft another wizard holds (this process, as
// far as the lock says) with answers in it.
func heldDraft(t *testing.T) (dir string, answers []byte) {
	t.Helper()
	dir = t.TempDir()
	store := draft.Store{Dir: dir}
	spec := model.NewSpec()
	spec.AppName = "first"
	answers = draft.Encode(draft.Draft{Spec: spec, Step: 2, Completed: []int{0, 1}})
	if err := store.Save(answers); err != nil {
		t.Fatal(err)
	}
	lock, err := store.Lock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lock.Release() })
	return dir, answers
}

func TestASecondWizardKeepsADraftOfItsOwn(t *testing.T) {
	for _, f := range []wizardFlags{{}, {file: basicDev}} {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			dir, answers := heldDraft(t)
			a := appFor(t, map[string]string{configDirEnv: dir})
			opts, err := a.wizardOptions(f)
			if err != nil {
				t.Fatal(err)
			}
			release, err := a.holdDraft(&opts, false)
			if err != nil {
				t.Fatalf("the second wizard did not start: %v", err)
			}
			defer release()
			own := opts.Drafts.Path()
			if filepath.Dir(own) != dir || !strings.HasPrefix(filepath.Base(own), draft.ParallelPrefix) {
				t.Errorf("the second wizard saves to %s, want a %s file beside the draft", own, draft.ParallelPrefix)
			}
			if !opts.PreviousDraft.IsZero() {
				t.Error("the second wizard would move the first one's draft aside")
			}
			want := fmt.Sprintf("Another ecswiz (PID %d) has the draft; this one saves to %s.", os.Getpid(), filepath.Base(own))
			if opts.Note != want {
				t.Errorf("note\n%q, want\n%q", opts.Note, want)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, draft.FileName)); !bytes.Equal(got, answers) {
				t.Errorf("the first wizard's draft changed")
			}
		})
	}
}

func TestResumingADraftInUseIsRefused(t *testing.T) {
	dir, answers := heldDraft(t)
	got := wizardRun{terminal: true, env: map[string]string{configDirEnv: dir}}.run(t, "--resume")
	want := fmt.Sprintf("ecswiz: the draft %s is in use by another ecswiz (PID %d): continue it there, or quit it and run `ecswiz --resume` again; if no ecswiz runs as PID %d, delete %s\n",
		filepath.Join(dir, draft.FileName), os.Getpid(), os.Getpid(), filepath.Join(dir, draft.LockName))
	if got.code != exitFailure || got.stderr != want {
		t.Errorf("exit %d, stderr\n%q; want 1 and\n%q", got.code, got.stderr, want)
	}
	if left, _ := os.ReadFile(filepath.Join(dir, draft.FileName)); !bytes.Equal(left, answers) {
		t.Errorf("the draft changed")
	}
}

func TestTheAccessibleWizardHoldsTheDraftToo(t *testing.T) {
	t.Run("and gives it up when it ends", func(t *testing.T) {
		dir := t.TempDir()
		got := wizardRun{env: map[string]string{configDirEnv: dir}}.run(t, "--demo", "--accessible")
		if got.code != exitFailure {
			t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, draft.LockName)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the lock is still there once the wizard ended: %v", err)
		}
	})
	t.Run("and says where it keeps its answers when another has it", func(t *testing.T) {
		dir, _ := heldDraft(t)
		got := wizardRun{env: map[string]string{configDirEnv: dir}}.run(t, "--demo", "--accessible")
		if want := fmt.Sprintf("Another ecswiz (PID %d) has the draft; this one saves to %s%d.tfvars.\n", os.Getpid(), draft.ParallelPrefix, os.Getpid()); !strings.HasPrefix(got.stdout, want) {
			t.Errorf("stdout does not begin with where the answers go:\n%s", got.stdout)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, draft.LockName)); string(got) != strconv.Itoa(os.Getpid())+"\n" {
			t.Errorf("the first wizard's lock was touched: %q", got)
		}
	})
}
