package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selectRow moves the cursor (the row with ▸) to the row holding text, pressing Down or
// Up by where that row is. Rows fill in while the screen streams, so one key may be
// read after the screen changed for another reason: choosing the direction from each
// screen lets an overshoot come back rather than stop at the last row.
func (term *terminal) selectRow(text string) {
	term.t.Helper()
	selected := regexp.MustCompile(`(?m)^\s*▸ .*` + regexp.QuoteMeta(text))
	for range 40 {
		before := term.screen()
		if selected.MatchString(before) {
			return
		}
		cursor, target := -1, -1
		for i, line := range strings.Split(before, "\n") {
			switch {
			case strings.Contains(line, "▸ "):
				cursor = i
			case target < 0 && strings.Contains(line, text):
				target = i
			}
		}
		key := "Down"
		if cursor >= 0 && target >= 0 && target < cursor {
			key = "Up"
		}
		term.send(key)
		deadline := time.Now().Add(5 * time.Second)
		for term.screen() == before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	term.t.Fatalf("no row holding %q could be selected; the screen is:\n%s", text, term.screen())
}

// TestDoctorToAFixInTheWizard walks the troubleshooter on the demo as someone whose
// task keeps stopping would: pick the cluster and the service, open the task that ran
// out of memory, read its cause, checks and logs, then fix it in the wizard and register
// the corrected revision.
func TestDoctorToAFixInTheWizard(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "ecswiz.log")
	term := newTerminal(t, 120, 40, session(t, dir),
		"cd "+dir+" && "+binary+" --demo --log-file "+log+" doctor")

	term.waitFor("Clusters")
	term.waitFor("demo-shop")
	term.send("Enter")
	term.waitFor("Services of demo-shop")
	term.waitFor("demo-shop-prod-web")
	term.selectRow("demo-shop-prod-web")
	term.send("Enter")
	term.waitFor("Stopped tasks of demo-shop-prod-web")
	term.waitFor("The container ran out of memory and was killed")
	term.selectRow("fbe429f3")
	term.send("Enter")

	screen := term.waitFor("Checks of demo-shop-prod:2")
	for _, want := range []string{
		"OutOfMemoryError: Container killed due to memory usage",
		"exit 137",
		"task_memory 2048 → 3072 MiB with 1024 CPU",
		"list price, us-east-1",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the task's detail lacks %q:\n%s", want, screen)
		}
	}
	// The container's own stream, not the group's first.
	term.send("PPage") // back to the top is a no-op; the logs are further down
	for range 4 {
		term.send("NPage")
	}
	term.waitFor("ecs/demo-shop/fbe429f3b74c6cf9ed338678788d5813")
	term.waitFor("Export progress: 100000/184223 rows buffered")

	// Fix in the wizard: it opens on the revision at Sizing, memory focused, the next
	// size chosen.
	term.send("w")
	screen = term.waitFor("Opened from doctor on demo-shop-prod:2")
	if !onStep(screen, "Sizing") || !strings.Contains(screen, "▸ Memory") || !strings.Contains(screen, "▸ 3072 MiB") {
		t.Fatalf("the wizard did not open at Sizing's memory with 3072 MiB chosen:\n%s", screen)
	}
	term.send("Enter") // take it
	term.waitFor("Architecture")
	term.send("M-8")
	term.waitFor("ECS JSON")
	term.send("Right") // the tfvars tab
	if screen := term.waitFor("task_memory"); !regexp.MustCompile(`task_memory\s+= "3072"`).MatchString(screen) {
		t.Errorf("the review does not hold the new memory:\n%s", screen)
	}
	term.enterUntil("Act")
	term.send("Enter")
	term.waitFor("y register")
	term.send("y")
	term.waitFor("✓ Registered demo-shop-prod:4")
	screen = term.waitFor("What rolling it to demo-shop-prod:4 changes")
	for _, want := range []string{"demo-shop-prod-web (cluster demo-shop) runs demo-shop-prod:3", "--- demo-shop-prod:3", "+++ demo-shop-prod:4"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the registration lacks %q:\n%s", want, screen)
		}
	}
	for range 6 {
		term.send("NPage")
	}
	term.waitFor("aws ecs update-service --cluster demo-shop --service demo-shop-prod-web")

	term.send("C-c")
	term.waitFor("Quit")
	term.send("y")
	screen = term.waitFor("[exit 0]")
	if !strings.Contains(screen, "Registered demo-shop-prod:4") {
		t.Errorf("the summary does not name the new revision:\n%s", screen)
	}
}
