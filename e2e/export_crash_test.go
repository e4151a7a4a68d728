package e2e

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// exportKillsEnv sets how many exports TestAKilledExportLeavesTheOldFile kills
// (default 40; 12 when the binary is built with -race, whose start takes a second; 10
// with -short).
const exportKillsEnv = "ECSWIZ_E2E_EXPORT_KILLS"

// TestAKilledExportLeavesTheOldFile runs `ecswiz export -o FILE --force` over an
// existing file and kills it with SIGKILL at random moments of its run, many times:
// the file is always the old one or the whole export, and the temporary files of the
// killed runs do not pile up.
//
// ECSWIZ_E2E_EXPORT_KILLS=500 go test -run TestAKilledExportLeavesTheOldFile -v ./e2e
func TestAKilledExportLeavesTheOldFile(t *testing.T) {
	trackBinary(t)
	kills := 40
	switch {
	case testing.Short():
		kills = 10
	case raceEnabled:
		kills = 12
	}
	if v := os.Getenv(exportKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of kills", exportKillsEnv, v)
		}
		kills = n
	}
	dir := t.TempDir()
	env := session(t, dir)
	spec, err := filepath.Abs("../examples/basic-dev.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	export := func(out string) *exec.Cmd {
		cmd := exec.Command(binary, "export", "-f", spec, "--format", "module", "-o", out, "--force")
		cmd.Env = env
		return cmd
	}

	// The whole export, and how long a run takes to write it (the middle of three): the
	// kills land anywhere up to a little after that, most before the file is replaced.
	full := filepath.Join(dir, "full.tf")
	var took []time.Duration
	for range 3 {
		_ = os.Remove(full)
		took = append(took, timeToWrite(t, export(full), full))
	}
	slices.Sort(took)
	window := took[1] * 6 / 5
	want, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}

	exports := filepath.Join(dir, "exports")
	if err := os.Mkdir(exports, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(exports, "task_definition.tf")
	old := []byte("# the old export: it stays until the new one is whole\n")
	var keptOld, replaced int
	for i := range kills {
		if err := os.WriteFile(path, old, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := export(path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(rand.N(window))
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil && !strings.Contains(err.Error(), "killed") {
			t.Fatalf("run %d: ecswiz export failed before it was killed: %v\n%s", i+1, err, stderr.String())
		}
		got, err := os.ReadFile(path)
		switch {
		case err != nil:
			t.Fatalf("run %d: the file is gone: %v", i+1, err)
		case bytes.Equal(got, old):
			keptOld++
		case bytes.Equal(got, want):
			replaced++
		default:
			t.Fatalf("run %d: the file is neither the old one nor the whole export:\n%s", i+1, got)
		}
		if temps := exportTemps(t, exports); len(temps) > 1 {
			t.Fatalf("run %d: temporary files pile up: %v", i+1, temps)
		}
	}
	if out, err := export(path).CombinedOutput(); err != nil {
		t.Fatalf("ecswiz export after the kills: %v\n%s", err, out)
	}
	if temps := exportTemps(t, exports); len(temps) > 0 {
		t.Errorf("the export after the kills left the killed ones' temporary files: %v", temps)
	}
	t.Logf("%d runs of ecswiz export killed at random moments: the old file whole after %d, the new one whole after %d",
		kills, keptOld, replaced)
	if keptOld == 0 {
		t.Error("no kill landed before the export replaced the file: the test proved nothing")
	}
}

// timeToWrite runs cmd and says how long after its start the file path appeared.
func timeToWrite(t *testing.T, cmd *exec.Cmd, path string) time.Duration {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	var took time.Duration
	for {
		if _, err := os.Stat(path); err == nil && took == 0 {
			took = time.Since(start)
		}
		select {
		case err := <-ended:
			if _, serr := os.Stat(path); serr == nil && took == 0 {
				took = time.Since(start) // written in the last millisecond
			}
			if err != nil || took == 0 {
				t.Fatalf("ecswiz export: %v (the file written: %v)\n%s", err, took != 0, out.String())
			}
			return took
		case <-time.After(time.Millisecond):
		}
	}
}

// exportTemps lists the temporary files in dir.
func exportTemps(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var temps []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			temps = append(temps, e.Name())
		}
	}
	return temps
}
