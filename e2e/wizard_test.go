package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// session is the environment a person's shell would give ecswiz: a terminal, a home,
// a config directory of its own, and no AWS settings.
func session(t *testing.T, dir string, extra ...string) []string {
	t.Helper()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TERM=xterm-256color",
		"ECSWIZ_CONFIG_DIR=" + filepath.Join(dir, "config"),
	}, extra...)
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
	if !strings.Contains(screen, "aws ecs update-service --cluster demo-shop --service demo-shop-dev-web") {
		t.Errorf("no update-service line for the service running the family:\n%s", screen)
	}

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
}

// TestAKilledWizardResumesItsAnswers kills the wizard with SIGKILL after two steps and
// checks --resume brings back the step and the answers.
func TestAKilledWizardResumesItsAnswers(t *testing.T) {
	dir := t.TempDir()
	env := session(t, dir)
	term := newTerminal(t, 120, 40, env, "exec "+binary+" --demo")
	term.waitFor("App name")
	term.typeText("demo-shop")
	term.send("Enter", "Down", "Down") // environment: prod
	term.waitFor("App name  demo-shop")
	term.enterUntil("Sizing")
	term.waitFor("2048")
	term.enterUntil("Django")
	term.typeText("") // nothing typed on Django yet

	draft := filepath.Join(dir, "config", "draft.tfvars")
	waitForContent(t, draft, `"step":2`)
	pid := term.panePID()
	if err := exec.Command("kill", "-9", pid).Run(); err != nil {
		t.Fatalf("kill -9 %s: %v", pid, err)
	}

	resumed := newTerminal(t, 120, 40, env, binary+" --demo --resume")
	screen := resumed.waitFor("Django")
	if !onStep(screen, "Django") || !strings.Contains(screen, "✓1") || !strings.Contains(screen, "✓2") {
		t.Fatalf("--resume did not open at Django with the first two steps done:\n%s", screen)
	}
	resumed.send("M-1")
	screen = resumed.waitFor("App name")
	for _, want := range []string{"demo-shop", "prod"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the resumed Application step lost %q:\n%s", want, screen)
		}
	}
	resumed.send("M-2")
	screen = resumed.waitFor("Memory")
	if !strings.Contains(screen, "4096") {
		t.Errorf("the resumed Sizing step lost prod's 2048 CPU / 4096 MiB:\n%s", screen)
	}
	info, err := os.Stat(draft)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the draft has mode %v, want 0600", info.Mode().Perm())
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
