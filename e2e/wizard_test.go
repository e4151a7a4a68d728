package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/draft"
	"github.com/ecswiz/ecswiz/internal/model"
)

// session is the environment a person's shell would give ecswiz: a terminal, a home,
// a config directory of its own, and no AWS settings.
func session(t *testing.T, dir string, extra ...string) []string {
	t.Helper()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TERM=xterm-256color",
		"ECSWIZ_CONFIG_DIR=" + filepath.Join(dir, "config"),
	}
	if raceEnabled {
		env = append(env, "GORACE=log_path="+filepath.Join(dir, "race"))
		t.Cleanup(func() { failOnRaceReports(t, dir) })
	}
	return append(env, extra...)
}

// failOnRaceReports fails the test when the binary built with -race reported a data
// race: the report goes to a file (GORACE log_path), as the pane would lose it.
func failOnRaceReports(t *testing.T, dir string) {
	t.Helper()
	reports, _ := filepath.Glob(filepath.Join(dir, "race.*"))
	for _, r := range reports {
		b, _ := os.ReadFile(r)
		t.Errorf("ecswiz reported a data race (%s):\n%s", filepath.Base(r), b)
	}
}

// stepTitle matches a step's title at the top of its body (the line under the header).
func onStep(screen, title string) bool {
	for _, line := range strings.Split(screen, "\n")[2:6] {
		if strings.TrimSpace(line) == title {
			return true
		}
	}
	return false
}

// enterUntil presses Enter, as someone accepting every suggestion would, until the step
// titled next shows.
func (term *terminal) enterUntil(next string) string {
	term.t.Helper()
	// One deadline for the whole walk through a step, so a wizard that stops answering
	// fails the test in seconds instead of holding CI.
	stop := time.Now().Add(30 * time.Second)
	for range 30 {
		if time.Now().After(stop) {
			break
		}
		before := term.screen()
		term.send("Enter")
		// Wait for the key to take effect before judging (or pressing again), so a slow
		// machine never gets an Enter meant for this step on the next one.
		deadline := time.Now().Add(5 * time.Second)
		s := term.screen()
		for s == before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			s = term.screen()
		}
		time.Sleep(60 * time.Millisecond) // a step change may draw in two frames
		if s = term.screen(); onStep(s, next) {
			return s
		}
	}
	term.t.Fatalf("step %q never showed; the screen is:\n%s", next, term.screen())
	return ""
}

// TestANewcomerRegistersAndExportsInTheDemo walks the wizard as someone who has never
// used it: type the app's name, accept the suggestions, register, export tfvars.
func TestANewcomerRegistersAndExportsInTheDemo(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "ecswiz.log")
	term := newTerminal(t, 120, 40, session(t, dir),
		"cd "+dir+" && "+binary+" --demo --log-file "+log)

	term.waitFor("demo account")
	term.waitFor("App name")
	term.typeText("demo-shop")
	term.send("Enter") // the app name
	term.send("Enter") // environment: dev
	term.send("Enter") // container name: the app's
	term.waitFor("ctrl+t: type another value")
	term.send("Enter")        // the demo-shop repository
	term.waitFor("amd64")     // its tags, newest first, with their architectures
	term.send("Enter")        // the newest that runs on X86_64: 1.4.2, not 1.5.0-arm64
	term.enterUntil("Sizing") // the port
	term.enterUntil("Django")
	term.enterUntil("Secrets")
	term.waitFor("Required secrets under /demo-shop/dev · all 6 found")
	term.enterUntil("Integrations")
	term.enterUntil("Hardening")
	term.enterUntil("Runtime")
	term.enterUntil("Review")
	screen := term.waitFor("ECS JSON")
	if !strings.Contains(screen, `"image": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2"`) {
		t.Errorf("accepting every suggestion should pick 1.4.2, the newest amd64 image:\n%s", screen)
	}
	if strings.Contains(screen, "error") && strings.Contains(screen, "✗") {
		t.Errorf("the review shows errors after accepting every suggestion:\n%s", screen)
	}
	term.enterUntil("Act")

	// Register, confirmed.
	term.send("Enter")
	term.waitFor("y register")
	term.send("y")
	screen = term.waitFor("✓ Registered demo-shop-dev:")
	revision := regexp.MustCompile(`Registered demo-shop-dev:(\d+)`).FindStringSubmatch(screen)[1]
	// The services running the family are looked for after the registration: their
	// update-service line follows it.
	term.waitFor("aws ecs update-service --cluster demo-shop --service demo-shop-dev-web")

	// Export tfvars to the suggested path.
	term.send("Down", "Enter")
	term.waitFor("Format")
	term.send("Enter") // tfvars
	term.waitFor("Path")
	term.send("Enter") // demo-shop-dev.tfvars in the working directory
	term.waitFor("demo-shop-dev.tfvars")
	exported := filepath.Join(dir, "demo-shop-dev.tfvars")
	waitForFile(t, exported)

	// Quit from the menu: the summary is printed once the screen is restored.
	term.send("Down", "Down", "Enter")
	screen = term.waitFor("[exit 0]")
	if !strings.Contains(screen, "demo-shop-dev:"+revision) {
		t.Errorf("the summary does not name the registered revision %s:\n%s", revision, screen)
	}

	info, err := os.Stat(exported)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the export has mode %v, want 0600", info.Mode().Perm())
	}
	out, err := exec.Command(binary, "validate", "-f", exported).CombinedOutput()
	if err != nil {
		t.Fatalf("ecswiz validate refuses the exported spec: %v\n%s", err, out)
	}
	logText, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logText), "demo-shop-dev:"+revision) {
		t.Errorf("the log does not record the registration:\n%s", logText)
	}

	// The wizard did its job: no draft is left for --resume to reopen, or for the next
	// wizard to move aside.
	if !strings.Contains(screen, "Your draft is removed") {
		t.Errorf("the summary does not say the draft is removed:\n%s", screen)
	}
	if _, err := os.Stat(filepath.Join(dir, "config", draft.FileName)); !os.IsNotExist(err) {
		t.Errorf("the draft is still there after the wizard registered and exported: %v", err)
	}
	resume := exec.Command(binary, "--resume", "--accessible")
	resume.Env = session(t, dir)
	out, err = resume.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no draft to resume") {
		t.Errorf("ecswiz --resume after a finished wizard: %v\n%s", err, out)
	}
}

// TestAKilledWizardResumesItsAnswers answers three steps (a typed name, choices from
// lists, a number, a host list, an extra variable) and one answer on the fourth, kills
// the wizard with SIGKILL there, and checks that --resume opens on that step with the
// three marked done and every answer back, on screen and in the draft.
func TestAKilledWizardResumesItsAnswers(t *testing.T) {
	dir := t.TempDir()
	env := session(t, dir)
	term := newTerminal(t, 120, 40, env, "exec "+binary+" --demo")

	// 1 Application: every field answered, none left to its suggestion.
	term.waitFor("App name")
	term.typeText("demo-shop")
	term.send("Enter")
	term.waitFor("▸ Environment")
	term.send("Down", "Down")
	term.waitFor("▸ prod")
	term.send("Enter")
	term.waitFor("▸ Container name")
	term.typeText("web")
	term.send("Enter")
	term.waitFor("demo-shop-nginx") // the repositories
	term.send("Enter")
	term.waitFor("▸ Image tag")
	term.waitFor("1.4.1")
	term.send("Down", "Down")
	term.waitFor("▸ 1.4.1")
	term.send("Enter")
	term.waitFor("▸ Container port")
	term.send("BSpace", "BSpace", "BSpace", "BSpace")
	term.typeText("9000")
	term.waitFor("9000")
	term.send("Enter")

	// 2 Sizing: another CPU than prod's, and another memory than that CPU's least.
	term.waitFor("▸ CPU")
	term.send("Down")
	term.waitFor("▸ 4096")
	term.send("Enter")
	term.waitFor("▸ 8192 MiB")
	term.send("Down", "Down")
	term.waitFor("▸ 10240 MiB")
	term.send("Enter")
	term.waitFor("▸ Architecture")
	term.send("Enter")
	term.waitFor("▸ Tasks to estimate")
	term.send("Enter")

	// 3 Django: the hosts, and a variable of our own.
	term.waitFor("▸ Settings module")
	term.send("Enter")
	term.waitFor("▸ ALLOWED_HOSTS")
	term.send("BSpace")
	term.typeText("shop.example.com")
	term.waitFor("shop.example.com")
	term.send("Enter")
	term.waitFor("▸ DEBUG")
	term.send("Enter")
	term.waitFor("▸ Extra environment variables")
	term.send("C-a")
	term.waitFor("Add a variable")
	term.typeText("FEATURE_FLAGS")
	term.send("Enter")
	term.waitFor("▸ Value")
	term.typeText("beta")
	term.send("Enter")
	term.waitFor("FEATURE_FLAGS = beta")
	term.send("Enter")

	// 4 Secrets: one answer on the step, not yet completed.
	term.waitFor("Required secrets under /demo-shop/prod")
	term.moveCursorTo("dsn")
	term.send("Space")
	term.waitFor("← /demo-shop/prod/sentry/dsn")

	path := filepath.Join(dir, "config", "draft.tfvars")
	waitForContent(t, path, "sentry/dsn") // the answers are on disk: kill
	before, err := (draft.Store{Dir: filepath.Dir(path)}).Load()
	if err != nil {
		t.Fatal(err)
	}
	want := model.NewSpec()
	want.AppName, want.Environment, want.ContainerName = "demo-shop", "prod", "web"
	want.ContainerImage, want.ContainerPort = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.1", 9000
	want.TaskCPU, want.TaskMemory, want.AllowedHosts = "4096", "10240", "shop.example.com"
	want.EnvironmentVariables = map[string]string{"FEATURE_FLAGS": "beta"}
	want.SecretsFromParameterStore = map[string]string{"DSN": "/demo-shop/prod/sentry/dsn"}
	if diff := cmp.Diff(want, before.Spec, cmpAnswers); diff != "" {
		t.Errorf("the draft does not hold every answer (-want +draft):\n%s", diff)
	}
	if before.Step != 3 || !slices.Equal(before.Completed, []int{0, 1, 2}) {
		t.Errorf("the draft is on step %d with %v completed; want step 4 with 1-3", before.Step+1, before.Completed)
	}
	pid := term.panePID()
	if err := exec.Command("kill", "-9", pid).Run(); err != nil {
		t.Fatalf("kill -9 %s: %v", pid, err)
	}

	resumed := newTerminal(t, 120, 40, env, "exec "+binary+" --demo --resume")
	screen := resumed.waitFor("← /demo-shop/prod/sentry/dsn")
	if !onStep(screen, "Secrets") || !strings.Contains(screen, "✓3 Django") || strings.Contains(screen, "✓4") {
		t.Fatalf("--resume did not open on Secrets with the first three steps done:\n%s", screen)
	}
	for _, step := range []struct {
		key, title string
		answers    []string
	}{
		// The first of each is what shows once the step is drawn.
		// (the image's tag once the repositories are loaded).
		{"M-1", "Application", []string{"Image tag  1.4.1", "demo-shop", "Environment  prod", "Container name  web", "Container port  9000"}},
		{"M-2", "Sizing", []string{"Memory  10240 MiB", "4096"}},
		{"M-3", "Django", []string{"ALLOWED_HOSTS  shop.example.com", "FEATURE_FLAGS"}},
	} {
		resumed.send(step.key)
		screen := resumed.waitFor(step.answers[0])
		if !onStep(screen, step.title) {
			t.Errorf("%s did not open %s:\n%s", step.key, step.title, screen)
		}
		for _, a := range step.answers[1:] {
			if !strings.Contains(screen, a) {
				t.Errorf("the resumed %s step lost %q:\n%s", step.title, a, screen)
			}
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the draft has mode %v, want 0600", info.Mode().Perm())
	}
	// The killed wizard's lock was taken over: the resumed one holds the draft now.
	lock, _ := os.ReadFile(filepath.Join(dir, "config", draft.LockName))
	if strings.TrimSpace(string(lock)) != resumed.panePID() {
		t.Errorf("the draft's lock holds %q, not the resumed wizard's PID %s", lock, resumed.panePID())
	}
}

// cmpAnswers compares specs as a spec file holds them.
var cmpAnswers = cmp.Transformer("tfvars", func(s model.Spec) string { return string(model.FormatTFVars(s)) })

// moveCursorTo presses Down until the line of the cursor (▸) holds text.
func (term *terminal) moveCursorTo(text string) {
	term.t.Helper()
	for range 40 {
		for _, line := range strings.Split(term.screen(), "\n") {
			if strings.Contains(line, "▸") && strings.Contains(line, text) {
				return
			}
		}
		before := term.screen()
		term.send("Down")
		deadline := time.Now().Add(5 * time.Second)
		for term.screen() == before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	term.t.Fatalf("the cursor never reached %q; the screen is:\n%s", text, term.screen())
}

// TestTwoWizardsAtOnceKeepTheirOwnAnswers starts a second wizard while the first holds
// the draft: the second says so and saves to a draft of its own, and neither's answers
// are lost or mixed.
func TestTwoWizardsAtOnceKeepTheirOwnAnswers(t *testing.T) {
	dir := t.TempDir()
	env := session(t, dir)
	config := filepath.Join(dir, "config")
	usual := filepath.Join(config, draft.FileName)

	first := newTerminal(t, 120, 40, env, "exec "+binary+" --demo")
	first.waitFor("App name")
	first.typeText("first-app")
	waitForContent(t, usual, "first-app")
	firstPID := first.panePID()

	second := newTerminal(t, 120, 40, env, binary+" --demo")
	second.waitFor("Another ecswiz (PID " + firstPID + ") has the draft; this one saves to " + draft.ParallelPrefix)
	second.waitFor("App name")
	second.typeText("second-app")
	own := waitForGlob(t, filepath.Join(config, draft.ParallelPrefix+"*.tfvars"))
	waitForContent(t, own, "second-app")

	// The first goes on answering into its own draft.
	first.typeText("2")
	waitForContent(t, usual, "first-app2")

	second.send("C-c")
	second.waitFor("Quit ecswiz?")
	second.send("y")
	second.waitFor("[exit 0]")

	for path, want := range map[string]string{usual: `= "first-app2"`, own: `= "second-app"`} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lost its wizard's answers, want %s:\n%s", filepath.Base(path), want, b)
		}
	}
	lock := filepath.Join(config, draft.LockName)
	if b, _ := os.ReadFile(lock); strings.TrimSpace(string(b)) != firstPID {
		t.Errorf("the lock holds %q, want the first wizard's PID %s", b, firstPID)
	}

	// The first quits: the draft is free again.
	first.send("C-c")
	first.waitFor("Quit ecswiz?")
	first.send("y")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := os.Stat(lock); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lock is still there after the first wizard quit")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForGlob waits for a file matching pattern and returns its path.
func waitForGlob(t *testing.T, pattern string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m, _ := filepath.Glob(pattern); len(m) == 1 {
			return m[0]
		} else if len(m) > 1 {
			t.Fatalf("more than one file matches %s: %v", pattern, m)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no file matches %s", pattern)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not written", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitForContent(t *testing.T, path, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never held %q; it holds:\n%s", path, want, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTheWizardAsksForRoomAndReflows shrinks the terminal below 80×24 and back.
func TestTheWizardAsksForRoomAndReflows(t *testing.T) {
	dir := t.TempDir()
	term := newTerminal(t, 120, 40, session(t, dir), binary+" --demo")
	term.waitFor("App name")
	term.typeText("demo-shop")
	term.waitFor("demo-shop") // typed before the window shrinks (a small window drops keys)
	term.resize(70, 20)
	term.waitFor("at least 80×24")
	term.resize(100, 30)
	screen := term.waitFor("App name")
	if !strings.Contains(screen, "demo-shop") {
		t.Errorf("the typed app name was lost across the resize:\n%s", screen)
	}
	// tmux wraps a line wider than the pane into the next row, so overflow shows as a
	// layout out of place: the header must be on the first row and the key help last.
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "ecswiz  ") {
		t.Errorf("the header is not on the first row after the resize:\n%s", screen)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "ctrl+c quit") || len(lines) < 28 {
		t.Errorf("the key help is not at the bottom of the 30 rows after the resize (last text on row %d):\n%s", len(lines), screen)
	}
}
